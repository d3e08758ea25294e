"""Topic tags from keyword rules (see catalog/topic_tags.toml), applied at import."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path


class TopicRulesError(ValueError):
    pass


@dataclass(frozen=True)
class TopicRule:
    tag: str
    pattern: re.Pattern | None
    sections: frozenset[str]
    # The keywords in lower case when all are ASCII: an ASCII text containing none of them cannot match.
    needles: tuple[str, ...] = ()

    def matches(self, text: str, section_title: str, *, ascii_lowered: str | None = None) -> bool:
        """Whether the rule tags an entry; `ascii_lowered` is `text` in lower case if it is ASCII, else None."""
        if section_title in self.sections:
            return True
        if self.pattern is None:
            return False
        if self.needles and ascii_lowered is not None and not any(needle in ascii_lowered for needle in self.needles):
            return False
        return bool(self.pattern.search(text))


def load_rules(path) -> list[TopicRule]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TopicRulesError(f"{path}: {error}") from error
    rules = []
    for tag, table in data.get("tags", {}).items():
        keywords = table.get("keywords", [])
        sections = table.get("sections", [])
        if not all(isinstance(item, str) and item for item in [*keywords, *sections]):
            raise TopicRulesError(f"{path}: [tags.{tag}]: keywords and sections must be lists of non-empty strings")
        pattern = None
        if keywords:
            words = "|".join(re.escape(keyword) for keyword in sorted(keywords, key=len, reverse=True))
            pattern = re.compile(rf"(?<!\w)(?:{words})(?:e?s)?(?!\w)", re.IGNORECASE)
        needles = tuple(keyword.lower() for keyword in keywords) if all(map(str.isascii, keywords)) else ()
        rules.append(TopicRule(tag, pattern, frozenset(sections), needles))
    return rules


def topic_tags(rules: list[TopicRule], *, text: str, section_title: str) -> list[str]:
    lowered = text.lower() if text.isascii() else None
    return [rule.tag for rule in rules if rule.matches(text, section_title, ascii_lowered=lowered)]

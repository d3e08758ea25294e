"""Topic rules (see catalog/topic_tags.toml): the tags an entry's text gets at import, the topics a section implies."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from taggit.models import Tag

WORD = re.compile(r"\w+")


class TopicRulesError(ValueError):
    pass


@dataclass(frozen=True)
class TopicRule:
    tag: str
    pattern: re.Pattern | None
    sections: frozenset[str]
    # Words of an ASCII text one of which it must hold to match (lower case), or None if there are none to look for.
    words: frozenset[str] | None = None


class TopicRules:
    """The rules of a rule file, in order, indexed by the words an ASCII text needs to hold to match each one.

    A keyword matches as a whole word or phrase, so in an ASCII text a keyword of word characters only is one of
    its words (as it is, or with "s" or "es"), and a keyword such as "in-context learning" starts at a word that
    is its first word ("in"). A text is searched only for the rules of the words it holds.
    """

    def __init__(self, rules: list[TopicRule]):
        self.rules = rules
        self.by_word: dict[str, set[int]] = {}
        self.by_section: dict[str, set[int]] = {}
        self.always = {number for number, rule in enumerate(rules) if rule.pattern and rule.words is None}
        for number, rule in enumerate(rules):
            for word in rule.words or ():
                self.by_word.setdefault(word, set()).add(number)
            for section in rule.sections:
                self.by_section.setdefault(section, set()).add(number)
        self.words = frozenset(self.by_word)

    def tags(self, text: str) -> list[str]:
        """The tags of an entry whose text (title, or name and description) is `text`, in the order of the rules."""
        matching = {number for number in self._candidates(text) if self.rules[number].pattern.search(text)}
        return [self.rules[number].tag for number in sorted(matching)]

    def implied_topics(self, section_title: str) -> list[str]:
        """The topics a section headed `section_title` implies, in the order of the rules."""
        return [self.rules[number].tag for number in sorted(self.by_section.get(section_title, ()))]

    def _candidates(self, text: str) -> set[int]:
        """The numbers of the rules whose keywords `text` may hold."""
        if not text.isascii():
            return {number for number, rule in enumerate(self.rules) if rule.pattern}
        found = self.words.intersection(WORD.findall(text.lower()))
        return self.always.union(*(self.by_word[word] for word in found))


def load_rules(path) -> TopicRules:
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
        rules.append(TopicRule(tag, pattern, frozenset(sections), _words_to_look_for(keywords)))
    return TopicRules(rules)


def _words_to_look_for(keywords: list[str]) -> frozenset[str] | None:
    words = set()
    for keyword in keywords:
        first = WORD.match(keyword.lower())
        if not keyword.isascii() or not first:
            return None
        if first.end() == len(keyword):
            words |= {first[0], first[0] + "s", first[0] + "es"}
        else:
            words.add(first[0])
    return frozenset(words)


def topic_tags(rules: TopicRules, *, text: str) -> list[str]:
    return rules.tags(text)


def implied_topics(rules: TopicRules, *, section_title: str) -> list[str]:
    return rules.implied_topics(section_title)


def tags_named(names) -> dict[str, Tag]:
    """The tags called `names` (as the rules name them), those the catalog does not have yet made."""
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in sorted(set(names) - set(tags)):
        tags[name] = Tag.objects.create(name=name)
    return tags


def imply_rule_topics(rules: TopicRules, section) -> bool:
    """Give a saved section the topics the rules imply for its heading; whether there were any."""
    names = implied_topics(rules, section_title=section.title)
    if names:
        section.implied_topics.add(*tags_named(names).values())
    return bool(names)

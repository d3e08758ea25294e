"""What a long job reports, line by line with a level, so a command and the admin show the same words."""

from dataclasses import dataclass

INFO, WARNING, ERROR = "info", "warning", "error"


@dataclass(frozen=True)
class ReportLine:
    level: str
    text: str


def plural(count: int, singular: str, plural_form: str = "") -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def as_text(lines: list[ReportLine]) -> str:
    return "\n".join(line.text for line in lines)

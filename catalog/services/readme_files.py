"""Reading a README file: its text, or the problems that stop it being read, each at PATH:LINE."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from catalog import readme
from catalog.services.files import FileTooLarge, read_regular_file


@dataclass
class ReadmeProblems(Exception):
    """Problems that stop an import, each reported as `PATH:LINE: reason`."""

    path: str
    problems: list[readme.Problem]

    def lines(self) -> list[str]:
        return [
            f"{self.path}:{problem.line}: {problem.message}" if problem.line else f"{self.path}: {problem.message}"
            for problem in self.problems
        ]

    def __str__(self):
        return "\n".join(self.lines())


def read_readme_text(path) -> str:
    """The text of the README at `path`, refusing files that are not UTF-8 markdown."""
    name = str(path)
    try:
        data = read_regular_file(path, limit=settings.CATALOG_README_MAX_BYTES)
    except FileTooLarge as error:
        reason = f"cannot read the file: {error.strerror} (CATALOG_README_MAX_BYTES)"
        raise ReadmeProblems(name, [readme.Problem(0, reason, readme.ERROR)]) from None
    except OSError as error:
        reason = f"cannot read the file: {error.strerror}"
        raise ReadmeProblems(name, [readme.Problem(0, reason, readme.ERROR)]) from None
    if not data.strip():
        raise ReadmeProblems(name, [readme.Problem(1, "the file is empty", readme.ERROR)])
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        reason = "NUL byte: this is a binary file, not markdown"
        raise ReadmeProblems(name, [readme.Problem(line, reason, readme.ERROR)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reason = f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        raise ReadmeProblems(name, [readme.Problem(line, reason, readme.ERROR)]) from None

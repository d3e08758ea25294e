"""Field validators that keep every stored value writable into the README."""

from django.core.exceptions import ValidationError

from catalog.readme import inline


def validate_http_url(value: str) -> None:
    problem = inline.url_problem(value)
    if problem:
        raise ValidationError("The URL %(problem)s.", code="invalid_url", params={"problem": problem})


def validate_star_repo(value: str) -> None:
    if value and not inline.STAR_REPO_RE.fullmatch(value):
        raise ValidationError(
            "Enter a GitHub repository as owner/name, e.g. TransformerLensOrg/TransformerLens.",
            code="invalid_star_repo",
        )


def validate_one_line(value: str) -> None:
    problem = inline.text_problem(value, required=False)
    if problem:
        raise ValidationError("This text %(problem)s.", code="not_one_line", params={"problem": problem})


def validate_venue_name(value: str) -> None:
    if value == "-":
        raise ValidationError("'-' marks a paper without a venue; it cannot be a venue name.", code="reserved")


def validate_no_control_characters(value: str) -> None:
    if inline.CONTROL_CHARACTERS.search(value):
        raise ValidationError("Remove the control characters from this text.", code="control_characters")
    if noncharacter := inline.NONCHARACTERS.search(value):
        raise ValidationError(
            "Remove the Unicode noncharacter U+%(code)s from this text.",
            code="noncharacters",
            params={"code": f"{ord(noncharacter.group()):04X}"},
        )

"""Tag input for the admin: the catalog's tags offered while typing, and new tags written as the catalog writes them
(lower case, words joined by hyphens), with the change told to the maintainer."""

import re

from django.contrib import messages
from django.db.models.functions import Lower
from taggit.forms import TagWidget
from taggit.models import Tag

SEPARATORS = re.compile(r"[\s_,;]+")


def normalise_tag(name: str) -> str:
    """`name` in the catalog's convention: "Refusal Vectors" and "refusal_vectors" give "refusal-vectors"."""
    return re.sub(r"-{2,}", "-", SEPARATORS.sub("-", name.strip().lower())).strip("-")


def canonical_tag_names(names) -> tuple[list[str], list[tuple[str, str]]]:
    """Each name as the existing tag of that name (any case) spells it, or else normalised; and the new tags whose
    name changed, as (typed, saved)."""
    wanted = {name.lower() for name in names} | {normalise_tag(name) for name in names}
    existing = {tag.low: tag.name for tag in Tag.objects.annotate(low=Lower("name")).filter(low__in=wanted)}
    canonical, renamed = [], []
    for name in names:
        saved = existing.get(name.lower()) or existing.get(normalise_tag(name)) or normalise_tag(name)
        if name.lower() not in existing and saved != name:
            renamed.append((name, saved))
        if saved not in canonical:
            canonical.append(saved)
    return canonical, renamed


class TagInput(TagWidget):
    """Comma-separated tags; a datalist of the catalog's tags that static/js/admin-tags.js fits to the tag being
    typed."""

    template_name = "catalog/widgets/tag_input.html"

    def __init__(self, attrs=None):
        super().__init__({"class": "vLargeTextField", **(attrs or {})})

    class Media:
        js = ["js/admin-tags.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"].update({"list": f"{widget['attrs']['id']}-choices", "autocomplete": "off"})
        widget["tag_names"] = Tag.objects.order_by(Lower("name")).values_list("name", flat=True)
        return context


class NewTagNamesMixin:
    """For a ModelAdmin whose form has a CatalogTagField `tags`: says which new tags were renamed, and to what."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for typed, saved in getattr(form.fields.get("tags"), "renamed", []):
            self.message_user(
                request, f"Tag “{typed}” saved as “{saved}” (lower case, hyphens between words).", messages.INFO
            )

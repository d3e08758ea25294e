"""Helpers for the admin tests: users with given permissions and the POST data of the admin's forms."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from catalog.admin.readme_text import readme_field_values

PASSWORD = "a-long-password-1"


def make_user(username, *, superuser=False, staff=True, permissions=()):
    """A user; `permissions` are codenames of the catalog app, e.g. "change_paper"."""
    users = get_user_model().objects
    if superuser:
        return users.create_superuser(username, f"{username}@example.org", PASSWORD)
    user = users.create_user(username, f"{username}@example.org", PASSWORD, is_staff=staff)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="catalog", codename__in=permissions))
    return user


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def paper_form_data(paper, **changes):
    """What the paper change form posts when nothing is edited, with `changes` applied."""
    links = list(paper.links.order_by("kind", "position", "id"))
    credits = list(paper.paper_authors.select_related("author"))
    data = {
        "title": paper.title,
        "url": paper.url,
        "venue": paper.venue_id or "",
        "date": paper.date.isoformat(),
        "section": paper.section_id,
        "star_repo": paper.star_repo,
        "tags": ", ".join(sorted(paper.tags.names())),
        "abstract": paper.abstract,
        "doi": paper.doi,
        "openreview_id": paper.openreview_id,
        "arxiv_primary_category": paper.arxiv_primary_category,
        "position": paper.position,
        **readme_field_values(paper),
        **inline_management("links", total=len(links), initial=len(links)),
        **inline_management("paper_authors", total=len(credits), initial=len(credits)),
    }
    for index, credit in enumerate(credits):
        data.update({f"paper_authors-{index}-{name}": value for name, value in credit_fields(credit).items()})
    if paper.position_pinned:
        data["position_pinned"] = "on"
    for index, link in enumerate(links):
        for name in ("id", "kind", "position", "label", "url"):
            data[f"links-{index}-{name}"] = getattr(link, name)
        data[f"links-{index}-paper"] = paper.pk
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def credit_fields(credit):
    return {"id": credit.pk, "paper": credit.paper_id, "position": credit.position, "name": credit.author.name}

"""Authors by name: one `Author` per distinct name, made when first named, and papers' ordered author lists."""

from django.db.models import Q
from django.utils.text import slugify

from catalog.models import Author, Paper, PaperAuthor, unique_author_slug


def clean_names(names) -> list[str]:
    """`names` with their whitespace folded, empty ones and repeats left out, in order."""
    return list(dict.fromkeys(cleaned for name in names if (cleaned := " ".join(str(name).split()))))


def authors_named(names) -> dict[str, Author]:
    """The author of each name, those not known yet made (with slugs no author has)."""
    names = clean_names(names)
    found = {}
    for author in Author.objects.filter(name__in=names).order_by("pk"):
        found.setdefault(author.name, author)
    new = [name for name in names if name not in found]
    if new:
        bases = {slugify(name)[:200] or "author" for name in new}
        similar = Q()
        for base in bases:
            similar |= Q(slug__startswith=base)
        taken = set(Author.objects.filter(similar).values_list("slug", flat=True))
        made = []
        for name in new:
            slug = unique_author_slug(name, taken=taken)
            taken.add(slug)
            made.append(Author(name=name, slug=slug))
        Author.objects.bulk_create(made)  # both SQLite and PostgreSQL give the new rows their ids
        found.update((author.name, author) for author in made)
    return found


def set_authors(papers_names: dict[Paper, list[str]]) -> None:
    """Give each paper the authors named, in that order, in place of the ones it had."""
    named = authors_named(name for names in papers_names.values() for name in names)
    PaperAuthor.objects.filter(paper__in=list(papers_names)).delete()
    PaperAuthor.objects.bulk_create(
        PaperAuthor(paper=paper, author=named[name], position=position)
        for paper, names in papers_names.items()
        for position, name in enumerate(clean_names(names))
    )

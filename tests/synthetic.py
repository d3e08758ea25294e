"""Synthetic papers added to the seeded catalog, to check that query counts do not grow with its size."""

import datetime as dt

from taggit.models import Tag

from catalog.models import Paper, PaperLink, Section, TaggedPaper, Venue


def add_papers(count, *, start=0):
    """`count` more papers numbered from `start`, each with a code link and two tags (sae and one of seven)."""
    section = Section.objects.get(slug="interpretable-analysis-of-llms")
    venue = Venue.objects.get(name="ICLR")
    papers = Paper.objects.bulk_create(
        Paper(
            section=section,
            title=f"Synthetic paper {number}",
            url=f"https://example.org/{number}",
            venue=venue,
            date=dt.date(2021, 1, 1) + dt.timedelta(days=number),
            position=100_000 + number,
        )
        for number in range(start, start + count)
    )
    PaperLink.objects.bulk_create(
        PaperLink(paper=paper, kind=PaperLink.Kind.CODE, label="Github", url=f"https://github.com/x/{paper.pk}")
        for paper in papers
    )
    sae = Tag.objects.get(slug="sae")
    synthetic = [Tag.objects.get_or_create(name=f"synthetic-{n}", slug=f"synthetic-{n}")[0] for n in range(7)]
    TaggedPaper.objects.bulk_create(
        TaggedPaper(content_object=paper, tag=tag) for paper in papers for tag in (sae, synthetic[paper.pk % 7])
    )

"""Small factories of catalog rows for tests: each makes a valid row with the fewest values, the test says the rest.

`PaperFactory(title="Grokking", venue=VenueFactory(name="ICLR"))`; a section is made when none is given.
"""

import datetime as dt

import factory

from catalog.models import Paper, PaperLink, Repository, Resource, ResourceLink, Section, SectionKind, Venue


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    title = factory.Sequence(lambda n: f"Section {n}")
    level = 1


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Venue {n}")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    title = factory.Sequence(lambda n: f"Paper {n}")
    url = factory.Sequence(lambda n: f"https://example.org/papers/{n}")
    date = dt.date(2024, 1, 1)
    section = factory.SubFactory(SectionFactory)
    venue = None


class PaperLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperLink

    paper = factory.SubFactory(PaperFactory)
    kind = PaperLink.Kind.CODE
    label = "Code"
    url = factory.Sequence(lambda n: f"https://example.org/code/{n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    name = factory.Sequence(lambda n: f"Resource {n}")
    url = factory.Sequence(lambda n: f"https://example.org/resources/{n}")
    section = factory.SubFactory(SectionFactory, kind=SectionKind.RESOURCES)


class ResourceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceLink

    resource = factory.SubFactory(ResourceFactory)
    label = "Docs"
    url = factory.Sequence(lambda n: f"https://example.org/docs/{n}")


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repository

    full_name = factory.Sequence(lambda n: f"owner/repository-{n}")

"""Publishing: compare the README on disk with the export, and write the export and the fixture."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from catalog import readme
from catalog.models import Section
from catalog.services.files import write_atomically
from catalog.services.fixtures import catalog_fixture
from catalog.services.readme import ReadmeDiff, build_document, export_readme, readme_diff


class ReviewOutdated(Exception):
    """The README on disk or the catalog changed after the diff was reviewed."""


class Unexportable(Exception):
    """A section of the catalog cannot be written into the README as it is now."""


def check_exportable(*, section_ids) -> None:
    """Raise Unexportable, with the reason, if one of the sections `section_ids` cannot be written now.

    Only these sections are checked, so one entry that cannot be written does not block edits elsewhere.
    """
    ids = Section.objects.order_by("position", "id").values_list("pk", flat=True)
    for pk, section in zip(ids, build_document().sections, strict=True):
        if pk in section_ids:
            try:
                readme.render_section(section)
            except readme.RenderError as error:
                raise Unexportable(str(error)) from None


@dataclass
class PublishPreview:
    exported: str
    diff: ReadmeDiff

    @property
    def fingerprint(self) -> str:
        """Changes whenever the file on disk or the export changes, so a publish writes what was reviewed."""
        return hashlib.sha256(self.diff.text.encode() + b"\0" + self.exported.encode()).hexdigest()


def read_published_readme() -> str:
    """The README at CATALOG_README_PATH, or an empty text when there is none yet."""
    path = settings.CATALOG_README_PATH
    if not path.exists():
        return ""
    return path.read_bytes().decode("utf-8", errors="replace")


def _preview(exported: str) -> PublishPreview:
    diff = readme_diff(
        read_published_readme(),
        exported,
        current_name=str(settings.CATALOG_README_PATH),
        exported_name="database export",
    )
    return PublishPreview(exported=exported, diff=diff)


def preview_publish() -> PublishPreview:
    """The export and its diff from the README on disk; raises readme.RenderError for an unwritable value."""
    return _preview(export_readme())


def publish(*, fingerprint: str) -> PublishPreview:
    """Write the export to CATALOG_README_PATH and regenerate CATALOG_FIXTURE_PATH, each atomically.

    `fingerprint` is the one of the preview that was reviewed; if anything changed since, nothing is written
    and ReviewOutdated is raised.
    """
    with transaction.atomic():
        preview = _preview(export_readme())
        fixture, _ = catalog_fixture()
    if preview.fingerprint != fingerprint:
        raise ReviewOutdated
    write_atomically(settings.CATALOG_README_PATH, preview.exported)
    write_atomically(settings.CATALOG_FIXTURE_PATH, fixture)
    return preview

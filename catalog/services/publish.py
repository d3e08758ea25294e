"""Publishing: compare the README on disk with the export, and write the export and the fixture."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from catalog import readme
from catalog.models import Section
from catalog.services.document_mapping import build_sections
from catalog.services.files import file_lock, regular_file_target, write_atomically
from catalog.services.fixtures import catalog_fixture
from catalog.services.readme_export import ReadmeDiff, export_readme, readme_diff


class ReviewOutdated(Exception):
    """The README on disk or the catalog changed after the diff was reviewed."""


class Unexportable(Exception):
    """A section of the catalog cannot be written into the README as it is now."""


def check_exportable(*, section_ids) -> None:
    """Raise Unexportable, with the reason, if one of the sections `section_ids` cannot be written now.

    Only these sections are checked, so one entry that cannot be written does not block edits elsewhere.
    """
    for section in build_sections(Section.objects.filter(pk__in=section_ids).order_by("position", "id")):
        try:
            readme.render_section(section)
        except readme.RenderError as error:
            raise Unexportable(str(error)) from None


class NothingToPublish(Exception):
    """The README and the fixture on disk are already what the catalog exports."""


@dataclass
class PublishPreview:
    exported: str
    diff: ReadmeDiff
    fixture: str
    fixture_changed: bool

    @property
    def changed(self) -> bool:
        """The README differs, or only the fixture does (tags and venue kinds are not in the README)."""
        return self.diff.changed or self.fixture_changed

    @property
    def fingerprint(self) -> str:
        """Changes whenever a file on disk or the export changes, so a publish writes what was reviewed."""
        reviewed = "\0".join([self.diff.text, self.exported, self.fixture, str(self.fixture_changed)])
        return hashlib.sha256(reviewed.encode()).hexdigest()


def _read_text(path) -> str:
    """The text of the file at `path`, or an empty text when there is none yet; NotARegularFile (an OSError) for a
    FIFO, device or directory, which a read could block on or a publish would replace."""
    target = regular_file_target(path)
    if not target.exists():
        return ""
    return target.read_bytes().decode("utf-8", errors="replace")


def read_published_readme() -> str:
    """The README at CATALOG_README_PATH, or an empty text when there is none yet."""
    return _read_text(settings.CATALOG_README_PATH)


def catalog_snapshot() -> tuple[str, str]:
    """The README export and the fixture, read from one state of the catalog.

    SQLite reads a transaction from one snapshot; PostgreSQL does with REPEATABLE READ, set here when this is the
    outermost transaction (an edit saved meanwhile is then in both texts or in neither).
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        exported = export_readme()
        fixture, _ = catalog_fixture()
    return exported, fixture


def _preview() -> PublishPreview:
    exported, fixture = catalog_snapshot()
    diff = readme_diff(
        read_published_readme(),
        exported,
        current_name=str(settings.CATALOG_README_PATH),
        exported_name="database export",
    )
    fixture_changed = _read_text(settings.CATALOG_FIXTURE_PATH) != fixture
    return PublishPreview(exported=exported, diff=diff, fixture=fixture, fixture_changed=fixture_changed)


def preview_publish() -> PublishPreview:
    """The export, its diff from the README on disk and the fixture; raises readme.RenderError for an unwritable
    value and OSError for a file that cannot be read.

    The files are read under the publish lock (shared), so the README and the fixture seen are from one publish.
    """
    with file_lock(settings.CATALOG_README_PATH, shared=True):
        return _preview()


def publish(*, fingerprint: str) -> PublishPreview:
    """Write the export to CATALOG_README_PATH and regenerate CATALOG_FIXTURE_PATH, each atomically.

    `fingerprint` is the one of the preview that was reviewed; if anything changed since, nothing is written
    and ReviewOutdated is raised. NothingToPublish is raised when both files are already up to date.
    The whole check-and-write holds the publish lock, so two publishes at once, from any process, never
    interleave: the two files always hold one complete export.
    """
    with file_lock(settings.CATALOG_README_PATH):
        preview = _preview()
        if not preview.changed:
            raise NothingToPublish
        if preview.fingerprint != fingerprint:
            raise ReviewOutdated
        write_atomically(settings.CATALOG_README_PATH, preview.exported)
        write_atomically(settings.CATALOG_FIXTURE_PATH, preview.fixture)
    return preview

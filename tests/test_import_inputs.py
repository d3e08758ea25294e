"""Unusual import inputs: a device, a FIFO, a directory or a file over the size limit is refused at once, with a
reason, and the catalog is left as it was; many distinct venues import in one read of the venue table."""

import os
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Venue
from tests.conftest import SEED_README

pytestmark = pytest.mark.django_db


def import_readme(*args) -> CommandError:
    errors = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_readme", *args, stdout=StringIO(), stderr=errors)
    return f"{errors.getvalue()}\n{error.value}"


def fifo(tmp_path):
    path = tmp_path / "README.md"
    os.mkfifo(path)
    return str(path)


def without_a_writer(function, *args):
    """`function(*args)`, run in a thread given 20 s: opening a FIFO nobody writes to would block."""
    outcome = {}

    def run():
        try:
            outcome["result"] = function(*args)
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "still waiting on the FIFO"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@pytest.mark.parametrize("mode", [[], ["--sync"], ["--replace"]])
def test_dev_zero_is_refused_as_a_device(seeded, export, mode):
    before = export()
    message = import_readme("/dev/zero", *mode)
    assert "/dev/zero: cannot read the file: it is a character device, not a regular file" in message
    assert export() == before


def test_a_fifo_is_refused_without_waiting_for_a_writer(seeded, export, tmp_path):
    path = fifo(tmp_path)
    message = without_a_writer(import_readme, path, "--sync")
    assert f"{path}: cannot read the file: it is a FIFO, not a regular file" in message


def test_lint_refuses_a_fifo_too(tmp_path):
    path = fifo(tmp_path)
    with pytest.raises(CommandError, match="it is a FIFO, not a regular file"):
        without_a_writer(call_command, "lint_readme", path)


def test_a_directory_is_refused(db, tmp_path):
    assert "it is a directory, not a regular file" in import_readme(str(tmp_path))


def test_a_file_over_the_size_limit_is_refused_with_the_limit(seeded, export, settings, tmp_path):
    settings.CATALOG_README_MAX_BYTES = len(SEED_README.read_bytes()) - 1
    before = export()
    message = import_readme(str(SEED_README), "--sync")
    limit = f"{settings.CATALOG_README_MAX_BYTES:,}"
    assert f"cannot read the file: it is larger than {limit} bytes (CATALOG_README_MAX_BYTES)" in message
    assert export() == before

    settings.CATALOG_README_MAX_BYTES += 1
    call_command("import_readme", str(SEED_README), "--sync", stdout=StringIO(), stderr=StringIO())


def test_distinct_venues_are_looked_up_in_one_query(db, tmp_path, django_assert_max_num_queries):
    head = "|  Title  |   Venue  |   Date   |   Code   |   Blog   |\n|:--|:--:|:--:|:--:|:--:|"
    rows = [
        f"| [**Paper {number}**](https://example.org/{number}) <br>| Venue {number} | 2024-01-01 | - | - |"
        for number in range(300)
    ]
    path = tmp_path / "venues.md"
    path.write_text("# Papers\n\n" + head + "\n" + "\n".join(rows))
    Venue.objects.create(name="VENUE 7")
    with django_assert_max_num_queries(1000) as context:
        call_command("import_readme", str(path), stdout=StringIO(), stderr=StringIO())
    venue_reads = [query for query in context.captured_queries if query["sql"].startswith('SELECT "catalog_venue"')]
    assert len(venue_reads) == 1
    assert Venue.objects.count() == 300
    assert Venue.objects.filter(name="Venue 7").exists()

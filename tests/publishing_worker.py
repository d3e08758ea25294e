"""One process publishing one state of the catalog again and again, for the concurrent publishing test.

    python -m tests.publishing_worker STATE ROUNDS EXPECTED_PREFIX

with DATABASE_URL (its own database), CATALOG_README_PATH and CATALOG_FIXTURE_PATH (shared with the other
processes) in the environment. It builds its catalog from the seed README, changed as STATE says, writes the
README and fixture it exports to EXPECTED_PREFIX.md and EXPECTED_PREFIX.json, prints "ready", waits for a line
on stdin, then publishes ROUNDS times as the admin's button does and prints how many publishes wrote the files.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATES = ("seed", "retitled", "retagged")


def change_catalog(state):
    from catalog.models import Paper, Venue, VenueKind

    papers = Paper.objects.order_by("pk")
    if state == "retitled":
        for paper in papers[:40]:
            paper.title = f"{paper.title} (retitled)"
            paper.save()
    elif state == "retagged":
        for paper in papers[:40]:
            paper.tags.add("concurrency")
        Venue.objects.update(kind=VenueKind.JOURNAL)


def main(state, rounds, expected_prefix):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awesome.test_settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from catalog.services.publish import NothingToPublish, ReviewOutdated, preview_publish, publish
    from catalog.services.readme_import import import_readme

    call_command("migrate", verbosity=0)
    import_readme(path=ROOT / "fixtures" / "README.md")
    change_catalog(state)
    expected = preview_publish()
    Path(f"{expected_prefix}.md").write_text(expected.exported, encoding="utf-8")
    Path(f"{expected_prefix}.json").write_text(expected.fixture, encoding="utf-8")
    print("ready", flush=True)
    sys.stdin.readline()
    written = 0
    for _ in range(rounds):
        try:
            publish(fingerprint=preview_publish().fingerprint)
        except (NothingToPublish, ReviewOutdated):
            continue
        written += 1
    print(written, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])

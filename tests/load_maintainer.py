"""The maintainer of the load run: edits the catalog and publishes the README every few seconds, until a deadline.

    python -m tests.load_maintainer SECONDS EDIT_EVERY PUBLISH_EVERY FOLDER

run with the environment of the site under load (its database, CATALOG_README_PATH, CATALOG_FIXTURE_PATH). Edits go
through the models as the admin's forms save them; publishes through the service behind the admin's publish
button. After each publish, the README and fixture written are copied to FOLDER/published-N-README.md and
FOLDER/published-N-catalog.json. Prints one JSON line: the number of edits, the publish numbers, the failures.
"""

import json
import random
import sys
import time

from tests.servers import ROOT


def edit(number):
    """One change a maintainer makes: a paper's venue (shown in the README), a tag or a venue kind (fixture only)."""
    from catalog.models import Paper, Venue, VenueKind

    paper = Paper.objects.order_by("?").first()
    if number % 3 == 0:
        paper.venue = Venue.objects.exclude(pk=paper.venue_id).order_by("?").first()
        paper.save()
    elif number % 3 == 1:
        paper.tags.add(f"load-{number}")
    else:
        venue = Venue.objects.order_by("?").first()
        venue.kind = random.choice([kind for kind in VenueKind.values if kind != venue.kind])
        venue.save()


REVIEW_ATTEMPTS = 5


def publish(folder, number):
    """Publish as the admin's button does; True when files were written. A review that an editor's save made
    outdated before the button was pressed is done again, as the admin asks the maintainer to."""
    from catalog.services.files import file_lock
    from catalog.services.publish import NothingToPublish, ReviewOutdated, preview_publish, publish

    for attempt in range(1, REVIEW_ATTEMPTS + 1):
        try:
            publish(fingerprint=preview_publish().fingerprint)
            break
        except NothingToPublish:
            return False
        except ReviewOutdated:
            if attempt == REVIEW_ATTEMPTS:
                raise
    with file_lock(folder / "README.md", shared=True):
        for name in ("README.md", "catalog.json"):
            (folder / f"published-{number}-{name}").write_bytes((folder / name).read_bytes())
    return True


def main(seconds, edit_every, publish_every, folder):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import DatabaseError

    from catalog.readme import RenderError
    from catalog.services.publish import ReviewOutdated

    edits, published, failures = 0, [], []
    deadline = time.monotonic() + seconds
    next_edit = next_publish = time.monotonic()
    while time.monotonic() < deadline:
        now = time.monotonic()
        try:
            if edit_every and now >= next_edit:
                next_edit = now + edit_every
                edit(edits)
                edits += 1
            if publish_every and now >= next_publish:
                next_publish = now + publish_every
                if publish(folder, len(published) + 1):
                    published.append(len(published) + 1)
        except (DatabaseError, ReviewOutdated, RenderError, OSError) as error:
            failures.append(f"{type(error).__name__}: {error}")
        time.sleep(0.05)
    print(json.dumps({"edits": edits, "publishes": published, "failures": failures}))


if __name__ == "__main__":
    from pathlib import Path

    main(float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4]))

from django.conf import settings
from django.core.management.base import BaseCommand

from catalog.management.output import write_output
from catalog.services.fixtures import catalog_fixture


class Command(BaseCommand):
    help = "Write the whole catalog, with its tags, as a deterministic fixture (default: fixtures/catalog.json)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", metavar="PATH", default=None, help="Where to write the fixture.")

    def handle(self, *args, output, verbosity, **options):
        output = output or settings.CATALOG_FIXTURE_PATH
        text, count = catalog_fixture()
        write_output(output, text)
        if verbosity:
            self.stdout.write(f"Wrote {count} objects to {output}")

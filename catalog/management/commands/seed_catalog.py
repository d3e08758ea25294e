from django.core.management import call_command
from django.core.management.base import BaseCommand

from catalog.services.readme_import import catalog_is_empty


class Command(BaseCommand):
    help = "Load the catalog fixture into an empty catalog; a catalog that has entries is left as it is."

    def handle(self, *args, verbosity, **options):
        if not catalog_is_empty():
            if verbosity:
                self.stdout.write("The catalog already has entries; nothing loaded.")
            return
        call_command("loaddata", "catalog", verbosity=verbosity)

from django.core.management.base import BaseCommand

from catalog.entry_kinds import KINDS
from catalog.topics import without_topic


class Command(BaseCommand):
    help = (
        "Say how many papers and resources have at least one topic (a tag of their own, or one their section "
        "implies) and how many have none; -v 2 lists those with none."
    )

    def handle(self, *args, verbosity, **options):
        for kind in KINDS:
            total = kind.model.objects.count()
            bare = list(without_topic(kind.model).order_by(kind.title_field).values_list(kind.title_field, flat=True))
            plural = kind.model._meta.verbose_name_plural
            self.stdout.write(
                f"{plural.capitalize()}: {total - len(bare)} of {total} have at least one topic, {len(bare)} have none."
            )
            for title in bare if verbosity >= 2 else []:
                self.stdout.write(f"  {title}")

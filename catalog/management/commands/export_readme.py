import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.management.output import write_output
from catalog.readme import RenderError
from catalog.services.files import regular_file_target
from catalog.services.readme_export import export_readme, readme_diff


class Command(BaseCommand):
    help = "Write the catalog as the README: to stdout, to a file (-o, atomically), or compare with one (--check)."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group()
        target.add_argument(
            "-o", "--output", metavar="PATH", help="Write to PATH through a temporary file and a rename."
        )
        target.add_argument(
            "--check",
            metavar="PATH",
            help="Exit 1 and print a unified diff if PATH differs from the export, 0 if it is the same.",
        )

    def handle(self, *args, output, check, verbosity, **options):
        try:
            text = export_readme()
        except RenderError as error:
            raise CommandError(f"cannot export the README: {error}") from error
        if check:
            self._check(Path(check), text)
        elif output:
            write_output(output, text)
            if verbosity:
                self.stdout.write(f"Wrote {len(text.encode())} bytes to {output}")
        else:
            self.stdout.write(text, ending="")

    def _check(self, path: Path, text: str) -> None:
        try:
            current = regular_file_target(path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read as UTF-8 text: {error}") from error
        diff = readme_diff(current, text, current_name=str(path), exported_name="database export")
        if diff.changed:
            self.stdout.write(diff.text, ending="")
            self.stderr.write(f"{path} differs from the export: {diff.added} lines added, {diff.removed} removed.")
            sys.exit(1)
        self.stderr.write(f"{path} is the same as the export.")

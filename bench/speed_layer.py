"""What each piece of the speed layer buys: the benchmark's figures with the piece, then with Django's own way of
doing the same in its place, on one synthetic catalog: `python -m bench.speed_layer --papers 100000`.

Each variant runs in a fresh process on a new SQLite file (production settings, caching off), as `python -m bench`
measures a size. It prints figures and asserts nothing; the tests check that each piece gives Django's result.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

from bench.catalog import synthetic_readme
from bench.measure import PAGES, ROOT, bench_environment


def without_collector_pause():
    from catalog.services import document_mapping, readme_import

    readme_import.cycle_collector_paused = document_mapping.cycle_collector_paused = nullcontext


def without_field_checks():
    from django.core.exceptions import ValidationError

    from catalog.services import readme_import

    class DjangoFieldCheck:
        def __init__(self, field):
            self.field = field

        def messages(self, value):
            if self.field.blank and value in self.field.empty_values:
                return []
            try:
                self.field.clean(value, None)
            except ValidationError as error:
                return error.messages
            return []

    readme_import.FieldCheck = DjangoFieldCheck


def without_bulk():
    from catalog.services import readme_import

    def instances(model, columns, rows):
        names = [model._meta.get_field(column).attname for column in columns]
        return [model(**dict(zip(names, row, strict=True))) for row in rows]

    def insert_rows(model, columns, rows):
        model.objects.bulk_create(instances(model, columns, rows))

    def insert_rows_returning_ids(model, columns, rows):
        return [instance.pk for instance in model.objects.bulk_create(instances(model, columns, rows))]

    readme_import.insert_rows, readme_import.insert_rows_returning_ids = insert_rows, insert_rows_returning_ids


def without_urls_memo():
    from django.urls import reverse

    from catalog import context_processors, models, selectors

    def plain_reverse(viewname, **kwargs):
        return reverse(viewname, kwargs=kwargs)

    for module in (context_processors, models, selectors):
        module.memo_reverse = plain_reverse


# Variant -> (the piece taken out, what stands in its place, the change that does it).
VARIANTS = {
    "as-built": ("(none)", "-", lambda: None),
    "collector": ("catalog/services/gc_pause.py", "the cycle collector left on", without_collector_pause),
    "field_checks": ("catalog/services/field_checks.py", "Field.clean() of every value", without_field_checks),
    "bulk": ("catalog/services/bulk.py", "bulk_create() of model instances", without_bulk),
    "urls_memo": ("catalog/urls_memo.py", "reverse() of every URL", without_urls_memo),
}


def measure_variant(variant, readme, database, output, repeat):
    """In this process: migrate the new database, put Django's way in place of the piece, measure, write JSON."""
    import os

    os.environ.update(bench_environment(database))
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    VARIANTS[variant][2]()
    from dataclasses import asdict

    from bench.measure import measure_catalog

    figures = measure_catalog(readme_path=readme, repeat=repeat)
    output.write_text(json.dumps(asdict(figures)))


def run(options, work: Path):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=bench_environment(work / "unused.sqlite3"),
        check=True,
    )
    readme = work / "readme.md"
    readme.write_text(synthetic_readme(papers=options.papers, seed=0), encoding="utf-8")
    rows = []
    for variant in VARIANTS:
        database, output = work / f"{variant}.sqlite3", work / f"{variant}.json"
        sys.stderr.write(f"speed layer: {variant}\n")
        command = [sys.executable, "-m", "bench.speed_layer", "--variant", variant, "--readme", str(readme)]
        command += ["--database", str(database), "--output", str(output), "--repeat", str(options.repeat)]
        subprocess.run(command, cwd=ROOT, env=bench_environment(database), check=True)
        rows.append((variant, json.loads(output.read_text())))
    header = ["piece taken out", "in its place", "import s (cpu)", "export s (cpu)"] + [
        f"{name} p50 ms (cpu)" for name in PAGES
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for variant, figures in rows:
        cells = list(VARIANTS[variant][:2])
        cells.append(f"{figures['import_s']:.2f} ({figures['import_cpu_s']:.2f})")
        cells.append(f"{figures['export_s']:.2f} ({figures['export_cpu_s']:.2f})")
        for name in PAGES:
            page = figures["pages"][name]
            cells.append(f"{page['p50_ms']:.1f} ({page['cpu_p50_ms']:.1f})")
        lines.append("| " + " | ".join(cells) + " |")
    sys.stdout.write(f"{options.papers} papers, {options.repeat} requests per page\n" + "\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.speed_layer", description=__doc__)
    parser.add_argument("--papers", type=int, default=100_000, help="Papers in the synthetic catalog.")
    parser.add_argument("--repeat", type=int, default=30, help="Requests per page for the p50 (default 30).")
    parser.add_argument("--variant", choices=list(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--readme", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.variant:
        measure_variant(options.variant, options.readme, options.database, options.output, options.repeat)
        return
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as folder:
        run(options, Path(folder))


if __name__ == "__main__":
    main()

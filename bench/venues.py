"""The import of a README whose papers each name a venue of their own: `python -m bench.venues 16000 100000`.

For each count, a README of that many papers with that many distinct venues is imported into a fresh SQLite file
(production settings) and the time of `import_readme` is printed. Figures only; it asserts nothing.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import ROOT, bench_environment

HEAD = (
    "|  Title  |   Venue  |   Date   |   Code   |   Blog   |\n|:--------|:--------:|:--------:|:--------:|:--------:|"
)


def readme_with_venues(count: int) -> str:
    rows = [
        f"| [**Paper {number}**](https://example.org/paper/{number}) <br>| Venue {number} | 2024-01-01 | - | - |"
        for number in range(count)
    ]
    return "# Papers\n\n" + HEAD + "\n" + "\n".join(rows) + "\n"


def import_seconds(work: Path, count: int) -> float:
    database = work / f"venues-{count}.sqlite3"
    environment = bench_environment(database)
    readme = work / f"venues-{count}.md"
    readme.write_text(readme_with_venues(count), encoding="utf-8")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True)
    start = time.perf_counter()
    subprocess.run([*manage, "import_readme", str(readme), "-v0"], cwd=ROOT, env=environment, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[16_000, 100_000])
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for count in arguments.counts:
            seconds = import_seconds(Path(folder), count)
            sys.stdout.write(f"{count:>7} papers, {count} distinct venues: import_readme {seconds:.1f} s\n")


if __name__ == "__main__":
    main()

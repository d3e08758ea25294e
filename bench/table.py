"""The benchmark's one table, in Markdown (so it can be pasted into the README as it is)."""

from bench.measure import PAGES

PAGE_TITLES = {"list": "list", "filtered": "venue+tag", "search": "q", "author": "q author", "home": "home"}
# Times read "wall (CPU of the process)": on a shared machine the wall time includes waiting for a core.
COLUMNS = [
    "papers",
    "import s (cpu)",
    "export s (cpu)",
    "authors+abstracts s (cpu)",
    "same bytes",
    *(f"{PAGE_TITLES[name]} p50/p95 (cpu p50) ms" for name in PAGES),
    "queries " + "/".join(PAGE_TITLES[name] for name in PAGES),
    "peak RSS MiB",
    "venue page req/s",
    "static req/s",
    "ratio",
    "errors",
]


def table_rows(results: list[dict]) -> list[list[str]]:
    """One row of cells per catalog size from the figures `measure_catalog` and the load test gave."""
    rows = []
    for result in results:
        pages, load = result["pages"], result.get("load") or {}
        page_load, static_load = load.get("page"), load.get("static")
        rows.append(
            [
                f"{result['papers']:,}",
                f"{result['import_s']:.1f} ({result['import_cpu_s']:.1f})",
                f"{result['export_s']:.2f} ({result['export_cpu_s']:.2f})",
                f"{result['metadata_s']:.1f} ({result['metadata_cpu_s']:.1f})",
                "yes" if result["round_trip"] else "NO",
                *(_page_times(pages[name]) for name in PAGES),
                "/".join(str(pages[name]["queries"]) for name in PAGES),
                f"{result['peak_rss_mb']:.0f}",
                f"{page_load['requests_per_second']:.0f}" if page_load else "-",
                f"{static_load['requests_per_second']:.0f}" if static_load else "-",
                _ratio(page_load, static_load),
                f"{page_load['errors']} / {static_load['errors']}" if page_load and static_load else "-",
            ]
        )
    return rows


def _page_times(page) -> str:
    return f"{page['p50_ms']:.0f} / {page['p95_ms']:.0f} ({page['cpu_p50_ms']:.0f})"


def _ratio(page_load, static_load) -> str:
    if not page_load or not static_load or not static_load["requests_per_second"]:
        return "-"
    return f"{page_load['requests_per_second'] / static_load['requests_per_second']:.0%}"


def markdown_table(results: list[dict]) -> str:
    rows = [COLUMNS, *table_rows(results)]
    widths = [max(len(row[index]) for row in rows) for index in range(len(COLUMNS))]

    def line(cells):
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(COLUMNS), separator, *(line(row) for row in rows[1:])])

"""axe-core in the browser tests: inject the pinned npm package into a page and list what it finds.

`make node_modules/.installed` (a step of `make test`) installs the version package-lock.json pins. Without it the
tests that need it skip and say so, except in CI (`CI` set), where it is a failure.
"""

import os
from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# Every rule of WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices.
AXE_RUN = """async () => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(" ")),
  }));
}"""


def require_axe():
    """Skip the calling test (fail it in CI) when axe-core is not installed."""
    if AXE_SCRIPT.exists():
        return
    reason = f"{AXE_SCRIPT} not found: run `make node_modules/.installed` (npm ci)"
    if os.environ.get("CI"):
        pytest.fail(f"browser tests need axe-core in CI: {reason}")
    pytest.skip(reason)


def axe_violations(page):
    """The axe-core violations of the page as it is now: '<rule> (<impact>): <help> at <selectors>' lines."""
    require_axe()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the site's Content-Security-Policy does not restrict.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {', '.join(violation['nodes'][:5])}"
        for violation in page.evaluate(AXE_RUN)
    ]

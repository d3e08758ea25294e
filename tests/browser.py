"""Playwright on Debian's Chromium, for the browser tests.

In CI (`CI` set) a missing browser is a failure; elsewhere the browser tests skip and say how to install it.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parent.parent / "screenshots"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def missing_browser_reason():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed: pip install -r requirements-test.txt"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install Debian's Chromium with `apt-get install chromium`"
    return None


@pytest.fixture(scope="session")
def chromium():
    reason = missing_browser_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need Chromium in CI: {reason}")
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the tests still use the ORM synchronously.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleErrors(list):
    """Console errors and uncaught page errors seen by one page."""

    def watch(self, page):
        page.on("console", lambda message: message.type == "error" and self.append(message.text))
        page.on("pageerror", lambda error: self.append(str(error)))
        return self


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh desktop-sized page; `page.console_errors` lists what went wrong in the browser."""
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = ConsoleErrors().watch(page)
    yield page
    context.close()


def screenshot(page, name):
    """Save a full-page screenshot under SCREENSHOT_DIR and say where it went."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path

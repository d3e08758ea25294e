"""Playwright on Debian's Chromium, for the browser tests.

In CI (`CI` set) a missing browser is a failure; elsewhere the browser tests skip and say how to install it.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

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


@pytest.fixture
def live_catalog(transactional_db):
    """The seed catalog, in a database the live server sees."""
    readme = Path(settings.BASE_DIR) / "fixtures" / "README.md"
    call_command("import_readme", str(readme), stdout=StringIO(), stderr=StringIO())


def screenshot(page, name):
    """Save a full-page screenshot under SCREENSHOT_DIR and say where it went."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


LOW_CONTRAST_TEXT = """() => {
  const channels = (color) => {
    const [r, g, b, a = 1] = color.match(/[\\d.]+/g).map(Number);
    return { rgb: [r, g, b], a };
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const over = (top, bottom) => top.rgb.map((v, i) => v * top.a + bottom[i] * (1 - top.a));
  const backdrop = (element) => {
    const layers = [];
    for (let node = element; node instanceof Element; node = node.parentElement) {
      const background = channels(getComputedStyle(node).backgroundColor);
      if (background.a > 0) layers.push(background);
      if (background.a === 1) break;
    }
    return layers.reduceRight((below, layer) => over(layer, below), [255, 255, 255]);
  };
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    const texts = [...element.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE);
    const text = texts.map((node) => node.textContent).join("").trim();
    if (!text || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility !== "visible" || style.clip === "rect(0px, 0px, 0px, 0px)") continue;
    const inSvg = element instanceof SVGElement;
    const background = backdrop(inSvg ? element.closest("svg").parentElement : element);
    const foreground = over(channels(inSvg ? style.fill : style.color), background);
    const [light, dark] = [luminance(foreground), luminance(background)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const where = `${element.tagName.toLowerCase()} "${text.slice(0, 40)}"`;
    if (ratio < needed) found.push(`${where}: ${ratio.toFixed(2)} < ${needed}`);
  }
  return found;
}"""


def low_contrast_texts(page):
    """Visible texts whose contrast with their background is below WCAG AA (4.5:1, or 3:1 for large text)."""
    return page.evaluate(LOW_CONTRAST_TEXT)

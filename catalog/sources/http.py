"""Requests to a source one at a time, spaced as it asks, waiting out its 429s and 503s within a limit."""

import email.utils
import time
from collections.abc import Callable

import httpx

from catalog.sources.records import SourceError

USER_AGENT = "awesome-interpretability-catalog (https://github.com/ruizheliUOA/Awesome-Interpretability-in-Large-Language-Models)"
ATTEMPTS = 3
BACKOFF = 2.0


def is_busy(response: httpx.Response) -> bool:
    return response.status_code in (429, 503)


class PoliteClient:
    """An HTTP client for one source: `delay` seconds between the end of one request and the next, and an
    answer that says the source is busy (`busy`) waited out as its Retry-After asks, at most `max_wait` seconds
    (CATALOG_METADATA_MAX_WAIT; 0 gives up at the first such answer)."""

    def __init__(
        self,
        *,
        name: str,
        base_url: str,
        timeout: float,
        max_wait: float,
        delay: float = 0.0,
        headers: dict | None = None,
        busy: Callable[[httpx.Response], bool] = is_busy,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.name, self.delay, self.max_wait, self.busy = name, delay, max_wait, busy
        self.sleep, self.clock = sleep, clock
        self.last_end: float | None = None
        # Paths are added to the base URL as written: httpx's own base_url would add a "/" to `.../api/query`.
        self.base_url = base_url
        self.http = httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT, **(headers or {})})

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.http.close()

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        for attempt in range(ATTEMPTS):
            self.wait_turn()
            try:
                response = self.http.request(method, self.base_url + path, **kwargs)
            except httpx.TimeoutException:
                raise SourceError(f"{self.name} did not answer in time") from None
            except httpx.HTTPError as error:
                raise SourceError(f"{self.name} could not be reached: {error or type(error).__name__}") from None
            finally:
                self.last_end = self.clock()
            if not self.busy(response):
                return response
            wait = retry_after(response)
            wait = BACKOFF * 2**attempt if wait is None else wait
            if wait > self.max_wait:
                busy = f"{self.name} is busy ({describe(response)})"
                if self.max_wait:
                    busy += f" and asks to wait {wait:.0f} s, longer than the {self.max_wait:g} s allowed"
                raise SourceError(busy)
            if attempt < ATTEMPTS - 1:
                self.sleep(wait)
        raise SourceError(f"{self.name} is busy: {describe(response)} after {ATTEMPTS} attempts")

    def wait_turn(self) -> None:
        if self.last_end is not None and self.delay > 0:
            pause = self.last_end + self.delay - self.clock()
            if pause > 0:
                self.sleep(pause)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the Retry-After header asks to wait (given as seconds or as an HTTP date), or None."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def describe(response: httpx.Response) -> str:
    """The status and the start of the body, on one line, for a message."""
    text = " ".join(response.text[:120].split())
    return f"HTTP {response.status_code}" + (f" {text!r}" if text else "")

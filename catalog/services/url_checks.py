"""Checking URLs over HTTP: concurrently, a few requests at a time per host, spaced by a politeness delay.

Each URL is asked with HEAD, then with a GET of its first kilobyte when HEAD is refused; redirects are
followed; 429 and 5xx answers are retried with exponential backoff, or after the server's Retry-After.
No database here: the caller gives the URLs and gets one `Outcome` per URL.
"""

import asyncio
import email.utils
import socket
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from catalog.models import LinkResult

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
HEAD_REFUSED_STATUSES = frozenset({403, 405, 501})
# A site that answers these to GET as well refuses scripts; the page may well work in a browser.
UNVERIFIABLE_STATUSES = frozenset({401, 403, 429})
RANGE = "bytes=0-1023"


@dataclass(frozen=True)
class CheckSettings:
    timeout: float = 10.0
    concurrency: int = 20
    per_host: int = 2
    delay: float = 1.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 60.0
    max_redirects: int = 10
    unverifiable_hosts: tuple[str, ...] = ()
    user_agent: str = "awesome-interpretability-link-checker"


@dataclass(frozen=True)
class Outcome:
    url: str
    result: LinkResult
    status: int | None = None
    final_url: str = ""
    detail: str = ""
    requests: int = 0


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def server_of(url: str) -> str:
    """The host and port a request goes to: the unit of the per-host limits."""
    return urlsplit(url).netloc.lower().rpartition("@")[2]


def is_unverifiable_host(host: str, hosts: Iterable[str]) -> bool:
    """Whether `host` is one of `hosts` or a subdomain of one (www.x.com for x.com)."""
    return any(host == known or host.endswith(f".{known}") for known in hosts)


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


class HostGate:
    """At most `per_host` requests at once to one host (and port), their starts at least `delay` seconds apart."""

    def __init__(self, *, per_host: int, delay: float):
        self.slots = asyncio.Semaphore(per_host)
        self.turn = asyncio.Lock()
        self.delay = delay
        self.next_start = 0.0

    async def wait_turn(self) -> None:
        async with self.turn:
            loop = asyncio.get_running_loop()
            wait = self.next_start - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self.next_start = loop.time() + self.delay


class LinkChecker:
    def __init__(self, *, client: httpx.AsyncClient, settings: CheckSettings):
        self.client = client
        self.settings = settings
        self.slots = asyncio.Semaphore(settings.concurrency)
        self.gates = defaultdict(lambda: HostGate(per_host=settings.per_host, delay=settings.delay))

    async def check(self, url: str) -> Outcome:
        if is_unverifiable_host(host_of(url), self.settings.unverifiable_hosts):
            return Outcome(url, LinkResult.UNVERIFIABLE, detail="host refuses automated checks; not requested")
        method, retries, requests = "HEAD", 0, 0
        try:
            while True:
                requests += 1
                response = await self.request(method, url)
                if method == "HEAD" and response.status_code in HEAD_REFUSED_STATUSES:
                    method = "GET"
                elif response.status_code in RETRY_STATUSES and retries < self.settings.retries:
                    await asyncio.sleep(self.retry_wait(response, retries))
                    retries += 1
                else:
                    return outcome_of(url, response, requests=requests)
        except httpx.TooManyRedirects:
            return Outcome(url, LinkResult.REDIRECT_LOOP, detail="too many redirects", requests=requests)
        except httpx.TimeoutException:
            return Outcome(
                url, LinkResult.TIMEOUT, detail=f"no answer in {self.settings.timeout:g} s", requests=requests
            )
        except httpx.ConnectError as error:
            return Outcome(url, connect_failure(error), detail=describe(error), requests=requests)
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as error:
            return Outcome(url, LinkResult.RESET, detail=describe(error), requests=requests)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return Outcome(url, LinkResult.ERROR, detail=describe(error), requests=requests)

    async def request(self, method: str, url: str) -> httpx.Response:
        gate = self.gates[server_of(url)]
        async with gate.slots, self.slots:
            await gate.wait_turn()
            if method == "HEAD":
                return await self.client.head(url)
            # Only the status matters: the body is never read, the stream is closed at once.
            async with self.client.stream("GET", url, headers={"Range": RANGE}) as response:
                return response

    def retry_wait(self, response: httpx.Response, retries: int) -> float:
        asked = retry_after_seconds(response.headers.get("Retry-After"), now=datetime.now(UTC))
        wait = asked if asked is not None else self.settings.backoff * 2**retries
        return min(wait, self.settings.max_retry_after)


def outcome_of(url: str, response: httpx.Response, *, requests: int) -> Outcome:
    status, final_url = response.status_code, str(response.url)
    if 200 <= status < 300:
        result = LinkResult.REDIRECTED if response.history and final_url != url else LinkResult.OK
    elif status in UNVERIFIABLE_STATUSES:
        result = LinkResult.UNVERIFIABLE
    else:
        result = LinkResult.BROKEN
    detail = response.reason_phrase if result != LinkResult.OK else ""
    return Outcome(url, result, status=status, final_url=final_url, detail=detail, requests=requests)


def connect_failure(error: httpx.ConnectError) -> LinkResult:
    causes = exception_chain(error)
    if any(isinstance(cause, socket.gaierror) for cause in causes) or "Name or service not known" in str(error):
        return LinkResult.DNS
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes) or "Connection refused" in str(error):
        return LinkResult.REFUSED
    return LinkResult.ERROR


def exception_chain(error: BaseException) -> list[BaseException]:
    chain = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def describe(error: BaseException) -> str:
    return (str(error) or type(error).__name__)[:500]


async def check_urls(
    urls: Iterable[str], *, settings: CheckSettings, on_outcome: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """One Outcome per URL, in the order of `urls`; `on_outcome` is called as each check ends."""
    async with httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        timeout=httpx.Timeout(settings.timeout),
        limits=httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency),
        headers={"User-Agent": settings.user_agent},
    ) as client:
        checker = LinkChecker(client=client, settings=settings)

        async def check_one(url):
            outcome = await checker.check(url)
            if on_outcome:
                on_outcome(outcome)
            return outcome

        return await asyncio.gather(*(check_one(url) for url in urls))

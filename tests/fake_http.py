"""A local HTTP server on 127.0.0.1 (a free port) whose answers tests script, and which records every request."""

import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    host: str
    headers: dict
    started: float
    body: bytes = b""


@dataclass
class Answer:
    status: int = 200
    headers: dict | None = None
    body: bytes = b""
    delay: float = 0.0
    reset: bool = False


class ServedInBackground:
    """A server that serves from a thread of its own for the time of a `with` block."""

    def __enter__(self):
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.shutdown()
        self.server_close()


class FakeServer(ServedInBackground, ThreadingHTTPServer):
    """`route(handler_request) -> Answer` decides each answer; `requests` lists what was asked, in order.

    It counts the requests in progress at once per Host header, and keeps the highest count in `max_in_flight`.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, route):
        super().__init__(("127.0.0.1", 0), Handler)
        self.route = route
        self.requests: list[Seen] = []
        self.calls = Counter()
        self.in_flight = Counter()
        self.max_in_flight = defaultdict(int)
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address):
        """Connections the tests reset, or that the client gave up on, are expected here."""

    def count(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen.path == path)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def do_POST(self):
        self.answer()

    def answer(self):
        server = self.server
        host = self.headers.get("Host", "")
        started = time.monotonic()
        body = self.body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with server.lock:
            server.requests.append(Seen(self.command, self.path, host, dict(self.headers), started, body))
            server.calls[self.path] += 1
            server.in_flight[host] += 1
            server.max_in_flight[host] = max(server.max_in_flight[host], server.in_flight[host])
        try:
            answer = server.route(self)
            if answer.delay:
                time.sleep(answer.delay)
            if answer.reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            self.send_response(answer.status)
            for name, value in (answer.headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)
        finally:
            with server.lock:
                server.in_flight[host] -= 1

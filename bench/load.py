"""gunicorn on a loopback port, and a bounded request loop against it (threads over http.client)."""

import http.client
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUEST_TIMEOUT = 10


@dataclass
class LoadFigures:
    requests_per_second: float
    requests: int
    errors: int
    seconds: float


@contextmanager
def gunicorn(*, env: dict, workers: int, log: Path):
    """A gunicorn serving the site on 127.0.0.1 (a free port, passed as a listening socket); yields the port.

    The project's gunicorn.conf.py, if any, applies (gunicorn reads it from the working directory); the bind and the
    number of workers given here take precedence.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    port = listener.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "awesome.wsgi:application"]
    command += ["--bind", f"fd://{listener.fileno()}", "--workers", str(workers), "--no-control-socket"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, pass_fds=[listener.fileno()]
        )
    listener.close()
    try:
        _wait_until_serving(process, port, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(process: subprocess.Popen, port: int, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}; see {log}")
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {log}")


def get(port: int, path: str, *, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load(*, port: int, path: str, seconds: float, concurrency: int, expected_size: int | None = None) -> LoadFigures:
    """GET `path` from `concurrency` threads for `seconds`; an error is a failed request, a status other than 200,
    or a body of another size than `expected_size` (when given)."""
    deadline = time.monotonic() + seconds

    def client():
        done = errors = 0
        connection = None
        while time.monotonic() < deadline:
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200 or (expected_size is not None and len(body) != expected_size):
                    errors += 1
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                errors += 1
                if connection:
                    connection.close()
                connection = None
            done += 1
        if connection:
            connection.close()
        return done, errors

    start = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        results = [future.result() for future in [pool.submit(client) for _ in range(concurrency)]]
    elapsed = time.monotonic() - start
    requests = sum(done for done, _ in results)
    errors = sum(failed for _, failed in results)
    return LoadFigures((requests - errors) / elapsed, requests, errors, elapsed)

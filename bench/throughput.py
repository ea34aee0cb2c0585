"""Throughput over HTTP: gunicorn serving the site with `bench.settings` on a free
loopback port, and concurrent clients (threads of this process) sending the signed-in
ambassador's session cookie.

`gunicorn_server` guarantees the server and its workers are stopped when its block
exits, whether normally, on an exception, on Ctrl-C or on SIGTERM (see `run.py`); on
Linux, even when this process is killed outright (SIGKILL), the kernel tells gunicorn.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent

WORKERS = 2
"""gunicorn worker processes."""

WORKER_CLASS = "sync"
"""gunicorn's default worker, as `gunicorn config.wsgi` deploys it. A sync worker
answers `Connection: close`, so clients reconnect for each request (on loopback a
connection costs microseconds) and every request goes to whichever worker is free."""

CLIENTS = 4
"""Concurrent client threads: twice the workers, so no worker waits for a request."""

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 30.0


class ServerError(RuntimeError):
    """gunicorn did not start, or a request through it failed."""


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it listens, and the file it logs to."""

    host: str
    port: int
    log: BinaryIO

    def log_tail(self, lines: int = 30) -> str:
        """The last `lines` lines gunicorn (and Django, through it) logged."""
        self.log.flush()
        self.log.seek(0)
        text = self.log.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class Throughput:
    """`requests` answered 200 in `seconds` (wall clock, all clients together)."""

    requests: int
    seconds: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds

    def __add__(self, other: Throughput) -> Throughput:
        return Throughput(self.requests + other.requests, self.seconds + other.seconds)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on `host` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn_server(*, settings_module: str = "bench.settings") -> Iterator[Server]:
    """Start gunicorn (`WORKERS` workers) on 127.0.0.1 only and yield once `/healthz`
    answers 200; on exit, stop the master and every worker (SIGTERM, then SIGKILL to the
    whole process group after `STOP_TIMEOUT_S`)."""
    host, port = "127.0.0.1", free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        WORKER_CLASS,
        "--chdir",
        str(ROOT),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--no-control-socket",
        "config.wsgi:application",
    ]
    with tempfile.TemporaryFile() as log:
        # Its own process group, so stopping it can reach the workers too.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_terminate_with_parent,
        )
        server = Server(host, port, log)
        try:
            _wait_until_ready(process, server)
            yield server
        finally:
            _stop(process)


def _terminate_with_parent() -> None:
    # Runs in the child before exec: on Linux, the kernel sends gunicorn SIGTERM when
    # the benchmark dies, however it dies. Elsewhere, nothing (the `finally` remains).
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_until_ready(process: subprocess.Popen, server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                f"gunicorn exited with status {process.returncode}:\n{server.log_tail()}"
            )
        try:
            connection = http.client.HTTPConnection(server.host, server.port, timeout=2)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise ServerError(
        f"gunicorn did not answer within {START_TIMEOUT_S:.0f} s:\n{server.log_tail()}"
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_S)
    # Whatever the master did, leave no worker behind.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def session_check(server: Server, *, path: str, cookie: str) -> None:
    """Fail unless `path` (a page that redirects anonymous visitors) answers 200 with
    `cookie`: the session really signs the client in."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise ServerError(
            f"GET {path} with the session cookie answered {response.status}, not 200: "
            "the session does not sign the ambassador in."
        )


def measure(
    server: Server,
    *,
    path: str,
    cookies: list[str],
    seconds: float,
    max_requests: int,
) -> Throughput:
    """Requests answered by `path` with one client thread per cookie (each with its own
    `http.client` connection, kept alive when the server allows it), for `seconds` or
    until `max_requests` are sent, whichever comes first. Every response must be a 200
    and is read to the end; the first failure stops all clients and raises."""
    budget = [
        max_requests // len(cookies) + (i < max_requests % len(cookies))
        for i in range(len(cookies))
    ]
    counts = [0] * len(cookies)
    failures: list[str] = []
    stop = threading.Event()
    start_line = threading.Barrier(len(cookies) + 1)
    deadline_box: list[float] = []

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=REQUEST_TIMEOUT_S)
        headers = {"Cookie": cookies[index]}
        try:
            start_line.wait()
            deadline = deadline_box[0]
            while counts[index] < budget[index] and not stop.is_set():
                if time.perf_counter() >= deadline:
                    break
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise ServerError(f"GET {path} answered {response.status}, not 200.")
                counts[index] += 1
        except Exception as error:  # reported by the caller, with the server's log
            failures.append(f"{type(error).__name__}: {error}")
            stop.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(cookies))]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline_box.append(started + seconds)
    start_line.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise ServerError(f"{failures[0]}\n{server.log_tail()}")
    return Throughput(sum(counts), elapsed)

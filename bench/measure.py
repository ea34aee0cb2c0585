"""In-process measurements through Django's test `Client`: response times and query
counts. No network, no server: what the page costs Django, Wagtail and the database."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class BenchError(RuntimeError):
    """A page did not answer as the benchmark requires (it fails loudly, never skips)."""


@dataclass(frozen=True)
class Timing:
    """Response times of one page, in milliseconds, over `len(samples_ms)` requests."""

    samples_ms: tuple[float, ...]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        """The 95th percentile (linear interpolation between the closest ranks)."""
        if len(self.samples_ms) == 1:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=100, method="inclusive")[94]


@dataclass(frozen=True)
class Queries:
    """SQL queries of one request to a page: the count, and whether repeated requests
    all made the same number (they should: a page's queries must not drift)."""

    count: int
    stable: bool
    sql: tuple[str, ...]


def signed_in_client(user) -> Client:
    """A test client on the site's host (`localhost`), signed in as `user`."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def check_ok(response, path: str):
    """`response`, which must be a 200: anything else raises, with the status and where
    a redirect pointed."""
    if response.status_code != 200:
        where = f" to {response.get('Location')}" if response.has_header("Location") else ""
        raise BenchError(f"GET {path} answered {response.status_code}{where}, not 200.")
    return response


def get_ok(client: Client, path: str):
    """GET `path`; the response, which must be a 200 (see `check_ok`)."""
    return check_ok(client.get(path), path)


def time_pages(
    client: Client, pages: dict[str, str], *, repeat: int, warmup: int, seed: int = 2026
) -> dict[str, Timing]:
    """Time `repeat` requests to each of `pages` (name → path) after `warmup` untimed
    rounds. Requests are interleaved: each round requests every page once, in an order
    shuffled anew each round, so drift (CPU frequency, caches, other processes) touches
    every page alike. Only `client.get` is inside the timed span; each response is then
    checked to be a 200."""
    order = list(pages.items())
    for _ in range(warmup):
        for _name, path in order:
            get_ok(client, path)
    samples: dict[str, list[float]] = {name: [] for name in pages}
    rng = random.Random(seed)
    for _ in range(repeat):
        rng.shuffle(order)
        for name, path in order:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
            check_ok(response, path)
            samples[name].append(elapsed * 1000)
    return {name: Timing(tuple(values)) for name, values in samples.items()}


def count_queries(client: Client, path: str, *, times: int = 3) -> Queries:
    """The SQL queries of one request to `path`, over `times` requests made in a row."""
    captured = []
    for _ in range(times):
        with CaptureQueriesContext(connection) as context:
            get_ok(client, path)
        captured.append(tuple(query["sql"] for query in context.captured_queries))
    counts = {len(sql) for sql in captured}
    return Queries(count=max(counts), stable=len(counts) == 1, sql=captured[-1])


def response_size(client: Client, path: str) -> int:
    """The size in bytes of the body `path` answers."""
    return len(get_ok(client, path).content)

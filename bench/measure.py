"""In-process measurements through Django's test `Client`: response times and query
counts. No network, no server: what the page costs Django, Wagtail and the database.

A measured request is a page (a path, GET, which must answer 200) or a `Post`: a form
posted with its CSRF token (the client enforces CSRF checks, like a browser's
requests), after an untimed preparation, which must answer the status it expects.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
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


@dataclass(frozen=True)
class Post:
    """A measured form submission. `prepare(client)` runs before each one, untimed, and
    returns the path to post to and the form data (its CSRF token included); only the
    POST itself is timed, and it must answer `expect`. `label` stands for the path in
    the table (a prepared path may change from one request to the next)."""

    label: str
    prepare: Callable[[Client], tuple[str, dict]]
    expect: int = 303


Target = str | Post
"""What is measured under a name: a page's path (GET, 200), or a `Post`."""


def signed_in_client(user) -> Client:
    """A test client on the site's host (`localhost`), signed in as `user`. It enforces
    CSRF checks like a browser's requests: a `Post` sends the token (`csrf_token`)."""
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(client: Client, page: str = "/") -> str:
    """The client's CSRF token, as a form sends it: the cookie's, set by the first page
    holding a form (`page`, requested once when the cookie is not there yet)."""
    if settings.CSRF_COOKIE_NAME not in client.cookies:
        get_ok(client, page)
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def check_status(response, method: str, path: str, expect: int = 200):
    """`response`, which must answer `expect`: anything else raises, with the status and
    where a redirect pointed."""
    if response.status_code != expect:
        where = f" to {response.get('Location')}" if response.has_header("Location") else ""
        raise BenchError(f"{method} {path} answered {response.status_code}{where}, not {expect}.")
    return response


def check_ok(response, path: str):
    """`response` to GET `path`, which must be a 200 (see `check_status`)."""
    return check_status(response, "GET", path)


def get_ok(client: Client, path: str):
    """GET `path`; the response, which must be a 200 (see `check_ok`)."""
    return check_ok(client.get(path), path)


def _timed(client: Client, target: Target) -> float:
    """One request to `target`, checked; the seconds it took (a `Post`'s preparation
    excluded)."""
    if isinstance(target, Post):
        path, data = target.prepare(client)
        start = time.perf_counter()
        response = client.post(path, data)
        elapsed = time.perf_counter() - start
        check_status(response, "POST", path, target.expect)
        return elapsed
    start = time.perf_counter()
    response = client.get(target)
    elapsed = time.perf_counter() - start
    check_ok(response, target)
    return elapsed


def time_pages(
    client: Client, pages: dict[str, Target], *, repeat: int, warmup: int, seed: int = 2026
) -> dict[str, Timing]:
    """Time `repeat` requests to each of `pages` (name → path or `Post`) after `warmup`
    untimed rounds. Requests are interleaved: each round requests every page once, in an
    order shuffled anew each round, so drift (CPU frequency, caches, other processes)
    touches every page alike. Only `client.get` (`client.post`) is inside the timed
    span; each response is then checked (200, or the `Post`'s status)."""
    order = list(pages.items())
    for _ in range(warmup):
        for _name, target in order:
            _timed(client, target)
    samples: dict[str, list[float]] = {name: [] for name in pages}
    rng = random.Random(seed)
    for _ in range(repeat):
        rng.shuffle(order)
        for name, target in order:
            samples[name].append(_timed(client, target) * 1000)
    return {name: Timing(tuple(values)) for name, values in samples.items()}


def count_queries(client: Client, target: Target, *, times: int = 3) -> Queries:
    """The SQL queries of one request to `target`, over `times` requests made in a row
    (a `Post`'s preparation is not counted)."""
    captured = []
    for _ in range(times):
        if isinstance(target, Post):
            path, data = target.prepare(client)
            with CaptureQueriesContext(connection) as context:
                check_status(client.post(path, data), "POST", path, target.expect)
        else:
            with CaptureQueriesContext(connection) as context:
                get_ok(client, target)
        captured.append(tuple(query["sql"] for query in context.captured_queries))
    counts = {len(sql) for sql in captured}
    return Queries(count=max(counts), stable=len(counts) == 1, sql=captured[-1])


def response_size(client: Client, target: Target) -> int:
    """The size in bytes of the body `target` answers (a redirect's is empty)."""
    if isinstance(target, Post):
        path, data = target.prepare(client)
        return len(check_status(client.post(path, data), "POST", path, target.expect).content)
    return len(get_ok(client, target).content)

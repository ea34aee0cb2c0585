"""The staff dashboard's query counts do not grow with the club: the admin home and the
reports page, with their figures computed (cache empty) and cached, on the demo with
100 generated ambassadors and with 400 (each with a year of history: progress, attempts,
awards, sign-ups, attendance, reports). `bench/dashboard.py` prints the same counts at
50,000 (README, "Benchmarks")."""

import io

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import User

FIGURES = {"/admin/": 4, "/admin/tableau-de-bord/": 12}
"""Queries the figures add, per page, when they are not cached: the admin home builds the
funnel (1), missions (1) and reports (1) and reads the cache generation (1); the
dashboard page every section (funnel 1, courses 2, certified 4, questions 3, missions 1,
reports 1). The pages' own queries (Wagtail's panels, the session, the menu) vary with
Wagtail's caches, not with the club: they are compared between the two sizes."""

CACHED_AT_MOST = {"/admin/": 23, "/admin/tableau-de-bord/": 12}


def seed(scale: int) -> None:
    call_command("seed_demo", scale=scale, force=True, stdout=io.StringIO())


def measure(client, path: str) -> tuple[int, int]:
    """Queries of `path` with the figures to compute (cache empty), then cached."""
    staff = User.objects.get(email="responsable@ambassadeurs.example")
    client.force_login(staff)
    client.get(path)  # Wagtail's first-request work
    counts = []
    for empty_first in (True, False):
        if empty_first:
            cache.clear()
            client.force_login(staff)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def test_the_dashboard_queries_do_not_grow_with_the_club(transactional_db, client):
    # `transactional_db` by name: the suite's fixture rebuilds the groups and the page
    # tree that an earlier transactional test flushed.
    measured = {}
    for scale in (100, 400):
        seed(scale)
        measured[scale] = {path: measure(client, path) for path in FIGURES}
    assert measured[100] == measured[400]
    for path, (uncached, cached) in measured[400].items():
        assert uncached - cached == FIGURES[path]
        assert cached <= CACHED_AT_MOST[path]

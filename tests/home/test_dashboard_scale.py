"""The staff dashboard's query counts do not grow with the club: the admin home and the
reports page, with their figures computed (cache empty) and cached, on the demo with
100 generated ambassadors and with 400 (each with a year of history: progress, attempts,
awards, sign-ups, attendance, reports). `bench/dashboard.py` prints the same counts at
50,000 (README, "Benchmarks")."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import User

PINNED = {"/admin/": (27, 23), "/admin/tableau-de-bord/": (24, 12)}
"""(figures to compute, figures cached) per page. The admin home: Wagtail's own panels,
then the funnel, missions and reports panels; the dashboard page: every section (funnel
1, courses 2, certified 4, questions 3, missions 1, reports 1) and the page itself."""


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


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_queries_do_not_grow_with_the_club(client):
    measured = {}
    for scale in (100, 400):
        seed(scale)
        measured[scale] = {path: measure(client, path) for path in PINNED}
    assert measured[100] == measured[400] == PINNED

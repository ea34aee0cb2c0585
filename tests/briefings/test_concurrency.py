"""Seats under concurrent requests, with real threads, real HTTP requests through
Django's test client and real transactions: eighty ambassadors signing up for ten seats
at once give exactly ten confirmed and seventy waitlisted, in one consistent queue;
cancellations at once promote exactly one waitlisted person per freed seat.

They run on SQLite (a file database, IMMEDIATE transactions: writers take turns, and
nobody sees "database is locked") and on PostgreSQL (the roster's row lock decides; CI
runs them there):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres SQLITE_TEST_PATH=x \\
        .venv/bin/python -m pytest tests/briefings/test_concurrency.py

Each thread has its own client and database connection (closed when it ends); a barrier
releases them together.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from briefings.models import Roster, Signup, SignupStatus
from tests.briefings.builders import add_badge, add_index, add_mission, certified
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 80
SEATS = 10
ROUNDS = 3


def clients_for(people) -> list[Client]:
    clients = []
    for person in people:
        client = Client()
        client.force_login(person)
        clients.append(client)
    return clients


def assert_consistent_queue(mission):
    signups = list(Signup.objects.filter(mission=mission).order_by("queue_number"))
    numbers = [s.queue_number for s in signups]
    assert numbers == list(range(1, len(signups) + 1))  # no gap, no duplicate
    assert Roster.objects.get(mission=mission).last_queue_number == len(signups)
    # The first SEATS in the queue hold the seats; everyone after them waits, in order.
    assert [s.status for s in signups] == (
        [SignupStatus.CONFIRMED] * SEATS + [SignupStatus.WAITLISTED] * (len(signups) - SEATS)
    )


@pytest.fixture
def badge(transactional_db, home_page):
    return add_badge(home_page)


@pytest.mark.parametrize("round_number", range(1, ROUNDS + 1))
def test_eighty_sign_ups_at_once_fill_ten_seats_and_queue_the_others(
    badge, home_page, round_number
):
    mission = add_mission(add_index(home_page), seats=SEATS, badges=[badge])
    people = certified(badge, PEOPLE)
    clients = clients_for(people)
    url = mission.url + "inscription/"

    results, errors = at_once(lambda i: clients[i].post(url, {"motivation": f"n°{i}"}), PEOPLE)

    assert errors == []
    assert sorted({response.status_code for response in results}) == [302]
    counts = {
        status: Signup.objects.filter(mission=mission, status=status).count()
        for status in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)
    }
    assert counts == {SignupStatus.CONFIRMED: SEATS, SignupStatus.WAITLISTED: PEOPLE - SEATS}
    assert Signup.objects.filter(mission=mission).values("user").distinct().count() == PEOPLE
    assert_consistent_queue(mission)
    # Everyone was told where they stand, once.
    assert len(mail.outbox) == PEOPLE


def test_the_same_person_signing_up_twenty_times_at_once_gets_one_sign_up(badge, home_page):
    mission = add_mission(add_index(home_page), seats=SEATS, badges=[badge])
    (person,) = certified(badge, 1)
    clients = clients_for([person] * 20)
    url = mission.url + "inscription/"

    results, errors = at_once(lambda i: clients[i].post(url, {}), 20)

    assert errors == []
    assert sorted(response.status_code for response in results) == [302] + [403] * 19
    assert Signup.objects.filter(mission=mission, user=person).count() == 1


@pytest.mark.parametrize("round_number", range(1, ROUNDS + 1))
def test_cancellations_at_once_promote_one_waitlisted_person_per_freed_seat(
    badge, home_page, round_number
):
    mission = add_mission(add_index(home_page), seats=SEATS, badges=[badge])
    people = certified(badge, SEATS + 8)
    clients = clients_for(people)
    for client in clients:  # in order: the first SEATS are confirmed, 8 wait
        assert client.post(mission.url + "inscription/", {}).status_code == 302
    leaving = clients[:5]  # five confirmed people cancel at once

    results, errors = at_once(
        lambda i: leaving[i].post(mission.url + "annulation/", {"confirm": "on"}), len(leaving)
    )

    assert errors == []
    assert sorted({response.status_code for response in results}) == [302]
    by_status = {
        status: list(
            Signup.objects.filter(mission=mission, status=status)
            .order_by("queue_number")
            .values_list("user_id", flat=True)
        )
        for status in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED, SignupStatus.CANCELLED)
    }
    ids = [person.pk for person in people]
    assert sorted(by_status[SignupStatus.CANCELLED]) == sorted(ids[:5])
    # The five first on the waiting list took the five seats, in queue order.
    assert by_status[SignupStatus.CONFIRMED] == ids[5:SEATS] + ids[SEATS : SEATS + 5]
    assert by_status[SignupStatus.WAITLISTED] == ids[SEATS + 5 :]

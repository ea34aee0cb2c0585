"""The sign-up gate (`selectors.signup_gate`), one rule asked by the page, the form and
the service: every reason it gives, each alone, and what an allowed sign-up becomes.
A forged request by someone the gate refuses is refused by the service with the same
reason, and nothing is written."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from briefings import selectors, services
from briefings.models import SelectionMode, Signup, SignupStatus
from briefings.selectors import Code
from home.models import MembershipStatus
from tests.briefings.builders import DAY, add_mission, add_signup, certified, give_badge


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    """Emails are tested in test_notifications; here, only the rule (read in English)."""
    monkeypatch.setattr(services, "notify", lambda *args, **kwargs: None)
    with translation.override("en"):
        yield


def signup_of(person, mission, status=SignupStatus.CONFIRMED):
    return add_signup(person, mission, status)


def suspend(person):
    person.ambassador_profile.status = MembershipStatus.SUSPENDED
    person.ambassador_profile.save()


def started(mission):
    mission.starts_at = timezone.now() - datetime.timedelta(hours=1)
    mission.save()


def not_open(mission):
    mission.signup_opens_at = timezone.now() + 2 * DAY
    mission.save()


def closed(mission):
    mission.signup_closes_at = timezone.now() - DAY
    mission.save()


def no_badge(person, badge):
    person.badge_awards.all().delete()


def expired_badge(person, badge):
    person.badge_awards.update(expires_at=timezone.now() - DAY)


def revoked_badge(person, badge):
    person.badge_awards.update(revoked_at=timezone.now() - DAY, revoked_reason="Erreur")


REFUSALS = [
    ("suspended", lambda person, mission, badge: suspend(person), Code.MEMBERSHIP, "suspended"),
    ("started", lambda person, mission, badge: started(mission), Code.STARTED, "has started"),
    (
        "signed up",
        lambda person, mission, badge: signup_of(person, mission),
        Code.SIGNED_UP,
        "already signed up",
    ),
    (
        "waitlisted",
        lambda person, mission, badge: signup_of(person, mission, SignupStatus.WAITLISTED),
        Code.SIGNED_UP,
        "already signed up",
    ),
    (
        "declined",
        lambda person, mission, badge: signup_of(person, mission, SignupStatus.DECLINED),
        Code.SIGNED_UP,
        "did not select you",
    ),
    ("not open", lambda person, mission, badge: not_open(mission), Code.NOT_OPEN, "open on"),
    ("closed", lambda person, mission, badge: closed(mission), Code.CLOSED, "closed on"),
    (
        "no badge",
        lambda person, mission, badge: no_badge(person, badge),
        Code.BADGES,
        "need the badge",
    ),
    (
        "expired badge",
        lambda person, mission, badge: expired_badge(person, badge),
        Code.BADGES,
        "expired on",
    ),
    (
        "revoked badge",
        lambda person, mission, badge: revoked_badge(person, badge),
        Code.BADGES,
        "need the badge",
    ),
]


@pytest.mark.parametrize(
    "make, code, words", [row[1:] for row in REFUSALS], ids=[row[0] for row in REFUSALS]
)
def test_each_reason_refuses_alone_and_says_why(certifie, mission, badge, make, code, words):
    assert selectors.signup_gate(user=certifie, mission=mission).allowed
    make(certifie, mission, badge)

    gate = selectors.signup_gate(user=certifie, mission=mission)

    assert not gate.allowed
    assert gate.codes == [code]
    assert words in gate.reason


def test_signed_out_visitors_are_asked_to_sign_in(mission):
    gate = selectors.signup_gate(user=AnonymousUser(), mission=mission)
    assert (gate.allowed, gate.codes) == (False, [Code.SIGN_IN])


def test_a_missing_badge_says_which_course_leads_to_it(ambassador, mission, badge):
    gate = selectors.signup_gate(user=ambassador, mission=mission)

    (lack,) = gate.lacks
    assert lack.badge == badge
    (step,) = lack.steps
    course = badge.criteria.get().target_page
    assert (step.description, step.link) == (f"Complete the course “{course.title}”", course.url)


def test_an_expired_badge_is_told_with_its_date_and_a_renewal(certifie, mission, badge):
    certifie.badge_awards.update(expires_at=timezone.now() - 3 * DAY)

    (lack,) = selectors.signup_gate(user=certifie, mission=mission).lacks

    assert lack.expired_at is not None and "renew it" in lack.reason


def test_every_reason_that_applies_is_given(ambassador, mission):
    closed(mission)
    gate = selectors.signup_gate(user=ambassador, mission=mission)
    assert gate.codes == [Code.CLOSED, Code.BADGES]


def test_a_cancelled_sign_up_leaves_room_for_a_new_one(certifie, mission):
    signup_of(certifie, mission, SignupStatus.CANCELLED)
    assert selectors.signup_gate(user=certifie, mission=mission).allowed


def test_languages_and_sectors_are_hints_not_conditions(certifie, mission):
    mission.languages, mission.sectors = ["ja"], ["tourism"]
    mission.save()
    assert selectors.signup_gate(user=certifie, mission=mission).allowed


@pytest.mark.parametrize(
    "seated, waiting, mode, outcome",
    [
        (0, 0, SelectionMode.FIRST_COME, SignupStatus.CONFIRMED),
        (1, 0, SelectionMode.FIRST_COME, SignupStatus.CONFIRMED),
        (2, 0, SelectionMode.FIRST_COME, SignupStatus.WAITLISTED),
        (1, 1, SelectionMode.FIRST_COME, SignupStatus.WAITLISTED),  # nobody jumps the queue
        (0, 0, SelectionMode.STAFF, SignupStatus.PENDING),
    ],
)
def test_an_allowed_sign_up_is_confirmed_waitlisted_or_pending(
    certifie, mission, badge, seated, waiting, mode, outcome
):
    mission.selection_mode = mode
    mission.save()
    others = certified(badge, seated + waiting)
    for person in others[:seated]:
        signup_of(person, mission, SignupStatus.CONFIRMED)
    for person in others[seated:]:
        signup_of(person, mission, SignupStatus.WAITLISTED)

    gate = selectors.signup_gate(user=certifie, mission=mission)
    signup = services.signup_create(user=certifie, mission=mission)

    assert gate.outcome == signup.status == outcome


@pytest.mark.parametrize("make", [row[1] for row in REFUSALS], ids=[row[0] for row in REFUSALS])
def test_the_service_refuses_what_the_gate_refuses_and_writes_nothing(
    certifie, mission, badge, make
):
    make(certifie, mission, badge)
    before = list(Signup.objects.values_list("pk", "status"))
    gate = selectors.signup_gate(user=certifie, mission=mission)

    with pytest.raises(services.SignupRefused) as refused:
        services.signup_create(user=certifie, mission=mission)

    assert refused.value.reason == gate.reason
    assert list(Signup.objects.values_list("pk", "status")) == before


def test_the_gate_checks_badges_at_the_moment_of_sign_up(ambassador, mission, badge):
    give_badge(ambassador, badge, expires=timezone.now() + 2 * DAY)
    assert selectors.signup_gate(user=ambassador, mission=mission).allowed
    later = timezone.now() + 3 * DAY
    gate = selectors.signup_gate(user=ambassador, mission=mission, now=later)
    assert gate.codes == [Code.BADGES]
    with pytest.raises(services.SignupRefused):
        services.signup_create(user=ambassador, mission=mission, now=later)


def test_a_briefing_must_be_acknowledged(certifie, index, badge):
    from tests.briefings.builders import BRIEFING

    mission = add_mission(index, badges=[badge], briefing=BRIEFING)
    with pytest.raises(services.SignupRefused):
        services.signup_create(user=certifie, mission=mission)
    signup = services.signup_create(user=certifie, mission=mission, acknowledged=True)
    assert signup.briefing_acknowledged_at is not None

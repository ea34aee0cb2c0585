"""The badges' core services (lms/services.py, lms/criteria.py, quizzes/criteria.py):
criteria evaluation as a table; the award made at once on the last step, through the real
services; evaluating twice awards once; renewal with fresh evidence only; revocation;
manual awards; and two evaluations of one person at once, in real threads, make one
award (SQLite and PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres SQLITE_TEST_PATH=x \\
        .venv/bin/python -m pytest tests/lms/test_badge_services.py
)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from lms import criteria, services
from lms.models import Badge, BadgeAward, BadgeCriterion, CourseCompletion
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests import concurrency
from tests.factories import AmbassadorProfileFactory, UserFactory
from tests.lms.test_progress import add_catalogue, add_course, complete, lessons_of
from tests.quizzes.builders import ALL_RIGHT, ALL_WRONG, Q_SCENARIO, Q_SINGLE, add_quiz

DAY = datetime.timedelta(days=1)

# Answers worth 5, 6 and 7 points of 7 (the quiz's pass mark is 70 %).
FIVE_OF_SEVEN = {**ALL_RIGHT, f"q-{Q_SCENARIO}": ["sc-wait"]}  # 71.43 %
SIX_OF_SEVEN = {**ALL_RIGHT, f"q-{Q_SINGLE}": ["s-wrong"]}  # 85.71 %


def make_badge(*rows, slug="badge", months=24) -> Badge:
    """A badge with criteria rows given as (kind, page, number)."""
    badge = Badge.objects.create(
        name=f"Badge {slug}",
        slug=slug,
        description="Description.",
        criteria_narrative="Critères.",
        validity_months=months,
    )
    for order, (kind, page, number) in enumerate(rows):
        BadgeCriterion.objects.create(
            badge=badge, kind=kind, target_page=page, number=number, sort_order=order
        )
    return badge


@pytest.fixture
def quiz(course):
    """The course's quiz, after its three lessons: every question type, 7 points, pass
    mark 70 %, no limits."""
    return add_quiz(course)


@pytest.fixture
def ready(ambassador, course, quiz):
    """The ambassador read the three lessons: the quiz is their current step."""
    complete(ambassador, *lessons_of(course))
    return ambassador


def take(user, quiz, data, *, now=None) -> Attempt:
    attempt = quiz_services.attempt_start(user=user, quiz=quiz, now=now)
    return quiz_services.attempt_submit(attempt=attempt, data=data, now=now)[0]


def met(badge, user, since=None) -> list[bool]:
    found = criteria.evaluate(list(badge.criteria.all()), [user.pk], since)
    return [(c.pk, user.pk) in found for c in badge.criteria.all()]


# --- Criteria, as a table --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lessons_done, expected", [(3, True), (2, False), (0, False)], ids=["all", "some", "none"]
)
def test_course_completed_is_met_once_every_step_is_done(
    ambassador, course, lessons_done, expected
):
    badge = make_badge(("course_completed", course, None))
    complete(ambassador, *lessons_of(course)[:lessons_done])

    assert met(badge, ambassador) == [expected]
    assert BadgeAward.objects.filter(user=ambassador, badge=badge).exists() == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers, minimum, expected",
    [
        (FIVE_OF_SEVEN, 72, False),  # passed the quiz, below the badge's minimum
        (FIVE_OF_SEVEN, 71, True),  # just above
        (SIX_OF_SEVEN, 85, True),  # above
        (SIX_OF_SEVEN, 86, False),  # below
        (ALL_RIGHT, 100, True),  # at the minimum
        (ALL_RIGHT, None, True),  # no minimum: the quiz's pass mark decides
        (ALL_WRONG, 0, False),  # a failed attempt never counts, whatever the minimum
    ],
    ids=["71-of-72", "71-of-71", "85-of-85", "85-of-86", "100-of-100", "no-min", "failed"],
)
def test_quiz_passed_needs_a_passed_attempt_with_at_least_the_minimum(
    ready, quiz, answers, minimum, expected
):
    badge = make_badge(("quiz_passed", quiz, minimum))

    attempt = take(ready, quiz, answers)

    assert met(badge, ready) == [expected]
    assert BadgeAward.objects.filter(user=ready, badge=badge).exists() == expected
    if expected:
        evidence = BadgeAward.objects.get(user=ready).evidence
        assert evidence == [
            {
                "kind": "quiz_passed",
                "narrative": evidence[0]["narrative"],
                "quiz": quiz.pk,
                "attempt": attempt.number,
                "score": str(attempt.percent),
                "at": attempt.submitted_at.isoformat(),
            }
        ]


@pytest.mark.django_db
def test_a_failed_attempt_after_a_pass_keeps_the_pass_as_evidence(ready, quiz):
    badge = make_badge(("quiz_passed", quiz, 80), slug="exigeant")
    take(ready, quiz, FIVE_OF_SEVEN)  # passed the quiz, below 80 %: no badge
    assert not BadgeAward.objects.exists()

    best = take(ready, quiz, SIX_OF_SEVEN)
    take(ready, quiz, ALL_WRONG)

    assert met(badge, ready) == [True]
    assert BadgeAward.objects.get().evidence[0]["attempt"] == best.number


@pytest.mark.django_db
@pytest.mark.parametrize(
    "first_done, second_done, awarded",
    [(False, False, False), (True, False, False), (False, True, False), (True, True, True)],
)
def test_every_criterion_is_needed(ambassador, catalogue, first_done, second_done, awarded):
    first = add_course(catalogue, "Premier", lessons=1)
    second = add_course(catalogue, "Second", lessons=2)
    badge = make_badge(("course_completed", first, None), ("course_completed", second, None))

    if first_done:
        complete(ambassador, *lessons_of(first))
    if second_done:
        complete(ambassador, *lessons_of(second))

    assert met(badge, ambassador) == [first_done, second_done]
    assert BadgeAward.objects.filter(badge=badge).exists() == awarded


@pytest.mark.django_db
def test_the_evaluation_runs_a_fixed_number_of_queries_whatever_the_people(
    catalogue, django_assert_num_queries
):
    course = add_course(catalogue, "Parcours", lessons=1)
    quiz_course = add_course(catalogue, "Avec quiz", lessons=1)
    quiz = add_quiz(quiz_course)
    badge = make_badge(("course_completed", course, None), ("quiz_passed", quiz, 70))
    rows = list(badge.criteria.select_related("target_page"))
    people = [AmbassadorProfileFactory().user for _ in range(5)]
    for person in people:
        complete(person, *lessons_of(course))

    with django_assert_num_queries(2):  # one per kind present
        found = criteria.evaluate(rows, [p.pk for p in people])

    assert len(found) == 5


# --- Awarding at once -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_badge_is_awarded_at_once_when_the_last_quiz_is_passed(ready, course, quiz):
    badge = make_badge(("course_completed", course, None), ("quiz_passed", quiz, 80))
    take(ready, quiz, FIVE_OF_SEVEN)  # completes the course, but 71 % < 80 %
    assert CourseCompletion.objects.filter(user=ready, course=course).exists()
    assert not BadgeAward.objects.exists()

    attempt = take(ready, quiz, ALL_RIGHT)

    award = BadgeAward.objects.get()
    assert (award.user, award.badge, award.awarded_by) == (ready, badge, None)
    assert [item["kind"] for item in award.evidence] == ["course_completed", "quiz_passed"]
    assert award.issued_at >= attempt.submitted_at
    issued_on = timezone.localtime(award.issued_at).date()
    assert timezone.localtime(award.expires_at).date() == issued_on.replace(year=issued_on.year + 2)
    assert award.recipient_hash == services.recipient_identity(ready.email, award.recipient_salt)
    assert award.recipient_hash.startswith("sha256$") and len(award.recipient_salt) == 32
    entry = ModelLogEntry.objects.get(action=services.LOG_AWARD)
    assert entry.user is None and entry.object_id == str(award.pk)


@pytest.mark.django_db
def test_the_badge_is_awarded_at_once_when_the_last_lesson_is_completed(ambassador, course):
    make_badge(("course_completed", course, None), months=None)
    *first, last = lessons_of(course)
    complete(ambassador, *first)
    assert not BadgeAward.objects.exists()

    complete(ambassador, last)

    award = BadgeAward.objects.get()
    assert award.user == ambassador and award.expires_at is None


@pytest.mark.django_db
def test_evaluating_twice_awards_once(ambassador, course):
    badge = make_badge(("course_completed", course, None))
    complete(ambassador, *lessons_of(course))  # awarded here

    again = services.badges_evaluate(user=ambassador)
    everyone = services.badges_evaluate_everyone()

    assert again == [] and everyone == 0
    assert BadgeAward.objects.filter(badge=badge).count() == 1


@pytest.mark.django_db
def test_the_command_awards_everyone_who_now_meets_new_criteria_once(catalogue):
    course = add_course(catalogue, "Parcours", lessons=1)
    people = [AmbassadorProfileFactory().user for _ in range(3)]
    suspended = AmbassadorProfileFactory(status="suspended").user
    for person in [*people[:2], suspended]:
        complete(person, *lessons_of(course))
    badge = make_badge(("course_completed", course, None))  # criteria defined afterwards
    assert not BadgeAward.objects.exists()

    first, second = StringIO(), StringIO()
    call_command("badges_evaluate", stdout=first)
    call_command("badges_evaluate", stdout=second)

    assert "2 awards made." in first.getvalue()
    assert "0 awards made." in second.getvalue()
    assert set(BadgeAward.objects.filter(badge=badge).values_list("user", flat=True)) == {
        people[0].pk,
        people[1].pk,
    }


@pytest.mark.django_db
def test_a_badge_without_criteria_is_never_earned(ambassador, course):
    Badge.objects.create(name="Vide", slug="vide", description="-", criteria_narrative="-")
    complete(ambassador, *lessons_of(course))
    assert not BadgeAward.objects.exists()


# --- Renewal ----------------------------------------------------------------------------


def expire_in(award, delta):
    BadgeAward.objects.filter(pk=award.pk).update(expires_at=timezone.now() + delta)
    award.refresh_from_db()


@pytest.mark.django_db
def test_an_old_quiz_pass_never_renews_an_award_in_its_window(ready, course, quiz):
    make_badge(("course_completed", course, None), ("quiz_passed", quiz, 70))
    take(ready, quiz, ALL_RIGHT, now=timezone.now() - 360 * DAY)
    award = BadgeAward.objects.get()
    CourseCompletion.objects.update(completed_at=timezone.now() - 360 * DAY)
    expire_in(award, 20 * DAY)  # the window opened 10 days ago

    assert services.badges_evaluate(user=ready) == []
    assert BadgeAward.objects.current().get() == award


@pytest.mark.django_db
def test_the_course_completion_keeps_counting_for_a_renewal_with_a_fresh_pass(ready, course, quiz):
    """A course is completed once and for good: a renewal asks for fresh quiz passes
    only (lms.criteria, "course completed")."""
    make_badge(("course_completed", course, None), ("quiz_passed", quiz, 70))
    take(ready, quiz, ALL_RIGHT, now=timezone.now() - 360 * DAY)
    old = BadgeAward.objects.get()
    CourseCompletion.objects.update(completed_at=timezone.now() - 360 * DAY)
    expire_in(old, 20 * DAY)

    take(ready, quiz, ALL_RIGHT)

    new = BadgeAward.objects.current().get()
    assert new.previous == old
    assert [item["kind"] for item in new.evidence] == ["course_completed", "quiz_passed"]


@pytest.mark.django_db
@pytest.mark.parametrize("expires_in", [20 * DAY, -5 * DAY], ids=["in-window", "expired"])
def test_a_fresh_quiz_pass_renews_the_award_which_follows_the_old_one(ready, quiz, expires_in):
    badge = make_badge(("quiz_passed", quiz, 70), months=12)
    earlier = timezone.now() - 360 * DAY
    take(ready, quiz, ALL_RIGHT, now=earlier)
    old = BadgeAward.objects.get()
    expire_in(old, expires_in)

    assert services.badges_evaluate(user=ready) == []  # the old pass is before the window
    fresh = take(ready, quiz, FIVE_OF_SEVEN)

    new = BadgeAward.objects.current().get(user=ready, badge=badge)
    old.refresh_from_db()
    assert new.pk != old.pk and new.previous == old
    assert old.replaced_at is not None and old.revoked_at is None
    assert new.evidence[0]["attempt"] == fresh.number
    assert new.expires_at > timezone.now() + 300 * DAY
    assert BadgeAward.objects.count() == 2


@pytest.mark.django_db
def test_an_award_outside_its_window_is_not_renewed_by_a_new_pass(ready, quiz):
    make_badge(("quiz_passed", quiz, 70))
    take(ready, quiz, ALL_RIGHT)
    award = BadgeAward.objects.get()
    expire_in(award, 60 * DAY)

    take(ready, quiz, ALL_RIGHT)

    assert list(BadgeAward.objects.all()) == [award]


# --- Revocation and manual awards -----------------------------------------------------


@pytest.fixture
def held(ambassador, course):
    make_badge(("course_completed", course, None))
    complete(ambassador, *lessons_of(course))
    return BadgeAward.objects.get()


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoking_needs_a_reason(held, manager, reason):
    with pytest.raises(services.BadgeAwardRefused) as refused:
        services.badge_revoke(award=held, actor=manager, reason=reason)

    assert refused.value.message == services.ERROR_REVOKE_REASON
    held.refresh_from_db()
    assert held.revoked_at is None
    assert not ModelLogEntry.objects.filter(action=services.LOG_REVOKE).exists()


@pytest.mark.django_db
def test_revoking_twice_changes_nothing(held, manager):
    first = services.badge_revoke(award=held, actor=manager, reason="Fraude avérée.")
    other = UserFactory(is_staff=True)

    second = services.badge_revoke(award=held, actor=other, reason="Autre raison.")

    assert (second.revoked_at, second.revoked_by, second.revoked_reason) == (
        first.revoked_at,
        manager,
        "Fraude avérée.",
    )
    entries = ModelLogEntry.objects.filter(action=services.LOG_REVOKE)
    assert [(e.user, e.data["reason"]) for e in entries] == [(manager, "Fraude avérée.")]


@pytest.mark.django_db
def test_a_revoked_badge_is_earned_again_only_with_a_pass_after_the_revocation(
    ready, quiz, manager
):
    make_badge(("quiz_passed", quiz, 70))
    take(ready, quiz, ALL_RIGHT, now=timezone.now() - 2 * DAY)
    revoked = BadgeAward.objects.get()
    services.badge_revoke(award=revoked, actor=manager, reason="Quiz passé par un tiers.")

    assert services.badges_evaluate(user=ready) == []
    take(ready, quiz, ALL_RIGHT)

    again = BadgeAward.objects.current().get()
    assert again.pk != revoked.pk and again.previous is None


@pytest.mark.django_db
def test_a_manual_award_is_refused_when_the_badge_is_held(held, manager):
    with pytest.raises(services.BadgeAwardRefused) as refused:
        services.badge_award(badge=held.badge, user=held.user, actor=manager, note="Encore.")

    assert refused.value.message == services.ERROR_ALREADY_HELD
    assert BadgeAward.objects.count() == 1


@pytest.mark.django_db
def test_a_manual_award_records_the_note_and_who(ambassador, course, manager):
    badge = make_badge(("course_completed", course, None))

    award = services.badge_award(badge=badge, user=ambassador, actor=manager, note="Salon tenu.")

    assert (award.awarded_by, award.note) == (manager, "Salon tenu.")
    assert award.evidence[0]["kind"] == "manual"
    assert award.evidence[0]["narrative"] == "Salon tenu."
    entry = ModelLogEntry.objects.get(action=services.LOG_AWARD)
    assert (entry.user, entry.object_id) == (manager, str(award.pk))


# --- Concurrency --------------------------------------------------------------------------

THREADS = 8


def at_once(work, count: int = THREADS) -> tuple[list, list]:
    return concurrency.at_once(work, count, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_concurrent_evaluations_of_one_person_make_one_award(transactional_db, home_page):
    user = AmbassadorProfileFactory().user
    course = add_course(add_catalogue(home_page), "Cours concurrent", lessons=1)
    complete(user, *lessons_of(course))
    badge = make_badge(("course_completed", course, None))  # defined after: not yet awarded
    assert not BadgeAward.objects.exists()

    results, errors = at_once(lambda index: services.badges_evaluate(user=user))

    assert errors == []
    assert sorted(len(made) for made in results) == [0] * (THREADS - 1) + [1]
    assert BadgeAward.objects.filter(user=user, badge=badge).count() == 1
    assert ModelLogEntry.objects.filter(action=services.LOG_AWARD).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_renewals_make_one_new_award(transactional_db, home_page):
    user = AmbassadorProfileFactory().user
    course = add_course(add_catalogue(home_page), "Cours concurrent", lessons=1)
    quiz = add_quiz(course)
    complete(user, *lessons_of(course))
    badge = make_badge(("quiz_passed", quiz, 70), months=12)
    take(user, quiz, ALL_RIGHT, now=timezone.now() - 360 * DAY)
    old = BadgeAward.objects.get()
    expire_in(old, 10 * DAY)
    # A fresh pass recorded without evaluating (as if its evaluation were still to run).
    attempt = Attempt.objects.get()
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now())

    results, errors = at_once(lambda index: services.badges_evaluate(user=user))

    assert errors == []
    assert sorted(len(made) for made in results) == [0] * (THREADS - 1) + [1]
    assert BadgeAward.objects.current().filter(user=user, badge=badge).count() == 1
    assert BadgeAward.objects.count() == 2

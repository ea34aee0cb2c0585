"""Quiz rules under concurrent requests, with real threads and real transactions: a
double click, several tabs, a replayed request. Twenty requests at once must grade an
attempt exactly once, never exceed the attempt limit, and never start two attempts.

They run on SQLite (a file database, IMMEDIATE transactions: writers take turns) and on
PostgreSQL (row locks and unique constraints decide):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres SQLITE_TEST_PATH=x \\
        .venv/bin/python -m pytest tests/quizzes/test_concurrency.py

Each thread has its own database connection, closed when it ends; a barrier releases
them together. The structure follows `tests/lms/test_progress.py`'s concurrency test.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lms.models import CourseCompletion, StepCompletion
from quizzes import services
from quizzes.models import Answer, Attempt, AttemptState, QuizVersion
from quizzes.selectors import ERROR_NO_ATTEMPT_LEFT
from quizzes.services import AttemptRefused
from tests import concurrency
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_catalogue, add_course, complete, lessons_of
from tests.quizzes.builders import ALL_RIGHT, ALL_WRONG, add_quiz

THREADS = 20

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting(transactional_db, home_page):
    """An ambassador who finished the only lesson of a course ending with the quiz
    (every question type, 7 points)."""
    user = AmbassadorProfileFactory().user
    course = add_course(add_catalogue(home_page), "Cours concurrent", lessons=1)
    quiz = add_quiz(course)
    complete(user, *lessons_of(course))
    return user, course, quiz


def at_once(work, count: int = THREADS) -> tuple[list, list]:
    """`work(index)` in `count` threads at once; a refusal (`AttemptRefused`) is a
    result."""
    return concurrency.at_once(work, count, expected=(AttemptRefused,), timeout=120)


def test_twenty_submissions_of_one_attempt_grade_it_exactly_once(setting):
    user, course, quiz = setting
    attempt = services.attempt_start(user=user, quiz=quiz)
    services.answers_save(attempt=attempt, data=ALL_WRONG)  # replaced by the submission
    base = timezone.now()

    def submit(index):
        # Each request loads the attempt itself, then submits with its own clock.
        mine = Attempt.objects.select_related("version", "key_version", "quiz").get(pk=attempt.pk)
        now = base + datetime.timedelta(milliseconds=index)
        graded, graded_now = services.attempt_submit(attempt=mine, data=ALL_RIGHT, now=now)
        return index, graded.pk, graded.score, graded.passed, graded_now

    results, errors = at_once(submit)

    assert errors == []
    assert len(results) == THREADS
    winners = [index for index, _pk, _score, _passed, graded_now in results if graded_now]
    assert len(winners) == 1  # graded exactly once
    # Every request, the replays included, answered with the same graded attempt.
    assert {(pk, score, passed) for _i, pk, score, passed, _now in results} == {
        (attempt.pk, Decimal(7), True)
    }
    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.state == AttemptState.GRADED
    # The grade written is the winner's: its clock is the one recorded.
    assert stored.submitted_at == base + datetime.timedelta(milliseconds=winners[0])
    assert (stored.score, stored.max_score, stored.percent) == (Decimal(7), Decimal(7), 100)
    answers = Answer.objects.filter(attempt=attempt)
    assert answers.count() == 5
    assert all(answer.correct and answer.score > 0 for answer in answers)
    assert Attempt.objects.count() == 1
    assert StepCompletion.objects.filter(user=user, step=quiz).count() == 1
    assert CourseCompletion.objects.filter(user=user, course=course).count() == 1


def test_twenty_starts_never_exceed_the_attempt_limit(setting):
    user, _course, quiz = setting
    quiz.attempt_limit = 3
    quiz.save(update_fields=["attempt_limit"])
    for _ in range(2):
        services.attempt_submit(
            attempt=services.attempt_start(user=user, quiz=quiz), data=ALL_WRONG
        )

    results, errors = at_once(lambda _index: services.attempt_start(user=user, quiz=quiz).pk)

    assert errors == []
    assert len(results) == THREADS
    assert Attempt.objects.filter(quiz=quiz, user=user).count() == 3
    in_progress = Attempt.objects.in_progress().filter(quiz=quiz, user=user)
    assert list(in_progress.values_list("number", flat=True)) == [3]
    # Every request got that attempt, or was refused (see the deterministic tests below:
    # some are refused when they should resume it).
    started = {result for result in results if not isinstance(result, AttemptRefused)}
    assert started == {in_progress.get().pk}


def test_twenty_requests_starting_and_submitting_in_a_loop_use_exactly_the_attempts_allowed(
    setting,
):
    """Each thread starts (or resumes) an attempt and submits it, again and again, until
    it is told every attempt is used: together they use exactly the attempts allowed,
    each graded once, numbered 1 to 5."""
    user, _course, quiz = setting
    quiz.attempt_limit = 5
    quiz.save(update_fields=["attempt_limit"])

    def start_and_submit_until_none_is_left(_index):
        graded_here = 0
        for _ in range(50):
            try:
                attempt = services.attempt_start(user=user, quiz=quiz)
            except AttemptRefused as refused:
                if refused.reason == str(ERROR_NO_ATTEMPT_LEFT):
                    return graded_here, refused.reason
                continue  # refused by a race (see below): ask again, as a person would
            graded_here += services.attempt_submit(attempt=attempt, data=ALL_WRONG)[1]
        return graded_here, "never refused"

    results, errors = at_once(start_and_submit_until_none_is_left)

    assert errors == []
    assert {reason for _graded, reason in results} == {str(ERROR_NO_ATTEMPT_LEFT)}
    assert sum(graded for graded, _reason in results) == 5
    attempts = Attempt.objects.filter(quiz=quiz, user=user)
    assert sorted(attempts.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert not attempts.in_progress().exists()
    assert Answer.objects.filter(attempt__in=attempts).count() == 5 * 5


def test_twenty_first_starts_create_one_attempt_that_the_others_resume(setting):
    user, _course, quiz = setting

    results, errors = at_once(lambda _index: services.attempt_start(user=user, quiz=quiz).pk)

    assert errors == []
    assert len(results) == THREADS
    assert not any(isinstance(result, AttemptRefused) for result in results)
    assert len(set(results)) == 1
    attempt = Attempt.objects.get()
    assert (attempt.pk, attempt.number, attempt.state) == (
        results[0],
        1,
        AttemptState.IN_PROGRESS,
    )
    assert QuizVersion.objects.filter(quiz=quiz).count() == 1  # frozen once, shared


# --- Interleavings, made deterministic ------------------------------------------------------
# A start racing another start must resume the attempt the other one created, never be
# refused. The two windows, forced here on one thread by running the other request's
# start inside `start_gate` (which `attempt_start` calls between reading the attempts
# and inserting).


def _with_a_concurrent_start(monkeypatch, user, quiz, *, after_the_gate: bool):
    """Make the next `attempt_start` meet another request's start inside its gate:
    before the gate reads the attempts, or after it decided."""
    from quizzes import selectors

    original = selectors.start_gate
    other = {}

    def gate(**kwargs):
        if "pk" not in other:
            monkeypatch.setattr(selectors, "start_gate", original)  # the other request
            other["pk"] = services.attempt_start(user=user, quiz=quiz).pk
            monkeypatch.setattr(selectors, "start_gate", gate)
            if after_the_gate:
                return decided
        return original(**kwargs)

    decided = original(user=user, quiz=quiz) if after_the_gate else None
    monkeypatch.setattr(selectors, "start_gate", gate)
    return other


@pytest.mark.parametrize("after_the_gate", [False, True], ids=["before-gate", "after-gate"])
def test_a_start_meeting_a_concurrent_start_of_the_last_attempt_resumes_it(
    setting, monkeypatch, after_the_gate
):
    user, _course, quiz = setting
    quiz.attempt_limit = 3
    quiz.save(update_fields=["attempt_limit"])
    for _ in range(2):
        services.attempt_submit(
            attempt=services.attempt_start(user=user, quiz=quiz), data=ALL_WRONG
        )
    other = _with_a_concurrent_start(monkeypatch, user, quiz, after_the_gate=after_the_gate)

    resumed = services.attempt_start(user=user, quiz=quiz)

    assert resumed.pk == other["pk"] and resumed.number == 3
    assert Attempt.objects.count() == 3


@pytest.mark.parametrize("after_the_gate", [False, True], ids=["before-gate", "after-gate"])
def test_without_a_limit_a_start_meeting_a_concurrent_start_resumes_it(
    setting, monkeypatch, after_the_gate
):
    user, _course, quiz = setting
    other = _with_a_concurrent_start(monkeypatch, user, quiz, after_the_gate=after_the_gate)

    resumed = services.attempt_start(user=user, quiz=quiz)

    assert resumed.pk == other["pk"] and resumed.number == 1
    assert Attempt.objects.count() == 1

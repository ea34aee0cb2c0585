"""Services of `quizzes`, outcome by outcome: starting (order, deadline, resume, frozen
and shared versions), saving answers (upsert, all or nothing, closed attempts, the
grace period), submitting (graded once, unanswered questions, the course step), retakes,
limits and cooldowns, time up (the daily job and the next opening), regrading after a
key correction, what each review policy shows, the quiz's gate, and the query counts of
a save and a submission, which do not grow with the number of questions.

The quiz is the fixture's (`conftest.py`): one question of each type, 7 points, pass
mark 70 %; `ready` is the ambassador whose lesson is done. Times are passed as `now=`.
"""

from __future__ import annotations

import copy
import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from home.models import MembershipStatus
from lms.models import CourseCompletion, StepCompletion
from lms.selectors import ERROR_STEP_LOCKED
from quizzes import selectors, services, versions
from quizzes.grading import ERROR_NOT_A_NUMBER, ERROR_UNKNOWN_CHOICE
from quizzes.models import (
    Answer,
    AnswersShown,
    Attempt,
    AttemptState,
    ClosedBy,
    QuizPage,
    QuizVersion,
    ReviewPolicy,
)
from quizzes.selectors import ERROR_COOLDOWN, ERROR_NO_ATTEMPT_LEFT
from quizzes.services import (
    ERROR_NOT_IN_PROGRESS,
    ERROR_TIME_UP,
    ERROR_UNKNOWN_QUESTION,
    GRACE,
    AnswersInvalid,
    AttemptClosed,
    AttemptRefused,
)
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import complete, lessons_of
from tests.quizzes.builders import (
    ALL_RIGHT,
    ALL_WRONG,
    IDS,
    Q_MULTIPLE,
    Q_NUMERIC,
    Q_SCENARIO,
    Q_SINGLE,
    Q_TRUE_FALSE,
    add_quiz,
    every_question_type,
)

MINUTE = datetime.timedelta(minutes=1)


def start(user, quiz, **kwargs) -> Attempt:
    return services.attempt_start(user=user, quiz=quiz, **kwargs)


def submit(attempt, data=None, **kwargs):
    return services.attempt_submit(attempt=attempt, data=data, **kwargs)


def rows(attempt) -> dict[str, tuple]:
    """The attempt's answers: question id → (response, saved_at, score, correct)."""
    return {
        a.question_id: (a.response, a.saved_at, a.score, a.correct)
        for a in Answer.objects.filter(attempt=attempt)
    }


def reloaded(attempt) -> Attempt:
    return Attempt.objects.select_related("version", "key_version", "quiz").get(pk=attempt.pk)


def set_rules(quiz, **fields) -> QuizPage:
    for name, value in fields.items():
        setattr(quiz, name, value)
    quiz.save(update_fields=list(fields))
    return quiz


def publish_questions(quiz, questions) -> QuizPage:
    """Edit the live quiz's questions as staff would, and publish."""
    page = QuizPage.objects.get(pk=quiz.pk)
    page.questions = questions
    page.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def with_single_key(key: str) -> list[dict]:
    """Every question type, the single-choice question's right choice being `key`."""
    questions = every_question_type()
    for item in questions[0]["value"]["choices"]:
        item["value"]["correct"] = item["id"] == key
    return questions


# --- Starting -----------------------------------------------------------------------------


def test_start_records_the_attempt_its_question_and_choice_order_and_no_deadline(ready, quiz):
    now = timezone.now()
    assert not Attempt.objects.exists()

    attempt = start(ready, quiz, now=now)

    stored = reloaded(attempt)
    assert (stored.user, stored.quiz_id, stored.number) == (ready, quiz.pk, 1)
    assert stored.state == AttemptState.IN_PROGRESS
    assert stored.started_at == now and stored.deadline is None
    assert stored.question_order == IDS  # not shuffled: the author's order
    assert stored.choice_order == {
        Q_SINGLE: ["s-right", "s-wrong"],
        Q_MULTIPLE: ["m-a", "m-b", "m-c"],
        Q_TRUE_FALSE: ["true", "false"],
        Q_NUMERIC: [],
        Q_SCENARIO: ["sc-pass", "sc-wait"],
    }
    assert stored.version == stored.key_version
    assert [q["id"] for q in stored.version.questions] == IDS
    assert stored.max_score == Decimal(7) and stored.version.total_points == Decimal(7)
    assert (stored.score, stored.percent, stored.passed, stored.submitted_at) == (
        None,
        None,
        None,
        None,
    )


def test_a_timed_attempt_records_its_deadline(ready, quiz):
    set_rules(quiz, time_limit_minutes=15)
    now = timezone.now()

    attempt = start(ready, quiz, now=now)

    assert reloaded(attempt).deadline == now + datetime.timedelta(minutes=15)


def test_shuffled_attempts_keep_the_same_questions_and_choices_in_new_orders(ready, quiz):
    set_rules(quiz, shuffle_questions=True, shuffle_choices=True)
    orders, choice_orders = set(), set()
    for _ in range(12):
        attempt = start(ready, quiz)
        assert sorted(attempt.question_order) == sorted(IDS)
        assert sorted(attempt.choice_order[Q_MULTIPLE]) == ["m-a", "m-b", "m-c"]
        assert attempt.choice_order[Q_TRUE_FALSE] == ["true", "false"]  # never shuffled
        orders.add(tuple(attempt.question_order))
        choice_orders.add(tuple(attempt.choice_order[Q_MULTIPLE]))
        submit(attempt)

    # 12 attempts all in the author's order: a chance of 1 in 120¹² (questions).
    assert len(orders) > 1 and len(choice_orders) > 1


def test_starting_again_resumes_the_attempt_in_progress(ready, quiz):
    first = start(ready, quiz)
    services.answers_save(attempt=first, data={f"q-{Q_SINGLE}": ["s-right"]})

    again = start(ready, quiz)

    assert again.pk == first.pk
    assert Attempt.objects.count() == 1
    assert rows(again)[Q_SINGLE][0] == {"choices": ["s-right"]}


def test_attempts_on_the_same_questions_share_one_frozen_version(ready, quiz):
    other = AmbassadorProfileFactory().user
    complete(other, *lessons_of(quiz.get_parent()))

    mine, theirs = start(ready, quiz), start(other, quiz)

    assert mine.version_id == theirs.version_id
    assert QuizVersion.objects.filter(quiz=quiz).count() == 1


def test_publishing_edited_questions_makes_a_new_version_and_leaves_past_attempts_alone(
    ready, quiz
):
    before = start(ready, quiz)
    graded, _ = submit(before, ALL_RIGHT)
    frozen = copy.deepcopy(graded.version.questions)
    # Staff make "s-wrong" the right answer and drop the numeric question.
    edited = [q for q in with_single_key("s-wrong") if q["id"] != Q_NUMERIC]

    quiz = publish_questions(quiz, edited)
    after = start(ready, quiz)

    assert after.version_id != before.version_id
    assert [q["id"] for q in after.version.questions] == [
        Q_SINGLE,
        Q_MULTIPLE,
        Q_TRUE_FALSE,
        Q_SCENARIO,
    ]
    assert after.max_score == Decimal(6)
    old = reloaded(before)
    assert old.version.questions == frozen  # the old version did not change
    assert (old.score, old.percent, old.passed) == (Decimal(7), Decimal(100), True)
    assert QuizVersion.objects.filter(quiz=quiz).count() == 2


def test_start_is_refused_once_every_attempt_is_used(ready, quiz):
    set_rules(quiz, attempt_limit=2)
    for _ in range(2):
        submit(start(ready, quiz), ALL_WRONG)

    with pytest.raises(AttemptRefused) as refused:
        start(ready, quiz)

    assert refused.value.reason == str(ERROR_NO_ATTEMPT_LEFT)
    assert Attempt.objects.count() == 2
    state = selectors.quiz_state(user=ready, quiz=quiz)
    assert state.attempts_left == 0 and not state.start.allowed


def test_the_cooldown_refuses_a_new_attempt_until_it_has_passed(ready, quiz):
    set_rules(quiz, cooldown_minutes=30)
    now = timezone.now()
    submit(start(ready, quiz, now=now), ALL_WRONG, now=now)
    available = now + datetime.timedelta(minutes=30)

    with pytest.raises(AttemptRefused) as refused:
        start(ready, quiz, now=now + 29 * MINUTE)

    assert refused.value.reason.startswith(str(ERROR_COOLDOWN).split("%")[0])
    assert timezone.localtime(available).strftime("%H:%M") in refused.value.reason
    assert Attempt.objects.count() == 1
    assert selectors.quiz_state(user=ready, quiz=quiz, now=now).next_at == available

    second = start(ready, quiz, now=available)
    assert second.number == 2


def test_a_quiz_without_questions_cannot_be_started(ready, course):
    empty = add_quiz(course, "Quiz vide", questions=[])

    with pytest.raises(AttemptRefused) as refused:
        start(ready, empty)

    assert refused.value.reason == str(selectors.ERROR_NO_QUESTIONS)
    assert not Attempt.objects.exists()


# --- Saving answers -------------------------------------------------------------------------


def test_saving_again_updates_that_answer_and_leaves_the_others_untouched(ready, quiz):
    attempt = start(ready, quiz)
    first_save = timezone.now()
    written = services.answers_save(
        attempt=attempt,
        data={
            f"q-{Q_SINGLE}": ["s-wrong"],
            f"q-{Q_NUMERIC}": ["3 000"],
            "csrfmiddlewaretoken": ["x"],
        },
        now=first_save,
    )
    assert written == 2

    later = first_save + MINUTE
    services.answers_save(attempt=attempt, data={f"q-{Q_SINGLE}": ["s-right"]}, now=later)

    assert rows(attempt) == {
        Q_SINGLE: ({"choices": ["s-right"]}, later, None, None),
        Q_NUMERIC: ({"value": "3000"}, first_save, None, None),
    }


def test_clearing_an_answer_keeps_its_row_with_no_response(ready, quiz):
    attempt = start(ready, quiz)
    services.answers_save(attempt=attempt, data={f"q-{Q_MULTIPLE}": ["m-a"]})

    services.answers_save(attempt=attempt, data={f"q-{Q_MULTIPLE}": []})

    assert rows(attempt)[Q_MULTIPLE][0] is None


def test_invalid_answers_save_nothing_of_the_request_and_say_what_is_wrong(ready, quiz):
    attempt = start(ready, quiz)
    services.answers_save(attempt=attempt, data={f"q-{Q_SINGLE}": ["s-right"]})
    before = rows(attempt)

    with pytest.raises(AnswersInvalid) as invalid:
        services.answers_save(
            attempt=attempt,
            data={
                f"q-{Q_SINGLE}": ["s-wrong"],  # valid, yet not saved either
                f"q-{Q_NUMERIC}": ["trois mille"],
                f"q-{Q_SCENARIO}": ["sc-invented"],
                "q-00000000-0000-4000-8000-000000000000": ["x"],  # not in the attempt
            },
        )

    assert invalid.value.errors == {
        Q_NUMERIC: str(ERROR_NOT_A_NUMBER),
        Q_SCENARIO: str(ERROR_UNKNOWN_CHOICE),
        "": str(ERROR_UNKNOWN_QUESTION),
    }
    assert rows(attempt) == before


def test_a_question_of_another_version_is_refused(ready, quiz):
    attempt = start(ready, quiz)
    # A question added to the live quiz after this attempt started is not in it.
    extra = every_question_type()[0]
    extra["id"] = str(uuid.uuid4())
    publish_questions(quiz, [*every_question_type(), extra])

    with pytest.raises(AnswersInvalid) as invalid:
        services.answers_save(attempt=attempt, data={f"q-{extra['id']}": ["s-right"]})

    assert invalid.value.errors == {"": str(ERROR_UNKNOWN_QUESTION)}
    assert rows(attempt) == {}


def test_answers_are_refused_once_the_attempt_is_graded(ready, quiz):
    attempt = start(ready, quiz)
    submit(attempt, ALL_WRONG)
    before = rows(attempt)

    with pytest.raises(AttemptClosed) as closed:
        services.answers_save(attempt=attempt, data=ALL_RIGHT)

    assert closed.value.reason == ERROR_NOT_IN_PROGRESS
    assert rows(attempt) == before


def test_answers_are_accepted_up_to_a_minute_past_the_deadline_then_refused(ready, quiz):
    set_rules(quiz, time_limit_minutes=10)
    now = timezone.now()
    attempt = start(ready, quiz, now=now)
    deadline = now + 10 * MINUTE
    assert GRACE.total_seconds() == 60

    in_grace = deadline + GRACE
    services.answers_save(attempt=attempt, data={f"q-{Q_SINGLE}": ["s-right"]}, now=in_grace)
    with pytest.raises(AttemptClosed) as closed:
        services.answers_save(
            attempt=attempt,
            data={f"q-{Q_NUMERIC}": ["3000"]},
            now=deadline + GRACE + datetime.timedelta(seconds=1),
        )

    assert closed.value.reason == ERROR_TIME_UP
    assert set(rows(attempt)) == {Q_SINGLE}
    assert reloaded(attempt).state == AttemptState.IN_PROGRESS  # closed by the next step


# --- Submitting -------------------------------------------------------------------------------


def test_submit_saves_the_posted_answers_then_grades_once(ready, quiz):
    attempt = start(ready, quiz)
    now = timezone.now()

    graded, graded_now = submit(attempt, ALL_RIGHT, now=now)

    assert graded_now is True
    assert (graded.state, graded.closed_by, graded.submitted_at) == (
        AttemptState.GRADED,
        ClosedBy.SUBMITTED,
        now,
    )
    assert (graded.score, graded.max_score, graded.percent, graded.passed) == (
        Decimal(7),
        Decimal(7),
        Decimal(100),
        True,
    )
    assert {qid: (r[0], r[2], r[3]) for qid, r in rows(attempt).items()} == {
        Q_SINGLE: ({"choices": ["s-right"]}, Decimal(1), True),
        Q_MULTIPLE: ({"choices": ["m-a", "m-b"]}, Decimal(2), True),
        Q_TRUE_FALSE: ({"choices": ["false"]}, Decimal(1), True),
        Q_NUMERIC: ({"value": "3050"}, Decimal(1), True),
        Q_SCENARIO: ({"choices": ["sc-pass"]}, Decimal(2), True),
    }


def test_a_second_submission_changes_nothing_and_returns_the_same_result(ready, quiz):
    attempt = start(ready, quiz)
    first, _ = submit(attempt, ALL_WRONG)
    answers = rows(attempt)

    again, graded_now = submit(attempt, ALL_RIGHT, now=timezone.now() + MINUTE)

    assert graded_now is False
    assert again.pk == first.pk
    assert (again.score, again.percent, again.passed, again.submitted_at) == (
        first.score,
        first.percent,
        False,
        first.submitted_at,
    )
    assert rows(attempt) == answers  # the replayed answers were not saved
    assert Attempt.objects.count() == 1


def test_unanswered_questions_get_a_row_worth_nothing(ready, quiz):
    attempt = start(ready, quiz)
    services.answers_save(attempt=attempt, data={f"q-{Q_SINGLE}": ["s-right"]})

    graded, _ = submit(attempt, {f"q-{Q_MULTIPLE}": ["m-a"]})  # partial: 1 of 2 points

    assert {qid: (r[0], r[2], r[3]) for qid, r in rows(attempt).items()} == {
        Q_SINGLE: ({"choices": ["s-right"]}, Decimal(1), True),
        Q_MULTIPLE: ({"choices": ["m-a"]}, Decimal(1), False),
        Q_TRUE_FALSE: (None, Decimal(0), False),
        Q_NUMERIC: (None, Decimal(0), False),
        Q_SCENARIO: (None, Decimal(0), False),
    }
    assert (graded.score, graded.percent, graded.passed) == (Decimal(2), Decimal("28.57"), False)


def test_invalid_answers_on_submit_leave_the_attempt_in_progress_with_its_answers(ready, quiz):
    attempt = start(ready, quiz)
    services.answers_save(attempt=attempt, data={f"q-{Q_SINGLE}": ["s-right"]})
    before = rows(attempt)

    with pytest.raises(AnswersInvalid):
        submit(attempt, {**ALL_RIGHT, f"q-{Q_NUMERIC}": ["abc"]})

    assert reloaded(attempt).state == AttemptState.IN_PROGRESS
    assert rows(attempt) == before


def test_passing_completes_the_quiz_step_and_the_course_when_it_is_the_last(ready, course, quiz):
    assert not StepCompletion.objects.filter(user=ready, step=quiz).exists()

    submit(start(ready, quiz), ALL_RIGHT)

    assert StepCompletion.objects.filter(user=ready, step=quiz).count() == 1
    assert CourseCompletion.objects.filter(user=ready, course=course).count() == 1


def test_failing_completes_nothing(ready, course, quiz):
    graded, _ = submit(start(ready, quiz), ALL_WRONG)

    assert graded.passed is False and graded.score == Decimal(0)
    assert not StepCompletion.objects.filter(user=ready, step=quiz).exists()
    assert not CourseCompletion.objects.filter(user=ready, course=course).exists()


def test_a_passed_quiz_may_be_retaken_while_attempts_remain_and_the_best_attempt_counts(
    ready, course, quiz
):
    set_rules(quiz, attempt_limit=3)
    passed, _ = submit(start(ready, quiz), ALL_RIGHT)

    retake = start(ready, quiz)  # allowed after a pass
    failed, _ = submit(retake, ALL_WRONG)

    state = selectors.quiz_state(user=ready, quiz=quiz)
    assert [a.number for a in state.attempts] == [2, 1]
    assert state.best.pk == passed.pk and state.passed
    assert state.attempts_left == 1 and state.start.allowed
    assert failed.passed is False
    # The step and the course stay completed, recorded once.
    assert StepCompletion.objects.filter(user=ready, step=quiz).count() == 1
    assert CourseCompletion.objects.filter(user=ready, course=course).count() == 1


def test_the_best_attempt_is_the_highest_score_the_earliest_on_a_tie(ready, quiz):
    scores = []
    for data in (ALL_WRONG, {f"q-{Q_SINGLE}": ["s-right"]}, {f"q-{Q_SINGLE}": ["s-right"]}):
        graded, _ = submit(start(ready, quiz), data)
        scores.append(graded)

    state = selectors.quiz_state(user=ready, quiz=quiz)

    assert state.best.pk == scores[1].pk and not state.passed


# --- Time up ----------------------------------------------------------------------------------


def test_the_daily_job_closes_overdue_attempts_with_their_saved_answers_only_once(
    ready, course, quiz
):
    set_rules(quiz, time_limit_minutes=10)
    now = timezone.now()
    overdue = start(ready, quiz, now=now)
    services.answers_save(attempt=overdue, data=ALL_RIGHT, now=now + 5 * MINUTE)
    # Another ambassador started later: still on time when the job runs.
    other = AmbassadorProfileFactory().user
    complete(other, *lessons_of(course))
    on_time = start(other, quiz, now=now + 5 * MINUTE)
    # A third one's untimed attempt (started before the limit was set) never expires.
    third = AmbassadorProfileFactory().user
    complete(third, *lessons_of(course))
    set_rules(quiz, time_limit_minutes=None)
    untimed = start(third, quiz, now=now - datetime.timedelta(days=3))
    set_rules(quiz, time_limit_minutes=10)
    job_time = now + 10 * MINUTE + GRACE + datetime.timedelta(seconds=1)

    closed = services.attempts_close_overdue(now=job_time)

    assert closed == 1
    done = reloaded(overdue)
    assert (done.state, done.closed_by, done.score, done.passed) == (
        AttemptState.GRADED,
        ClosedBy.TIME_UP,
        Decimal(7),
        True,
    )
    assert StepCompletion.objects.filter(user=ready, step=quiz).exists()
    assert reloaded(on_time).state == AttemptState.IN_PROGRESS
    assert reloaded(untimed).state == AttemptState.IN_PROGRESS
    assert services.attempts_close_overdue(now=job_time) == 0  # nothing closed twice
    assert reloaded(overdue).submitted_at == done.submitted_at


def test_opening_an_overdue_attempt_closes_it_and_starts_a_new_one_if_allowed(ready, quiz):
    set_rules(quiz, time_limit_minutes=10)
    now = timezone.now()
    first = start(ready, quiz, now=now)
    services.answers_save(attempt=first, data={f"q-{Q_SINGLE}": ["s-right"]}, now=now)

    second = start(ready, quiz, now=now + 20 * MINUTE)

    assert second.pk != first.pk and second.number == 2
    closed = reloaded(first)
    assert (closed.state, closed.closed_by, closed.score) == (
        AttemptState.GRADED,
        ClosedBy.TIME_UP,
        Decimal(1),
    )
    assert Attempt.objects.in_progress().get().pk == second.pk


def test_opening_an_overdue_last_attempt_closes_it_and_refuses_a_new_one(ready, quiz):
    set_rules(quiz, time_limit_minutes=10, attempt_limit=1)
    now = timezone.now()
    first = start(ready, quiz, now=now)

    with pytest.raises(AttemptRefused) as refused:
        start(ready, quiz, now=now + 20 * MINUTE)

    assert refused.value.reason == str(ERROR_NO_ATTEMPT_LEFT)
    assert reloaded(first).closed_by == ClosedBy.TIME_UP
    assert Attempt.objects.count() == 1


def test_a_submission_past_the_grace_is_graded_with_the_answers_saved_in_time(ready, quiz):
    set_rules(quiz, time_limit_minutes=10)
    now = timezone.now()
    attempt = start(ready, quiz, now=now)
    services.answers_save(attempt=attempt, data={f"q-{Q_SINGLE}": ["s-right"]}, now=now)

    graded, graded_now = submit(attempt, ALL_RIGHT, now=now + 12 * MINUTE)

    assert graded_now is True
    assert (graded.closed_by, graded.score) == (ClosedBy.TIME_UP, Decimal(1))
    assert rows(attempt)[Q_MULTIPLE][0] is None  # the late answers were not saved


def test_a_submission_within_the_grace_is_graded_with_the_posted_answers(ready, quiz):
    set_rules(quiz, time_limit_minutes=10)
    now = timezone.now()
    attempt = start(ready, quiz, now=now)

    graded, _ = submit(
        attempt, ALL_RIGHT, now=now + 10 * MINUTE + 59 * datetime.timedelta(seconds=1)
    )

    assert (graded.closed_by, graded.score) == (ClosedBy.SUBMITTED, Decimal(7))


def test_the_cooldown_after_a_time_up_runs_from_the_deadline_not_from_its_closing(ready, quiz):
    set_rules(quiz, time_limit_minutes=10, cooldown_minutes=60)
    now = timezone.now()
    first = start(ready, quiz, now=now)
    next_day = now + datetime.timedelta(days=1)

    second = start(ready, quiz, now=next_day)  # the overdue one is closed, then a new one

    assert second.number == 2
    assert reloaded(first).submitted_at <= now + 10 * MINUTE + GRACE


# --- Regrading ------------------------------------------------------------------------------------


def test_regrading_after_a_key_correction_changes_scores_records_the_key_and_logs(
    ready, staff, course, quiz
):
    quiz = publish_questions(quiz, with_single_key("s-wrong"))  # the key is wrong
    # 6 of 7 with the wrong key: "s-right" scores nothing; 85.71 % passes anyway.
    first, _ = submit(start(ready, quiz), ALL_RIGHT)
    assert (first.score, first.passed) == (Decimal(6), True)
    other = AmbassadorProfileFactory().user
    complete(other, *lessons_of(course))
    # 3 of 7 with the wrong key: "s-wrong", then 2 + 0 + 0 + 0; 2 of 7 once corrected.
    their, _ = submit(
        start(other, quiz), {f"q-{Q_SINGLE}": ["s-wrong"], f"q-{Q_MULTIPLE}": ["m-a", "m-b"]}
    )
    assert (their.score, their.passed) == (Decimal(3), False)
    shown = first.version

    quiz = publish_questions(quiz, with_single_key("s-right"))  # staff correct it
    now = timezone.now()
    changed = services.attempts_regrade(quiz=quiz, actor=staff, now=now)

    assert changed == 2
    live = versions.version_for(quiz)  # the corrected questions' version, made by the regrade
    assert live != shown and QuizVersion.objects.filter(quiz=quiz).count() == 2
    mine, theirs = reloaded(first), reloaded(their)
    assert (mine.score, mine.percent, mine.passed) == (Decimal(7), Decimal(100), True)
    assert (theirs.score, theirs.passed) == (Decimal(2), False)
    for attempt in (mine, theirs):
        assert attempt.version == shown  # the questions shown stay as they were
        assert attempt.key_version == live and attempt.regraded_at == now
    assert Answer.objects.get(attempt=first, question_id=Q_SINGLE).correct is True
    entry = PageLogEntry.objects.get(action=services.LOG_REGRADE)
    assert (entry.page_id, entry.user, entry.data) == (
        quiz.pk,
        staff,
        {"version": live.pk, "changed": 2},
    )
    # Nothing left to regrade: a second run changes nothing (and says so).
    assert services.attempts_regrade(quiz=quiz, actor=staff, now=now) == 0


def test_an_attempt_that_passes_after_a_regrade_completes_the_step(ready, staff, course, quiz):
    quiz = publish_questions(quiz, with_single_key("s-wrong"))
    set_rules(quiz, pass_mark=100)
    graded, _ = submit(start(ready, quiz), ALL_RIGHT)
    assert graded.passed is False and not StepCompletion.objects.filter(step=quiz).exists()

    quiz = publish_questions(quiz, with_single_key("s-right"))
    services.attempts_regrade(quiz=quiz, actor=staff)

    assert reloaded(graded).passed is True
    assert StepCompletion.objects.filter(user=ready, step=quiz).count() == 1
    assert CourseCompletion.objects.filter(user=ready, course=course).exists()


def test_a_question_removed_or_rebuilt_since_keeps_its_grade_on_regrade(ready, staff, quiz):
    quiz = publish_questions(quiz, with_single_key("s-wrong"))
    graded, _ = submit(start(ready, quiz), ALL_RIGHT)
    assert rows(graded)[Q_SINGLE][2] == Decimal(0)

    # The single-choice question is removed; the scenario's choices are rebuilt (a new
    # choice id) with a changed key: neither can regrade what was shown.
    questions = [q for q in every_question_type() if q["id"] != Q_SINGLE]
    scenario = next(q for q in questions if q["id"] == Q_SCENARIO)
    scenario["value"]["choices"][0]["value"]["correct"] = False
    scenario["value"]["choices"].append(
        {
            "type": "item",
            "id": "sc-new",
            "value": {"text": "Autre", "correct": True, "feedback": ""},
        }
    )
    quiz = publish_questions(quiz, questions)
    services.attempts_regrade(quiz=quiz, actor=staff)

    after = reloaded(graded)
    assert rows(after)[Q_SINGLE][2:] == (Decimal(0), False)  # kept
    assert rows(after)[Q_SCENARIO][2:] == (Decimal(2), True)  # kept
    assert after.score == Decimal(6) and after.max_score == Decimal(7)


def test_the_review_after_a_regrade_agrees_with_the_grade_for_a_rebuilt_question(
    ready, staff, quiz
):
    set_rules(quiz, review=ReviewPolicy.FULL, answers_shown=AnswersShown.ONCE_PASSED)
    graded, _ = submit(start(ready, quiz), ALL_RIGHT)
    questions = every_question_type()
    scenario = next(q for q in questions if q["id"] == Q_SCENARIO)
    scenario["value"]["points"] = 5
    scenario["value"]["choices"][0]["value"]["correct"] = False
    scenario["value"]["choices"][1]["value"]["correct"] = True  # "sc-wait" now, and
    scenario["value"]["choices"].append(  # a new choice: not regradable
        {
            "type": "item",
            "id": "sc-new",
            "value": {"text": "Autre", "correct": False, "feedback": ""},
        }
    )
    quiz = publish_questions(quiz, questions)
    services.attempts_regrade(quiz=quiz, actor=staff)
    attempt = reloaded(graded)

    review = selectors.attempt_review(attempt, state=selectors.quiz_state(user=ready, quiz=quiz))

    question = next(q for q in review.questions if q.prompt == "<p>Que faites-vous ?</p>")
    assert (question.score, question.correct) == (Decimal(2), True)  # the grade kept
    assert {c.id: c.correct for c in question.choices} == {"sc-pass": True, "sc-wait": False}
    assert question.points == 2


def test_an_attempt_in_progress_during_a_regrade_is_graded_with_the_corrected_key(
    ready, staff, quiz
):
    quiz = publish_questions(quiz, with_single_key("s-wrong"))
    attempt = start(ready, quiz)
    quiz = publish_questions(quiz, with_single_key("s-right"))
    services.attempts_regrade(quiz=quiz, actor=staff)

    graded, _ = submit(attempt, ALL_RIGHT)

    assert graded.score == Decimal(7)


# --- Review policies ------------------------------------------------------------------------


def review_of(user, quiz, data) -> selectors.Review:
    graded, _ = submit(start(user, quiz), data)
    attempt = reloaded(graded)
    return selectors.attempt_review(attempt, state=selectors.quiz_state(user=user, quiz=quiz))


def by_number(review) -> dict[int, selectors.QuestionReview]:
    return {question.number: question for question in review.questions}


def test_the_score_only_policy_shows_no_question(ready, quiz):
    set_rules(quiz, review=ReviewPolicy.SCORE)

    review = review_of(ready, quiz, ALL_RIGHT)

    assert (review.shows_correctness, review.shows_answers, review.shows_explanations) == (
        False,
        False,
        False,
    )
    assert review.questions == []
    assert review.attempt.score == Decimal(7)


def test_the_responses_policy_shows_which_answers_were_right_but_not_the_key(ready, quiz):
    set_rules(quiz, review=ReviewPolicy.RESPONSES, answers_shown=AnswersShown.ONCE_PASSED)

    review = by_number(review_of(ready, quiz, {**ALL_WRONG, f"q-{Q_SINGLE}": ["s-right"]}))

    assert [(q.correct, q.score) for q in review.values()] == [
        (True, Decimal(1)),
        (False, Decimal(0)),
        (False, Decimal(0)),
        (False, Decimal(0)),
        (False, Decimal(0)),
    ]
    for question in review.values():
        assert (
            question.explanation == "" and question.right_value == "" and question.tolerance == ""
        )
        assert all(c.correct is None and c.feedback == "" for c in question.choices)
    assert [(c.id, c.selected) for c in review[1].choices] == [
        ("s-right", True),
        ("s-wrong", False),
    ]
    assert review[4].value == "12"


def test_everything_policy_shows_explanations_and_feedback_but_answers_only_once_passed(
    ready, quiz
):
    set_rules(quiz, review=ReviewPolicy.FULL, answers_shown=AnswersShown.ONCE_PASSED)

    failed = review_of(ready, quiz, ALL_WRONG)

    assert (failed.shows_correctness, failed.shows_answers, failed.shows_explanations) == (
        True,
        False,
        True,
    )
    first = by_number(failed)[1]
    assert first.explanation == "<p>Les recrutements précèdent l'implantation.</p>"
    # The feedback of the choice picked; never which one was right.
    assert [(c.id, c.correct, c.feedback) for c in first.choices] == [
        ("s-right", None, ""),
        ("s-wrong", None, "Non : c'est cosmétique."),
    ]
    assert by_number(failed)[3].choices[0].feedback == "Si : en mode restreint."
    assert by_number(failed)[4].right_value == ""

    passed = review_of(ready, quiz, ALL_RIGHT)

    assert passed.shows_answers
    assert [(c.id, c.correct) for c in by_number(passed)[2].choices] == [
        ("m-a", True),
        ("m-b", True),
        ("m-c", False),
    ]
    assert Decimal(by_number(passed)[4].right_value) == Decimal(3000)
    assert Decimal(by_number(passed)[4].tolerance) == Decimal(100)
    # The attempt before is reviewed with the answers too, now the quiz is passed.
    earlier = selectors.attempt_review(
        reloaded(failed.attempt), state=selectors.quiz_state(user=ready, quiz=quiz)
    )
    assert earlier.shows_answers


def test_answers_shown_once_finished_appear_after_the_last_attempt_even_failed(ready, quiz):
    set_rules(
        quiz, review=ReviewPolicy.FULL, answers_shown=AnswersShown.ONCE_FINISHED, attempt_limit=2
    )

    assert not review_of(ready, quiz, ALL_WRONG).shows_answers  # one attempt left
    last = review_of(ready, quiz, ALL_WRONG)

    assert last.shows_answers
    assert [(c.id, c.correct) for c in by_number(last)[5].choices] == [
        ("sc-pass", True),
        ("sc-wait", False),
    ]


def test_answers_shown_never_are_never_shown_even_passed(ready, quiz):
    set_rules(quiz, review=ReviewPolicy.FULL, answers_shown=AnswersShown.NEVER)

    review = review_of(ready, quiz, ALL_RIGHT)

    assert review.shows_explanations and not review.shows_answers
    assert all(c.correct is None for q in review.questions for c in q.choices)
    assert by_number(review)[4].right_value == ""


def test_the_review_shows_a_round_numeric_answer_as_typed(ready, quiz):
    set_rules(quiz, review=ReviewPolicy.FULL, answers_shown=AnswersShown.ONCE_PASSED)

    review = by_number(review_of(ready, quiz, ALL_RIGHT))

    assert (review[4].right_value, review[4].tolerance) == ("3000", "100")


# --- The quiz's gate --------------------------------------------------------------------------


def test_the_quiz_is_closed_until_the_previous_lesson_is_done(ambassador, course, quiz):
    gate, progress = selectors.quiz_gate(user=ambassador, quiz=quiz)

    assert not gate.allowed and gate.reason == str(ERROR_STEP_LOCKED)
    assert progress is not None

    complete(ambassador, *lessons_of(course))
    assert selectors.quiz_gate(user=ambassador, quiz=quiz)[0].allowed


def test_the_quiz_is_closed_to_an_ambassador_who_is_not_active(ready, quiz):
    from home.selectors import MEMBERSHIP_REASONS

    profile = ready.ambassador_profile
    profile.status = MembershipStatus.SUSPENDED
    profile.save(update_fields=["status"])

    gate, _progress = selectors.quiz_gate(user=ready, quiz=quiz)

    assert not gate.allowed
    assert gate.reason == str(MEMBERSHIP_REASONS[MembershipStatus.SUSPENDED])


# --- Query counts -------------------------------------------------------------------------


def many_questions(copies: int) -> tuple[list[dict], dict[str, list[str]]]:
    """`copies` × the five question types (new question ids, same choice ids), and the
    form data answering all of them right."""
    questions, data = [], {}
    for _ in range(copies):
        renamed = {}
        for question in every_question_type():
            renamed[question["id"]] = question["id"] = str(uuid.uuid4())
            questions.append(question)
        for field, values in ALL_RIGHT.items():
            data[f"q-{renamed[field[2:]]}"] = values
    return questions, data


@pytest.mark.parametrize("copies", [1, 8])  # 5 and 40 questions
def test_saving_answers_takes_four_queries_whatever_the_number_of_questions(
    django_assert_num_queries, ready, course, copies
):
    questions, data = many_questions(copies)
    quiz = add_quiz(course, "Quiz long", questions=questions)
    attempt = reloaded(start(ready, quiz))
    assert len(attempt.question_order) == 5 * copies

    # 4 = savepoint; the attempt's row, locked (state, deadline); one upsert of every
    # answer sent; release. The questions come with the attempt (its version).
    with django_assert_num_queries(4):
        written = services.answers_save(attempt=attempt, data=data)

    assert written == 5 * copies
    assert Answer.objects.filter(attempt=attempt).count() == 5 * copies


@pytest.mark.parametrize("copies", [1, 8])  # 5 and 40 questions
def test_submitting_takes_a_fixed_number_of_queries_whatever_the_number_of_questions(
    django_assert_num_queries, ready, course, copies
):
    questions, data = many_questions(copies)
    quiz = add_quiz(course, "Quiz long", questions=questions)
    attempt = reloaded(start(ready, quiz))

    # 9 to grade = savepoint; the attempt's row, locked; one upsert of the answers sent;
    # the claim (UPDATE … WHERE state = 'in_progress'); the attempt with its versions,
    # quiz and person; its answers; one upsert of every grade; the attempt's score;
    # release. Then, passed, the step's completion through lms: the course, the
    # completion looked up then inserted (savepoint, insert, release), the course's live
    # steps and the ones completed (7; the course stays open: the fixture's quiz is
    # another step); the badges, evaluated for a quiz passed (1: there is none). Nothing
    # per question.
    with django_assert_num_queries(17):
        graded, graded_now = services.attempt_submit(attempt=attempt, data=data)

    assert graded_now and graded.score == graded.max_score == Decimal(7 * copies)
    assert Answer.objects.filter(attempt=attempt, correct=True).count() == 5 * copies

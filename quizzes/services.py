"""Writes of `quizzes`: start an attempt, save answers, submit (grade once), close
overdue attempts, regrade after a key correction.

The rules hold under concurrent requests, on PostgreSQL and SQLite alike:

- one attempt in progress per quiz and person, and attempt numbers unique per quiz and
  person (database constraints): two "start" requests at once create one attempt, and
  the attempt limit is never exceeded (the number is the count plus one);
- an attempt is graded exactly once: `attempt_submit` claims it with a conditional
  UPDATE (``WHERE state = 'in_progress'``); the request that changed no row returns the
  attempt as graded by the other;
- answers are saved only while the attempt is in progress and on time (the deadline
  plus `GRACE`), checked in the same transaction as the write, after locking the row.

Passing completes the quiz's step of its course through `lms.services.step_complete`,
called once the grading transaction is committed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from lms.services import badges_evaluate, step_complete

from . import grading, versions
from .models import Answer, Attempt, AttemptState, ClosedBy, QuizPage

GRACE = datetime.timedelta(seconds=60)
"""Answers sent up to this long after the deadline are still accepted (slow networks)."""

LOG_REGRADE = "quizzes.regrade"
LOG_ACTIONS = {LOG_REGRADE: _("Quiz attempts regraded")}

ERROR_NOT_IN_PROGRESS = _("This attempt is closed: its answers can no longer change.")
ERROR_TIME_UP = _("Time is up: the answers saved before the deadline have been graded.")
ERROR_UNKNOWN_QUESTION = _("This form holds an answer to a question that is not in your attempt.")


class AttemptRefused(Exception):
    """Starting an attempt is not allowed now; `reason` says why."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


class AnswersInvalid(Exception):
    """Some answers cannot be saved: `errors` maps question ids to messages ("" for a
    problem with the form as a whole). Nothing of this request was saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {value}" for key, value in errors.items()))
        self.errors = errors


class AttemptClosed(Exception):
    """The attempt is no longer in progress (graded, or time is up)."""

    def __init__(self, reason, attempt: Attempt):
        super().__init__(str(reason))
        self.reason = reason
        self.attempt = attempt


# --- Starting ---------------------------------------------------------------------------


def attempt_start(*, user, quiz: QuizPage, now: datetime.datetime | None = None) -> Attempt:
    """Start an attempt, or resume the one in progress. The caller has checked that the
    quiz step is open to this person (`selectors.quiz_gate`); the attempt limit and the
    cooldown are checked here, where the attempt is created. An overdue attempt in
    progress is closed (graded with its saved answers) first.

    Two starts at once (a double click) give one attempt: the second resumes what the
    first created. Raises `AttemptRefused` when no attempt may start now."""
    now = now or timezone.now()
    for _try in range(3):
        attempt = _start_once(user=user, quiz=quiz, now=now)
        if attempt is not None:
            return attempt
    raise AttemptRefused(_refusal(user=user, quiz=quiz, now=now))


def _start_once(*, user, quiz: QuizPage, now) -> Attempt | None:
    """One try: the attempt started or resumed, or None when a concurrent request
    changed things in between (the caller tries again). Decides from one read of this
    person's attempts."""
    from .selectors import start_gate  # the gate reads what this module writes

    attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    current = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    if current is not None:
        if not is_overdue(current, now=now):
            return current
        attempt_close(attempt=current, by=ClosedBy.TIME_UP, now=now)
        return None  # read again: the closed attempt now counts for the cooldown
    gate = start_gate(user=user, quiz=quiz, now=now, attempts=attempts)
    if not gate.allowed:
        raise AttemptRefused(gate.reason)
    version = versions.version_for(quiz)
    order, choice_order = _orders(quiz, version.questions)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=len(attempts) + 1,
                version=version,
                key_version=version,
                question_order=order,
                choice_order=choice_order,
                started_at=now,
                deadline=(
                    now + datetime.timedelta(minutes=quiz.time_limit_minutes)
                    if quiz.time_limit_minutes
                    else None
                ),
                max_score=version.total_points,
            )
    except IntegrityError:
        # A concurrent request started one (same number, or one already in progress):
        # resume it when it is still in progress, else decide again.
        return Attempt.objects.in_progress().filter(quiz=quiz, user=user).first()


def _refusal(*, user, quiz, now) -> str:
    from .selectors import ERROR_NO_ATTEMPT_LEFT, start_gate

    gate = start_gate(user=user, quiz=quiz, now=now)
    return gate.reason or str(ERROR_NO_ATTEMPT_LEFT)


def _orders(quiz: QuizPage, questions: list[dict]) -> tuple[list[str], dict[str, list[str]]]:
    """The order of the questions and of each question's choices for a new attempt."""
    rng = random.SystemRandom()
    order = [question["id"] for question in questions]
    if quiz.shuffle_questions:
        rng.shuffle(order)
    choice_order = {}
    for question in questions:
        ids = grading.choice_ids(question)
        if quiz.shuffle_choices and question["type"] != grading.TRUE_FALSE:
            rng.shuffle(ids)
        choice_order[question["id"]] = ids
    return order, choice_order


def is_overdue(attempt: Attempt, *, now: datetime.datetime | None = None) -> bool:
    """Past its deadline and the grace period (only timed attempts can be)."""
    return attempt.deadline is not None and (now or timezone.now()) > attempt.deadline + GRACE


# --- Answering ----------------------------------------------------------------------------


def responses_parse(attempt: Attempt, data: Mapping[str, list[str]]) -> dict[str, dict | None]:
    """Check what a form sent (field ``q-<question id>`` → its values) against the
    attempt's questions: the responses to store by question id, or `AnswersInvalid`
    with every problem. Questions the form does not mention are left out."""
    questions = {question["id"]: question for question in attempt.version.questions}
    errors: dict[str, str] = {}
    responses: dict[str, dict | None] = {}
    # A QueryDict's items() give one value per field: read every value (checkboxes).
    fields = data.lists() if hasattr(data, "lists") else data.items()
    for field, values in fields:
        if not field.startswith("q-"):
            continue
        question_id = field[2:]
        question = questions.get(question_id)
        if question is None or question_id not in attempt.question_order:
            errors[""] = str(ERROR_UNKNOWN_QUESTION)
            continue
        try:
            responses[question_id] = grading.parse_response(question, list(values))
        except grading.ResponseInvalid as error:
            errors[question_id] = str(error.message)
    if errors:
        raise AnswersInvalid(errors)
    return responses


def answers_save(
    *, attempt: Attempt, data: Mapping[str, list[str]], now: datetime.datetime | None = None
) -> int:
    """Save the answers a form sent for an attempt in progress (autosave, or the form
    posted without JavaScript); answers to questions the form does not mention stay as
    they were. All or nothing: invalid input raises `AnswersInvalid` and saves none of
    this request. Raises `AttemptClosed` once the attempt is graded or time is up.
    Returns the number of answers written. A fixed number of queries."""
    now = now or timezone.now()
    responses = responses_parse(attempt, data)
    with transaction.atomic():
        locked = _locked_in_progress(attempt, now=now)
        if responses:
            _answers_write(locked, responses, now=now)
    return len(responses)


def _locked_in_progress(attempt: Attempt, *, now) -> Attempt:
    """The attempt's row, locked for this transaction, if still in progress and on time;
    else `AttemptClosed`."""
    locked = Attempt.objects.select_for_update().only("state", "deadline").get(pk=attempt.pk)
    if locked.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(ERROR_NOT_IN_PROGRESS, attempt)
    if is_overdue(locked, now=now):
        raise AttemptClosed(ERROR_TIME_UP, attempt)
    return locked


def _answers_write(attempt: Attempt, responses: dict[str, dict | None], *, now) -> None:
    Answer.objects.bulk_create(
        [
            Answer(attempt_id=attempt.pk, question_id=question_id, response=response, saved_at=now)
            for question_id, response in responses.items()
        ],
        update_conflicts=True,
        unique_fields=["attempt", "question_id"],
        update_fields=["response", "saved_at"],
    )


# --- Submitting and grading -------------------------------------------------------------------


def attempt_submit(
    *, attempt: Attempt, data: Mapping[str, list[str]] | None = None, now=None
) -> tuple[Attempt, bool]:
    """Submit an attempt: save what the form sent (if anything) and grade it, once.

    Returns the graded attempt and whether this call graded it. A second submission, a
    double click or a replayed request changes nothing and returns the same result.
    Past the deadline and its grace, the answers sent now are not saved: the attempt is
    graded with those saved in time (`closed_by` says so). Invalid answers raise
    `AnswersInvalid` and leave the attempt in progress with its saved answers."""
    now = now or timezone.now()
    responses = responses_parse(attempt, data or {})
    by = ClosedBy.SUBMITTED
    with transaction.atomic():
        try:
            locked = _locked_in_progress(attempt, now=now)
        except AttemptClosed as closed:
            if closed.reason != ERROR_TIME_UP:
                return _fresh(attempt), False  # graded already: the same result
            by = ClosedBy.TIME_UP
        else:
            if responses:
                _answers_write(locked, responses, now=now)
        graded = _grade(attempt, by=by, now=now)
    if graded is None:
        return _fresh(attempt), False
    _after_grading(graded)
    return graded, True


def attempt_close(*, attempt: Attempt, by: str = ClosedBy.TIME_UP, now=None) -> bool:
    """Close an attempt in progress with the answers saved so far (time up). Returns
    whether this call closed it (False when it was already graded)."""
    now = now or timezone.now()
    with transaction.atomic():
        graded = _grade(attempt, by=by, now=now)
    if graded is not None:
        _after_grading(graded)
    return graded is not None


def attempts_close_overdue(*, now=None) -> int:
    """Close every overdue attempt in progress (the daily job); returns how many."""
    now = now or timezone.now()
    overdue = Attempt.objects.in_progress().filter(deadline__lt=now - GRACE).only("pk")
    return sum(
        1 for attempt in overdue if attempt_close(attempt=attempt, by=ClosedBy.TIME_UP, now=now)
    )


def _grade(attempt: Attempt, *, by: str, now) -> Attempt | None:
    """Claim the attempt (in progress → graded) and grade it against its key version, in
    the caller's transaction; None when another request claimed it first."""
    closed_at = now
    if by == ClosedBy.TIME_UP:
        # Closed when next opened or by the daily job, maybe days later: the attempt
        # ended at its deadline (and the cooldown counts from there).
        deadline = Attempt.objects.filter(pk=attempt.pk).values_list("deadline", flat=True).first()
        if deadline is not None:
            closed_at = min(now, deadline + GRACE)
    claimed = Attempt.objects.filter(pk=attempt.pk, state=AttemptState.IN_PROGRESS).update(
        state=AttemptState.GRADED,
        submitted_at=closed_at,
        closed_by=by,
        score=0,
        percent=0,
        passed=False,
    )
    if not claimed:
        return None
    graded = Attempt.objects.select_related("version", "key_version", "quiz", "user").get(
        pk=attempt.pk
    )
    key = versions.key_for(graded.version.questions, graded.key_version.questions)
    _grade_answers(graded, key=key, now=now)
    return graded


def _grade_answers(attempt: Attempt, *, key: list[dict], now) -> None:
    """Grade every question of the attempt (unanswered ones score nothing and get a row,
    so statistics count them), then the attempt. Three queries, whatever the number of
    questions."""
    key_by_id = {question["id"]: question for question in key}
    shown = {question["id"]: question for question in attempt.version.questions}
    saved = {answer.question_id: answer for answer in attempt.answers.all()}
    rows, score, total = [], grading.Decimal(0), grading.Decimal(0)
    for question_id in attempt.question_order:
        question = key_by_id.get(question_id) or shown[question_id]
        answer = saved.get(question_id) or Answer(
            attempt_id=attempt.pk, question_id=question_id, response=None, saved_at=now
        )
        result = grading.grade(question, answer.response)
        answer.score, answer.correct = result.score, result.correct
        rows.append(answer)
        score += result.score
        total += result.points
    Answer.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["attempt", "question_id"],
        update_fields=["score", "correct"],
    )
    attempt.score = score
    attempt.max_score = total
    attempt.percent = grading.percent(score, total)
    attempt.passed = grading.passes(attempt.percent, attempt.quiz.pass_mark)
    attempt.save(update_fields=["score", "max_score", "percent", "passed"])


def _after_grading(attempt: Attempt) -> None:
    """A passed attempt completes the quiz's step of its course (once: the service
    records it once), which may complete the course; and it may earn a badge ("quiz
    passed with at least N %"), evaluated here explicitly."""
    if attempt.passed:
        _completion, course_completion = step_complete(user=attempt.user, step=attempt.quiz)
        if course_completion is None:  # else step_complete has just evaluated them
            badges_evaluate(user=attempt.user)


def _fresh(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_related("version", "key_version", "quiz").get(pk=attempt.pk)


# --- Regrading ------------------------------------------------------------------------------------


def attempts_regrade(*, quiz: QuizPage, actor, now=None) -> int:
    """Regrade the graded attempts of `quiz` against its live answer key, after staff
    corrected a wrong key: each question an attempt was shown is graded anew with the
    live key of the question with the same stable id, when it still exists with the
    same type and choices (a question removed or rebuilt since keeps its grade,
    `versions.key_for`). The versions shown stay as they were; each regraded attempt
    records the key version used, and so do the attempts in progress, which will be
    graded with it. Recorded in the quiz's history. Attempts that now pass complete the
    step. Returns how many attempts changed score."""
    now = now or timezone.now()
    live = versions.version_for(quiz)
    changed = []
    with transaction.atomic():
        Attempt.objects.in_progress().filter(quiz=quiz).exclude(key_version=live).update(
            key_version=live
        )
        attempts = (
            Attempt.objects.graded()
            .filter(quiz=quiz)
            .exclude(key_version=live)
            .select_related("version", "quiz", "user")
            .prefetch_related("answers")
            .select_for_update(of=("self",))
        )
        for attempt in attempts:
            before = (attempt.score, attempt.passed)
            attempt.key_version = live
            attempt.regraded_at = now
            _grade_answers(
                attempt, key=versions.key_for(attempt.version.questions, live.questions), now=now
            )
            attempt.save(update_fields=["key_version", "regraded_at"])
            if (attempt.score, attempt.passed) != before:
                changed.append(attempt)
        log(
            instance=quiz,
            action=LOG_REGRADE,
            user=actor,
            data={"version": live.pk, "changed": len(changed)},
        )
    for attempt in changed:
        _after_grading(attempt)
    return len(changed)

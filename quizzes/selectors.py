"""Reads of `quizzes`: who may take a quiz and when, the attempt as the form shows it
(without any answer key), the result and the review the quiz's policy allows, and the
statistics staff read.

The gates return a `home.selectors.Gate` with a reason a person can read; views,
templates and services all decide through them.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from home.selectors import Gate
from lms.selectors import CourseProgress, renewal_opened_at, step_access

from . import grading
from .models import AnswersShown, Attempt, AttemptState, QuizPage, ReviewPolicy

ERROR_NO_ATTEMPT_LEFT = _("You have used every attempt at this quiz.")
ERROR_COOLDOWN = _("You can try again from %(when)s.")
ERROR_NO_QUESTIONS = _("This quiz has no questions yet.")


# --- Gates -----------------------------------------------------------------------------


def quiz_gate(*, user, quiz: QuizPage) -> tuple[Gate, CourseProgress | None]:
    """May this person open this quiz? As any step of a course (`lms`): an active
    ambassador, the course's prerequisites completed, the steps before it done."""
    return step_access(user=user, step=quiz)


def start_gate(
    *,
    user,
    quiz: QuizPage,
    now=None,
    attempts: list[Attempt] | None = None,
    counted: list[Attempt] | None = None,
) -> Gate:
    """May this person start a new attempt now (the quiz being open to them)? Not when
    every attempt is used, nor before the cooldown after the last one has passed; a
    quiz passed may be retaken while attempts remain (the best attempt counts)."""
    now = now or timezone.now()
    if not quiz.questions:
        return Gate(False, str(ERROR_NO_QUESTIONS))
    if attempts is None:
        attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    if counted is None:
        counted = counted_attempts(user, quiz, attempts, now=now)
    if quiz.attempt_limit and len(counted) >= quiz.attempt_limit:
        return Gate(False, str(ERROR_NO_ATTEMPT_LEFT))
    available = next_attempt_at(quiz, attempts)
    if available is not None and available > now:
        return Gate(False, str(ERROR_COOLDOWN) % {"when": _moment(available)})
    return Gate(True)


def counted_attempts(user, quiz: QuizPage, attempts: list[Attempt], *, now=None) -> list[Attempt]:
    """The attempts that count against the quiz's limit: all of them, unless this person
    is renewing a badge that needs the quiz — then only those started since the renewal
    window opened (the previous award's attempts are spent). The renewal is looked up
    (one query) only when the limit is reached."""
    if not quiz.attempt_limit or len(attempts) < quiz.attempt_limit:
        return attempts
    opened = renewal_opened_at(user=user, page=quiz, now=now)
    if opened is None:
        return attempts
    return [attempt for attempt in attempts if attempt.started_at >= opened]


def next_attempt_at(quiz: QuizPage, attempts: list[Attempt]) -> datetime.datetime | None:
    """When the cooldown after the last graded attempt ends (None: no cooldown)."""
    if not quiz.cooldown_minutes:
        return None
    closed = [attempt.submitted_at for attempt in attempts if attempt.submitted_at]
    if not closed:
        return None
    return max(closed) + datetime.timedelta(minutes=quiz.cooldown_minutes)


def _moment(when: datetime.datetime) -> str:
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "DATETIME_FORMAT")


# --- The quiz page -------------------------------------------------------------------------


@dataclass
class QuizState:
    """Where a person stands with a quiz: their attempts, the one in progress, the best
    one, what is left, and whether they may start now (and if not, why)."""

    quiz: QuizPage
    attempts: list[Attempt]  # newest first
    in_progress: Attempt | None
    best: Attempt | None
    start: Gate
    next_at: datetime.datetime | None
    counted: list[Attempt] = field(default_factory=list)  # against the limit

    @property
    def passed(self) -> bool:
        return self.best is not None and bool(self.best.passed)

    @property
    def attempts_left(self) -> int | None:
        """None when unlimited."""
        if not self.quiz.attempt_limit:
            return None
        return max(0, self.quiz.attempt_limit - len(self.counted))

    @property
    def graded(self) -> list[Attempt]:
        return [attempt for attempt in self.attempts if attempt.state == AttemptState.GRADED]


def quiz_state(*, user, quiz: QuizPage, now=None) -> QuizState:
    """One query: this person's attempts at the quiz."""
    now = now or timezone.now()
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("-number"))
    graded = [attempt for attempt in attempts if attempt.state == AttemptState.GRADED]
    best = max(graded, key=lambda a: (a.percent or 0, -a.number), default=None)
    in_progress = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    counted = counted_attempts(user, quiz, attempts, now=now)  # a renewal: looked up once
    return QuizState(
        quiz=quiz,
        attempts=attempts,
        in_progress=in_progress,
        best=best,
        start=start_gate(user=user, quiz=quiz, now=now, attempts=attempts, counted=counted),
        next_at=next_attempt_at(quiz, attempts),
        counted=counted,
    )


def attempt_of(*, user, quiz: QuizPage, number: int) -> Attempt | None:
    """This person's attempt number `number` at this quiz, with its versions; None for
    anyone else's (ownership: another person's attempt does not exist for them)."""
    return (
        Attempt.objects.select_related("version", "key_version")
        .filter(quiz=quiz, user=user, number=number)
        .first()
    )


# --- The attempt's form: no answer key ------------------------------------------------------


@dataclass(frozen=True)
class ChoiceView:
    id: str
    text: str
    selected: bool


@dataclass(frozen=True)
class QuestionView:
    """A question as the form shows it: what to read and the choices, in the attempt's
    order, with this person's saved response. Holds no key, no points per choice and no
    feedback: nothing here may tell which answer is right."""

    id: str
    number: int
    type: str
    prompt: str
    situation: str
    several: bool
    choices: list[ChoiceView]
    value: str  # a numeric question's saved value
    unit: str
    points: int
    error: str = ""

    @property
    def field_name(self) -> str:
        return f"q-{self.id}"

    @property
    def answered(self) -> bool:
        return bool(self.value) or any(choice.selected for choice in self.choices)


TRUE_FALSE_LABELS = {"true": _("True"), "false": _("False")}


def attempt_questions(
    attempt: Attempt,
    *,
    responses: dict[str, dict | None] | None = None,
    posted: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
) -> list[QuestionView]:
    """The attempt's questions in its order, for the form. `responses` are the saved
    answers (by question id; loaded in one query when not given); `posted`, what a
    refused form sent, shown back so nothing typed is lost; `errors`, by question id."""
    if responses is None:
        responses = {a.question_id: a.response for a in attempt.answers.all()}
    errors = errors or {}
    questions = {question["id"]: question for question in attempt.version.questions}
    views = []
    for number, question_id in enumerate(attempt.question_order, start=1):
        question = questions[question_id]
        if posted is not None and f"q-{question_id}" in posted:
            sent = [value for value in posted[f"q-{question_id}"] if value]
            chosen, value = set(sent), (sent[-1] if sent else "")
        else:
            response = responses.get(question_id) or {}
            chosen, value = set(response.get("choices", [])), response.get("value", "")
        views.append(
            QuestionView(
                id=question_id,
                number=number,
                type=question["type"],
                prompt=question["prompt"],
                situation=question.get("situation", ""),
                several=grading.takes_several(question),
                choices=[
                    ChoiceView(choice_id, _choice_text(question, choice_id), choice_id in chosen)
                    for choice_id in attempt.choice_order.get(question_id)
                    or grading.choice_ids(question)
                ],
                value=value if question["type"] == grading.NUMERIC else "",
                unit=question.get("unit", ""),
                points=question["points"],
                error=errors.get(question_id, ""),
            )
        )
    return views


def _choice_text(question: dict, choice_id: str) -> str:
    if question["type"] == grading.TRUE_FALSE:
        return str(TRUE_FALSE_LABELS[choice_id])
    return next(choice["text"] for choice in question["choices"] if choice["id"] == choice_id)


# --- The result and its review ---------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceReview:
    id: str
    text: str
    selected: bool
    correct: bool | None  # None: not to be shown
    feedback: str  # the feedback of a choice this person picked, when shown


@dataclass(frozen=True)
class QuestionReview:
    number: int
    type: str
    prompt: str
    situation: str
    choices: list[ChoiceReview]
    value: str  # a numeric response
    unit: str
    right_value: str  # a numeric question's right answer, when shown
    tolerance: str
    score: Decimal | None
    points: int
    correct: bool | None  # None: not to be shown
    explanation: str


@dataclass
class Review:
    """What the result page may show of a graded attempt under the quiz's policy."""

    attempt: Attempt
    shows_correctness: bool  # which answers were right
    shows_answers: bool  # the right answers themselves
    shows_explanations: bool  # explanations and choice feedback
    questions: list[QuestionReview] = field(default_factory=list)


def answers_visible(quiz: QuizPage, state: QuizState) -> bool:
    """Whether the right answers may be shown now to this person (with the policy
    "everything"): once passed, or once passed or out of attempts, as the quiz says."""
    if quiz.review != ReviewPolicy.FULL or quiz.answers_shown == AnswersShown.NEVER:
        return False
    if state.passed:
        return True
    no_attempt_left = state.attempts_left == 0 and state.in_progress is None
    return quiz.answers_shown == AnswersShown.ONCE_FINISHED and no_attempt_left


def attempt_review(attempt: Attempt, *, state: QuizState) -> Review:
    """The review of a graded attempt: with the policy "score only", no questions; "which
    answers were right", each question's result; "everything", the explanations and the
    feedback too, and the right answers once `answers_visible`. One query (the answers)."""
    quiz = attempt.quiz
    review = Review(
        attempt=attempt,
        shows_correctness=quiz.review in (ReviewPolicy.RESPONSES, ReviewPolicy.FULL),
        shows_answers=answers_visible(quiz, state),
        shows_explanations=quiz.review == ReviewPolicy.FULL,
    )
    if not review.shows_correctness:
        return review
    from .versions import key_for

    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    # The key that graded each question: the review never contradicts the grade.
    key = {q["id"]: q for q in key_for(attempt.version.questions, attempt.key_version.questions)}
    shown = {question["id"]: question for question in attempt.version.questions}
    for number, question_id in enumerate(attempt.question_order, start=1):
        question = shown[question_id]
        keyed = key.get(question_id, question)
        answer = answers.get(question_id)
        response = (answer.response if answer else None) or {}
        chosen = set(response.get("choices", []))
        right = grading.correct_ids(keyed) if question["type"] != grading.NUMERIC else set()
        review.questions.append(
            QuestionReview(
                number=number,
                type=question["type"],
                prompt=question["prompt"],
                situation=question.get("situation", ""),
                choices=[
                    ChoiceReview(
                        id=choice_id,
                        text=_choice_text(question, choice_id),
                        selected=choice_id in chosen,
                        correct=(choice_id in right) if review.shows_answers else None,
                        feedback=(
                            _choice_feedback(keyed, choice_id)
                            if review.shows_explanations and choice_id in chosen
                            else ""
                        ),
                    )
                    for choice_id in attempt.choice_order.get(question_id)
                    or grading.choice_ids(question)
                ],
                value=response.get("value", ""),
                unit=question.get("unit", ""),
                right_value=keyed.get("answer", "") if review.shows_answers else "",
                tolerance=keyed.get("tolerance", "") if review.shows_answers else "",
                score=answer.score if answer else Decimal(0),
                points=keyed["points"],
                correct=bool(answer and answer.correct),
                explanation=keyed.get("explanation", "") if review.shows_explanations else "",
            )
        )
    return review


def _choice_feedback(question: dict, choice_id: str) -> str:
    if question["type"] == grading.TRUE_FALSE:
        return question.get("feedback", {}).get(choice_id, "")
    return next((c["feedback"] for c in question["choices"] if c["id"] == choice_id), "")


def attempts_left_text(state: QuizState) -> str:
    left = state.attempts_left
    if left is None:
        return str(_("Unlimited attempts"))
    return ngettext("%(count)s attempt left", "%(count)s attempts left", left) % {"count": left}


# --- Statistics for staff --------------------------------------------------------------------


@dataclass
class ChoiceStatistic:
    id: str
    text: str
    correct: bool
    picked: int
    share: int  # % of the answers to the question that picked it


@dataclass
class QuestionStatistic:
    """How one question (followed by its stable id across versions) fares."""

    id: str
    type: str
    prompt: str
    answered: int  # graded answers (unanswered ones included)
    correct: int
    choices: list[ChoiceStatistic]

    @property
    def correct_share(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


def question_statistics(*, quiz: QuizPage) -> list[QuestionStatistic]:
    """For each question of the live quiz (then those only older versions had): how many
    graded answers it got, how many were right, and how often each choice was picked.
    Two queries, whatever the number of attempts, versions or questions."""
    from .models import Answer, QuizVersion
    from .versions import freeze

    live = freeze(quiz.questions)
    known = {question["id"]: question for question in live}
    for version in QuizVersion.objects.filter(quiz=quiz).order_by("-created_at").only("questions"):
        for question in version.questions:
            known.setdefault(question["id"], question)
    answered, correct, picks = Counter(), Counter(), defaultdict(Counter)
    rows = Answer.objects.filter(
        attempt__quiz=quiz, attempt__state=AttemptState.GRADED
    ).values_list("question_id", "response", "correct")
    for question_id, response, is_correct in rows.iterator(chunk_size=5000):
        answered[question_id] += 1
        correct[question_id] += 1 if is_correct else 0
        for choice_id in (response or {}).get("choices", []):
            picks[question_id][choice_id] += 1
    statistics = []
    for question_id, question in known.items():
        count = answered[question_id]
        statistics.append(
            QuestionStatistic(
                id=question_id,
                type=question["type"],
                prompt=question["prompt"],
                answered=count,
                correct=correct[question_id],
                choices=[
                    ChoiceStatistic(
                        id=choice_id,
                        text=_choice_text(question, choice_id),
                        correct=choice_id in grading.correct_ids(question),
                        picked=picks[question_id][choice_id],
                        share=round(100 * picks[question_id][choice_id] / count) if count else 0,
                    )
                    for choice_id in (
                        grading.choice_ids(question) if question["type"] != grading.NUMERIC else []
                    )
                ],
            )
        )
    return statistics

"""Reads of `quizzes` for the staff and for `home`'s extension points: per-quiz
summaries (the "Quiz statistics" report), each question's statistics with what staff
need to read them, the attempts still graded against an earlier answer key, an
attempt's answers as staff read them, a person's quizzes (the *fiche ambassadeur*) and
their personal-data export.

Every function runs a fixed number of queries, whatever the number of quizzes,
attempts, answers or questions: counts are aggregated in the database.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Length, Substr
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from . import grading, selectors, versions
from .models import Answer, Attempt, AttemptState, QuizPage

NO_ANSWER = _("No answer")

LOW_CORRECT_SHARE = 50
"""A question answered correctly by less than this share (%) of the answers is flagged
as one that does not land."""

DISTRACTOR_SHARE = 25
"""A wrong choice picked by at least this share (%) of the answers is flagged: it is
what people believe instead."""


def plain_text(rich_text: str) -> str:
    """A frozen question's HTML (a prompt, a situation) as one line of plain text."""
    return " ".join(html.unescape(strip_tags(rich_text or "")).split())


def course_title(path: str = "path") -> Subquery:
    """The title of a quiz's course (its parent page), to annotate a queryset of quizzes
    (`path`: "path") or of rows pointing at a quiz (e.g. "quiz__path")."""
    parent_path = Substr(OuterRef(path), 1, Length(OuterRef(path)) - Page.steplen)
    return Subquery(Page.objects.filter(path=parent_path).values("title")[:1])


def quizzes_with_course() -> QuerySet:
    """Every quiz in tree order, each with its course's title (`course_title`); one
    query. For the staff's choices ("Quiz final" is a common title)."""
    return QuizPage.objects.annotate(course_title=course_title()).order_by("path")


def quiz_label(quiz: QuizPage) -> str:
    course = getattr(quiz, "course_title", "")
    return f"{course} › {quiz.title}" if course else quiz.title


# --- Per-quiz summaries -------------------------------------------------------------------


@dataclass(frozen=True)
class QuizSummary:
    """How a quiz fares: graded attempts, the people who took it and those who passed
    it (their best attempt counts), the average score, the attempts in progress."""

    quiz_id: int
    title: str
    course: str
    live: bool
    attempts: int  # graded
    people: int  # with a graded attempt
    passed: int  # people with a passed attempt
    in_progress: int
    average: Decimal | None  # % over graded attempts

    @property
    def label(self) -> str:
        return f"{self.course} › {self.title}" if self.course else self.title

    @property
    def pass_rate(self) -> int:
        """People who passed over people who took it, in percent."""
        return round(100 * self.passed / self.people) if self.people else 0


def _count(queryset: QuerySet, expression) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.filter(quiz=OuterRef("pk"))
            .order_by()
            .values("quiz")
            .annotate(n=expression)
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def quiz_summaries(*, quiz_ids: Iterable[int] | None = None) -> list[QuizSummary]:
    """Per quiz, in tree order, in one query. Live quizzes always appear; unpublished
    ones only when someone attempted them (their history stays)."""
    graded = Attempt.objects.graded()
    average = Subquery(
        graded.filter(quiz=OuterRef("pk"))
        .order_by()
        .values("quiz")
        .annotate(average=Avg("percent"))
        .values("average")[:1],
        output_field=DecimalField(max_digits=8, decimal_places=4),
    )
    quizzes = QuizPage.objects.annotate(
        course_title=course_title(),
        attempt_count=_count(graded, Count("pk")),
        people=_count(graded, Count("user", distinct=True)),
        passed_people=_count(graded.filter(passed=True), Count("user", distinct=True)),
        in_progress=_count(Attempt.objects.in_progress(), Count("pk")),
        average=average,
    ).filter(Q(live=True) | Q(attempt_count__gt=0) | Q(in_progress__gt=0))
    if quiz_ids is not None:
        quizzes = quizzes.filter(pk__in=list(quiz_ids))
    rows = quizzes.order_by("path").values_list(
        "pk",
        "title",
        "course_title",
        "live",
        "attempt_count",
        "people",
        "passed_people",
        "in_progress",
        "average",
    )
    return [
        QuizSummary(
            quiz_id=pk,
            title=title,
            course=course or "",
            live=live,
            attempts=attempts,
            people=people,
            passed=passed,
            in_progress=in_progress,
            average=(Decimal(average).quantize(Decimal("0.1")) if average is not None else None),
        )
        for pk, title, course, live, attempts, people, passed, in_progress, average in rows
    ]


# --- One quiz's questions ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceRow:
    id: str
    text: str
    correct: bool
    picked: int
    share: int

    @property
    def misleads(self) -> bool:
        """A wrong choice many picked: what people believe instead of the right one."""
        return not self.correct and self.share >= DISTRACTOR_SHARE


@dataclass(frozen=True)
class QuestionRow:
    """A question's statistics as the staff's page shows them: its number in the live
    quiz (None when only earlier versions had it), its text, and whether it lands."""

    number: int | None
    id: str
    type: str
    prompt: str  # plain text
    answered: int
    correct: int
    correct_share: int
    choices: list[ChoiceRow]

    @property
    def live(self) -> bool:
        return self.number is not None

    @property
    def does_not_land(self) -> bool:
        return self.answered > 0 and self.correct_share < LOW_CORRECT_SHARE


TYPE_LABELS = {
    grading.SINGLE: _("Single choice"),
    grading.MULTIPLE: _("Multiple choice"),
    grading.TRUE_FALSE: _("True or false"),
    grading.NUMERIC: _("Numeric answer"),
    grading.SCENARIO: _("Scenario"),
}


def question_rows(*, quiz: QuizPage, hardest_first: bool = False) -> list[QuestionRow]:
    """Each question of the quiz (the live ones in their order, then those only earlier
    versions had), followed across versions by its stable id: how many answers, how
    many right, and each choice's picks (`selectors.question_statistics`: 2 queries).
    `hardest_first` orders them by their share of right answers, lowest first."""
    live_ids = [question["id"] for question in versions.freeze(quiz.questions)]
    numbers = {question_id: number for number, question_id in enumerate(live_ids, start=1)}
    rows = [
        QuestionRow(
            number=numbers.get(statistic.id),
            id=statistic.id,
            type=statistic.type,
            prompt=plain_text(statistic.prompt),
            answered=statistic.answered,
            correct=statistic.correct,
            correct_share=statistic.correct_share,
            choices=[
                ChoiceRow(
                    id=choice.id,
                    text=choice.text,
                    correct=choice.correct,
                    picked=choice.picked,
                    share=choice.share,
                )
                for choice in statistic.choices
            ],
        )
        for statistic in selectors.question_statistics(quiz=quiz)
    ]
    if hardest_first:
        # Questions nobody answered yet tell nothing: they go last.
        rows.sort(key=lambda row: (row.answered == 0, row.correct_share))
    return rows


def live_digest(quiz: QuizPage) -> str:
    """The digest of the quiz's live questions (`versions.digest`), without a query."""
    return versions.digest(versions.freeze(quiz.questions))


def attempts_to_regrade(*, quiz: QuizPage) -> int:
    """How many graded attempts were graded against another answer key than the live
    one: those `services.attempts_regrade` would regrade (1 query; creates nothing)."""
    return (
        Attempt.objects.graded()
        .filter(quiz=quiz)
        .exclude(key_version__digest=live_digest(quiz))
        .count()
    )


# --- One attempt ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """One question of an attempt as staff read it."""

    number: int
    question_id: str
    type: str
    prompt: str  # plain text
    situation: str  # plain text (scenarios)
    response: str  # what the person answered, readable
    answered: bool
    score: Decimal | None  # None until graded
    points: int
    correct: bool | None  # None until graded


def response_text(question: dict, response: dict | None) -> str:
    """A stored response as words: the chosen choices' texts, or the number with its
    unit; `NO_ANSWER` when unanswered."""
    if not response:
        return str(NO_ANSWER)
    if question["type"] == grading.NUMERIC:
        value = response.get("value", "")
        return f"{value} {question.get('unit', '')}".strip() if value else str(NO_ANSWER)
    chosen = set(response.get("choices", []))
    if question["type"] == grading.TRUE_FALSE:
        texts = [
            str(selectors.TRUE_FALSE_LABELS[choice_id])
            for choice_id in ("true", "false")
            if choice_id in chosen
        ]
    else:
        texts = [choice["text"] for choice in question["choices"] if choice["id"] in chosen]
    return " ; ".join(texts) if texts else str(NO_ANSWER)


def attempt_answers(
    attempt: Attempt, *, answers: Iterable[Answer] | None = None
) -> list[AnswerRow]:
    """The attempt's questions in the order the person saw them, with their responses
    and grades (the key and points of the version that graded it). One query (the
    answers) when `answers` is not given; the attempt comes with its versions."""
    if answers is None:
        answers = attempt.answers.all()
    by_question = {answer.question_id: answer for answer in answers}
    shown = {question["id"]: question for question in attempt.version.questions}
    key = {question["id"]: question for question in attempt.key_version.questions}
    rows = []
    for number, question_id in enumerate(attempt.question_order, start=1):
        question = shown[question_id]
        answer = by_question.get(question_id)
        response = answer.response if answer else None
        graded = attempt.state == AttemptState.GRADED and answer is not None
        rows.append(
            AnswerRow(
                number=number,
                question_id=question_id,
                type=question["type"],
                prompt=plain_text(question["prompt"]),
                situation=plain_text(question.get("situation", "")),
                response=response_text(question, response),
                answered=bool(response),
                score=answer.score if graded else None,
                points=key.get(question_id, question)["points"],
                correct=answer.correct if graded else None,
            )
        )
    return rows


# --- One person -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonQuizRow:
    """One quiz a person attempted, for their fiche: attempts, best score, passed."""

    quiz_id: int
    quiz: str
    course: str
    attempts: int
    best: Decimal | None  # best graded %, None when none is graded yet
    passed: bool
    in_progress: bool
    last_started_at: datetime.datetime

    @property
    def label(self) -> str:
        return f"{self.course} › {self.quiz}" if self.course else self.quiz


def quizzes_of(*, user) -> list[PersonQuizRow]:
    """Every quiz this person attempted, the most recently attempted first (2 queries:
    the attempts aggregated per quiz, then the quizzes' courses)."""
    graded = Q(state=AttemptState.GRADED)
    rows = list(
        Attempt.objects.filter(user=user)
        .values("quiz", "quiz__title", "quiz__path")
        .annotate(
            attempt_count=Count("pk"),
            best=Max("percent", filter=graded),
            passed_count=Count("pk", filter=Q(passed=True)),
            in_progress=Count("pk", filter=Q(state=AttemptState.IN_PROGRESS)),
            last=Max("started_at"),
        )
        .order_by("-last", "quiz")
    )
    parents = {row["quiz__path"][: -Page.steplen] for row in rows}
    courses = (
        dict(Page.objects.filter(path__in=parents).values_list("path", "title")) if rows else {}
    )
    return [
        PersonQuizRow(
            quiz_id=row["quiz"],
            quiz=row["quiz__title"],
            course=courses.get(row["quiz__path"][: -Page.steplen], ""),
            attempts=row["attempt_count"],
            best=row["best"],
            passed=row["passed_count"] > 0,
            in_progress=row["in_progress"] > 0,
            last_started_at=row["last"],
        )
        for row in rows
    ]


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _number(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def personal_data(*, user) -> list[dict[str, Any]]:
    """Everything `quizzes` holds about this person, JSON-serialisable (2 queries): each
    attempt (quiz, number, dates, score, passed) with the answers given, as text."""
    attempts = (
        Attempt.objects.filter(user=user)
        .select_related("quiz", "version", "key_version")
        .prefetch_related("answers")
        .order_by("started_at", "pk")
    )
    exported = []
    for attempt in attempts:
        exported.append(
            {
                "quiz": attempt.quiz.title,
                "number": attempt.number,
                "state": str(attempt.get_state_display()),
                "started_at": _iso(attempt.started_at),
                "deadline": _iso(attempt.deadline),
                "closed_at": _iso(attempt.submitted_at),
                "closed_by": str(attempt.get_closed_by_display()) if attempt.closed_by else None,
                "score": _number(attempt.score),
                "out_of": _number(attempt.max_score),
                "percent": _number(attempt.percent),
                "passed": attempt.passed,
                "regraded_at": _iso(attempt.regraded_at),
                "answers": [
                    {
                        "question": row.prompt,
                        "response": row.response,
                        "score": _number(row.score),
                        "correct": row.correct,
                    }
                    for row in attempt_answers(attempt, answers=attempt.answers.all())
                ],
            }
        )
    return exported

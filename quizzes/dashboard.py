"""`quizzes`'s figures on the staff dashboard (`home.dashboard`): the hardest quiz
questions of the period.

`hardest_questions` returns plain data in a fixed number of queries whatever the number
of attempts and answers; `build_questions` turns it into a `Table`, without reading the
request, so `home` caches it per period and language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from home import dashboard

from . import report_selectors, versions
from .models import Answer, AttemptState, QuizVersion

HARDEST = 10
"""How many questions the table lists."""

MIN_ANSWERS = 5
"""A question needs at least this many answers in the period to be listed: fewer tell
nothing."""

PROMPT_LENGTH = 90
"""A question's text is shortened to this many characters."""


@dataclass(frozen=True)
class HardQuestion:
    quiz_id: int
    quiz: str
    course: str
    question_id: str
    prompt: str  # plain text, whole
    answers: int
    correct: int

    @property
    def correct_share(self) -> float:
        """Fully right answers over answers, in percent, one decimal."""
        return round(100 * self.correct / self.answers, 1) if self.answers else 0.0

    @property
    def quiz_label(self) -> str:
        return f"{self.course} › {self.quiz}" if self.course else self.quiz


def hardest_questions(
    *, period: dashboard.Period, limit: int = HARDEST, min_answers: int = MIN_ANSWERS
) -> list[HardQuestion]:
    """The `limit` questions with the lowest share of fully right answers among the
    answers of graded attempts closed within the period (unanswered questions count as
    wrong answers: grading records them), each with at least `min_answers` answers.
    Ties: more answers first, then by quiz and question.

    Three queries (one when no question qualifies): the answers aggregated per quiz and
    question (ranked and cut in the database), the listed questions' quizzes with their
    course, and those quizzes' frozen versions (a question no longer live keeps the text
    it last had)."""
    answers = Count("pk")
    rows = list(
        Answer.objects.filter(period.q("attempt__submitted_at"), attempt__state=AttemptState.GRADED)
        .values("attempt__quiz", "question_id")
        .annotate(answers=answers, correct=Count("pk", filter=Q(correct=True)))
        .filter(answers__gte=min_answers)
        .annotate(share=Cast(F("correct"), FloatField()) / Cast(F("answers"), FloatField()))
        .order_by("share", "-answers", "attempt__quiz", "question_id")
        .values_list("attempt__quiz", "question_id", "answers", "correct")[:limit]
    )
    if not rows:
        return []
    quiz_ids = {quiz_id for quiz_id, *_rest in rows}
    quizzes = {
        quiz.pk: quiz
        for quiz in report_selectors.quizzes_with_course()
        .filter(pk__in=quiz_ids)
        .only("pk", "title", "path", "questions")
    }
    prompts: dict[tuple[int, str], str] = {}
    for quiz_id, questions in (
        QuizVersion.objects.filter(quiz__in=quiz_ids)
        .order_by("created_at", "pk")
        .values_list("quiz", "questions")
    ):
        for question in questions:
            prompts[(quiz_id, question["id"])] = question.get("prompt", "")
    for quiz in quizzes.values():  # the live text wins
        for question in versions.freeze(quiz.questions):
            prompts[(quiz.pk, question["id"])] = question.get("prompt", "")
    result = []
    for quiz_id, question_id, count, correct in rows:
        quiz = quizzes.get(quiz_id)
        result.append(
            HardQuestion(
                quiz_id=quiz_id,
                quiz=quiz.title if quiz else "",
                course=(getattr(quiz, "course_title", "") or "") if quiz else "",
                question_id=question_id,
                prompt=report_selectors.plain_text(prompts.get((quiz_id, question_id), "")),
                answers=count,
                correct=correct,
            )
        )
    return result


def _statistics_url(quiz_id: int) -> str:
    """The quiz's statistics page in the admin, hardest questions first ("" where the
    admin's URLs are not routed)."""
    try:
        return reverse("quiz_reports:statistics", args=[quiz_id]) + "?ordering=hardest"
    except NoReverseMatch:
        return ""


def _quiz_cell(question: HardQuestion):
    url = _statistics_url(question.quiz_id)
    return dashboard.Link(question.quiz_label, url) if url else question.quiz_label


def build_questions(period: dashboard.Period) -> list[dashboard.Table]:
    questions = hardest_questions(period=period)
    return [
        dashboard.Table(
            slug="hardest",
            caption=_("Hardest quiz questions"),
            columns=[
                dashboard.Column(_("Question"), dashboard.Kind.TEXT),
                dashboard.Column(_("Quiz"), dashboard.Kind.TEXT),
                dashboard.Column(_("Answers"), dashboard.Kind.NUMBER),
                dashboard.Column(_("Right"), dashboard.Kind.PERCENT),
            ],
            rows=[
                (
                    Truncator(question.prompt).chars(PROMPT_LENGTH),
                    _quiz_cell(question),
                    question.answers,
                    question.correct_share,
                )
                for question in questions
            ],
            chart=None,
            note=_(
                "Answers of the graded attempts closed within the period (an unanswered "
                "question counts as a wrong answer); the share of fully right answers. The "
                "%(limit)s lowest, among questions with at least %(minimum)s answers."
            )
            % {"limit": HARDEST, "minimum": MIN_ANSWERS},
            empty=_("No question was answered at least %(minimum)s times in this period.")
            % {"minimum": MIN_ANSWERS},
        )
    ]


def questions_section() -> dashboard.Section:
    return dashboard.Section(
        slug="questions",
        title=_("Hardest quiz questions"),
        build=build_questions,
        description=_("The questions that land least: worth rewording, or teaching better."),
        on_home=False,
    )

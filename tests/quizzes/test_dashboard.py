"""`quizzes` on the staff dashboard: the hardest questions of the period, exact on a
small known data set (unanswered questions count as wrong, the period's edges on the
attempts' closing time, the minimum of answers, a question no longer live), and a query
count that does not grow with the data."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail import hooks

from home import dashboard as home_dashboard
from home import hooks as home_hooks
from quizzes import dashboard, services
from quizzes.models import QuizPage
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_course
from tests.quizzes.builders import (
    ALL_RIGHT,
    ALL_WRONG,
    Q_MULTIPLE,
    Q_NUMERIC,
    Q_SCENARIO,
    Q_SINGLE,
    Q_TRUE_FALSE,
    add_quiz,
    every_question_type,
)

PARIS = ZoneInfo("Europe/Paris")
JANUARY = home_dashboard.Period(
    start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31), key="custom"
)
EVERYTHING = home_dashboard.Period()


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def take(quiz, answers, start, *, user=None):
    """Someone takes `quiz`, answering `answers`, from `start`; it closes 5 minutes later."""
    user = user or AmbassadorProfileFactory().user
    attempt = services.attempt_start(user=user, quiz=quiz, now=start)
    graded, _ = services.attempt_submit(
        attempt=attempt, data=answers, now=start + datetime.timedelta(minutes=5)
    )
    return graded


def answers(single, multiple, true_false, numeric, scenario):
    data = {
        f"q-{Q_SINGLE}": single,
        f"q-{Q_MULTIPLE}": multiple,
        f"q-{Q_TRUE_FALSE}": true_false,
        f"q-{Q_NUMERIC}": numeric,
        f"q-{Q_SCENARIO}": scenario,
    }
    return {key: value for key, value in data.items() if value is not None}


RIGHT, WRONG = ALL_RIGHT, ALL_WRONG
# In January, six attempts: single 5 of 6 right, multiple 1 of 6 (a partial answer is
# not fully right), true/false 3 of 6, numeric 0 of 6 (four unanswered), scenario 2 of 6.
JANUARY_ANSWERS = [
    answers(["s-right"], ["m-a", "m-b"], ["false"], ["12"], ["sc-pass"]),
    answers(["s-right"], ["m-a"], ["false"], None, ["sc-pass"]),
    answers(["s-right"], ["m-a"], ["false"], None, ["sc-wait"]),
    answers(["s-right"], ["m-c"], ["true"], None, ["sc-wait"]),
    answers(["s-right"], None, ["true"], None, ["sc-wait"]),
    answers(["s-wrong"], ["m-c"], ["true"], ["12"], ["sc-wait"]),
]
JANUARY_STARTS = [
    at(2025, 12, 31, 23, 58),  # closes 1 January, 00:03: in
    at(2026, 1, 5, 10),
    at(2026, 1, 10, 10),
    at(2026, 1, 15, 10),
    at(2026, 1, 20, 10),
    at(2026, 1, 31, 23, 45),  # closes 23:50 on the last day: in
]


@pytest.fixture
def attempts(quiz):
    """The six January attempts, two right ones just outside, and another quiz with
    only four attempts (too few answers to tell)."""
    for data, start in zip(JANUARY_ANSWERS, JANUARY_STARTS, strict=True):
        take(quiz, data, start)
    take(quiz, RIGHT, at(2025, 12, 31, 23, 50))  # closes 23:55 the day before: out
    take(quiz, RIGHT, at(2026, 1, 31, 23, 58))  # starts in, closes 1 February: out
    other_course = add_course(quiz.get_parent().get_parent(), "Pitcher", lessons=0)
    other = add_quiz(other_course, "Quiz pitch")
    for day in range(1, 5):
        take(other, WRONG, at(2026, 1, day, 10))
    # An attempt in progress never counts.
    services.attempt_start(user=AmbassadorProfileFactory().user, quiz=quiz, now=at(2026, 1, 9))
    return quiz


def rows(period, **kwargs):
    return [
        (q.question_id, q.answers, q.correct, q.correct_share)
        for q in dashboard.hardest_questions(period=period, **kwargs)
    ]


def test_the_hardest_questions_of_the_period_lowest_share_of_right_answers_first(attempts):
    assert rows(JANUARY) == [
        (Q_NUMERIC, 6, 0, 0.0),
        (Q_MULTIPLE, 6, 1, 16.7),
        (Q_SCENARIO, 6, 2, 33.3),
        (Q_TRUE_FALSE, 6, 3, 50.0),
        (Q_SINGLE, 6, 5, 83.3),
    ]


def test_without_bounds_every_graded_attempt_counts(attempts):
    # The two right attempts outside January join; the other quiz's four stay too few.
    assert rows(EVERYTHING) == [
        (Q_NUMERIC, 8, 2, 25.0),
        (Q_MULTIPLE, 8, 3, 37.5),
        (Q_SCENARIO, 8, 4, 50.0),
        (Q_TRUE_FALSE, 8, 5, 62.5),
        (Q_SINGLE, 8, 7, 87.5),
    ]


def test_the_limit_and_the_minimum_of_answers(attempts):
    assert rows(JANUARY, limit=2) == [(Q_NUMERIC, 6, 0, 0.0), (Q_MULTIPLE, 6, 1, 16.7)]
    assert rows(JANUARY, min_answers=7) == []
    # With four answers enough, the other quiz's questions (all wrong) come first; ties
    # go to the question with more answers.
    assert [r[1:] for r in rows(JANUARY, min_answers=4)][:6] == [
        (6, 0, 0.0),
        *[(4, 0, 0.0)] * 5,
    ]


def test_each_question_comes_with_its_text_and_its_quiz(attempts):
    hardest = dashboard.hardest_questions(period=JANUARY)[0]

    assert hardest.prompt == "Combien de m² cherche-t-il ?"
    assert (hardest.quiz_id, hardest.quiz, hardest.course) == (
        attempts.pk,
        "Quiz final",
        "Détecter un projet d'implantation",
    )
    assert hardest.quiz_label == "Détecter un projet d'implantation › Quiz final"


def test_a_question_no_longer_live_keeps_its_last_text(attempts):
    quiz = QuizPage.objects.get(pk=attempts.pk)
    quiz.questions = [q for q in every_question_type() if q["id"] != Q_NUMERIC]
    quiz.save_revision().publish()

    hardest = dashboard.hardest_questions(period=JANUARY)[0]

    assert (hardest.question_id, hardest.prompt) == (Q_NUMERIC, "Combien de m² cherche-t-il ?")


def test_the_questions_table(attempts):
    with translation.override("en"):
        (table,) = dashboard.build_questions(JANUARY)

        url = reverse("quiz_reports:statistics", args=[attempts.pk]) + "?ordering=hardest"
        quiz = home_dashboard.Link("Détecter un projet d'implantation › Quiz final", url)
        assert table.slug == "hardest" and table.uses_period and not table.on_home
        assert [str(c.label) for c in table.columns] == ["Question", "Quiz", "Answers", "Right"]
        assert [c.kind for c in table.columns] == ["text", "text", "number", "percent"]
        assert list(table.rows) == [
            ("Combien de m² cherche-t-il ?", quiz, 6, 0.0),
            ("Lesquels transmettre ?", quiz, 6, 16.7),
            ("Que faites-vous ?", quiz, 6, 33.3),
            ("Un projet confidentiel ne se signale jamais.", quiz, 6, 50.0),
            ("Quel signe annonce un projet ?", quiz, 6, 83.3),
        ]
        assert "at least 5 answers" in str(table.note)


def test_a_long_question_is_shortened(quiz):
    questions = every_question_type()
    questions[0]["value"]["prompt"] = "<p>" + "Très longue question " * 10 + "</p>"
    quiz.questions = questions
    quiz.save_revision().publish()
    for day in range(1, 6):
        take(quiz, WRONG, at(2026, 1, day, 10))

    (table,) = dashboard.build_questions(JANUARY)
    texts = [row[0] for row in table.rows]

    assert any(text.startswith("Très longue question") and text.endswith("…") for text in texts)
    assert all(len(text) <= dashboard.PROMPT_LENGTH for text in texts)


def test_without_enough_answers_the_table_is_empty(quiz):
    take(quiz, WRONG, at(2026, 1, 3, 10))

    (table,) = dashboard.build_questions(JANUARY)

    assert list(table.rows) == [] and str(table.empty)


def test_the_section_is_registered():
    sections = [fn() for fn in hooks.get_hooks(home_hooks.DASHBOARD_SECTIONS)]

    (section,) = [s for s in sections if s and s.slug == "questions"]
    assert section.build is dashboard.build_questions


def test_the_build_runs_three_queries_whatever_the_attempts(attempts, django_assert_num_queries):
    # The answers aggregated and ranked, the listed questions' quizzes with their
    # course, their frozen versions.
    with django_assert_num_queries(3):
        dashboard.build_questions(JANUARY)

    other_course = add_course(attempts.get_parent().get_parent(), "Accueillir", lessons=0)
    other = add_quiz(other_course, "Quiz accueil")
    for day in range(1, 13):
        take(attempts, WRONG, at(2026, 1, day, 11))
        take(other, RIGHT, at(2026, 1, day, 11))
    with django_assert_num_queries(3):
        (table,) = dashboard.build_questions(JANUARY)
    assert len(table.rows) == 10

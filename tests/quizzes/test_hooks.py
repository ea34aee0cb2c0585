"""`quizzes` plugged into `home`: the *fiche ambassadeur*'s "Quizzes" section, the
personal-data export, account deletion (attempts stay, anonymous) and the daily closing
of overdue attempts."""

import datetime
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import RequestFactory
from django.utils import formats, timezone, translation

from home import hooks as home_hooks
from home import services as home_services
from quizzes import report_selectors, services
from quizzes.models import Answer, Attempt, AttemptState, ClosedBy
from quizzes.wagtail_hooks import close_overdue_attempts, personal_data_part, quizzes_section
from tests.factories import AmbassadorProfileFactory, UserFactory
from tests.lms.test_progress import add_course, complete, lessons_of
from tests.quizzes.builders import (
    ALL_RIGHT,
    ALL_WRONG,
    Q_MULTIPLE,
    Q_NUMERIC,
    Q_SINGLE,
    Q_TRUE_FALSE,
    add_quiz,
)

PARIS = datetime.timezone(datetime.timedelta(hours=1))  # Europe/Paris in winter
JANUARY = datetime.datetime(2026, 1, 12, 10, 0, tzinfo=PARIS)
DAY = datetime.timedelta(days=1)


def fr(message) -> str:
    """A translatable string (or msgid) as the site shows it (in French)."""
    with translation.override("fr"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def take(user, quiz, answers, *, at=JANUARY):
    attempt = services.attempt_start(user=user, quiz=quiz, now=at)
    graded, _ = services.attempt_submit(
        attempt=attempt, data=answers, now=at + datetime.timedelta(minutes=5)
    )
    return graded


def fiche_url(user) -> str:
    return f"/admin/ambassadeurs/{user.ambassador_profile.pk}/"


@pytest.fixture
def second_quiz(catalogue):
    course = add_course(catalogue, "Pitcher le territoire", lessons=1)
    return add_quiz(course, "Quiz du pitch")


@pytest.fixture
def history(ready, quiz, second_quiz):
    """Camille (`ambassador`) failed the first quiz on 12 January, passed it on
    13 January, then failed the pitch quiz on 15 January and started it again on 16."""
    complete(ready, *lessons_of(second_quiz.get_parent()))
    take(ready, quiz, ALL_WRONG, at=JANUARY)
    take(ready, quiz, ALL_RIGHT, at=JANUARY + DAY)
    take(ready, second_quiz, {f"q-{Q_SINGLE}": ["s-right"]}, at=JANUARY + 3 * DAY)
    services.attempt_start(user=ready, quiz=second_quiz, now=JANUARY + 4 * DAY)
    return ready


# --- Fiche ambassadeur: Quizzes -------------------------------------------------------


def test_fiche_shows_each_quiz_attempted_with_best_score_result_and_attempts(
    client, staff, history, quiz, second_quiz
):
    client.force_login(staff)

    response = client.get(fiche_url(history))

    html = unescape(response.content.decode())
    assert response.status_code == 200
    (section,) = [s for s in response.context["sections"] if s["panel"].slug == "quizzes"]
    assert section["panel"].title == fr("Quizzes")
    rows = [
        (row.label, row.attempts, row.best, row.passed, row.in_progress, row.last_started_at)
        for row, _url in section["panel"].context["rows"]
    ]
    assert rows == [
        # The latest attempted first; the best score among the graded attempts (1 / 7).
        (
            "Pitcher le territoire › Quiz du pitch",
            2,
            Decimal("14.29"),
            False,
            True,
            JANUARY + 4 * DAY,
        ),
        (
            "Détecter un projet d'implantation › Quiz final",
            2,
            Decimal("100.00"),
            True,
            False,
            JANUARY + DAY,
        ),
    ]
    assert 'id="ambassador-section-quizzes-section"' in html
    table_rows = re.findall(r'<tr class="ambassador-quizzes__row"[^>]*>(.*?)</tr>', html, re.S)
    assert len(table_rows) == 2
    assert "14,29 %" in table_rows[0] and fr("one in progress") in table_rows[0]
    assert "100 %" in table_rows[1] and fr("Yes") in table_rows[1]
    with translation.override("fr"):
        last = formats.date_format(timezone.localtime(JANUARY + DAY), "DATETIME_FORMAT")
    assert last in table_rows[1]
    attempts = "/admin/rapports/tentatives-quiz/"
    email = "ambassadrice%40exemple.fr"
    assert f'href="{attempts}?quiz={quiz.pk}&amp;q={email}"' in response.content.decode()
    assert f'href="{attempts}?quiz={second_quiz.pk}&amp;q={email}"' in response.content.decode()
    assert f'href="{attempts}?q={email}"' in response.content.decode()


def test_the_link_from_the_fiche_lists_that_persons_attempts_at_that_quiz(
    client, staff, history, quiz
):
    other = AmbassadorProfileFactory(user__email="autre@exemple.fr").user
    complete(other, *lessons_of(quiz.get_parent()))
    take(other, quiz, ALL_RIGHT)
    client.force_login(staff)
    (section,) = [
        s
        for s in client.get(fiche_url(history)).context["sections"]
        if s["panel"].slug == "quizzes"
    ]
    url = {row.quiz_id: url for row, url in section["panel"].context["rows"]}[quiz.pk]

    response = client.get(url)

    assert [(a.user, a.number) for a in response.context["object_list"]] == [
        (history, 2),
        (history, 1),
    ]


def test_fiche_says_when_no_quiz_was_attempted(client, staff, ambassador, quiz):
    client.force_login(staff)

    html = unescape(client.get(fiche_url(ambassador)).content.decode())

    assert fr("No quiz attempted yet.") in html


def test_quizzes_section_is_empty_for_someone_who_may_not_see_ambassadors(db, history):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(email="redaction@exemple.fr", is_staff=True)

    assert quizzes_section(request, history) is None


# The fiche's own 15 queries (tests/home/test_admin_ambassadors.py), lms's "Progress"
# for someone who started courses (2), and "Quizzes": the attempts aggregated per quiz
# (1) and the quizzes' courses (1), "Badges" with no badge defined (1), "Missions"
# with no sign-up (1) and "Project reports" with no report (1) = 22, however many
# quizzes and attempts.
FICHE_QUERIES = 22


@pytest.mark.parametrize("quizzes", [1, 4])
def test_fiche_query_count_with_quizzes_does_not_grow_with_quizzes_or_attempts(
    client, staff, ambassador, catalogue, django_assert_num_queries, quizzes
):
    for number in range(quizzes):
        course = add_course(catalogue, f"Parcours {number}", lessons=1)
        quiz = add_quiz(course)
        complete(ambassador, *lessons_of(course))
        for _ in range(number + 1):
            take(ambassador, quiz, ALL_WRONG)
    client.force_login(staff)
    client.get(fiche_url(ambassador))  # warm the per-process caches

    with django_assert_num_queries(FICHE_QUERIES):
        response = client.get(fiche_url(ambassador))

    (section,) = [s for s in response.context["sections"] if s["panel"].slug == "quizzes"]
    assert len(section["panel"].context["rows"]) == quizzes


def test_fiche_of_someone_who_attempted_nothing_costs_one_query_for_quizzes(
    client, staff, ambassador, quiz, django_assert_num_queries
):
    client.force_login(staff)
    client.get(fiche_url(ambassador))

    # 15 (the fiche) + 1 (lms: nothing started) + 1 (quizzes: no attempt, so no course
    # to look up) + 1 (badges: none defined) + 1 (missions: no sign-up) + 1 (reports:
    # none) = 20.
    with django_assert_num_queries(20):
        client.get(fiche_url(ambassador))


# --- Personal data --------------------------------------------------------------------


def test_personal_data_export_holds_every_attempt_with_the_answers_as_text(history, quiz):
    data = home_services.personal_data_export(user=history)

    attempts = data["quizzes"]["attempts"]
    assert [(a["quiz"], a["number"], a["state"], a["score"], a["passed"]) for a in attempts] == [
        ("Quiz final", 1, fr(AttemptState.GRADED.label), "0.00", False),
        ("Quiz final", 2, fr(AttemptState.GRADED.label), "7.00", True),
        ("Quiz du pitch", 1, fr(AttemptState.GRADED.label), "1.00", False),
        ("Quiz du pitch", 2, fr(AttemptState.IN_PROGRESS.label), None, None),
    ]
    passed = attempts[1]
    assert datetime.datetime.fromisoformat(passed["started_at"]) == JANUARY + DAY
    assert datetime.datetime.fromisoformat(passed["closed_at"]) == (
        JANUARY + DAY + datetime.timedelta(minutes=5)
    )
    assert (passed["closed_by"], passed["deadline"], passed["regraded_at"]) == (
        fr(ClosedBy.SUBMITTED.label),
        None,
        None,
    )
    assert (passed["out_of"], passed["percent"]) == ("7.00", "100.00")
    assert passed["answers"] == [
        {
            "question": "Quel signe annonce un projet ?",
            "response": "Une vague de recrutements",
            "score": "1.00",
            "correct": True,
        },
        {
            "question": "Lesquels transmettre ?",
            "response": "Levée de fonds ; Recherche de locaux",
            "score": "2.00",
            "correct": True,
        },
        {
            "question": "Un projet confidentiel ne se signale jamais.",
            "response": fr("False"),
            "score": "1.00",
            "correct": True,
        },
        {
            "question": "Combien de m² cherche-t-il ?",
            "response": "3050 m²",
            "score": "1.00",
            "correct": True,
        },
        {
            "question": "Que faites-vous ?",
            "response": "Je le signale",
            "score": "2.00",
            "correct": True,
        },
    ]
    unanswered = attempts[2]["answers"][1]
    assert unanswered == {
        "question": "Lesquels transmettre ?",
        "response": fr(report_selectors.NO_ANSWER),
        "score": "0.00",
        "correct": False,
    }
    json.dumps(data)  # serialisable as it is


@pytest.mark.parametrize("attempts", [1, 5])
def test_personal_data_part_runs_two_queries_whatever_the_attempts(
    ready, quiz, django_assert_num_queries, attempts
):
    for _ in range(attempts):
        take(ready, quiz, ALL_WRONG)

    with django_assert_num_queries(2):  # the attempts with their quizzes and versions, answers
        key, part = personal_data_part(ready)

    assert key == "quizzes"
    assert len(part["attempts"]) == attempts


# --- Account deletion -----------------------------------------------------------------


def test_account_deletion_keeps_attempts_for_statistics_without_the_person(history, quiz):
    before_attempts = list(Attempt.objects.order_by("pk").values())
    before_answers = Answer.objects.count()
    before_statistics = report_selectors.question_rows(quiz=quiz)

    home_services.account_delete(user=history)

    history.refresh_from_db()
    assert history.email == f"compte-supprime-{history.pk}@invalid.example"
    assert list(Attempt.objects.order_by("pk").values()) == before_attempts
    assert Answer.objects.count() == before_answers
    assert report_selectors.question_rows(quiz=quiz) == before_statistics
    exported = json.dumps(home_services.personal_data_export(user=history), ensure_ascii=False)
    assert "ambassadrice" not in exported and "Camille" not in exported


# --- Daily work -----------------------------------------------------------------------


def test_daily_work_closes_overdue_attempts_with_their_saved_answers_once(ready, course):
    quiz = add_quiz(course, "Quiz chronométré", time_limit_minutes=10)
    started = timezone.now() - datetime.timedelta(hours=2)
    attempt = services.attempt_start(user=ready, quiz=quiz, now=started)
    services.answers_save(
        attempt=attempt,
        data={f"q-{Q_SINGLE}": ["s-right"], f"q-{Q_TRUE_FALSE}": ["false"]},
        now=started + datetime.timedelta(minutes=3),
    )
    on_time = AmbassadorProfileFactory(user__email="a-lheure@exemple.fr").user
    complete(on_time, *lessons_of(course))
    running = services.attempt_start(user=on_time, quiz=quiz)

    first = home_hooks.daily_work(today=timezone.localdate())
    second = home_hooks.daily_work(today=timezone.localdate())

    name = "quizzes.wagtail_hooks.close_overdue_attempts"
    assert (name, 1) in first
    assert (name, 0) in second
    attempt.refresh_from_db()
    assert (attempt.state, attempt.closed_by, attempt.score) == (
        AttemptState.GRADED,
        ClosedBy.TIME_UP,
        Decimal("2.00"),
    )
    assert Attempt.objects.get(pk=running.pk).state == AttemptState.IN_PROGRESS


def test_closing_overdue_attempts_runs_a_fixed_number_of_queries_when_none_is_due(
    ready, quiz, django_assert_num_queries
):
    services.attempt_start(user=ready, quiz=quiz)

    with django_assert_num_queries(1):  # looking for overdue attempts
        assert close_overdue_attempts(today=timezone.localdate()) == 0


def test_numeric_and_multiple_answers_read_as_words_in_the_export(ready, quiz):
    take(ready, quiz, {f"q-{Q_NUMERIC}": ["3 000,5"], f"q-{Q_MULTIPLE}": ["m-c", "m-a"]})

    (attempt,) = home_services.personal_data_export(user=ready)["quizzes"]["attempts"]

    responses = {answer["question"]: answer["response"] for answer in attempt["answers"]}
    assert responses["Combien de m² cherche-t-il ?"] == "3000.5 m²"
    assert responses["Lesquels transmettre ?"] == "Levée de fonds ; Nouveau standard"

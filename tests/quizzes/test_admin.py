"""The staff's side of quizzes in the Wagtail admin: the read-only attempts (list,
filters, search, CSV/XLSX export, each attempt's answers), the statistics (per quiz,
then per question and choice, followed across versions by stable ids; CSV), the
explicit regrade after a key correction, who may see and do what, and pinned query
counts."""

import csv
import datetime
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from wagtail.models import PageLogEntry

from lms.models import CourseCompletion, StepCompletion
from quizzes import admin_views, report_selectors, services, versions
from quizzes.models import Attempt, AttemptState, ClosedBy, QuizPage, QuizVersion
from tests.factories import AmbassadorProfileFactory, UserFactory
from tests.lms.test_progress import add_course, complete, lessons_of
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

ATTEMPTS_URL = "/admin/rapports/tentatives-quiz/"
STATISTICS_URL = "/admin/rapports/quiz/"
PARIS = datetime.timezone(datetime.timedelta(hours=1))  # Europe/Paris in winter
JANUARY = datetime.datetime(2026, 1, 12, 10, 0, tzinfo=PARIS)


def fr(message) -> str:
    """A translatable string (or msgid) as the admin shows it (in French)."""
    with translation.override("fr"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def text(response) -> str:
    return unescape(response.content.decode())


def person(email, first_name, last_name):
    return AmbassadorProfileFactory(
        user__email=email, user__first_name=first_name, user__last_name=last_name
    ).user


def take(user, quiz, answers, *, at=JANUARY, minutes=5):
    """`user` takes `quiz` once, answering `answers` (the form's data), at `at`."""
    attempt = services.attempt_start(user=user, quiz=quiz, now=at)
    graded, _ = services.attempt_submit(
        attempt=attempt, data=answers, now=at + datetime.timedelta(minutes=minutes)
    )
    return graded


def republish(quiz, questions) -> QuizPage:
    """Staff change the quiz's questions and publish them (a new live content)."""
    quiz = QuizPage.objects.get(pk=quiz.pk)
    quiz.questions = questions
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


# Chloé's answers: single right (1), multiple "m-a" only (partial: 1 of 2), true/false
# wrong, the numeric question unanswered, the scenario right (2): 4 of 7 = 57.14 %.
SOME_RIGHT = {
    f"q-{Q_SINGLE}": ["s-right"],
    f"q-{Q_MULTIPLE}": ["m-a"],
    f"q-{Q_TRUE_FALSE}": ["true"],
    f"q-{Q_NUMERIC}": [""],
    f"q-{Q_SCENARIO}": ["sc-pass"],
}


@pytest.fixture
def people(course):
    """Three ambassadors who finished the course's lesson (the quiz is open to them)."""
    users = {
        "alice": person("alice.martin@exemple.fr", "Alice", "Martin"),
        "bruno": person("bruno.schmidt@exemple.de", "Bruno", "Schmidt"),
        "chloe": person("chloe.abel@exemple.fr", "Chloé", "Abel"),
    }
    for user in users.values():
        complete(user, *lessons_of(course))
    return users


@pytest.fixture
def known(quiz, people):
    """Alice passed (7 / 7) on 12 January; Bruno failed (0 / 7) on 13 January; Chloé
    failed (4 / 7) on 14 January, then started another attempt on 15 January."""
    day = datetime.timedelta(days=1)
    take(people["alice"], quiz, ALL_RIGHT, at=JANUARY)
    take(people["bruno"], quiz, ALL_WRONG, at=JANUARY + day)
    take(people["chloe"], quiz, SOME_RIGHT, at=JANUARY + 2 * day)
    services.attempt_start(user=people["chloe"], quiz=quiz, now=JANUARY + 3 * day)
    return people


def rows_of(response) -> list[tuple]:
    return [
        (attempt.user.email, attempt.number, attempt.state, attempt.percent, attempt.passed)
        for attempt in response.context["object_list"]
    ]


ALICE = ("alice.martin@exemple.fr", 1, "graded", Decimal("100.00"), True)
BRUNO = ("bruno.schmidt@exemple.de", 1, "graded", Decimal("0.00"), False)
CHLOE_1 = ("chloe.abel@exemple.fr", 1, "graded", Decimal("57.14"), False)
CHLOE_2 = ("chloe.abel@exemple.fr", 2, "in_progress", None, None)


# --- Attempts: the list ---------------------------------------------------------------


def test_attempts_list_shows_every_attempt_latest_first_with_its_facts(client, staff, known):
    client.force_login(staff)

    response = client.get(ATTEMPTS_URL)

    html = text(response)
    assert response.status_code == 200
    assert rows_of(response) == [CHLOE_2, CHLOE_1, BRUNO, ALICE]
    assert "Chloé Abel" in html and "Alice Martin" in html
    assert "Détecter un projet d'implantation › Quiz final" in html
    assert "57,14 %" in html  # the score, in French
    assert fr(AttemptState.IN_PROGRESS.label) in html
    first = Attempt.objects.get(user=known["alice"])
    assert f'href="{ATTEMPTS_URL}{first.pk}/"' in html  # to the attempt's answers
    assert f'href="{ATTEMPTS_URL}?export=csv"' in html
    assert f'href="{ATTEMPTS_URL}?export=xlsx"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "graded"}, [CHLOE_1, BRUNO, ALICE]),
        ({"state": "in_progress"}, [CHLOE_2]),
        ({"passed": "true"}, [ALICE]),
        ({"passed": "false"}, [CHLOE_1, BRUNO]),
        ({"started_at_from": "2026-01-13", "started_at_to": "2026-01-14"}, [CHLOE_1, BRUNO]),
        ({"started_at_from": "2026-01-15"}, [CHLOE_2]),
        ({"q": "chloé"}, [CHLOE_2, CHLOE_1]),
        ({"q": "MARTIN alice"}, [ALICE]),
        ({"q": "exemple.de"}, [BRUNO]),
        ({"q": "alice bruno"}, []),
        ({"state": "graded", "q": "abel"}, [CHLOE_1]),
    ],
)
def test_attempts_list_filters_by_state_result_and_date_and_searches_people(
    client, staff, known, query, expected
):
    client.force_login(staff)

    response = client.get(ATTEMPTS_URL, query)

    assert response.status_code == 200
    assert rows_of(response) == expected


def test_attempts_list_filters_by_quiz_named_with_its_course(client, staff, known, catalogue):
    other_course = add_course(catalogue, "Pitcher le territoire", lessons=1)
    other = add_quiz(other_course)  # the same title, another course
    dan = person("dan.roux@exemple.fr", "Dan", "Roux")
    complete(dan, *lessons_of(other_course))
    take(dan, other, ALL_RIGHT)
    client.force_login(staff)

    response = client.get(ATTEMPTS_URL, {"quiz": other.pk})
    everything = client.get(ATTEMPTS_URL)

    assert rows_of(response) == [("dan.roux@exemple.fr", 1, "graded", Decimal("100.00"), True)]
    choices = dict(everything.context["filters"].form.fields["quiz"].choices)
    assert sorted(str(label) for value, label in choices.items() if value) == [
        "Détecter un projet d'implantation › Quiz final",
        "Pitcher le territoire › Quiz final",
    ]


def test_attempts_list_results_view_refreshes_the_table_for_filters(client, staff, known):
    client.force_login(staff)

    response = client.get(f"{ATTEMPTS_URL}results/", {"passed": "true"})

    assert response.status_code == 200
    assert rows_of(response) == [ALICE]
    assert "<html" not in response.content.decode()


def test_attempts_are_read_only_for_everyone_even_superusers(client, known):
    admin = UserFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True)
    attempt = Attempt.objects.get(user=known["alice"])
    before = list(Attempt.objects.order_by("pk").values())
    client.force_login(admin)

    html = text(client.get(ATTEMPTS_URL))
    inspect = text(client.get(f"{ATTEMPTS_URL}{attempt.pk}/"))
    posts = [
        client.post(f"{ATTEMPTS_URL}{path}", {"number": 9})
        for path in ("new/", f"edit/{attempt.pk}/", f"delete/{attempt.pk}/", f"{attempt.pk}/")
    ]

    for name in ("add", "edit", "delete", "history", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"quiz_attempts:{name}", args=[attempt.pk] if name != "add" else [])
    assert [response.status_code for response in posts] == [404, 404, 404, 405]
    assert f"{ATTEMPTS_URL}new/" not in html
    for generic in ("new/", "edit/", "delete/", "history/"):
        assert f"{ATTEMPTS_URL}{generic}" not in html + inspect
    assert list(Attempt.objects.order_by("pk").values()) == before
    # No model permission to grant in the group editor: access follows `staff_may`.
    assert not admin_views.AttemptViewSet().get_permissions_to_register().exists()


# --- Attempts: export -----------------------------------------------------------------

EXPORT_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "course",
    "quiz",
    "number",
    "state",
    "started_at",
    "deadline",
    "closed_at",
    "closed_by",
    "score",
    "out_of",
    "percent",
    "passed",
    "regraded_at",
]


def test_csv_export_holds_every_attempt_with_local_times(client, staff, known):
    client.force_login(staff)

    response = client.get(ATTEMPTS_URL, {"export": "csv", "q": "chloé"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    today = timezone.localdate().isoformat()
    assert f'filename="tentatives-quiz-{today}.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(content))) == [
        [fr(admin_views.EXPORT_HEADINGS[name]) for name in EXPORT_FIELDS],
        [
            "chloe.abel@exemple.fr",
            "Chloé",
            "Abel",
            "Détecter un projet d'implantation",
            "Quiz final",
            "2",
            fr(AttemptState.IN_PROGRESS.label),
            "2026-01-15 10:00:00",
            "",
            "",
            "",
            "",
            "7.00",
            "",
            "",
            "",
        ],
        [
            "chloe.abel@exemple.fr",
            "Chloé",
            "Abel",
            "Détecter un projet d'implantation",
            "Quiz final",
            "1",
            fr(AttemptState.GRADED.label),
            "2026-01-14 10:00:00",
            "",
            "2026-01-14 10:05:00",
            fr(ClosedBy.SUBMITTED.label),
            "4.00",
            "7.00",
            "57.14",
            fr("No"),
            "",
        ],
    ]


def test_xlsx_export_holds_every_attempt_with_numbers_and_dates(client, staff, known):
    client.force_login(staff)

    response = client.get(ATTEMPTS_URL, {"export": "xlsx", "passed": "true"})

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2
    row = dict(zip(EXPORT_FIELDS, rows[1], strict=True))
    assert (row["email"], row["number"], row["score"], row["out_of"], row["percent"]) == (
        "alice.martin@exemple.fr",
        1,
        7,
        7,
        100,
    )
    assert row["started_at"] == datetime.datetime(2026, 1, 12, 10, 0)
    assert row["passed"] == fr("Yes")


# --- Attempts: one attempt ------------------------------------------------------------


def test_attempt_page_shows_each_answer_with_its_score_and_links(client, staff, known):
    attempt = Attempt.objects.get(user=known["chloe"], number=1)
    client.force_login(staff)

    response = client.get(f"{ATTEMPTS_URL}{attempt.pk}/")

    html = text(response)
    assert response.status_code == 200
    answers = [
        (row.number, row.prompt, row.response, row.score, row.points, row.correct)
        for row in response.context["answers"]
    ]
    assert answers == [
        (
            1,
            "Quel signe annonce un projet ?",
            "Une vague de recrutements",
            Decimal("1.00"),
            1,
            True,
        ),
        (2, "Lesquels transmettre ?", "Levée de fonds", Decimal("1.00"), 2, False),
        (3, "Un projet confidentiel ne se signale jamais.", fr("True"), Decimal("0.00"), 1, False),
        (
            4,
            "Combien de m² cherche-t-il ?",
            fr(report_selectors.NO_ANSWER),
            Decimal("0.00"),
            1,
            False,
        ),
        (5, "Que faites-vous ?", "Je le signale", Decimal("2.00"), 2, True),
    ]
    rows = re.findall(r'<tr class="quiz-attempt-answer"[^>]*>(.*?)</tr>', html, re.S)
    assert len(rows) == 5
    assert "Un dirigeant cherche 3 000 m² près d'une gare." in rows[4]  # the situation
    assert "1 / 2" in rows[1] and fr("Partly") in rows[1]
    assert "4 / 7 (57,14 %)" in html
    profile = known["chloe"].ambassador_profile
    assert f'href="/admin/ambassadeurs/{profile.pk}/"' in html
    assert f'href="{STATISTICS_URL}{attempt.quiz_id}/"' in html


def test_attempt_in_progress_shows_saved_answers_without_grades(client, staff, known):
    attempt = Attempt.objects.get(user=known["chloe"], number=2)
    services.answers_save(attempt=attempt, data={f"q-{Q_NUMERIC}": ["2 950"]})
    client.force_login(staff)

    response = client.get(f"{ATTEMPTS_URL}{attempt.pk}/")

    by_question = {row.question_id: row for row in response.context["answers"]}
    assert (by_question[Q_NUMERIC].response, by_question[Q_NUMERIC].score) == ("2950 m²", None)
    assert by_question[Q_SINGLE].response == fr(report_selectors.NO_ANSWER)
    assert by_question[Q_SINGLE].correct is None


def test_unknown_attempt_is_a_404(client, staff, known):
    client.force_login(staff)

    assert client.get(f"{ATTEMPTS_URL}999999/").status_code == 404


# --- Statistics: per quiz ---------------------------------------------------------------


def test_statistics_index_sums_up_each_quiz(client, staff, known, catalogue):
    add_course(catalogue, "Sans quiz encore", lessons=1)
    untouched = add_quiz(add_course(catalogue, "Pitcher le territoire", lessons=1))
    draft = add_quiz(add_course(catalogue, "Brouillon", lessons=1), live=False)
    client.force_login(staff)

    response = client.get(STATISTICS_URL)

    html = text(response)
    summaries = [
        (s.label, s.attempts, s.people, s.passed, s.pass_rate, s.average, s.in_progress)
        for s in (item["summary"] for item in response.context["summaries"])
    ]
    assert summaries == [
        # 3 graded attempts by 3 people, 1 passed; (100 + 0 + 57.14) / 3 = 52.38 %.
        ("Détecter un projet d'implantation › Quiz final", 3, 3, 1, 33, Decimal("52.4"), 1),
        ("Pitcher le territoire › Quiz final", 0, 0, 0, 0, None, 0),
    ]
    quiz = known["alice"].quiz_attempts.get().quiz
    assert f'href="{STATISTICS_URL}{quiz.pk}/"' in html
    assert f'href="{ATTEMPTS_URL}?quiz={quiz.pk}"' in html
    assert "52,4 %" in html
    assert f'data-quiz="{untouched.pk}"' in html
    assert f'data-quiz="{draft.pk}"' not in html  # an unpublished quiz nobody took


def test_statistics_index_keeps_an_unpublished_quiz_that_has_attempts(client, staff, known):
    quiz = QuizPage.objects.get()
    quiz.unpublish()
    client.force_login(staff)

    response = client.get(STATISTICS_URL)

    (item,) = response.context["summaries"]
    assert (item["summary"].live, item["summary"].attempts) == (False, 3)
    assert fr("unpublished") in text(response)


# --- Statistics: per question -----------------------------------------------------------


def question_table(response) -> list[tuple]:
    return [
        (row.number, row.answered, row.correct, row.correct_share, row.does_not_land)
        for row in response.context["questions"]
    ]


def choice_table(response, question_id) -> list[tuple]:
    (row,) = [row for row in response.context["questions"] if row.id == question_id]
    return [(c.id, c.correct, c.picked, c.share, c.misleads) for c in row.choices]


def test_statistics_count_right_answers_and_choice_picks_per_question(client, staff, quiz, known):
    client.force_login(staff)

    response = client.get(f"{STATISTICS_URL}{quiz.pk}/")

    html = text(response)
    assert response.status_code == 200
    # Graded attempts only (Chloé's second is in progress); unanswered answers count.
    assert question_table(response) == [
        (1, 3, 2, 67, False),  # single: Alice and Chloé
        (2, 3, 1, 33, True),  # multiple: Alice only (Chloé's partial credit is not right)
        (3, 3, 1, 33, True),  # true/false: Alice only
        (4, 3, 1, 33, True),  # numeric: Alice only (Chloé left it empty)
        (5, 3, 2, 67, False),  # scenario: Alice and Chloé
    ]
    assert choice_table(response, Q_SINGLE) == [
        ("s-right", True, 2, 67, False),
        ("s-wrong", False, 1, 33, True),
    ]
    assert choice_table(response, Q_MULTIPLE) == [
        ("m-a", True, 2, 67, False),
        ("m-b", True, 1, 33, False),
        ("m-c", False, 1, 33, True),
    ]
    assert choice_table(response, Q_TRUE_FALSE) == [
        ("true", False, 2, 67, True),
        ("false", True, 1, 33, False),
    ]
    assert choice_table(response, Q_NUMERIC) == []
    sections = re.findall(r'<section class="quiz-question-statistics.*?</section>', html, re.S)
    assert len(sections) == 5
    assert fr("Does not land") in sections[1] and fr("Does not land") not in sections[0]
    assert "Lesquels transmettre ?" in sections[1]
    right_share = fr("Answered correctly: %(correct)s of %(answered)s (%(share)s %%)")
    assert right_share % {"correct": 1, "answered": 3, "share": 33} in sections[1]
    assert sections[1].count('class="w-status w-status--primary"') == 2  # the right choices
    assert 'misleads" data-choice="m-c"' in sections[1]


def test_statistics_can_list_the_questions_that_land_least_first(client, staff, quiz, known):
    client.force_login(staff)

    response = client.get(f"{STATISTICS_URL}{quiz.pk}/", {"ordering": "hardest"})

    assert [row.number for row in response.context["questions"]] == [2, 3, 4, 1, 5]


def test_statistics_follow_a_question_across_versions_by_its_stable_id(client, staff, quiz, known):
    # Staff reword the single-choice question, fix nothing else, and drop the numeric
    # one; Dan then takes the new version.
    questions = [q for q in every_question_type() if q["id"] != Q_NUMERIC]
    questions[0]["value"]["prompt"] = "<p>Quel signe annonce le plus sûrement un projet ?</p>"
    quiz = republish(quiz, questions)
    dan = person("dan.roux@exemple.fr", "Dan", "Roux")
    complete(dan, *lessons_of(quiz.get_parent()))
    attempt = take(dan, quiz, {f"q-{Q_SINGLE}": ["s-wrong"], f"q-{Q_SCENARIO}": ["sc-pass"]})
    assert attempt.version != Attempt.objects.get(user=known["alice"]).version
    assert QuizVersion.objects.filter(quiz=quiz).count() == 2
    client.force_login(staff)

    response = client.get(f"{STATISTICS_URL}{quiz.pk}/")

    rows = {row.id: row for row in response.context["questions"]}
    single = rows[Q_SINGLE]
    assert (single.number, single.answered, single.correct) == (1, 4, 2)
    assert single.prompt == "Quel signe annonce le plus sûrement un projet ?"  # the live text
    assert choice_table(response, Q_SINGLE) == [
        ("s-right", True, 2, 50, False),
        ("s-wrong", False, 2, 50, True),
    ]
    assert (rows[Q_SCENARIO].number, rows[Q_SCENARIO].answered, rows[Q_SCENARIO].correct) == (
        4,
        4,
        3,
    )
    # The dropped question keeps its answers, after the live ones.
    numeric = rows[Q_NUMERIC]
    assert (numeric.number, numeric.live, numeric.answered, numeric.correct) == (None, False, 3, 1)
    assert list(rows)[-1] == Q_NUMERIC
    assert fr("Removed question (earlier versions)") in text(response)


def test_statistics_csv_has_one_line_per_choice(client, staff, quiz, known):
    client.force_login(staff)

    response = client.get(f"{STATISTICS_URL}{quiz.pk}/", {"export": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert f'filename="statistiques-quiz-final-{today}.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == [fr(heading) for heading in admin_views.CSV_HEADINGS]
    single_choice = fr("Single choice")
    assert lines[1:3] == [
        ["1", "Quel signe annonce un projet ?", single_choice, "3", "2", "67"]
        + ["Une vague de recrutements", fr("Yes"), "2", "67"],
        ["1", "Quel signe annonce un projet ?", single_choice, "3", "2", "67"]
        + ["Un nouveau logo", fr("No"), "1", "33"],
    ]
    numeric = [line for line in lines if line[0] == "4"]
    assert numeric == [
        ["4", "Combien de m² cherche-t-il ?", fr("Numeric answer"), "3", "1", "33", "", "", "", ""]
    ]
    assert len(lines) == 1 + 2 + 3 + 2 + 1 + 2


def test_statistics_of_a_quiz_nobody_took_say_so(client, staff, quiz):
    client.force_login(staff)

    response = client.get(f"{STATISTICS_URL}{quiz.pk}/")

    html = text(response)
    assert response.status_code == 200
    assert fr("Nobody has finished this quiz yet.") in html
    assert [row.answered for row in response.context["questions"]] == [0, 0, 0, 0, 0]
    assert response.context["to_regrade"] == 0
    assert "/regrader/" not in html


def test_statistics_of_an_unknown_quiz_is_a_404(client, staff, home_page):
    client.force_login(staff)

    assert client.get(f"{STATISTICS_URL}999999/").status_code == 404
    assert client.get(f"{STATISTICS_URL}{home_page.pk}/").status_code == 404  # not a quiz


def test_a_quiz_page_offers_its_statistics_in_the_admin(client, staff, quiz, course):
    client.force_login(staff)

    edit = text(client.get(f"/admin/pages/{quiz.pk}/edit/"))
    listing = text(client.get(f"/admin/pages/{course.pk}/"))
    lesson_edit = text(client.get(f"/admin/pages/{lessons_of(course)[0].pk}/edit/"))

    statistics = f"{STATISTICS_URL}{quiz.pk}/"
    assert f'href="{statistics}"' in edit
    assert f'href="{statistics}"' in listing
    assert f"{STATISTICS_URL}{lessons_of(course)[0].pk}/" not in lesson_edit


# --- Regrading ------------------------------------------------------------------------


def wrong_key_questions() -> list[dict]:
    """Every question type, with the single-choice key wrong: "s-wrong" marked right."""
    questions = every_question_type()
    for item in questions[0]["value"]["choices"]:
        item["value"]["correct"] = item["id"] == "s-wrong"
    return questions


@pytest.fixture
def wrongly_graded(course, people):
    """A quiz passed only with full marks, published with a wrong key: Alice, right in
    truth, failed (6 / 7); Bruno, wrong on the single-choice question, passed (7 / 7)."""
    quiz = add_quiz(course, questions=wrong_key_questions(), pass_mark=100)
    alice = take(people["alice"], quiz, ALL_RIGHT)
    bruno = take(people["bruno"], quiz, {**ALL_RIGHT, f"q-{Q_SINGLE}": ["s-wrong"]})
    assert (alice.score, alice.passed, bruno.score, bruno.passed) == (6, False, 7, True)
    return quiz


def test_staff_correct_the_key_then_regrade_after_confirming(
    client, staff, people, wrongly_graded, django_capture_on_commit_callbacks
):
    before = {a.user_id: a for a in Attempt.objects.all()}
    quiz = republish(wrongly_graded, every_question_type())  # the key corrected
    live = versions.version_for(quiz)
    client.force_login(staff)

    statistics = text(client.get(f"{STATISTICS_URL}{quiz.pk}/"))
    confirm = client.get(f"{STATISTICS_URL}{quiz.pk}/regrader/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{STATISTICS_URL}{quiz.pk}/regrader/", follow=True)

    regrade_url = f"{STATISTICS_URL}{quiz.pk}/regrader/"
    assert f'href="{regrade_url}"' in statistics
    assert confirm.status_code == 200
    with translation.override("fr"):
        question = translation.ngettext(
            "Regrade %(counter)s attempt against the current answer key?",
            "Regrade %(counter)s attempts against the current answer key?",
            2,
        ) % {"counter": 2}
    assert question in text(confirm)
    assert response.redirect_chain == [(f"{STATISTICS_URL}{quiz.pk}/", 302)]
    message = " ".join(
        (
            fr(admin_views.MESSAGE_REGRADED % {"count": 2}),
            fr(admin_views.MESSAGE_SCORES_CHANGED % {"changed": 2}),
        )
    )
    assert message in text(response)
    alice = Attempt.objects.get(user=people["alice"])
    bruno = Attempt.objects.get(user=people["bruno"])
    assert (alice.score, alice.percent, alice.passed) == (7, 100, True)
    assert (bruno.score, bruno.percent, bruno.passed) == (6, Decimal("85.71"), False)
    for attempt in (alice, bruno):
        assert attempt.key_version == live
        assert attempt.version == before[attempt.user_id].version  # the questions shown
        assert attempt.regraded_at is not None
    # Alice's now-passing attempt completes the quiz's step, hence the course.
    assert StepCompletion.objects.filter(user=people["alice"], step=quiz).exists()
    assert CourseCompletion.objects.filter(user=people["alice"], course=quiz.get_parent()).exists()
    (entry,) = PageLogEntry.objects.filter(page=quiz, action=services.LOG_REGRADE)
    assert entry.user == staff
    assert entry.data == {"version": live.pk, "changed": 2}
    assert response.context["to_regrade"] == 0  # nothing left to regrade


def test_the_confirmation_warns_of_unpublished_changes(client, staff, wrongly_graded):
    quiz = QuizPage.objects.get(pk=wrongly_graded.pk)
    quiz.questions = every_question_type()
    quiz.save_revision()  # a draft: the live key is still the wrong one
    client.force_login(staff)

    response = client.get(f"{STATISTICS_URL}{quiz.pk}/regrader/")

    assert response.context["has_unpublished_changes"] is True
    assert response.context["to_regrade"] == 0
    assert fr(admin_views.MESSAGE_NOTHING_TO_REGRADE) in text(response)


def test_regrading_with_nothing_to_regrade_changes_nothing_and_says_so(
    client, staff, wrongly_graded
):
    before = list(Attempt.objects.order_by("pk").values())
    client.force_login(staff)

    response = client.post(f"{STATISTICS_URL}{wrongly_graded.pk}/regrader/", follow=True)

    assert fr(admin_views.MESSAGE_NOTHING_TO_REGRADE) in text(response)
    assert list(Attempt.objects.order_by("pk").values()) == before
    assert not PageLogEntry.objects.filter(action=services.LOG_REGRADE).exists()


@pytest.fixture
def viewer(db):
    """Staff who may see ambassadors (and so attempts and statistics) but edit no page."""
    group = Group.objects.create(name="Lecture")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_ambassadorprofile"),
    )
    return UserFactory(email="lecture@exemple.fr", is_staff=True, groups=["Lecture"])


def test_staff_who_may_not_edit_the_quiz_may_not_regrade(client, viewer, wrongly_graded):
    quiz = republish(wrongly_graded, every_question_type())
    before = list(Attempt.objects.order_by("pk").values())
    client.force_login(viewer)

    statistics = client.get(f"{STATISTICS_URL}{quiz.pk}/")
    confirm = client.get(f"{STATISTICS_URL}{quiz.pk}/regrader/")
    post = client.post(f"{STATISTICS_URL}{quiz.pk}/regrader/")

    assert statistics.status_code == 200  # they see the statistics…
    assert "/regrader/" not in text(statistics)  # …without the regrade
    assert fr("Someone who may edit this quiz can regrade them.") in text(statistics)
    assert (confirm.status_code, post.status_code) == (403, 403)
    assert fr(admin_views.ERROR_MAY_NOT_REGRADE) in text(post)
    assert list(Attempt.objects.order_by("pk").values()) == before
    assert not PageLogEntry.objects.filter(action=services.LOG_REGRADE).exists()


def test_ambassadors_and_visitors_never_reach_the_regrade(client, people, wrongly_graded):
    quiz = republish(wrongly_graded, every_question_type())
    before = list(Attempt.objects.order_by("pk").values())
    url = f"{STATISTICS_URL}{quiz.pk}/regrader/"

    anonymous = client.post(url)
    client.force_login(people["bruno"])
    ambassador = client.post(url)

    for response in (anonymous, ambassador):
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")
    assert list(Attempt.objects.order_by("pk").values()) == before
    assert not PageLogEntry.objects.filter(action=services.LOG_REGRADE).exists()


# --- Who may see what -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "manager"])
def test_equipe_and_responsables_see_attempts_and_statistics_in_the_reports_menu(
    client, request, known, persona
):
    client.force_login(request.getfixturevalue(persona))

    attempts = client.get(ATTEMPTS_URL)
    statistics = client.get(STATISTICS_URL)
    admin_home = client.get("/admin/").content.decode()

    assert (attempts.status_code, statistics.status_code) == (200, 200)
    assert ATTEMPTS_URL in admin_home
    assert STATISTICS_URL in admin_home


def test_staff_who_may_not_see_ambassadors_see_no_attempt_nor_statistics(client, known, quiz):
    editors = Group.objects.create(name="Rédaction")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor = UserFactory(email="redaction@exemple.fr", is_staff=True, groups=["Rédaction"])
    attempt = Attempt.objects.first()
    client.force_login(editor)

    responses = [
        client.get(url)
        for url in (
            ATTEMPTS_URL,
            f"{ATTEMPTS_URL}?export=csv",
            f"{ATTEMPTS_URL}{attempt.pk}/",
            STATISTICS_URL,
            f"{STATISTICS_URL}{quiz.pk}/",
            f"{STATISTICS_URL}{quiz.pk}/?export=csv",
            f"{STATISTICS_URL}{quiz.pk}/regrader/",
        )
    ]
    admin_home = client.get("/admin/").content.decode()

    # Wagtail's admin answers a refusal with a redirect to its dashboard and a message.
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, "/admin/")] * 7
    assert ATTEMPTS_URL not in admin_home and STATISTICS_URL not in admin_home


def test_ambassadors_never_see_the_attempts(client, known):
    client.force_login(known["alice"])

    response = client.get(ATTEMPTS_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


# --- Cost -----------------------------------------------------------------------------


def add_attempts(quiz, course, count):
    for _ in range(count):
        user = AmbassadorProfileFactory().user
        complete(user, *lessons_of(course))
        take(user, quiz, ALL_RIGHT)
        services.attempt_start(user=user, quiz=quiz)


# Session and user (2), user and group permissions for the admin access and `staff_may`
# (2), the admin's user profile (1); the rows' count and their page (2: attempts joined
# to their people and quizzes, the course's title in a subquery), the quiz filter's
# choices (1); the admin's furniture: locales, page, collection and site permissions for
# the menu, the explorer's root (5); the idle-timeout session save (savepoint, update,
# release: 3). The same for 4 or 40 attempts.
LIST_QUERIES = 16


def test_attempts_list_query_count_does_not_grow_with_attempts(
    client, staff, quiz, course, django_assert_num_queries
):
    add_attempts(quiz, course, 2)
    client.force_login(staff)
    client.get(ATTEMPTS_URL)  # warm the per-process caches (content types, site root paths)

    with django_assert_num_queries(LIST_QUERIES):
        few = client.get(ATTEMPTS_URL)
    add_attempts(quiz, course, 18)
    with django_assert_num_queries(LIST_QUERIES):
        many = client.get(ATTEMPTS_URL)

    assert len(few.context["object_list"]) == 4
    assert len(many.context["object_list"]) == 40


# Session, user, permissions, admin profile (5); the quiz (1); its summary (1); the
# questions' statistics: earlier versions and the graded answers (2); the attempts to
# regrade (1); the admin's furniture (5), whose page permissions also answer whether
# this user may regrade (edit the quiz); the session save (3). The same for 4 or 40
# attempts.
STATISTICS_QUERIES = 18


def test_statistics_query_count_does_not_grow_with_attempts(
    client, staff, quiz, course, django_assert_num_queries
):
    add_attempts(quiz, course, 2)
    client.force_login(staff)
    client.get(f"{STATISTICS_URL}{quiz.pk}/")

    with django_assert_num_queries(STATISTICS_QUERIES):
        few = client.get(f"{STATISTICS_URL}{quiz.pk}/")
    add_attempts(quiz, course, 18)
    with django_assert_num_queries(STATISTICS_QUERIES):
        many = client.get(f"{STATISTICS_URL}{quiz.pk}/")

    assert few.context["questions"][0].answered == 2
    assert many.context["questions"][0].answered == 20


# Session, user, permissions, admin profile (5); the quizzes with their counts (1); the
# admin's furniture (5); the session save (3). The same for 1 or 6 quizzes.
INDEX_QUERIES = 14


@pytest.mark.parametrize("quizzes", [1, 6])
def test_statistics_index_query_count_does_not_grow_with_quizzes(
    client, staff, catalogue, django_assert_num_queries, quizzes
):
    for number in range(quizzes):
        course = add_course(catalogue, f"Parcours {number}", lessons=1)
        add_attempts(add_quiz(course), course, 2)
    client.force_login(staff)
    client.get(STATISTICS_URL)

    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(STATISTICS_URL)

    assert [item["summary"].attempts for item in response.context["summaries"]] == [2] * quizzes


# Session, user, permissions, admin profile (5); the attempt with its person, profile,
# quiz, versions and course title (1); its answers (1); the admin's furniture (5); the
# session save (3). Whatever the number of questions.
INSPECT_QUERIES = 15


@pytest.mark.parametrize("questions", [5, 25])
def test_attempt_page_query_count_does_not_grow_with_questions(
    client, staff, ready, course, django_assert_num_queries, questions
):
    many = [
        {**question, "id": f"{question['id'][:-3]}{n:03d}"}
        for n in range(questions // 5)
        for question in every_question_type()
    ]
    quiz = add_quiz(course, "Quiz long", questions=many)
    attempt = take(ready, quiz, {})
    client.force_login(staff)
    client.get(f"{ATTEMPTS_URL}{attempt.pk}/")

    with django_assert_num_queries(INSPECT_QUERIES):
        response = client.get(f"{ATTEMPTS_URL}{attempt.pk}/")

    assert len(response.context["answers"]) == questions

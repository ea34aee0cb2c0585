"""What the ambassador sees and does in the browser, through the real forms (the full
POSTs a browser sends): the quiz page in each state, starting and resuming, autosave,
refused input (a 400 with the message on its question, the saved answers untouched),
submitting once, deadlines, other people's attempts, the result page under each review
policy, the course completed — and that nothing on the attempt's page, before it is
submitted, tells which answer is right. Query counts are pinned and do not grow with the
number of questions.

The quiz is the fixture's (`conftest.py`): one question of each type, 7 points, pass
mark 70 %; `ready` is the ambassador whose lesson is done (`builders.py`).
"""

from __future__ import annotations

import copy
import datetime
import re
import uuid
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext
from wagtail.test.utils.form_data import nested_form_data, rich_text

from home.models import MembershipStatus, User
from home.selectors import MEMBERSHIP_REASONS
from lms.models import CourseCompletion, StepCompletion
from lms.selectors import ERROR_STEP_LOCKED
from quizzes import views
from quizzes.grading import (
    ERROR_NOT_A_NUMBER,
    ERROR_NUMBER_TOO_LONG,
    ERROR_ONE_CHOICE,
    ERROR_UNKNOWN_CHOICE,
)
from quizzes.models import Answer, AnswersShown, Attempt, AttemptState, ClosedBy, ReviewPolicy
from quizzes.selectors import ERROR_COOLDOWN, ERROR_NO_ATTEMPT_LEFT
from quizzes.services import (
    ERROR_NOT_IN_PROGRESS,
    ERROR_TIME_UP,
    ERROR_UNKNOWN_QUESTION,
    GRACE,
)
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_course, complete, lessons_of
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

SECOND = datetime.timedelta(seconds=1)


# --- Helpers -------------------------------------------------------------------------------


def route(quiz, name: str, number: int | None = None) -> str:
    kwargs = {"number": number} if number is not None else {}
    return quiz.url + quiz.reverse_subpage(name, kwargs=kwargs)


def location(response) -> str:
    return response["Location"]


def text(response) -> str:
    return unescape(response.content.decode())


def fr(message) -> str:
    """A message as the site shows it (French, once the catalogue is complete)."""
    with translation.override("fr"):
        return str(message)


def number(value: str) -> str:
    """A number as the site writes it in French: "3 000", "3,5"."""
    with translation.override("fr"):
        return number_format(Decimal(value), force_grouping=True)


def tr(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


def percent(value) -> str:
    return tr("%(percent)s%%") % {"percent": value}


def attempts_left(count: int) -> str:
    with translation.override("fr"):
        return ngettext("%(count)s attempt left", "%(count)s attempts left", count) % {
            "count": count
        }


def assert_sign_in_then_back_to(response, url):
    assert response.status_code == 302
    where = urlsplit(response["Location"])
    assert where.path == "/connexion/"
    assert parse_qs(where.query) == {"next": [url]}


def assert_never_cached(response):
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def rows(attempt) -> dict[str, tuple]:
    """The attempt's answers: question id → (response, saved_at, score, correct)."""
    return {
        a.question_id: (a.response, a.saved_at, a.score, a.correct)
        for a in Answer.objects.filter(attempt=attempt)
    }


def responses(attempt) -> dict[str, object]:
    return {a.question_id: a.response for a in Answer.objects.filter(attempt=attempt)}


class Page(HTMLParser):
    """The elements of a page: attributes by id, the text inside each element with an
    id, and every form field (input) with its attributes."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "use", "area"}

    def __init__(self, html: str):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.texts: dict[str, str] = {}
        self.inputs: list[dict] = []
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        if "id" in attributes:
            self.by_id[attributes["id"]] = {"tag": tag, **attributes}
            self.texts[attributes["id"]] = ""
        if tag == "input":
            self.inputs.append(attributes)
        if tag not in self.VOID:
            self._open.append((tag, attributes.get("id")))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self._open.pop()

    def handle_endtag(self, tag):
        while self._open:
            opened, _id = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id] += data

    def text_of(self, element_id: str) -> str:
        return " ".join(unescape(self.texts[element_id]).split())

    def fields(self, name: str) -> list[dict]:
        return [field for field in self.inputs if field.get("name") == name]

    def checked(self, name: str) -> list[str]:
        return [f["value"] for f in self.fields(name) if "checked" in f and f["type"] != "hidden"]

    def value(self, name: str) -> str:
        return next(f["value"] for f in self.fields(name) if f["type"] == "text")


def parse(response) -> Page:
    return Page(response.content.decode())


@pytest.fixture
def taker(client, ready):
    """A client signed in as the ambassador whose quiz is open."""
    client.force_login(ready)
    return client


def start(client, quiz) -> Attempt:
    response = client.post(route(quiz, "start"))
    assert response.status_code == 303, response.status_code
    number = int(location(response).rstrip("/").rsplit("/", 1)[1])
    return Attempt.objects.get(quiz=quiz, number=number, user__email=client_user(client))


def client_user(client) -> str:
    return User.objects.get(pk=client.session["_auth_user_id"]).email


def submit(client, quiz, attempt, data):
    return client.post(route(quiz, "submit", attempt.number), data)


def save(client, quiz, attempt, data):
    return client.post(route(quiz, "save", attempt.number), data)


def graded(client, quiz, data) -> Attempt:
    """A whole attempt, from starting it to its result."""
    attempt = start(client, quiz)
    response = submit(client, quiz, attempt, data)
    assert response.status_code == 303
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED
    return attempt


def set_quiz(quiz, **fields):
    for name, value in fields.items():
        setattr(quiz, name, value)
    quiz.save_revision().publish()
    quiz.refresh_from_db()


# --- Who may open the quiz -------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in_and_brought_back(client, quiz):
    for url in (quiz.url, route(quiz, "attempt", 1), route(quiz, "result", 1)):
        assert_sign_in_then_back_to(client.get(url), url)
    # A form's target is no page to come back to: back to the quiz.
    assert_sign_in_then_back_to(client.post(route(quiz, "start")), quiz.url)
    assert_sign_in_then_back_to(client.post(route(quiz, "submit", 1), ALL_RIGHT), quiz.url)

    autosave = client.post(route(quiz, "save", 1), ALL_RIGHT)

    assert autosave.status_code == 403
    assert autosave.json() == {"error": fr(views.ERROR_SIGNED_OUT)}
    assert not Attempt.objects.exists() and not Answer.objects.exists()


def test_a_suspended_ambassador_is_told_why_and_cannot_start(client, ready, quiz):
    profile = ready.ambassador_profile
    profile.status = MembershipStatus.SUSPENDED
    profile.save(update_fields=["status"])
    client.force_login(ready)

    page = client.get(quiz.url)
    refused_start = client.post(route(quiz, "start"))

    reason = fr(MEMBERSHIP_REASONS[MembershipStatus.SUSPENDED])
    assert page.status_code == 403 and reason in text(page)
    assert refused_start.status_code == 403 and reason in text(refused_start)
    assert_never_cached(page)
    assert not Attempt.objects.exists()


def test_the_quiz_before_its_lesson_is_done_says_why_and_where_to_go(
    client, ambassador, course, quiz
):
    client.force_login(ambassador)
    lesson = lessons_of(course)[0]

    page = client.get(quiz.url)
    refused_start = client.post(route(quiz, "start"))

    assert page.status_code == 403
    assert fr(ERROR_STEP_LOCKED) in text(page)
    assert f'href="{lesson.url}"' in text(page)  # the step to finish first
    assert refused_start.status_code == 403
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    "method, name, number",
    [
        ("get", "start", None),
        ("get", "save", 1),
        ("get", "submit", 1),
        ("post", "attempt", 1),
    ],
)
def test_each_route_answers_only_its_method(taker, quiz, method, name, number):
    start(taker, quiz)

    response = getattr(taker, method)(route(quiz, name, number))

    assert response.status_code == 405
    assert Attempt.objects.count() == 1 and not Answer.objects.exists()


def test_forms_and_autosave_need_the_csrf_token(ready, quiz):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ready)

    refused = browser.post(route(quiz, "start"))
    assert refused.status_code == 403 and not Attempt.objects.exists()

    page = browser.get(quiz.url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    started = browser.post(route(quiz, "start"), {"csrfmiddlewaretoken": token})
    assert started.status_code == 303
    attempt = Attempt.objects.get()
    refused_save = browser.post(route(quiz, "save", 1), ALL_RIGHT)
    assert refused_save.status_code == 403 and not Answer.objects.exists()
    saved = browser.post(route(quiz, "save", 1), {**ALL_RIGHT, "csrfmiddlewaretoken": token})
    assert saved.status_code == 200 and len(responses(attempt)) == 5


# --- The quiz's page ------------------------------------------------------------------------


def test_the_quiz_page_shows_its_rules_and_one_action_start(taker, quiz):
    set_quiz(quiz, attempt_limit=3, cooldown_minutes=90, time_limit_minutes=20)

    response = taker.get(quiz.url)

    html, page = text(response), parse(response)
    assert response.status_code == 200
    assert_never_cached(response)
    rules = page.text_of("quiz-rules")
    for name, value in [
        ("Questions", "5"),
        ("Pass mark", tr("%(mark)s%% of the points") % {"mark": 70}),
        ("Attempts allowed", "3"),
        ("Time limit", "20 min"),
        ("Wait between attempts", "1 h 30 min"),
        ("After submitting, you see", fr(ReviewPolicy.FULL.label)),
    ]:
        assert f"{tr(name)} {value}" in rules
    assert tr("You have not taken this quiz yet.") in html
    assert attempts_left(3) in html
    # One action: a form posting to the start route; no attempt recorded by looking.
    assert f'action="{route(quiz, "start")}"' in html
    assert html.count("data-quiz-action") == 1 and tr("Start the quiz") in html
    assert not Attempt.objects.exists()
    # The questions stay out of the quiz's page.
    assert "Quel signe annonce un projet ?" not in html


def test_starting_records_one_attempt_and_starting_again_resumes_it(taker, quiz):
    first = taker.post(route(quiz, "start"))
    again = taker.post(route(quiz, "start"))

    attempt = Attempt.objects.get()
    assert (attempt.number, attempt.state, attempt.user.email) == (
        1,
        "in_progress",
        "ambassadrice@exemple.fr",
    )
    assert first.status_code == again.status_code == 303
    assert location(first) == location(again) == route(quiz, "attempt", 1)

    page = taker.get(quiz.url)
    html = text(page)
    assert f'href="{route(quiz, "attempt", 1)}"' in html
    assert tr("Resume the attempt") in html
    assert f'action="{route(quiz, "start")}"' not in html  # resume, not a second start
    assert Attempt.objects.count() == 1


def test_after_a_failed_attempt_the_quiz_page_offers_to_try_again(taker, quiz):
    attempt = graded(taker, quiz, ALL_WRONG)

    response = taker.get(quiz.url)

    html, page = text(response), parse(response)
    assert tr("Try again") in html and f'action="{route(quiz, "start")}"' in html
    assert tr("Not passed yet: your best score is %(percent)s%%, the pass mark %(mark)s%%.") % {
        "percent": "0",
        "mark": 70,
    } in " ".join(html.split())
    # The history links to the attempt's result.
    assert page.by_id["quiz-history-title"]
    assert f'href="{route(quiz, "result", attempt.number)}"' in html


def test_once_every_attempt_is_used_the_page_says_so_and_start_is_refused(taker, quiz):
    set_quiz(quiz, attempt_limit=1)
    graded(taker, quiz, ALL_WRONG)

    page = taker.get(quiz.url)
    refused = taker.post(route(quiz, "start"))
    result = taker.get(route(quiz, "result", 1))

    reason = fr(ERROR_NO_ATTEMPT_LEFT)
    assert reason in text(page)
    assert f'action="{route(quiz, "start")}"' not in text(page)
    assert refused.status_code == 403
    assert reason in text(refused) and fr(views.MESSAGE_START_REFUSED) in text(refused)
    assert reason in text(result) and tr("Try again") not in text(result)
    assert Attempt.objects.count() == 1


def test_during_the_cooldown_the_page_says_from_when_then_allows_a_new_attempt(taker, quiz):
    set_quiz(quiz, cooldown_minutes=30)
    attempt = graded(taker, quiz, ALL_WRONG)
    next_at = timezone.localtime(attempt.submitted_at + datetime.timedelta(minutes=30))

    page = taker.get(quiz.url)
    refused = taker.post(route(quiz, "start"))

    for response in (page, refused, taker.get(route(quiz, "result", 1))):
        html = text(response)
        assert fr(ERROR_COOLDOWN).split("%(when)s")[0] in html
        assert date_format(next_at, "H:i") in html
        assert f'action="{route(quiz, "start")}"' not in html
    assert refused.status_code == 403 and Attempt.objects.count() == 1

    # The cooldown is over (its end moved into the past): a second attempt starts.
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    assert tr("Try again") in text(taker.get(quiz.url))
    second = start(taker, quiz)
    assert second.number == 2 and Attempt.objects.count() == 2


# --- Autosave ---------------------------------------------------------------------------------


def test_autosave_saves_the_answers_and_a_reload_shows_them(taker, quiz):
    attempt = start(taker, quiz)
    before = timezone.now()

    response = save(taker, quiz, attempt, ALL_RIGHT)

    assert response.status_code == 200
    assert_never_cached(response)
    data = response.json()
    assert data["saved"] == 5
    saved_at = datetime.datetime.fromisoformat(data["saved_at"])
    assert before <= saved_at <= timezone.now()
    assert data["message"] == fr(views.MESSAGE_SAVED_AT) % {
        "time": date_format(timezone.localtime(saved_at), "H:i")
    }
    assert responses(attempt) == {
        Q_SINGLE: {"choices": ["s-right"]},
        Q_MULTIPLE: {"choices": ["m-a", "m-b"]},
        Q_TRUE_FALSE: {"choices": ["false"]},
        Q_NUMERIC: {"value": "3050"},
        Q_SCENARIO: {"choices": ["sc-pass"]},
    }
    assert attempt.state == AttemptState.IN_PROGRESS

    reload = parse(taker.get(route(quiz, "attempt", 1)))

    assert reload.checked(f"q-{Q_SINGLE}") == ["s-right"]
    assert reload.checked(f"q-{Q_MULTIPLE}") == ["m-a", "m-b"]
    assert reload.checked(f"q-{Q_TRUE_FALSE}") == ["false"]
    assert reload.value(f"q-{Q_NUMERIC}") == number("3050")  # as people write it
    assert reload.checked(f"q-{Q_SCENARIO}") == ["sc-pass"]


def test_autosave_of_one_question_leaves_the_others_and_unticking_clears_it(taker, quiz):
    attempt = start(taker, quiz)
    save(taker, quiz, attempt, ALL_RIGHT)

    # What the form sends for a question whose every box is unticked: its empty value.
    response = save(taker, quiz, attempt, {f"q-{Q_MULTIPLE}": [""]})

    assert response.json()["saved"] == 1
    assert responses(attempt)[Q_MULTIPLE] is None
    assert responses(attempt)[Q_SINGLE] == {"choices": ["s-right"]}
    assert parse(taker.get(route(quiz, "attempt", 1))).checked(f"q-{Q_MULTIPLE}") == []


UNKNOWN_QUESTION = "99999999-9999-4999-8999-999999999999"
INVALID = [
    pytest.param(
        {f"q-{Q_SINGLE}": ["s-unknown"]}, Q_SINGLE, ERROR_UNKNOWN_CHOICE, id="unknown-choice"
    ),
    pytest.param(
        {f"q-{Q_SINGLE}": ["s-right", "s-wrong"]},
        Q_SINGLE,
        ERROR_ONE_CHOICE,
        id="two-choices-on-single",
    ),
    pytest.param(
        {f"q-{Q_SCENARIO}": ["sc-pass", "sc-wait"]},
        Q_SCENARIO,
        ERROR_ONE_CHOICE,
        id="two-choices-on-scenario",
    ),
    pytest.param({f"q-{Q_NUMERIC}": ["abc"]}, Q_NUMERIC, ERROR_NOT_A_NUMBER, id="not-a-number"),
    pytest.param(
        {f"q-{Q_NUMERIC}": ["1" * 45]}, Q_NUMERIC, ERROR_NUMBER_TOO_LONG, id="number-too-long"
    ),
    pytest.param(
        {f"q-{Q_TRUE_FALSE}": ["maybe"]},
        Q_TRUE_FALSE,
        ERROR_UNKNOWN_CHOICE,
        id="tampered-true-false",
    ),
    pytest.param(
        {f"q-{Q_MULTIPLE}": ["s-right"]},
        Q_MULTIPLE,
        ERROR_UNKNOWN_CHOICE,
        id="another-questions-choice",
    ),
    pytest.param(
        {f"q-{UNKNOWN_QUESTION}": ["x"]}, "", ERROR_UNKNOWN_QUESTION, id="question-not-in-attempt"
    ),
]


@pytest.mark.parametrize("bad, question, message", INVALID)
def test_refused_autosave_says_why_per_question_and_saves_nothing(
    taker, quiz, bad, question, message
):
    attempt = start(taker, quiz)
    save(taker, quiz, attempt, ALL_WRONG)
    before = rows(attempt)

    # A valid change goes with the bad one: all or nothing.
    response = save(taker, quiz, attempt, {f"q-{Q_TRUE_FALSE}": ["false"], **bad})

    assert response.status_code == 400
    assert response.json() == {"errors": {question: fr(message)}}
    assert_never_cached(response)
    assert rows(attempt) == before
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


@pytest.mark.parametrize("bad, question, message", INVALID)
def test_refused_submission_shows_the_form_again_with_the_message_on_its_question(
    taker, quiz, bad, question, message
):
    attempt = start(taker, quiz)
    save(taker, quiz, attempt, ALL_WRONG)
    before = rows(attempt)
    sent = {**ALL_RIGHT, **bad}

    response = submit(taker, quiz, attempt, sent)

    assert response.status_code == 400
    assert_never_cached(response)
    page = parse(response)
    summary = page.text_of("error-summary")
    assert tr("Your answers were not submitted") in summary
    if question:
        error_id = f"q-{question}-error"
        number = IDS.index(question) + 1
        assert fr(message) in page.text_of(error_id)
        assert "hidden" not in page.by_id[error_id]
        # Tied to its question: the fieldset is described by it, its fields invalid.
        assert page.by_id[f"question-{question}"]["aria-describedby"] == error_id
        fields = [f for f in page.fields(f"q-{question}") if f["type"] != "hidden"]
        assert fields and all(f.get("aria-invalid") == "true" for f in fields)
        # The summary links to the question's first field.
        assert f'href="#q-{question}-1"' in response.content.decode()
        expected = tr("Question %(number)s: %(message)s") % {
            "number": number,
            "message": fr(message),
        }
        assert expected in summary
        # Only that question is marked.
        others = [q for q in IDS if q != question]
        assert all("hidden" in page.by_id[f"q-{q}-error"] for q in others)
    else:
        assert fr(message) in summary
    # What was sent is shown back, so nothing typed is lost.
    assert page.checked(f"q-{Q_MULTIPLE}") == [
        v for v in sent[f"q-{Q_MULTIPLE}"] if v in ("m-a", "m-b", "m-c")
    ]
    if question != Q_NUMERIC:
        assert page.value(f"q-{Q_NUMERIC}") == "3 050"
    # Nothing saved, nothing graded.
    assert rows(attempt) == before
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS and attempt.score is None


def test_autosave_of_a_closed_attempt_says_where_its_result_is(taker, quiz):
    attempt = graded(taker, quiz, ALL_WRONG)
    before = rows(attempt)

    response = save(taker, quiz, attempt, ALL_RIGHT)

    assert response.status_code == 409
    assert response.json() == {
        "error": fr(ERROR_NOT_IN_PROGRESS),
        "result_url": route(quiz, "result", 1),
    }
    assert rows(attempt) == before


# --- Submitting -----------------------------------------------------------------------------------


def test_submitting_grades_once_and_a_second_submission_returns_the_same_result(taker, quiz):
    set_quiz(quiz, attempt_limit=3)
    attempt = start(taker, quiz)

    first = submit(taker, quiz, attempt, ALL_RIGHT)
    attempt.refresh_from_db()
    grade = (attempt.state, attempt.score, attempt.percent, attempt.passed, attempt.submitted_at)
    answers = rows(attempt)
    # The same form again (a double click, a replay), then other answers.
    again = submit(taker, quiz, attempt, ALL_RIGHT)
    other = submit(taker, quiz, attempt, ALL_WRONG)

    result = route(quiz, "result", 1)
    assert [r.status_code for r in (first, again, other)] == [303, 303, 303]
    assert location(first) == location(again) == location(other) == result
    attempt.refresh_from_db()
    assert grade[:4] == ("graded", 7, 100, True)
    assert (
        attempt.state,
        attempt.score,
        attempt.percent,
        attempt.passed,
        attempt.submitted_at,
    ) == grade
    assert attempt.closed_by == ClosedBy.SUBMITTED
    assert rows(attempt) == answers
    # No attempt consumed by the replays.
    assert Attempt.objects.count() == 1
    assert StepCompletion.objects.filter(user=attempt.user, step_id=quiz.pk).count() == 1
    page = text(taker.get(result))
    assert attempts_left(2) in page


def test_an_open_attempt_submitted_past_its_deadline_and_grace_is_graded_with_its_saved_answers(
    taker, quiz
):
    set_quiz(quiz, time_limit_minutes=10)
    attempt = start(taker, quiz)
    save(taker, quiz, attempt, {f"q-{Q_SINGLE}": ["s-right"], f"q-{Q_SCENARIO}": ["sc-pass"]})
    saved = responses(attempt)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - GRACE - SECOND)

    response = submit(taker, quiz, attempt, ALL_RIGHT)

    assert response.status_code == 303 and location(response) == route(quiz, "result", 1)
    attempt.refresh_from_db()
    assert (attempt.state, attempt.closed_by) == (AttemptState.GRADED, ClosedBy.TIME_UP)
    assert attempt.score == 3  # the single choice (1) and the scenario (2), saved in time
    got = responses(attempt)
    assert {q: got[q] for q in saved} == saved and got[Q_MULTIPLE] is None
    page = taker.get(location(response))
    result = text(page)
    # The three questions left unanswered say so.
    assert page.content.decode().count("data-unanswered") == 3
    assert tr("You did not answer this question.") in result
    assert fr(ERROR_TIME_UP) in result  # the message
    assert (
        tr("Time was up: this attempt was graded with the answers saved before the deadline.")
        in result
    )


def test_a_submission_within_the_grace_period_counts_the_answers_sent(taker, quiz):
    set_quiz(quiz, time_limit_minutes=10)
    attempt = start(taker, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - GRACE / 2)

    submit(taker, quiz, attempt, ALL_RIGHT)

    attempt.refresh_from_db()
    assert (attempt.closed_by, attempt.score, attempt.passed) == (ClosedBy.SUBMITTED, 7, True)


@pytest.mark.parametrize("opened", ["attempt", "result"])
def test_an_overdue_attempt_opened_again_is_closed_with_its_saved_answers(taker, quiz, opened):
    set_quiz(quiz, time_limit_minutes=5)
    attempt = start(taker, quiz)
    save(taker, quiz, attempt, {f"q-{Q_SINGLE}": ["s-right"]})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - GRACE - SECOND)

    response = taker.get(route(quiz, opened, 1), follow=True)

    attempt.refresh_from_db()
    assert (attempt.state, attempt.closed_by, attempt.score) == ("graded", ClosedBy.TIME_UP, 1)
    # The attempt's form goes to the result; the result shows at once.
    expected = [(route(quiz, "result", 1), 302)] if opened == "attempt" else []
    assert response.redirect_chain == expected
    assert response.status_code == 200 and response.templates[0].name == views.RESULT_TEMPLATE
    assert fr(ERROR_TIME_UP) in text(response)


def test_autosave_past_the_deadline_and_grace_is_refused_and_points_to_the_result(taker, quiz):
    set_quiz(quiz, time_limit_minutes=5)
    attempt = start(taker, quiz)
    save(taker, quiz, attempt, ALL_WRONG)
    before = rows(attempt)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - GRACE - SECOND)

    response = save(taker, quiz, attempt, ALL_RIGHT)

    assert response.status_code == 409
    assert response.json() == {"error": fr(ERROR_TIME_UP), "result_url": route(quiz, "result", 1)}
    assert rows(attempt) == before


def test_the_timed_attempt_page_gives_the_deadline_and_the_seconds_left(taker, quiz):
    set_quiz(quiz, time_limit_minutes=20)
    attempt = start(taker, quiz)

    html = taker.get(route(quiz, "attempt", 1)).content.decode()
    deadline = re.search(r'data-deadline="([^"]+)"', html)[1]
    seconds = int(re.search(r'data-seconds-left="(\d+)"', html)[1])
    assert datetime.datetime.fromisoformat(deadline) == attempt.deadline
    assert 20 * 60 - 5 <= seconds <= 20 * 60
    assert '<script src="/static/js/quiz.js" defer></script>' in html


def test_another_ambassadors_attempt_does_not_exist_for_them(client, ready, quiz):
    other = AmbassadorProfileFactory(user__email="autre@exemple.fr").user
    complete(other, *lessons_of(quiz.get_parent().specific))
    client.force_login(other)
    theirs = start(client, quiz)
    save(client, quiz, theirs, ALL_WRONG)
    before = rows(theirs)
    client.force_login(ready)

    assert client.get(route(quiz, "attempt", 1)).status_code == 404
    assert client.get(route(quiz, "result", 1)).status_code == 404
    assert submit(client, quiz, theirs, ALL_RIGHT).status_code == 404
    refused_save = save(client, quiz, theirs, ALL_RIGHT)
    assert refused_save.status_code == 404 and "error" in refused_save.json()

    theirs.refresh_from_db()
    assert theirs.state == AttemptState.IN_PROGRESS and rows(theirs) == before
    assert Attempt.objects.count() == 1


def test_the_result_of_an_attempt_in_progress_is_its_form(taker, quiz):
    start(taker, quiz)

    response = taker.get(route(quiz, "result", 1))

    assert response.status_code == 302 and location(response) == route(quiz, "attempt", 1)


def test_the_form_of_a_graded_attempt_is_its_result(taker, quiz):
    graded(taker, quiz, ALL_WRONG)

    response = taker.get(route(quiz, "attempt", 1))

    assert response.status_code == 302 and location(response) == route(quiz, "result", 1)


# --- The result -----------------------------------------------------------------------------------

EXPLANATION = "Les recrutements précèdent l'implantation."
FEEDBACK_WRONG = "Non : c'est cosmétique."  # of the single choice's wrong choice
FEEDBACK_RIGHT = "Oui : c'est le signe clé."  # of its right one


@pytest.mark.parametrize(
    "review, answers_shown, limit, data, verdicts, explained, right_answers",
    [
        pytest.param(
            ReviewPolicy.SCORE,
            AnswersShown.ONCE_FINISHED,
            1,
            ALL_WRONG,
            False,
            False,
            False,
            id="score-only",
        ),
        pytest.param(
            ReviewPolicy.RESPONSES,
            AnswersShown.ONCE_FINISHED,
            1,
            ALL_WRONG,
            True,
            False,
            False,
            id="which-right-out-of-attempts",
        ),
        pytest.param(
            ReviewPolicy.RESPONSES,
            AnswersShown.ONCE_PASSED,
            0,
            ALL_RIGHT,
            True,
            False,
            False,
            id="which-right-passed",
        ),
        pytest.param(
            ReviewPolicy.FULL,
            AnswersShown.ONCE_PASSED,
            0,
            ALL_WRONG,
            True,
            True,
            False,
            id="full-failed",
        ),
        pytest.param(
            ReviewPolicy.FULL,
            AnswersShown.ONCE_PASSED,
            0,
            ALL_RIGHT,
            True,
            True,
            True,
            id="full-passed",
        ),
        pytest.param(
            ReviewPolicy.FULL,
            AnswersShown.ONCE_FINISHED,
            2,
            ALL_WRONG,
            True,
            True,
            False,
            id="full-attempts-left",
        ),
        pytest.param(
            ReviewPolicy.FULL,
            AnswersShown.ONCE_FINISHED,
            1,
            ALL_WRONG,
            True,
            True,
            True,
            id="full-out-of-attempts",
        ),
        pytest.param(
            ReviewPolicy.FULL, AnswersShown.NEVER, 0, ALL_RIGHT, True, True, False, id="full-never"
        ),
    ],
)
def test_the_result_shows_exactly_what_the_review_policy_allows(
    taker, quiz, review, answers_shown, limit, data, verdicts, explained, right_answers
):
    set_quiz(quiz, review=review, answers_shown=answers_shown, attempt_limit=limit)
    attempt = graded(taker, quiz, data)

    response = taker.get(route(quiz, "result", 1))

    html, raw = text(response), response.content.decode()
    assert response.status_code == 200
    assert_never_cached(response)
    passed = data is ALL_RIGHT
    assert attempt.passed is passed
    assert (tr("Passed") if passed else tr("Not passed")) in html
    assert percent(100 if passed else 0) in html
    assert tr("The pass mark is %(mark)s%%.") % {"mark": 70} in html
    # Which answers were right: each question's verdict and the choices picked.
    assert raw.count("data-verdict") == (5 if verdicts else 0)
    assert ("Quel signe annonce un projet ?" in html) is verdicts
    assert ("data-score-only" in raw) is (not verdicts)
    # Explanations, and the feedback of the choices picked (never of the others).
    assert (EXPLANATION in html) is explained
    picked, other = (FEEDBACK_RIGHT, FEEDBACK_WRONG) if passed else (FEEDBACK_WRONG, FEEDBACK_RIGHT)
    assert (picked in html) is explained
    assert other not in html
    # The right answers themselves: the five right choices and the number.
    assert raw.count("data-right-answer") == (6 if right_answers else 0)
    assert (number("3000") in html) is right_answers
    assert (tr("(give or take %(tolerance)s)") % {"tolerance": "100"} in html) is right_answers


def test_passing_completes_the_course_and_the_result_says_so(taker, ready, course, quiz):
    assert not CourseCompletion.objects.exists()

    graded(taker, quiz, ALL_RIGHT)
    response = taker.get(route(quiz, "result", 1))

    assert StepCompletion.objects.filter(user=ready, step_id=quiz.pk).exists()
    assert CourseCompletion.objects.filter(user=ready, course=course).exists()
    completed = text(response)
    assert "data-course-completed" in response.content.decode()
    assert tr("You have completed the course “%(title)s”.") % {"title": course.title} in completed
    assert f'href="{course.url}"' in completed
    # The quiz's page says it is passed, with the best score.
    assert tr("Passed, with a best score of %(percent)s%%.") % {"percent": "100"} in text(
        taker.get(quiz.url)
    )


def test_a_failed_result_says_when_the_next_attempt_is_possible_and_how_many_are_left(taker, quiz):
    set_quiz(quiz, attempt_limit=3, cooldown_minutes=45)
    attempt = graded(taker, quiz, ALL_WRONG)

    html = text(taker.get(route(quiz, "result", 1)))

    next_at = timezone.localtime(attempt.submitted_at + datetime.timedelta(minutes=45))
    assert attempts_left(2) in html
    assert fr(ERROR_COOLDOWN).split("%(when)s")[0] in html
    assert date_format(next_at, "H:i") in html
    assert tr("Try again") not in html


def test_a_failed_result_offers_to_try_again_when_allowed(taker, quiz):
    graded(taker, quiz, ALL_WRONG)

    html = text(taker.get(route(quiz, "result", 1)))

    assert tr("Try again") in html and f'action="{route(quiz, "start")}"' in html
    second = start(taker, quiz)
    assert second.number == 2


# --- No answer key before submission ------------------------------------------------------


def _question(kind: str, variant: str) -> dict:
    """One question of type `kind` with the ids of `builders.every_question_type`; the
    variants have the same texts and ids, but their keys, feedback, explanations, points
    and scoring differ."""
    question = copy.deepcopy(next(q for q in every_question_type() if q["type"] == kind))
    value = question["value"]
    flip = variant == "b"
    value["explanation"] = f"<p>EXPLICATION-{variant}</p>"
    value["points"] = 3 if flip else 1
    if kind == "true_false":
        value["answer"] = "true" if flip else "false"
        value["feedback_true"], value["feedback_false"] = (
            f"RETOUR-{variant}-V",
            f"RETOUR-{variant}-F",
        )
    elif kind == "numeric":
        value["answer"], value["tolerance"] = ("9876", "2.25") if flip else ("4217", "13.5")
    else:
        for index, item in enumerate(value["choices"]):
            item["value"]["feedback"] = f"RETOUR-{variant}-{index}"
            right = index == 0
            item["value"]["correct"] = (not right) if flip else right
        if "scoring" in value:
            value["scoring"] = "all_or_nothing" if flip else "partial"
    return question


SECRETS = ["EXPLICATION", "RETOUR", "4217", "13.5", "13,5", "9876", "2.25", "2,25", "correct"]
KINDS = ["single_choice", "multiple_choice", "true_false", "numeric", "scenario"]


def _normalised(response, course_slug: str) -> str:
    html = response.content.decode()
    html = re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html
    )
    return html.replace(f"/parcours/{course_slug}/", "/parcours/COURSE/")


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_before_submission_tells_which_answer_is_right(client, ambassador, catalogue, kind):
    client.force_login(ambassador)
    pages = {}
    for variant in ("a", "b"):
        course = add_course(catalogue, "Détecter un projet", slug=f"cours-{variant}", lessons=1)
        complete(ambassador, *lessons_of(course))
        quiz = add_quiz(course, "Le quiz", slug="quiz", questions=[_question(kind, variant)])
        start(client, quiz)
        pages[variant] = {
            name: client.get(url)
            for name, url in (("quiz", quiz.url), ("attempt", route(quiz, "attempt", 1)))
        }

    for name in ("quiz", "attempt"):
        a, b = pages["a"][name], pages["b"][name]
        assert a.status_code == b.status_code == 200
        # The whole response, whichever answer is right, is the same.
        assert _normalised(a, "cours-a") == _normalised(b, "cours-b")
        html = a.content.decode()
        for secret in SECRETS:
            assert secret not in html, (name, secret)
        for response in (a, b):
            assert not any(
                secret in f"{header}: {value}"
                for header, value in response.items()
                for secret in SECRETS
            )
        # Scripts come from files only (a strict CSP), none inline, no data blobs.
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
        assert "application/json" not in html and "data-answer" not in html
    # The form holds the question itself.
    assert "Le quiz" in text(pages["a"]["attempt"]) and "<fieldset" in text(pages["a"]["attempt"])


def test_the_attempt_form_shows_each_question_as_a_labelled_fieldset(taker, quiz):
    start(taker, quiz)

    response = taker.get(route(quiz, "attempt", 1))

    html, page = response.content.decode(), parse(response)
    assert_never_cached(response)
    assert html.count("<fieldset") == 5 and html.count("<legend") == 5
    for number, question in enumerate(IDS, start=1):
        legend = page.text_of(f"question-{question}")
        assert tr("Question %(number)s of %(total)s") % {"number": number, "total": 5} in legend
        for field in page.fields(f"q-{question}"):
            if field["type"] == "hidden":
                assert field["value"] == ""  # always sent, so an unticked question is cleared
                continue
            assert f'<label for="{field["id"]}"' in html  # each field has its label
    kinds = {q: {f["type"] for f in page.fields(f"q-{q}")} - {"hidden"} for q in IDS}
    assert kinds == {
        Q_SINGLE: {"radio"},
        Q_MULTIPLE: {"checkbox"},
        Q_TRUE_FALSE: {"radio"},
        Q_NUMERIC: {"text"},
        Q_SCENARIO: {"radio"},
    }
    numeric = page.fields(f"q-{Q_NUMERIC}")[0]
    assert numeric["inputmode"] == "decimal" and "m²" in html
    # The scenario's situation comes first, inside its fieldset, then the prompt.
    scenario = page.text_of(f"question-{Q_SCENARIO}")
    assert scenario.index("3 000 m² près d'une gare") < scenario.index("Que faites-vous ?")


def _choices_form_data(items: list[dict]) -> dict:
    """A ListBlock of choices as the admin's form sends it."""
    data = {"count": len(items)}
    for index, item in enumerate(items):
        value = item["value"]
        data[str(index)] = {
            "id": item["id"],
            "deleted": "",
            "order": index,
            "value": {
                "text": value["text"],
                "feedback": value["feedback"],
                **({"correct": "on"} if value["correct"] else {}),
            },
        }
    return data


def _questions_form_data(questions: list[dict]) -> dict:
    """The questions' StreamField as the admin's form sends it, with the block ids."""
    data = {"count": str(len(questions))}
    for index, question in enumerate(questions):
        data[str(index)] = {
            "type": question["type"],
            "value": _question_form_data(question),
            "id": question["id"],
            "deleted": "",
            "order": str(index),
        }
    return data


def _question_form_data(question: dict) -> dict:
    """One question's value as the admin's form sends it."""
    value = copy.deepcopy(question["value"])
    for name in ("prompt", "situation", "explanation"):
        if name in value:
            value[name] = rich_text(value[name])
    if "choices" in value:
        value["choices"] = _choices_form_data(value["choices"])
    for name in ("multiple",):
        if name in value:
            value[name] = "on" if value[name] else ""
    return value


def test_the_admin_preview_shows_the_edited_questions_without_any_key(client, quiz):
    admin = User.objects.create_superuser("admin@exemple.fr", "secret")
    client.force_login(admin)
    questions = [_question(kind, "a") for kind in KINDS]
    questions[0]["value"]["prompt"] = "<p>Question revue, pas encore publiée ?</p>"
    data = nested_form_data(
        {
            "title": "Quiz final, revu",
            "slug": quiz.slug,
            "introduction": rich_text("<p>Vérifiez vos acquis.</p>"),
            "estimated_minutes": 12,
            "questions": _questions_form_data(questions),
            "pass_mark": 80,
            "attempt_limit": 2,
            "cooldown_minutes": 0,
            "time_limit_minutes": "",
            "review": ReviewPolicy.FULL,
            "answers_shown": AnswersShown.ONCE_FINISHED,
        }
    )
    preview_url = f"/admin/pages/{quiz.pk}/edit/preview/"
    assert client.post(preview_url, data).json() == {"is_valid": True, "is_available": True}

    response = client.get(preview_url, {"mode": ""})

    html = text(response)
    assert response.status_code == 200  # the superuser is no ambassador: no gate here
    assert_never_cached(response)
    assert "<h1>Quiz final, revu</h1>" in html and "80 %" in html
    assert "Question revue, pas encore publiée ?" in html  # the edited, unpublished text
    assert html.count("<fieldset") == 5
    # The staff's userbar (its accessibility checker says "incorrecte") aside.
    main = html[html.index("<main") : html.index("</main>")]
    for secret in SECRETS:
        assert secret not in main, secret
    assert not any(secret in html for secret in SECRETS if secret != "correct")
    # The same form, acting on nothing: the submit is disabled, no route is posted to.
    assert re.search(r'<button type="submit"[^>]*disabled', html)
    assert "commencer/" not in html and "envoyer/" not in html
    assert not Attempt.objects.exists()


def test_the_preview_of_questions_just_added_gives_each_its_own_fields(quiz):
    draft = quiz.get_latest_revision_as_object()
    questions = every_question_type()
    for question in questions:  # blocks the editor has not saved yet: no ids
        del question["id"]
        for item in question["value"].get("choices", []):
            item["id"] = ""
    draft.questions = questions

    views_ = views.preview_questions(draft)

    names = [question.field_name for question in views_]
    assert len(set(names)) == 5
    for question in views_:
        assert len({choice.id for choice in question.choices}) == len(question.choices)


def test_the_question_blocks_render_for_readers_without_any_key():
    from quizzes.blocks import QuizQuestionsBlock

    stream = QuizQuestionsBlock()
    for kind in KINDS:
        block = stream.child_blocks[kind]
        with translation.override("fr"):
            html = block.render(block.to_python(_question(kind, "a")["value"]))
        assert "EXPLICATION" not in html and "RETOUR" not in html and "correct" not in html
        assert "4217" not in html and "13.5" not in html
        if kind != "numeric":
            assert html.count("<input") >= 2 and "disabled" in html
        # And the block picker's preview value renders too.
        assert block.render(block.get_preview_value())


# --- Query counts ------------------------------------------------------------------------------------


def many_questions(n: int) -> tuple[list[dict], dict[str, list[str]]]:
    """`n` questions cycling through every type, with fresh ids, and the form data of
    their right answers."""
    base = every_question_type()
    questions, right = [], {}
    for index in range(n):
        question = copy.deepcopy(base[index % len(base)])
        old_id, new_id = question["id"], str(uuid.uuid4())
        question["id"] = new_id
        renamed = {}
        for item in question["value"].get("choices", []):
            renamed[item["id"]] = item["id"] = str(uuid.uuid4())
        right[f"q-{new_id}"] = [renamed.get(value, value) for value in ALL_RIGHT[f"q-{old_id}"]]
        questions.append(question)
    return questions, right


@pytest.fixture
def measured(client, ambassador, course):
    """`measured(n)`: a quiz of `n` questions after the course's lesson, open to the
    signed-in ambassador, and the form data of its right answers."""

    def build(n: int):
        questions, right = many_questions(n)
        quiz = add_quiz(course, f"Quiz de {n} questions", questions=questions)
        complete(ambassador, *lessons_of(course))
        client.force_login(ambassador)
        client.get(quiz.url)  # creates the site settings row
        return quiz, right

    return build


# The queries every page of a quiz shares: session, user with profile (2); Wagtail's
# serving: the site, the route (home page and its specific page, then the catalogue in
# one query, the course in one, the quiz in one — its type and id come from the course's
# cached outline, see CoursePage.child_route_hint), the view restrictions (2) (8); the
# quiz's gate (`lms.selectors.step_access`): the course comes from the route, its
# outline (live steps, prerequisites) from the cache; this ambassador's completed steps
# and course completions (2).
SHARED = 2 + 8 + 2
# Pages end with the site settings and the userbar (3), every response with the session
# save (a savepoint, the update, its release: 3).
PAGE_END, SESSION_SAVE = 3, 3


@pytest.mark.parametrize("n", [5, 25])
def test_quiz_page_query_count_does_not_grow_with_questions(
    client, django_assert_num_queries, measured, n
):
    quiz, right = measured(n)
    graded(client, quiz, {})  # an attempt in the history

    # 19 = SHARED (12); this ambassador's attempts at the quiz, for the standing, the
    # action and the history (1); PAGE_END, SESSION_SAVE (6). The questions are only
    # counted, from the page's stored data. Nothing per question or attempt.
    with django_assert_num_queries(SHARED + 1 + PAGE_END + SESSION_SAVE):
        response = client.get(quiz.url)
    assert response.context["question_count"] == n


@pytest.mark.parametrize("n", [5, 25])
def test_attempt_page_query_count_does_not_grow_with_questions(
    client, django_assert_num_queries, measured, n
):
    quiz, right = measured(n)
    attempt = start(client, quiz)
    save(client, quiz, attempt, right)

    # 20 = SHARED (12); the attempt with its versions (1); its saved answers (1);
    # PAGE_END, SESSION_SAVE (6). Nothing per question.
    with django_assert_num_queries(SHARED + 2 + PAGE_END + SESSION_SAVE):
        response = client.get(route(quiz, "attempt", 1))
    assert len(response.context["questions"]) == n
    assert all(question.answered for question in response.context["questions"])


@pytest.mark.parametrize("n", [5, 25])
def test_autosave_query_count_does_not_grow_with_questions(
    client, django_assert_num_queries, measured, n
):
    quiz, right = measured(n)
    attempt = start(client, quiz)

    # 20 = SHARED (12); the attempt with its versions (1); the save: a savepoint, the
    # attempt's row locked (still in progress, on time?), every answer written in one
    # upsert, the savepoint released (4); SESSION_SAVE (3). Nothing per question.
    with django_assert_num_queries(SHARED + 1 + 4 + SESSION_SAVE):
        response = save(client, quiz, attempt, right)
    assert response.json()["saved"] == n
    assert len(responses(attempt)) == n


@pytest.mark.parametrize("n", [5, 25])
def test_submission_query_count_does_not_grow_with_questions(
    client, django_assert_num_queries, measured, n
):
    quiz, right = measured(n)
    attempt = start(client, quiz)

    # 37 = SHARED (12); the attempt with its versions (1); grading, in one transaction:
    # a savepoint, the row locked, the answers sent written in one upsert, the claim (a
    # conditional update), the graded attempt read back with its person, its answers,
    # their grades in one upsert, the attempt's score, the savepoint released (9); the
    # pass completes the step: the quiz's course read again (1), the step's completion
    # looked up then recorded in a savepoint (4), and the course: its live steps, those
    # done, its completion looked up then recorded in a savepoint (6), then the badges
    # evaluated for the course completed (1: there is none) (12); SESSION_SAVE (3).
    # Nothing per question.
    with django_assert_num_queries(SHARED + 1 + 9 + 12 + SESSION_SAVE):
        response = submit(client, quiz, attempt, right)
    assert response.status_code == 303
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == attempt.max_score
    assert CourseCompletion.objects.filter(user=attempt.user, course=quiz.get_parent()).exists()


@pytest.mark.parametrize("n", [5, 25])
def test_result_page_query_count_does_not_grow_with_questions(
    client, django_assert_num_queries, measured, n
):
    quiz, right = measured(n)
    graded(client, quiz, {})  # a first attempt, failed, in the history
    graded(client, quiz, right)

    # 21 = SHARED (12); the attempt with its versions (1); this ambassador's attempts,
    # for the history and what comes next (1); the attempt's answers, for the review
    # (1); PAGE_END, SESSION_SAVE (6). Nothing per question or attempt.
    with django_assert_num_queries(SHARED + 3 + PAGE_END + SESSION_SAVE):
        response = client.get(route(quiz, "result", 2))
    assert len(response.context["review"].questions) == n
    assert len(response.context["history"]) == 2

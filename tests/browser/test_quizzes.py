"""An ambassador takes a quiz in a real browser, with the keyboard only: fails, waits out
the cooldown (shortened here), passes and sees the course completed. A reload in the
middle of an attempt keeps the answers (autosave); a timed attempt submits itself when
time is up. axe-core checks the quiz page, the attempt's form (also with an error) and
the result page."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from lms.models import CourseCompletion, CourseIndexPage, CoursePage, LessonPage
from lms.services import step_complete
from quizzes.models import Answer, Attempt, QuizPage
from tests.factories import AmbassadorProfileFactory
from tests.quizzes.builders import (
    Q_MULTIPLE,
    Q_NUMERIC,
    Q_SCENARIO,
    Q_SINGLE,
    Q_TRUE_FALSE,
    every_question_type,
)

EMAIL = "camille@exemple.fr"

# Answers in the order of the form, each as the choices to pick or the number to type.
WRONG = [
    (Q_SINGLE, ["s-wrong"]),
    (Q_MULTIPLE, ["m-c"]),
    (Q_TRUE_FALSE, ["true"]),
    (Q_NUMERIC, "12"),
    (Q_SCENARIO, ["sc-wait"]),
]
RIGHT = [
    (Q_SINGLE, ["s-right"]),
    (Q_MULTIPLE, ["m-a", "m-b"]),
    (Q_TRUE_FALSE, ["false"]),
    (Q_NUMERIC, "3000"),
    (Q_SCENARIO, ["sc-pass"]),
]


def tr(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


def build_quiz(**fields) -> tuple[CoursePage, QuizPage]:
    """A course of one lesson then a quiz of every question type (7 points, pass mark
    70 %), and the ambassador who finished the lesson."""
    from home.models import HomePage

    home = HomePage.objects.get()
    catalogue = home.add_child(instance=CourseIndexPage(title="Parcours", slug="parcours"))
    course = catalogue.add_child(
        instance=CoursePage(
            title="Détecter un projet",
            slug="detecter",
            summary="Repérer les signaux d'un projet d'implantation.",
            duration_minutes=30,
        )
    )
    lesson = course.add_child(
        instance=LessonPage(
            title="Les signaux",
            slug="signaux",
            body=[{"type": "text", "value": "<p>Les recrutements annoncent un projet.</p>"}],
        )
    )
    quiz = course.add_child(
        instance=QuizPage(
            title="Quiz final",
            slug="quiz",
            introduction="<p>Vérifiez que vous savez repérer un projet.</p>",
            questions=every_question_type(),
            pass_mark=70,
            **fields,
        )
    )
    user = AmbassadorProfileFactory(user__email=EMAIL, user__first_name="Camille").user
    step_complete(user=user, step=lesson)
    return course, quiz


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator, *, limit: int = 120):
    """Press Tab until `locator` has the focus (moving forward only, as a person would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    pytest.fail(f"Tab never reached {locator}")


def answer_with_the_keyboard(page, answers):
    """Answer each question in the form's order: Space ticks a box, the arrow keys move
    within a group of radio buttons (and select), a number is typed."""
    for question, answer in answers:
        fields = page.locator(f"input[name='q-{question}']:not([type=hidden])")
        if isinstance(answer, str):
            tab_to(page, fields.first)
            page.keyboard.type(answer)
            continue
        if fields.first.get_attribute("type") == "checkbox":
            for value in answer:
                tab_to(page, page.locator(f"input[name='q-{question}'][value='{value}']"))
                page.keyboard.press("Space")
            continue
        values = [fields.nth(i).get_attribute("value") for i in range(fields.count())]
        tab_to(page, fields.first)  # a group with nothing chosen: its first radio button
        position = values.index(answer[0])
        if position == 0:
            page.keyboard.press("Space")
        for _ in range(position):
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"input[name='q-{question}'][value='{answer[0]}']")).to_be_checked()


def press_enter_on(page, locator):
    tab_to(page, locator)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_an_ambassador_fails_waits_then_passes_with_the_keyboard_only_and_completes_the_course(
    page, live_server, sign_in, axe_check, csp_violations
):
    course, quiz = build_quiz(cooldown_minutes=1, attempt_limit=3)
    sign_in(EMAIL)
    page.goto(live_server.url + quiz.url)
    expect(page.locator("h1")).to_have_text("Quiz final")
    axe_check(page)

    # First attempt: wrong answers.
    press_enter_on(page, page.get_by_role("button", name=tr("Start the quiz")))
    expect(page).to_have_url(live_server.url + quiz.url + "tentative/1/")
    expect(page.locator("fieldset.question")).to_have_count(5)
    axe_check(page)
    answer_with_the_keyboard(page, WRONG)
    press_enter_on(page, page.get_by_role("button", name=tr("Submit my answers")))

    expect(page).to_have_url(live_server.url + quiz.url + "tentative/1/resultat/")
    expect(page.locator("[data-quiz-score] h2")).to_have_text(tr("Not passed"))
    expect(page.locator("[data-start-refused]")).to_be_visible()  # the cooldown, with its time
    expect(page.get_by_role("button", name=tr("Try again"))).to_have_count(0)
    axe_check(page)

    # The cooldown is over (shortened: its start moved back).
    Attempt.objects.filter(quiz=quiz).update(
        submitted_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    page.reload()
    press_enter_on(page, page.get_by_role("button", name=tr("Try again")))

    expect(page).to_have_url(live_server.url + quiz.url + "tentative/2/")
    answer_with_the_keyboard(page, RIGHT)
    press_enter_on(page, page.get_by_role("button", name=tr("Submit my answers")))

    expect(page).to_have_url(live_server.url + quiz.url + "tentative/2/resultat/")
    expect(page.locator("[data-quiz-score] h2")).to_have_text(tr("Passed"))
    expect(page.locator("[data-course-completed]")).to_contain_text(course.title)
    expect(page.locator("[data-right-answer]")).to_have_count(6)  # shown once passed
    axe_check(page)
    assert CourseCompletion.objects.filter(user__email=EMAIL, course=course).exists()
    assert list(Attempt.objects.order_by("number").values_list("passed", flat=True)) == [
        False,
        True,
    ]

    page.goto(live_server.url + course.url)
    expect(page.locator(".done-note")).to_be_visible()
    assert not csp_violations, "\n".join(csp_violations)


def test_a_reload_during_an_attempt_keeps_the_autosaved_answers(
    page, live_server, sign_in, csp_violations
):
    _course, quiz = build_quiz()
    sign_in(EMAIL)
    page.goto(live_server.url + quiz.url)
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Start the quiz")).click()
    status = page.locator("[data-save-status]")
    expect(status).to_have_text(tr("Your answers are saved as you go."))

    page.get_by_label("Une vague de recrutements").check()
    page.get_by_label("Recherche de locaux").check()
    page.locator(f"input[name='q-{Q_NUMERIC}']").fill("3 050")
    expect(status).to_contain_text(tr("Saved at %(time)s").split("%(time)s")[0])
    expect(page.locator(f"input[name='q-{Q_NUMERIC}']")).to_have_value("3 050")
    _wait_for_answers(3)  # saved once the typing stopped: then the reload
    page.reload()

    expect(page.get_by_label("Une vague de recrutements")).to_be_checked()
    expect(page.get_by_label("Recherche de locaux")).to_be_checked()
    expect(page.get_by_label("Levée de fonds")).not_to_be_checked()
    expect(page.locator(f"input[name='q-{Q_NUMERIC}']")).to_have_value("3\u00a0050")
    assert not csp_violations, "\n".join(csp_violations)


def _wait_for_answers(count: int, timeout: float = 10.0):
    """Wait until the attempt holds `count` saved answers (autosave is debounced)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Answer.objects.exclude(response=None).count() >= count:
            return
        time.sleep(0.1)
    pytest.fail(f"autosave kept {Answer.objects.count()} answers, not {count}")


def test_a_refused_answer_is_shown_on_its_question_and_the_form_passes_axe_core(
    page, live_server, sign_in, axe_check, csp_violations
):
    _course, quiz = build_quiz()
    sign_in(EMAIL)
    page.goto(live_server.url + quiz.url)
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Start the quiz")).click()

    # Autosave refuses a word in a number field: the message shows under the question.
    page.locator(f"input[name='q-{Q_NUMERIC}']").fill("beaucoup")
    error = page.locator(f"#q-{Q_NUMERIC}-error")
    expect(error).to_be_visible()
    expect(page.locator(f"input[name='q-{Q_NUMERIC}']")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-save-status]")).to_have_class(
        "quiz-save-status quiz-save-status--error"
    )

    # Another answer saves; the status still says one could not be.
    page.get_by_label("Un nouveau logo").check()
    expect(page.locator("[data-save-status]")).to_contain_text(
        tr("An answer could not be saved: see the message under its question.")
    )
    _wait_for_answers(1)

    # Submitted anyway: the form comes back with its summary, focused, linked to the field.
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Submit my answers")).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator(f"input[name='q-{Q_NUMERIC}']")).to_have_value("beaucoup")
    axe_check(page)
    summary.get_by_role("link").click()
    expect(page.locator(f"input[name='q-{Q_NUMERIC}']")).to_be_focused()

    # Corrected: the autosave clears the message.
    page.locator(f"input[name='q-{Q_NUMERIC}']").fill("3000")
    expect(error).to_be_hidden()
    expect(page.locator("[data-save-status]")).to_have_class("quiz-save-status")
    _wait_for_answers(2)
    assert Attempt.objects.get().state == "in_progress"
    assert not csp_violations, "\n".join(csp_violations)


def test_a_timed_attempt_counts_down_and_submits_itself_when_time_is_up(
    page, live_server, sign_in, csp_violations
):
    _course, quiz = build_quiz(time_limit_minutes=10)
    sign_in(EMAIL)
    page.goto(live_server.url + quiz.url)
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Start the quiz")).click()
    timer = page.locator("[data-timer-text]")
    # A `{% translate %}` with a placeholder: its msgid doubles the "%" (Django's rule).
    expect(timer).to_contain_text(tr("Time left: %%(time)s").split("%%(time)s")[0])
    page.get_by_label("Une vague de recrutements").check()
    _wait_for_answers(1)

    # Three seconds left: the countdown runs out and the form is sent.
    Attempt.objects.update(deadline=timezone.now() + datetime.timedelta(seconds=3))
    page.reload()
    page.wait_for_url(live_server.url + quiz.url + "tentative/1/resultat/", timeout=15_000)

    attempt = Attempt.objects.get()
    assert attempt.state == "graded" and attempt.score == 1
    assert not csp_violations, "\n".join(csp_violations)

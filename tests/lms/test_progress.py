"""Progress: step completions recorded once, course completions recorded once and for
good, the progress bar over live steps, the next action, the time left; and concurrent
completions of the same step.

The small builders at the top (`add_catalogue`, `add_course`, `add_lesson`,
`complete`) are shared by the other `lms` test modules.
"""

import datetime
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from lms import selectors, services
from lms.models import CourseCompletion, CourseIndexPage, CoursePage, LessonPage, StepCompletion
from tests.factories import AmbassadorProfileFactory

# --- Builders shared by the lms tests -------------------------------------------------


def add_catalogue(home_page) -> CourseIndexPage:
    """The catalogue at /parcours/ under the home page (created once)."""
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    return home_page.add_child(instance=CourseIndexPage(title="Parcours", slug="parcours"))


def add_course(
    catalogue, title: str, *, lessons: int = 0, minutes: int = 5, prerequisites=(), **fields
) -> CoursePage:
    """A live course with `lessons` live lessons ("<title> — leçon n")."""
    fields.setdefault("summary", f"Résumé de « {title} ».")
    fields.setdefault("duration_minutes", 45)
    course = catalogue.add_child(instance=CoursePage(title=title, **fields))
    if prerequisites:
        course.prerequisites.set(prerequisites)
        course.save()
    for number in range(1, lessons + 1):
        add_lesson(course, f"{title} — leçon {number}", minutes=minutes)
    return course


def add_lesson(course, title: str, *, minutes: int = 5, body=None, live: bool = True):
    body = body if body is not None else [{"type": "text", "value": f"<p>Texte de {title}.</p>"}]
    return course.add_child(
        instance=LessonPage(title=title, estimated_minutes=minutes, body=body, live=live)
    )


def lessons_of(course) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).order_by("path"))


def complete(user, *lessons):
    """Record `user`'s completion of each lesson, through the service."""
    return [services.step_complete(user=user, step=lesson) for lesson in lessons]


# Fixtures `catalogue` and `course` (three lessons): tests/lms/conftest.py.


# --- Step and course completions --------------------------------------------------------


def test_step_completion_is_recorded_once_and_repeating_it_changes_nothing(ambassador, course):
    first, _second, _third = lessons_of(course)

    completion, course_completion = services.step_complete(user=ambassador, step=first)
    again, course_completion_again = services.step_complete(user=ambassador, step=first)

    assert course_completion is None and course_completion_again is None
    assert list(StepCompletion.objects.values("user", "step", "course")) == [
        {"user": ambassador.pk, "step": first.pk, "course": course.pk}
    ]
    assert again.pk == completion.pk
    assert again.completed_at == completion.completed_at
    assert not CourseCompletion.objects.exists()


def test_course_completion_is_recorded_once_with_its_time_when_the_last_live_step_is_done(
    ambassador, course
):
    first, second, third = lessons_of(course)
    add_lesson(course, "Brouillon jamais publié", live=False)  # not a step: never required
    complete(ambassador, first, second)
    assert not CourseCompletion.objects.exists()

    before = timezone.now()
    _completion, recorded = services.step_complete(user=ambassador, step=third)
    after = timezone.now()
    _again, recorded_again = services.step_complete(user=ambassador, step=third)

    assert recorded is not None and recorded_again is None
    stored = CourseCompletion.objects.get()
    assert (stored.pk, stored.user, stored.course_id) == (recorded.pk, ambassador, course.pk)
    assert before <= stored.completed_at <= after
    assert StepCompletion.objects.filter(user=ambassador).count() == 3


def test_course_completion_stays_when_a_lesson_is_added_later(ambassador, course):
    complete(ambassador, *lessons_of(course))
    completed_at = CourseCompletion.objects.get().completed_at

    new_lesson = add_lesson(course, "Nouvelle leçon : les salons", minutes=12)
    progress = selectors.course_progress(user=ambassador, course=course)

    # The progress bar counts live steps: 3 of 4 now, yet the course stays completed.
    assert (progress.done, progress.total) == (3, 4)
    assert progress.is_completed and progress.completed_at == completed_at
    assert progress.next_action.label == gettext("Resume")
    assert progress.next_action.url == new_lesson.url
    assert progress.minutes_left == 12

    _completion, recorded = services.step_complete(user=ambassador, step=new_lesson)
    assert recorded is None  # recorded once, with its first time
    assert list(CourseCompletion.objects.values_list("completed_at", flat=True)) == [completed_at]
    assert selectors.course_progress(user=ambassador, course=course).done == 4


def test_unpublishing_a_lesson_never_deletes_anyones_history(ambassador, course):
    first, second, third = lessons_of(course)
    other = AmbassadorProfileFactory().user
    complete(ambassador, first, second)
    complete(other, first)

    second.unpublish()
    progress = selectors.course_progress(user=ambassador, course=course)

    assert StepCompletion.objects.filter(step=second).count() == 1  # kept
    assert StepCompletion.objects.count() == 3
    assert [step.page.pk for step in progress.steps] == [first.pk, third.pk]
    assert (progress.done, progress.total) == (1, 2)

    second.save_revision().publish()
    assert selectors.course_progress(user=ambassador, course=course).done == 2


def test_unpublishing_the_last_unfinished_lesson_does_not_complete_the_course_by_itself(
    ambassador, course
):
    first, second, third = lessons_of(course)
    complete(ambassador, first, second)

    third.unpublish()

    # Completion is recorded by an action of the ambassador, never by staff's edits.
    assert not CourseCompletion.objects.exists()
    assert selectors.course_progress(user=ambassador, course=course).current is None


# --- Next action and time left ---------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "label", "target"),
    [(0, "Start", 0), (1, "Resume", 1), (2, "Resume", 2), (3, "Review", 0)],
)
def test_next_action_starts_resumes_at_the_first_unfinished_step_or_reviews(
    ambassador, course, done, label, target
):
    lessons = lessons_of(course)
    complete(ambassador, *lessons[:done])

    action = selectors.course_progress(user=ambassador, course=course).next_action

    assert action.label == gettext(label)
    assert action.url == lessons[target].url


def test_next_action_of_a_visitor_is_to_sign_in_and_come_back(course):
    from django.contrib.auth.models import AnonymousUser

    action = selectors.course_progress(user=AnonymousUser(), course=course).next_action

    assert action.label == gettext("Sign in to start")
    url = urlsplit(action.url)
    assert url.path == "/connexion/"
    assert parse_qs(url.query) == {"next": [course.url]}


def test_no_next_action_while_prerequisites_are_missing(ambassador, catalogue, course):
    advanced = add_course(catalogue, "Pitcher le territoire", lessons=2, prerequisites=[course])

    progress = selectors.course_progress(user=ambassador, course=advanced)

    assert progress.next_action is None
    assert [p.pk for p in progress.missing_prerequisites] == [course.pk]
    assert {step.state for step in progress.steps} == {selectors.StepState.LOCKED}


def test_minutes_left_count_the_unfinished_live_steps(ambassador, catalogue):
    course = add_course(catalogue, "Représenter le territoire sur un salon")
    lessons = [add_lesson(course, f"Leçon {m}", minutes=m) for m in (5, 10, 15)]
    add_lesson(course, "Brouillon", minutes=60, live=False)

    def minutes_left():
        return selectors.course_progress(user=ambassador, course=course).minutes_left

    assert minutes_left() == 30
    complete(ambassador, lessons[0])
    assert minutes_left() == 25
    complete(ambassador, *lessons[1:])
    assert minutes_left() == 0


def test_states_are_done_then_current_then_locked(ambassador, course):
    complete(ambassador, lessons_of(course)[0])

    progress = selectors.course_progress(user=ambassador, course=course)

    assert [(s.number, s.state) for s in progress.steps] == [
        (1, "done"),
        (2, "current"),
        (3, "locked"),
    ]
    assert progress.percent == 33


def test_a_suspended_member_keeps_their_history_but_cannot_go_on(ambassador, course):
    from home.models import MembershipStatus

    complete(ambassador, lessons_of(course)[0])
    ambassador.ambassador_profile.status = MembershipStatus.SUSPENDED
    ambassador.ambassador_profile.save(update_fields=["status"])

    progress = selectors.course_progress(user=ambassador, course=course)

    assert [s.state for s in progress.steps] == ["done", "locked", "locked"]
    assert progress.done == 1 and progress.next_action is None
    assert not progress.access.allowed


def test_catalogue_cards_count_live_steps_and_keep_completed_courses_completed(
    ambassador, catalogue, course
):
    other = add_course(catalogue, "Pitcher le territoire", lessons=2, prerequisites=[course])
    complete(ambassador, *lessons_of(course))
    add_lesson(course, "Ajoutée ensuite")

    cards = selectors.catalogue_for(user=ambassador, index=catalogue)

    assert [(c.course.pk, c.steps, c.done, c.completed, c.percent) for c in cards] == [
        (course.pk, 4, 3, True, 75),
        (other.pk, 2, 0, False, 0),
    ]
    assert cards[1].locked_reason == ""  # its prerequisite is completed


# --- Concurrency ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_of_the_same_step_record_one_step_and_one_course_completion(
    transactional_db, home_page
):
    """Six requests at once complete the last step of a course (a double click on a slow
    phone, several tabs): one step completion, one course completion, no error. Runs on
    SQLite (file database, IMMEDIATE transactions) and on PostgreSQL."""
    user = AmbassadorProfileFactory().user
    course = add_course(add_catalogue(home_page), "Cours concurrent", lessons=2)
    first, last = lessons_of(course)
    complete(user, first)
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def complete_at_once():
        try:
            barrier.wait(timeout=10)
            results.append(services.step_complete(user=user, step=last))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete_at_once) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(results) == threads_count
    assert StepCompletion.objects.filter(user=user, step=last).count() == 1
    assert CourseCompletion.objects.filter(user=user, course=course).count() == 1
    assert len({completion.pk for completion, _course in results}) == 1
    recorded_now = [course_completion for _step, course_completion in results if course_completion]
    assert len(recorded_now) == 1
    assert recorded_now[0].completed_at - timezone.now() < datetime.timedelta(minutes=1)

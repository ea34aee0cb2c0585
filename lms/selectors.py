"""Reads of `lms`: a course's steps and someone's progress, the catalogue, what to show in
Mon espace, and the gates that decide who may open what.

Every function here runs a fixed number of queries, whatever the number of courses,
steps or ambassadors; tests and `bench/` pin them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.images.models import Rendition
from wagtail.models import Page

from home.selectors import Gate, membership_gate

from .models import Competence, CourseCompletion, CourseIndexPage, CoursePage, StepCompletion

ERROR_SIGN_IN = _("Sign in to follow this course.")
ERROR_STEP_LOCKED = _("Finish the previous steps of the course first.")
ERROR_NOT_A_STEP = _("This page is not a step of a course.")


class StepState:
    DONE = "done"
    CURRENT = "current"
    LOCKED = "locked"


@dataclass(frozen=True)
class Step:
    page: Page  # the specific page (LessonPage, QuizPage…)
    number: int
    state: str
    minutes: int

    @property
    def url(self) -> str:
        return self.page.url

    @property
    def kind(self) -> str:
        return str(self.page._meta.verbose_name)


@dataclass(frozen=True)
class NextAction:
    label: str
    url: str


@dataclass
class CourseProgress:
    """Where someone stands in a course: every live step with its state, the progress
    bar's numbers, the time left, and the one next action."""

    course: CoursePage
    steps: list[Step]
    access: Gate
    completed_at: object = None
    done: int = 0
    next_action: NextAction | None = None
    missing_prerequisites: list[CoursePage] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def minutes_left(self) -> int:
        return sum(step.minutes for step in self.steps if step.state != StepState.DONE)

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def is_started(self) -> bool:
        return self.done > 0 or self.is_completed

    def position(self, page: Page) -> Step | None:
        return next((step for step in self.steps if step.page.pk == page.pk), None)

    def neighbours(self, page: Page) -> tuple[Step | None, Step | None]:
        index = next((i for i, step in enumerate(self.steps) if step.page.pk == page.pk), None)
        if index is None:
            return None, None
        previous = self.steps[index - 1] if index > 0 else None
        following = self.steps[index + 1] if index + 1 < len(self.steps) else None
        return previous, following


def step_minutes(page: Page) -> int:
    """A step's estimated time: lessons say it; other step types may define
    `estimated_minutes` too."""
    return int(getattr(page, "estimated_minutes", 0) or 0)


def course_steps(course: CoursePage) -> list[Page]:
    """The course's live steps, in tree order, as their specific pages (one query per
    step type)."""
    return list(course.get_children().live().order_by("path").specific())


def course_for_step(step: Page) -> CoursePage | None:
    parent = step.get_parent()
    return parent.specific if parent and isinstance(parent.specific, CoursePage) else None


def _missing_prerequisites(user, course: CoursePage) -> list[CoursePage]:
    prerequisites = list(course.prerequisites.live().order_by("title"))
    if not prerequisites:
        return []
    done = set(
        CourseCompletion.objects.filter(
            user=user, course__in=[p.pk for p in prerequisites]
        ).values_list("course_id", flat=True)
    )
    return [p for p in prerequisites if p.pk not in done]


def course_access(*, user, course: CoursePage) -> tuple[Gate, list[CoursePage]]:
    """May this person follow this course? Active ambassadors whose prerequisite courses
    are completed may; the reason says which courses to finish first."""
    if not user.is_authenticated:
        return Gate(False, str(ERROR_SIGN_IN)), []
    gate = membership_gate(user)
    if not gate.allowed:
        return gate, []
    missing = _missing_prerequisites(user, course)
    if missing:
        titles = ", ".join(f"« {p.title} »" for p in missing)
        reason = ngettext(
            "Complete the course %(titles)s first.",
            "Complete these courses first: %(titles)s.",
            len(missing),
        ) % {"titles": titles}
        return Gate(False, reason), missing
    return Gate(True), []


def course_progress(*, user, course: CoursePage) -> CourseProgress:
    """The course's steps with their state for this person (done, current — the first
    unfinished —, locked), the counts for the progress bar and the next action."""
    steps = course_steps(course)
    access, missing = course_access(user=user, course=course)
    completed_ids: set[int] = set()
    completed_at = None
    if user.is_authenticated:
        completed_ids = set(
            StepCompletion.objects.filter(user=user, course=course).values_list(
                "step_id", flat=True
            )
        )
        completed_at = (
            CourseCompletion.objects.filter(user=user, course=course)
            .values_list("completed_at", flat=True)
            .first()
        )
    states, current_found = [], False
    for number, page in enumerate(steps, start=1):
        if not access.allowed:
            state = StepState.LOCKED
        elif page.pk in completed_ids:
            state = StepState.DONE
        elif not current_found:
            state, current_found = StepState.CURRENT, True
        else:
            state = StepState.LOCKED
        states.append(Step(page=page, number=number, state=state, minutes=step_minutes(page)))
    progress = CourseProgress(
        course=course,
        steps=states,
        access=access,
        completed_at=completed_at,
        done=sum(1 for step in states if step.state == StepState.DONE),
        missing_prerequisites=missing,
    )
    progress.next_action = _next_action(user, progress)
    return progress


def _next_action(user, progress: CourseProgress) -> NextAction | None:
    if not user.is_authenticated:
        return NextAction(
            str(_("Sign in to start")),
            f"{reverse('home:login')}?next={progress.course.url}",
        )
    if not progress.access.allowed or not progress.steps:
        return None
    current = next((s for s in progress.steps if s.state == StepState.CURRENT), None)
    if current is None:
        return NextAction(str(_("Review")), progress.steps[0].url)
    if progress.done == 0:
        return NextAction(str(_("Start")), current.url)
    return NextAction(str(_("Resume")), current.url)


def step_access(*, user, step: Page) -> tuple[Gate, CourseProgress | None]:
    """May this person open this step? The course must be open to them and the step done
    or current (steps are followed in order). Returns the decision and the progress the
    page shows."""
    course = course_for_step(step)
    if course is None:
        return Gate(False, str(ERROR_NOT_A_STEP)), None
    progress = course_progress(user=user, course=course)
    if not progress.access.allowed:
        return progress.access, progress
    position = progress.position(step)
    if position is None or position.state == StepState.LOCKED:
        return Gate(False, str(ERROR_STEP_LOCKED)), progress
    return Gate(True), progress


# --- Catalogue and Mon espace -------------------------------------------------------


@dataclass(frozen=True)
class CourseCard:
    course: CoursePage
    steps: int
    done: int
    completed: bool
    locked_reason: str = ""

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        return round(100 * self.done / self.steps) if self.steps else 0

    @property
    def started(self) -> bool:
        return self.done > 0 or self.completed


def _live_courses(parent: Page | None = None):
    courses = CoursePage.objects.live().order_by("path")
    if parent is not None:
        courses = courses.child_of(parent)
    return courses.select_related("cover").prefetch_related(
        Prefetch("competences", queryset=Competence.objects.order_by("name")),
        Prefetch("prerequisites", queryset=CoursePage.objects.live().only("id", "title")),
        Prefetch(
            "cover__renditions",
            queryset=Rendition.objects.filter(filter_spec="fill-480x270"),
        ),
    )


def _step_counts(courses: list[CoursePage]) -> dict[int, int]:
    """Live steps per course, in one query over the children of all courses."""
    if not courses:
        return {}
    by_path = {course.path: course.pk for course in courses}
    children = Q()
    for course in courses:
        children |= Q(path__startswith=course.path, depth=course.depth + 1)
    counts: dict[int, int] = defaultdict(int)
    for path in Page.objects.live().filter(children).values_list("path", flat=True):
        counts[by_path[path[: -Page.steplen]]] += 1
    return counts


def course_cards(*, user, courses: list[CoursePage]) -> list[CourseCard]:
    """Each course with this person's progress, in a fixed number of queries."""
    counts = _step_counts(courses)
    done: dict[int, int] = {}
    completed: set[int] = set()
    if user.is_authenticated and courses:
        ids = [c.pk for c in courses]
        done = dict(
            StepCompletion.objects.filter(user=user, course__in=ids, step__live=True)
            .values("course")
            .annotate(n=Count("pk"))
            .values_list("course", "n")
        )
        completed = set(
            CourseCompletion.objects.filter(user=user).values_list("course_id", flat=True)
        )
    cards = []
    for course in courses:
        missing = [p for p in course.prerequisites.all() if p.pk not in completed]
        reason = ""
        if missing:
            reason = ngettext(
                "Complete the course %(titles)s first.",
                "Complete these courses first: %(titles)s.",
                len(missing),
            ) % {"titles": ", ".join(f"« {p.title} »" for p in missing)}
        cards.append(
            CourseCard(
                course=course,
                steps=counts.get(course.pk, 0),
                done=done.get(course.pk, 0),
                completed=course.pk in completed,
                locked_reason=reason,
            )
        )
    return cards


def catalogue_for(*, user, index: CourseIndexPage) -> list[CourseCard]:
    return course_cards(user=user, courses=list(_live_courses(index)))


@dataclass(frozen=True)
class MyCourses:
    in_progress: list[CourseCard]
    completed: list[CourseCard]
    suggested: list[CourseCard]

    def __bool__(self) -> bool:
        return bool(self.in_progress or self.completed or self.suggested)


def courses_for(*, user, suggestions: int = 3) -> MyCourses:
    """Mon espace's "Mes parcours": courses in progress, completed, and suggested next
    (open to the person — prerequisites met — and not started)."""
    cards = course_cards(user=user, courses=list(_live_courses()))
    return MyCourses(
        in_progress=[c for c in cards if c.started and not c.completed],
        completed=[c for c in cards if c.completed],
        suggested=[c for c in cards if not c.started and not c.locked_reason][:suggestions],
    )

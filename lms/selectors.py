"""Reads of `lms`: a course's steps and someone's progress, the catalogue, what to show in
Mon espace, and the gates that decide who may open what.

Every function here runs a fixed number of queries, whatever the number of courses,
steps or ambassadors; tests and `bench/` pin them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import uuid4

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch
from django.db.models.functions import Left
from django.urls import reverse
from django.utils.http import urlencode
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
    prerequisites: list[CoursePage] = field(default_factory=list)  # every live one

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

    @property
    def current(self) -> Step | None:
        """The first unfinished step, if the course is open to the person."""
        return next((step for step in self.steps if step.state == StepState.CURRENT), None)

    def position(self, page: Page) -> Step | None:
        return next((step for step in self.steps if _same_page(step.page, page)), None)

    def neighbours(self, page: Page) -> tuple[Step | None, Step | None]:
        index = next((i for i, step in enumerate(self.steps) if _same_page(step.page, page)), None)
        if index is None:
            return None, None
        previous = self.steps[index - 1] if index > 0 else None
        following = self.steps[index + 1] if index + 1 < len(self.steps) else None
        return previous, following


def _same_page(a: Page, b: Page) -> bool:
    # A page being created in the admin has no primary key yet: its tree path places it.
    return a.pk == b.pk if a.pk is not None else a.path == b.path


def parent_url(page: Page) -> str:
    """The URL of the page's parent, without a query: a Wagtail page's URL is its
    parent's followed by its slug (breadcrumbs of courses and lessons)."""
    url = page.url or "/"
    return url[: url.rstrip("/").rfind("/") + 1] or "/"


def step_minutes(page: Page) -> int:
    """A step's estimated time: lessons say it; other step types may define
    `estimated_minutes` too."""
    return int(getattr(page, "estimated_minutes", 0) or 0)


# What step lists show of each step (title, link, state): loading only these keeps the
# lesson and course pages light, whatever the size of the steps' content.
STEP_LIST_FIELDS = (
    "id",
    "title",
    "draft_title",
    "slug",
    "path",
    "depth",
    "url_path",
    "live",
    "content_type",
    "locale",
    "translation_key",
)


def course_steps(course: CoursePage, *, done_by=None) -> list[Page]:
    """The course's live steps, in tree order, as their specific pages: one query, plus
    one per step type when there are several. Their bodies are left out: lists never
    show them. With `done_by` (a signed-in user) and a single step type, each step comes
    annotated with `done` — whether that person completed it — in the same query."""
    step_types = CoursePage.allowed_subpage_models()
    if len(step_types) == 1:  # one query when every step is of the same type
        step_type = step_types[0]
        fields = STEP_LIST_FIELDS + tuple(
            name for name in ("estimated_minutes",) if hasattr(step_type, name)
        )
        steps = step_type.objects.child_of(course).live().order_by("path").only(*fields)
        if done_by is not None:
            steps = steps.annotate(
                done=Exists(StepCompletion.objects.filter(user=done_by, step_id=OuterRef("pk")))
            )
        return list(steps)
    return list(course.get_children().live().order_by("path").defer_streamfields().specific())


# --- Course outlines (cached) --------------------------------------------------------
#
# A course's outline — its live steps and its live prerequisites — is the same for every
# reader and changes only when pages change, yet every course and lesson page needs it.
# It is kept in the cache under a key made of the course's own `cache_key` (its id, URL
# and last publication) and an outline version that any page save, deletion or move
# replaces (`outlines_changed`, connected in `apps.py`), so a stale outline is never read,
# whichever process wrote it. Production shares one cache between processes (Redis,
# `CACHE_URL`), as Wagtail's own cached site paths need; per-person progress is never
# cached.

OUTLINE_CACHE_SECONDS = 3600
OUTLINE_VERSION_KEY = "lms:outline-version"


@dataclass(frozen=True)
class CourseOutline:
    steps: list[Page]  # live steps in tree order, specific pages, bodies left out
    prerequisites: list[CoursePage]  # live prerequisite courses, by title


def outlines_changed(**_signal_kwargs) -> None:
    """Forget every cached course outline (a page was saved, deleted or moved)."""
    cache.set(OUTLINE_VERSION_KEY, uuid4().hex, None)


def _outline_version() -> str:
    version = cache.get(OUTLINE_VERSION_KEY)
    if version is None:
        cache.add(OUTLINE_VERSION_KEY, uuid4().hex, None)  # a concurrent writer may win
        version = cache.get(OUTLINE_VERSION_KEY, "")
    return version


def course_outline(course: CoursePage) -> CourseOutline:
    """The course's live steps and live prerequisites, read from the cache when they are
    there (no query), else loaded (`course_steps`, plus one query) and kept."""
    key = f"lms:outline:{course.pk}:{course.cache_key}:{_outline_version()}"
    outline = cache.get(key)
    if outline is None:
        outline = CourseOutline(
            steps=course_steps(course), prerequisites=_live_prerequisites(course)
        )
        cache.set(key, outline, OUTLINE_CACHE_SECONDS)
    return outline


def course_for_step(step: Page) -> CoursePage | None:
    """The course a step belongs to (its parent page), in one query; None when the page
    is not a child of a course."""
    if not step.path or step.depth <= 1:
        return None
    cached = getattr(step, "_cached_parent_obj", None)  # set by routing: no query
    if isinstance(cached, CoursePage):
        return cached
    return CoursePage.objects.filter(path=step.path[: -Page.steplen]).first()


def _live_prerequisites(course: CoursePage) -> list[CoursePage]:
    """The course's live prerequisites by title, in one query. Filtered in Python so that
    it also works on a course being previewed, whose relations are held in memory."""
    return sorted((p for p in course.prerequisites.all() if p.live), key=lambda p: p.title)


def _course_completions(user, courses: list[CoursePage]) -> dict[int, object]:
    """When this person completed each of these courses (those they did), in one query."""
    if not courses:
        return {}
    return dict(
        CourseCompletion.objects.filter(user=user, course__in=[c.pk for c in courses])
        .values_list("course_id", "completed_at")
        .order_by()
    )


def prerequisites_reason(missing: list[CoursePage]) -> str:
    """Why a course is locked: the courses to finish first, by title."""
    return ngettext(
        "Complete the course %(titles)s first.",
        "Complete these courses first: %(titles)s.",
        len(missing),
    ) % {"titles": ", ".join(f"« {p.title} »" for p in missing)}


def _course_access(
    user, prerequisites: list[CoursePage], completions=None
) -> tuple[Gate, list[CoursePage]]:
    """The decision of `course_access`; `completions` (course id → time), when given,
    already holds this person's completions of the prerequisites."""
    if not user.is_authenticated:
        return Gate(False, str(ERROR_SIGN_IN)), []
    gate = membership_gate(user)
    if not gate.allowed:
        return gate, []
    if completions is None:
        completions = _course_completions(user, prerequisites)
    missing = [p for p in prerequisites if p.pk not in completions]
    if missing:
        return Gate(False, prerequisites_reason(missing)), missing
    return Gate(True), []


def course_access(*, user, course: CoursePage) -> tuple[Gate, list[CoursePage]]:
    """May this person follow this course? Active ambassadors whose prerequisite courses
    are completed may; the reason says which courses to finish first."""
    return _course_access(user, _live_prerequisites(course))


def course_progress(*, user, course: CoursePage) -> CourseProgress:
    """The course's steps with their state for this person (done — even when the course
    is closed to them now, their history stays —, current — the first unfinished, when
    the course is open to them —, locked), the counts for the progress bar and the next
    action.

    Queries: the course's outline (none when cached, see `course_outline`), and for
    someone signed in the steps they completed (one) and their completions of this
    course and its prerequisites (one)."""
    outline = course_outline(course)
    steps, prerequisites = outline.steps, outline.prerequisites
    completed_ids: set[int] = set()
    completions: dict[int, object] = {}
    if user.is_authenticated:
        if steps:
            completed_ids = set(
                StepCompletion.objects.filter(
                    user=user, step_id__in=[step.pk for step in steps]
                ).values_list("step_id", flat=True)
            )
        completions = _course_completions(user, [course, *prerequisites])
    access, missing = _course_access(user, prerequisites, completions)
    completed_at = completions.get(course.pk)
    return _progress(
        user,
        course,
        steps,
        access=access,
        completed_ids=completed_ids,
        completed_at=completed_at,
        missing=missing,
        prerequisites=prerequisites,
    )


def _progress(
    user, course, steps, *, access, completed_ids, completed_at, missing, prerequisites
) -> CourseProgress:
    states, current_found = [], False
    for number, page in enumerate(steps, start=1):
        if page.pk is not None and page.pk in completed_ids:
            state = StepState.DONE
        elif access.allowed and not current_found:
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
        prerequisites=prerequisites,
    )
    progress.next_action = _next_action(user, progress)
    return progress


def course_preview(*, course: CoursePage) -> CourseProgress:
    """The course as an active ambassador who has not started it sees it: what the
    admin's preview shows, whoever previews."""
    return _progress(
        None,
        course,
        course_steps(course) if course.pk else [],
        access=Gate(True),
        completed_ids=set(),
        completed_at=None,
        missing=[],
        prerequisites=_live_prerequisites(course),
    )


def step_preview(*, step: Page) -> CourseProgress | None:
    """The step's course as an ambassador at this very step sees it (the steps before
    done, this one current, the ones after locked): what the admin's preview of a
    lesson shows. The previewed version of the step (a draft, a new page) takes its
    place among the live steps."""
    course = course_for_step(step)
    if course is None:
        return None
    steps = [page for page in course_steps(course) if not _same_page(page, step)]
    steps.append(step)
    steps.sort(key=lambda page: page.path)
    index = steps.index(step)
    return _progress(
        None,
        course,
        steps,
        access=Gate(True),
        completed_ids={page.pk for page in steps[:index]},
        completed_at=None,
        missing=[],
        prerequisites=_live_prerequisites(course),
    )


def _next_action(user, progress: CourseProgress) -> NextAction | None:
    """The one thing to do next: sign in, start, resume at the first unfinished step, or
    review a finished course. `user` is None for the admin's previews."""
    if user is not None and not user.is_authenticated:
        return NextAction(
            str(_("Sign in to start")),
            f"{reverse('home:login')}?{urlencode({'next': progress.course.url or '/'})}",
        )
    if not progress.access.allowed or not progress.steps:
        return None
    current = progress.current
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
    """A course in a list (the catalogue, Mon espace) with this person's standing."""

    course: CoursePage
    steps: int  # live steps
    done: int  # live steps this person completed
    completed: bool  # the course completion is recorded (permanent)
    locked_reason: str = ""
    missing_prerequisites: tuple[CoursePage, ...] = ()

    @property
    def percent(self) -> int:
        """Completed live steps over live steps (DESIGN.md): a completed course that
        gained a lesson since shows that lesson left, yet stays completed."""
        if not self.steps:
            return 100 if self.completed else 0
        return round(100 * self.done / self.steps)

    @property
    def started(self) -> bool:
        return self.done > 0 or self.completed


COVER_FILTER = "fill-480x270"  # the catalogue's cover rendition, prefetched below


def _live_courses(parent: Page | None = None):
    courses = CoursePage.objects.live().order_by("path")
    if parent is not None:
        courses = courses.child_of(parent)
    return courses.select_related("cover").prefetch_related(
        Prefetch("competences", queryset=Competence.objects.order_by("name")),
        # Whole pages: cards link to them (their URL needs the page's url_path).
        Prefetch("prerequisites", queryset=CoursePage.objects.live().order_by("title")),
        Prefetch(
            "cover__renditions",
            queryset=Rendition.objects.filter(filter_spec=COVER_FILTER),
        ),
    )


def live_step_counts(courses: Iterable[tuple[int, str, int]]) -> dict[int, int]:
    """Live steps per course, in one query over the children of all the given courses,
    each given as ``(id, path, depth)``. Steps are the course's live child pages,
    whatever their type (lessons, quizzes); a child's parent is the start of its path."""
    courses = list(courses)
    if not courses:
        return {}
    by_path = {path: pk for pk, path, _depth in courses}
    rows = (
        Page.objects.live()
        .filter(depth__in={depth + 1 for _pk, _path, depth in courses})
        .annotate(parent_path=Left("path", (F("depth") - 1) * Page.steplen))
        .filter(parent_path__in=list(by_path))
        .order_by()  # pages are ordered by path, which would split the groups
        .values("parent_path")
        .annotate(n=Count("pk"))
        .values_list("parent_path", "n")
    )
    return {by_path[parent_path]: n for parent_path, n in rows}


def _step_counts(courses: list[CoursePage]) -> dict[int, int]:
    return live_step_counts((course.pk, course.path, course.depth) for course in courses)


def course_cards(*, user, courses: list[CoursePage]) -> list[CourseCard]:
    """Each course with this person's progress, in a fixed number of queries: the step
    counts, and for someone signed in their completed steps and courses. The courses
    come with their prerequisites prefetched (see `_live_courses`)."""
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
        cards.append(
            CourseCard(
                course=course,
                steps=counts.get(course.pk, 0),
                done=done.get(course.pk, 0),
                completed=course.pk in completed,
                locked_reason=prerequisites_reason(missing) if missing else "",
                missing_prerequisites=tuple(missing),
            )
        )
    return cards


def catalogue_for(*, user, index: CourseIndexPage) -> list[CourseCard]:
    """The catalogue's live courses in tree order, each with this person's standing."""
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


# --- Badges: renewal ---------------------------------------------------------------------------


def renewal_opened_at(*, user, page: Page, now=None):
    """When this person's renewal window opened for a badge that needs `page` (a quiz
    to pass, a course to complete): the earliest opening among their current awards of
    such badges that are renewable now (within `services.RENEWAL_WINDOW` of expiry, or
    expired); None when there is none. From then on, the attempts and completions the
    previous award used no longer count against them (a quiz's attempt limit). One
    query."""
    from django.utils import timezone

    from .models import BadgeAward
    from .services import RENEWAL_WINDOW

    now = now or timezone.now()
    expiries = (
        BadgeAward.objects.current()
        .filter(
            user=user,
            expires_at__isnull=False,
            expires_at__lte=now + RENEWAL_WINDOW,
            badge__criteria__target_page=page,
        )
        .values_list("expires_at", flat=True)
    )
    earliest = min(expiries, default=None)
    return earliest - RENEWAL_WINDOW if earliest is not None else None

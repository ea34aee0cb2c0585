"""Reads of `lms` for the staff and for `home`'s extension points: everyone's progress
per course (the staff's report and the *fiche ambassadeur*), per-course summaries, a
person's completion dates (Mon espace) and their personal-data export.

Every function runs a fixed number of queries, whatever the number of ambassadors,
courses or steps: progress is aggregated in the database, one row per (person, course).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from .models import CourseCompletion, CoursePage, StepCompletion
from .selectors import live_step_counts

# --- Progress, one row per person and course ------------------------------------------


@dataclass(frozen=True)
class ProgressRow:
    """Where one person stands in one course they started. `done` counts their
    completed live steps, `total` the course's live steps (the progress bar's rule); a
    completed course stays at 100 % even if steps were added since."""

    user_id: int
    name: str
    email: str
    profile_id: int | None
    course_id: int
    course: str
    done: int
    total: int
    started_at: datetime.datetime
    completed_at: datetime.datetime | None

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def percent(self) -> int:
        if self.is_completed:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def steps(self) -> str:
        return f"{self.done} / {self.total}"


def progress_queryset() -> QuerySet:
    """One dict per (person, course) with at least one completed step: who, which
    course, completed live steps (`done`), first completion (`started_at`) and the course
    completion's time (`completed_at`, or None). Unordered, for callers to filter
    (``user``, ``course``, ``completed_at__isnull``, ``user__…``) and order."""
    course_completed_at = CourseCompletion.objects.filter(
        user=OuterRef("user"), course=OuterRef("course")
    ).values("completed_at")[:1]
    return (
        StepCompletion.objects.values(
            "user",
            "course",
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__ambassador_profile__id",
            "course__title",
            "course__path",
            "course__depth",
        )
        .annotate(
            done=Count("pk", filter=Q(step__live=True)),
            started_at=Min("completed_at"),
            completed_at=Subquery(course_completed_at),
        )
        .order_by()
    )


def progress_rows(values: Iterable[dict[str, Any]]) -> list[ProgressRow]:
    """`progress_queryset()` dicts as `ProgressRow`s, with each course's live steps
    (one query for all of them)."""
    values = list(values)
    totals = live_step_counts(
        {(v["course"], v["course__path"], v["course__depth"]) for v in values}
    )
    rows = []
    for v in values:
        name = " ".join(filter(None, (v["user__first_name"], v["user__last_name"])))
        rows.append(
            ProgressRow(
                user_id=v["user"],
                name=name or v["user__email"],
                email=v["user__email"],
                profile_id=v["user__ambassador_profile__id"],
                course_id=v["course"],
                course=v["course__title"],
                done=v["done"],
                total=totals.get(v["course"], 0),
                started_at=v["started_at"],
                completed_at=v["completed_at"],
            )
        )
    return rows


def progress_of(*, user) -> list[ProgressRow]:
    """Every course this person started, the most recently started first (2 queries)."""
    return progress_rows(progress_queryset().filter(user=user).order_by("-started_at", "course"))


# --- Per-course summary ---------------------------------------------------------------


@dataclass(frozen=True)
class CourseSummary:
    course_id: int
    title: str
    live: bool
    started: int
    completed: int

    @property
    def rate(self) -> int:
        """Completed over started, in percent."""
        return round(100 * self.completed / self.started) if self.started else 0


def _count_per_course(queryset: QuerySet, expression) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.filter(course=OuterRef("pk"))
            .order_by()
            .values("course")
            .annotate(n=expression)
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def course_summaries(*, course_ids: Iterable[int] | None = None) -> list[CourseSummary]:
    """Per course: how many people started it (completed at least one step) and how many
    completed it, in tree order, in one query. Live courses always appear; unpublished
    ones only when someone started them (their history stays)."""
    courses = CoursePage.objects.annotate(
        started=_count_per_course(StepCompletion.objects.all(), Count("user", distinct=True)),
        completed=_count_per_course(CourseCompletion.objects.all(), Count("pk")),
    ).filter(Q(live=True) | Q(started__gt=0) | Q(completed__gt=0))
    if course_ids is not None:
        courses = courses.filter(pk__in=list(course_ids))
    return [
        CourseSummary(
            course_id=pk,
            title=title,
            live=live,
            # A completion whose steps were all deleted since still counts as a start.
            started=max(started, completed),
            completed=completed,
        )
        for pk, title, live, started, completed in courses.order_by("path").values_list(
            "pk", "title", "live", "started", "completed"
        )
    ]


# --- One person -----------------------------------------------------------------------


def completion_dates(*, user) -> dict[int, datetime.datetime]:
    """When this person completed each course they completed, by course id (1 query)."""
    return dict(CourseCompletion.objects.filter(user=user).values_list("course_id", "completed_at"))


def personal_data(*, user) -> dict[str, list[dict[str, Any]]]:
    """Everything `lms` holds about this person, JSON-serialisable (2 queries): each
    completed step (its course, its title, when) and each completed course (when)."""
    steps = (
        StepCompletion.objects.filter(user=user)
        .order_by("completed_at", "pk")
        .values_list("course__title", "step__title", "completed_at")
    )
    courses = (
        CourseCompletion.objects.filter(user=user)
        .order_by("completed_at", "pk")
        .values_list("course__title", "completed_at")
    )
    return {
        "step_completions": [
            {"course": course, "step": step, "completed_at": at.isoformat()}
            for course, step, at in steps
        ],
        "course_completions": [
            {"course": course, "completed_at": at.isoformat()} for course, at in courses
        ],
    }

"""Writes of `lms`. Other apps (quizzes) complete their steps through `step_complete`."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from .models import CourseCompletion, CoursePage, StepCompletion
from .selectors import course_for_step


class NotAStep(ValueError):
    """The page is not a step of a course."""


def step_complete(*, user, step: Page) -> tuple[StepCompletion, CourseCompletion | None]:
    """Record that `user` completed `step`, once: repeating it changes nothing, and two
    requests at once insert one row (the unique constraint decides). When every live step
    of the course is then completed, the course completion is recorded, once and for good.

    The caller has decided the person may complete the step (see `selectors.step_access`).
    Returns the step completion and the course completion recorded *now*, if any.
    """
    course = course_for_step(step)
    if course is None:
        raise NotAStep(step.pk)
    completion = _create_once(
        StepCompletion,
        lookup={"user": user, "step_id": step.pk},
        defaults={"course": course, "completed_at": timezone.now()},
    )
    return completion, course_completion_record(user=user, course=course)


def course_completion_record(*, user, course: CoursePage) -> CourseCompletion | None:
    """Record the course as completed if every live step is; return it if recorded now.

    Safe under concurrent requests: outside an enclosing transaction, each request checks
    after its own step completion is committed, so the last of them sees every step
    done; the unique constraint lets only one of them insert the course completion."""
    live = set(course.get_children().live().values_list("pk", flat=True))
    if not live:
        return None
    done = set(
        StepCompletion.objects.filter(user=user, step_id__in=live).values_list("step_id", flat=True)
    )
    if live - done:
        return None
    if CourseCompletion.objects.filter(user=user, course=course).exists():
        return None
    try:
        with transaction.atomic():
            return CourseCompletion.objects.create(
                user=user, course=course, completed_at=timezone.now()
            )
    except IntegrityError:
        return None  # a concurrent request recorded it first


def _create_once(model, *, lookup, defaults):
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **defaults)
    except IntegrityError:
        return model.objects.get(**lookup)

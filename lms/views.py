"""The lesson's views, served through `LessonPage`'s routes (`RoutablePageMixin`).

Who may read or complete a lesson is decided in one place, `selectors.step_access`;
these views only ask it, call the service and render. A refusal is always a page that
says why (403), never a bare error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .selectors import StepState

MESSAGE_COURSE_COMPLETED = _("Course completed!")
MESSAGE_STEP_COMPLETED = _("Lesson recorded as finished.")

REFUSED_TEMPLATE = "lms/step_refused.html"


def _never_cache(response):
    # Lessons are restricted pages: no shared or browser cache may keep them.
    add_never_cache_headers(response)
    return response


def lesson(request, page):
    """A lesson for an ambassador it is open to; anyone else is told why (403), and
    visitors who are not signed in are sent to sign in and brought back."""
    request.is_preview = getattr(request, "is_preview", False)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    gate, progress = selectors.step_access(user=request.user, step=page)
    if not gate.allowed:
        return _never_cache(step_refused(request, page, gate, progress))
    return _never_cache(_render_lesson(request, page, progress))


def lesson_preview(request, page):
    """The admin's preview: the lesson as an ambassador at this step sees it, without
    the gates, and with a completion button that records nothing."""
    return _never_cache(
        _render_lesson(request, page, selectors.step_preview(step=page), preview=True)
    )


def lesson_complete(request, page):
    """The lesson's "J'ai terminé cette leçon" (POST only): records the completion once
    (repeating it changes nothing), then goes on to the next step, or to the course page
    with a message when the course has just been completed. The gate is checked again
    here: the form's presence on the page proves nothing."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(page.url)
    gate, progress = selectors.step_access(user=request.user, step=page)
    if not gate.allowed:
        return _never_cache(step_refused(request, page, gate, progress))
    was_done = progress.position(page).state == StepState.DONE
    _completion, course_completion = services.step_complete(user=request.user, step=page)
    if course_completion is not None:
        messages.success(request, MESSAGE_COURSE_COMPLETED)
        return redirect(progress.course.url)
    if not was_done:
        messages.success(request, MESSAGE_STEP_COMPLETED)
    _previous, following = progress.neighbours(page)
    return redirect(following.url if following else progress.course.url)


def _render_lesson(request, page, progress, *, preview: bool = False):
    step = progress.position(page) if progress else None
    previous, following = progress.neighbours(page) if progress else (None, None)
    context = page.get_context(request)
    context.update(
        {
            "progress": progress,
            "course": progress.course if progress else None,
            "catalogue_url": selectors.parent_url(progress.course) if progress else "/",
            "step": step,
            "previous_step": previous,
            "next_step": following,
            # The next step opens once this one is done (steps are followed in order).
            "next_step_open": bool(following) and (preview or following.state != StepState.LOCKED),
            "is_done": bool(step) and step.state == StepState.DONE,
            "complete_url": None if preview else page.url + page.reverse_subpage("complete"),
            "is_preview": preview,
        }
    )
    return TemplateResponse(request, page.get_template(request), context)


def step_refused(request, page, gate, progress):
    """The page that says why this step is closed to this person, and what opens it."""
    if progress is not None and progress.missing_prerequisites:
        kind = "prerequisites"
    elif progress is not None and not progress.access.allowed:
        kind = "membership"
    else:
        kind = "step_locked"
    context = page.get_context(request)
    context.update(
        {
            "reason": gate.reason,
            "kind": kind,
            "progress": progress,
            "course": progress.course if progress else None,
            "catalogue_url": selectors.parent_url(progress.course) if progress else "/",
            "current_step": progress.current if progress else None,
        }
    )
    return TemplateResponse(request, REFUSED_TEMPLATE, context, status=403)

"""The quiz's views, served through `QuizPage`'s routes (`RoutablePageMixin`).

Who may open a quiz is decided in one place, `selectors.quiz_gate` (the quiz is a step
of its course, like a lesson); whether a new attempt may start, in
`selectors.start_gate`, checked again by `services.attempt_start`. These views ask them,
call one service and render. A refusal is a page that says why (403); another person's
attempt does not exist (404); bad input gets its message next to the question (400).

The attempt's form never holds an answer key: it is built from
`selectors.attempt_questions`, whose views carry none. Every response is personal, so
none may be cached.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from home.selectors import Gate
from lms import selectors as lms_selectors
from lms.views import step_refused

from . import selectors, services, versions
from .models import Attempt, ClosedBy, QuizVersion

MESSAGE_SAVED_AT = _("Saved at %(time)s")
MESSAGE_START_REFUSED = _("You cannot start a new attempt now.")
ERROR_SIGNED_OUT = _(
    "You are signed out: your answers can no longer be saved. Sign in again to go on; "
    "the answers saved so far are kept."
)
ERROR_NO_SUCH_ATTEMPT = _("This attempt does not exist.")

ATTEMPT_TEMPLATE = "quizzes/attempt.html"
RESULT_TEMPLATE = "quizzes/result.html"


def _never_cache(response):
    # Quizzes are personal: no shared or browser cache may keep any of these responses.
    add_never_cache_headers(response)
    return response


def _url(request, page, name: str, number: int | None = None) -> str:
    kwargs = {"number": number} if number is not None else {}
    return page.get_url(request) + page.reverse_subpage(name, kwargs=kwargs)


def _fields(request) -> dict[str, list[str]]:
    """What the form sent for the questions: field ``q-<question id>`` → its values."""
    return {key: request.POST.getlist(key) for key in request.POST if key.startswith("q-")}


def _number(value: str) -> str:
    """A number stored as text ("3.5", "3E+3") as people write it here: "3,5", "3 000"."""
    if not value:
        return value
    try:
        return number_format(Decimal(value), force_grouping=True)
    except (InvalidOperation, ValueError):
        return value


def _refusal(request, page):
    """None when this person may open the quiz, else the response that says why: sign in
    (and come back), or the 403 page of `lms`. Returns the course progress too."""
    request.is_preview = getattr(request, "is_preview", False)
    if not request.user.is_authenticated:
        # After signing in, back to the page (a form's target is no page to go back to).
        back = request.get_full_path() if request.method == "GET" else page.get_url(request)
        return redirect_to_login(back), None
    gate, progress = selectors.quiz_gate(user=request.user, quiz=page)
    if not gate.allowed:
        return _never_cache(step_refused(request, page, gate, progress)), progress
    return None, progress


def _attempt_or_404(request, page, number: int) -> Attempt:
    attempt = selectors.attempt_of(user=request.user, quiz=page, number=number)
    if attempt is None:
        raise Http404(ERROR_NO_SUCH_ATTEMPT)
    attempt.quiz = page  # the page routed to: no query to read it again
    return attempt


def _context(request, page, progress, **extra) -> dict:
    """What every quiz template shows around its content: the course, the step, the
    breadcrumb."""
    context = page.get_context(request)
    context.update(
        {
            "progress": progress,
            "course": progress.course if progress else None,
            "catalogue_url": lms_selectors.parent_url(progress.course) if progress else "/",
            "step": progress.position(page) if progress else None,
            "quiz_url": page.get_url(request),
            "question_count": len(page.questions),
        }
    )
    context.update(extra)
    return context


# --- The quiz's page ---------------------------------------------------------------------


def quiz(request, page):
    """The quiz's page: what it checks, its rules, where this person stands and the one
    thing to do now — start, resume, try again — or why it is not possible now."""
    refused, progress = _refusal(request, page)
    if refused is not None:
        return refused
    return _never_cache(_render_quiz(request, page, progress))


def _render_quiz(request, page, progress, *, status: int = 200, refused_reason: str = ""):
    state = selectors.quiz_state(user=request.user, quiz=page)
    context = _context(
        request,
        page,
        progress,
        state=state,
        attempts_left=selectors.attempts_left_text(state),
        start_url=_url(request, page, "start"),
        resume_url=(
            _url(request, page, "attempt", state.in_progress.number) if state.in_progress else ""
        ),
        history=_history(request, page, state),
        refused_reason=refused_reason,
        refused_title=MESSAGE_START_REFUSED,
        is_preview=False,
    )
    return TemplateResponse(request, page.get_template(request), context, status=status)


@dataclasses.dataclass(frozen=True)
class HistoryRow:
    attempt: Attempt
    url: str  # its result, or the form while in progress


def _history(request, page, state) -> list[HistoryRow]:
    rows = []
    for attempt in state.attempts:
        name = "result" if attempt.is_graded else "attempt"
        rows.append(HistoryRow(attempt, _url(request, page, name, attempt.number)))
    return rows


def quiz_preview(request, page):
    """The admin's preview: the quiz's page as an ambassador who has not started it sees
    it, then its questions as the attempt's form shows them — built from the edited
    (draft) questions, without any answer key, and with a submit button that does
    nothing."""
    request.is_preview = True
    progress = lms_selectors.step_preview(step=page)
    state = selectors.QuizState(
        quiz=page, attempts=[], in_progress=None, best=None, start=Gate(True), next_at=None
    )
    context = _context(
        request,
        page,
        progress,
        state=state,
        attempts_left=selectors.attempts_left_text(state),
        start_url="",
        resume_url="",
        history=[],
        refused_reason="",
        is_preview=True,
        questions=preview_questions(page),
    )
    return _never_cache(TemplateResponse(request, page.get_template(request), context))


def preview_questions(page) -> list[selectors.QuestionView]:
    """The page's questions as they stand in the editor, frozen like an attempt's (but
    not saved) and turned into the form's question views: texts and choices, no key."""
    frozen = versions.freeze(page.questions)
    # A question or choice just added in the editor may have no id yet (frozen as "" or
    # "None"): the form's fields need unique ones.
    _unique_ids(frozen, prefix="preview")
    for question in frozen:
        _unique_ids(question.get("choices", []), prefix=question["id"])
    attempt = Attempt(
        version=QuizVersion(questions=frozen),
        question_order=[question["id"] for question in frozen],
        choice_order={},
    )
    return selectors.attempt_questions(attempt, responses={})


def _unique_ids(items: list[dict], *, prefix: str) -> None:
    seen = set()
    for index, item in enumerate(items, start=1):
        if item["id"] in ("", "None") or item["id"] in seen:
            item["id"] = f"{prefix}-{index}"
        seen.add(item["id"])


# --- Starting ------------------------------------------------------------------------------


def attempt_start(request, page):
    """Start an attempt, or resume the one in progress (POST only), then go to its form.
    When no attempt may start now (attempts used, cooldown), the quiz's page says why
    (403): the rule is enforced here, whatever the page showed."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    refused, progress = _refusal(request, page)
    if refused is not None:
        return refused
    try:
        attempt = services.attempt_start(user=request.user, quiz=page)
    except services.AttemptRefused as refusal:
        return _never_cache(
            _render_quiz(request, page, progress, status=403, refused_reason=str(refusal.reason))
        )
    return _never_cache(_see_other(_url(request, page, "attempt", attempt.number)))


# --- The attempt's form ------------------------------------------------------------------------


def attempt(request, page, number: int):
    """The attempt's form, with the answers saved so far. A graded attempt goes to its
    result; an overdue one is closed first (graded with its saved answers)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    refused, progress = _refusal(request, page)
    if refused is not None:
        return refused
    current = _attempt_or_404(request, page, number)
    if current.is_graded:
        return _never_cache(redirect(_url(request, page, "result", number)))
    if services.is_overdue(current):
        if services.attempt_close(attempt=current, by=ClosedBy.TIME_UP):
            messages.warning(request, services.ERROR_TIME_UP)
        return _never_cache(redirect(_url(request, page, "result", number)))
    return _never_cache(_render_attempt(request, page, progress, current))


def _render_attempt(request, page, progress, current, *, posted=None, errors=None, status=200):
    errors = errors or {}
    questions = selectors.attempt_questions(current, posted=posted, errors=errors)
    # Saved numbers as the person would write them; what a refused form sent, as sent.
    questions = [
        dataclasses.replace(question, value=_number(question.value))
        if question.value and (posted is None or question.field_name not in posted)
        else question
        for question in questions
    ]
    now = timezone.now()
    seconds_left = (
        max(0, int((current.deadline - now).total_seconds())) if current.deadline else None
    )
    context = _context(
        request,
        page,
        progress,
        attempt=current,
        questions=questions,
        question_errors=[question for question in questions if question.error],
        form_error=errors.get("", ""),
        has_errors=bool(errors),
        save_url=_url(request, page, "save", current.number),
        submit_url=_url(request, page, "submit", current.number),
        seconds_left=seconds_left,
        minutes_left=(seconds_left + 59) // 60 if seconds_left is not None else None,
    )
    return TemplateResponse(request, ATTEMPT_TEMPLATE, context, status=status)


def attempt_save(request, page, number: int):
    """Autosave (POST, from the page's script): save the answers sent, all or nothing.

    JSON: 200 ``{"saved": n, "saved_at": iso, "message": "Saved at 14:32"}``; 400
    ``{"errors": {question id: message}}`` ("" for the form as a whole: nothing was
    saved); 409 ``{"error": message, "result_url": url}`` once the attempt is closed;
    403 ``{"error": message}`` when the person may not answer (any more)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return _json({"error": str(ERROR_SIGNED_OUT)}, status=403)
    gate, _progress = selectors.quiz_gate(user=request.user, quiz=page)
    if not gate.allowed:
        return _json({"error": gate.reason}, status=403)
    current = selectors.attempt_of(user=request.user, quiz=page, number=number)
    if current is None:
        return _json({"error": str(ERROR_NO_SUCH_ATTEMPT)}, status=404)
    now = timezone.now()
    try:
        saved = services.answers_save(attempt=current, data=_fields(request), now=now)
    except services.AnswersInvalid as invalid:
        return _json({"errors": {key: str(value) for key, value in invalid.errors.items()}}, 400)
    except services.AttemptClosed as closed:
        result_url = _url(request, page, "result", number)
        return _json({"error": str(closed.reason), "result_url": result_url}, status=409)
    local = timezone.localtime(now)
    return _json(
        {
            "saved": saved,
            "saved_at": local.isoformat(),
            "message": str(MESSAGE_SAVED_AT) % {"time": date_format(local, "H:i")},
        }
    )


def _json(data: dict, status: int = 200) -> JsonResponse:
    return _never_cache(JsonResponse(data, status=status))


# --- Submitting and the result ---------------------------------------------------------------


def attempt_submit(request, page, number: int):
    """Submit the whole form (POST): save the answers and grade the attempt, once. A
    second submission returns the same result; answers that cannot be saved bring the
    form back (400) with each message next to its question and what was sent kept."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    refused, progress = _refusal(request, page)
    if refused is not None:
        return refused
    current = _attempt_or_404(request, page, number)
    result_url = _url(request, page, "result", number)
    if current.is_graded:
        return _never_cache(_see_other(result_url))  # a replay: the same result
    data = _fields(request)
    try:
        graded, graded_now = services.attempt_submit(attempt=current, data=data)
    except services.AnswersInvalid as invalid:
        if not services.is_overdue(current):
            return _never_cache(
                _render_attempt(
                    request, page, progress, current, posted=data, errors=invalid.errors, status=400
                )
            )
        # Too late to correct anything: graded with the answers saved in time.
        graded_now = services.attempt_close(attempt=current, by=ClosedBy.TIME_UP)
        if graded_now:
            messages.warning(request, services.ERROR_TIME_UP)
    else:
        if graded_now and graded.closed_by == ClosedBy.TIME_UP:
            messages.warning(request, services.ERROR_TIME_UP)
    return _never_cache(_see_other(result_url))


def _see_other(url: str):
    response = redirect(url)
    response.status_code = 303  # after a POST, the result is fetched with GET
    return response


def attempt_result(request, page, number: int):
    """The result of a graded attempt: the score, passed or not, the review the quiz's
    policy allows, the attempts so far and when the next one is possible. An attempt
    still in progress goes back to its form, unless it is overdue: then it is closed."""
    refused, progress = _refusal(request, page)
    if refused is not None:
        return refused
    current = _attempt_or_404(request, page, number)
    if not current.is_graded:
        if not services.is_overdue(current):
            return _never_cache(redirect(_url(request, page, "attempt", number)))
        if services.attempt_close(attempt=current, by=ClosedBy.TIME_UP):
            messages.warning(request, services.ERROR_TIME_UP)
        current = _attempt_or_404(request, page, number)
        # The quiz's step may just have been completed by this grade.
        progress = lms_selectors.course_progress(user=request.user, course=progress.course)
    state = selectors.quiz_state(user=request.user, quiz=page)
    review = selectors.attempt_review(current, state=state)
    review.questions = [
        dataclasses.replace(
            question,
            value=_number(question.value),
            right_value=_number(question.right_value),
            tolerance=_number(question.tolerance),
        )
        for question in review.questions
    ]
    unanswered = {
        question.number
        for question in review.questions
        if not question.value and not any(choice.selected for choice in question.choices)
    }
    _previous, following = progress.neighbours(page) if progress else (None, None)
    context = _context(
        request,
        page,
        progress,
        attempt=current,
        review=review,
        state=state,
        attempts_left=selectors.attempts_left_text(state),
        history=_history(request, page, state),
        start_url=_url(request, page, "start"),
        resume_url=(
            _url(request, page, "attempt", state.in_progress.number) if state.in_progress else ""
        ),
        next_step=following,
        unanswered=unanswered,
    )
    return _never_cache(TemplateResponse(request, RESULT_TEMPLATE, context))

"""The ambassador's pages of missions, served through the pages' routes.

- `/missions/` (`MissionIndexPage`): upcoming missions, filters (kind, month, country,
  "open to me"), each with whether I can sign up and, if not, exactly why;
- a mission (`MissionPage`): its details, briefing, seats, my sign-up and the one thing
  to do now — sign up, cancel — or why not;
- `inscription/` (POST) signs up through `services.signup_create`, which asks the gate
  again under the mission's lock; `annulation/` (GET asks, POST cancels).

A refusal re-renders the mission with the reason (403), bad input with the form's errors
(400). Pages that show a person's own standing are never cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from home.languages import language_names
from home.models import Sector
from home.selectors import is_staff_member, profile_for

from . import selectors, services
from .forms import CancelForm, SignupForm
from .models import MissionKind, SelectionMode, SignupStatus

MISSION_TEMPLATE = "briefings/mission_page.html"
CANCEL_TEMPLATE = "briefings/cancel.html"

MESSAGES = {
    SignupStatus.CONFIRMED: _("You are signed up: your seat is confirmed."),
    SignupStatus.WAITLISTED: _(
        "The mission is full: you are on the waiting list, in position %(position)s. "
        "We will email you if a seat frees up."
    ),
    SignupStatus.PENDING: _(
        "Your sign-up is received: the staff select the participants and will email you "
        "their decision."
    ),
}
MESSAGE_CANCELLED = _("Your sign-up is cancelled.")


def personal(request, response):
    """Pages that show someone's own standing must never be stored by a cache."""
    if request.user.is_authenticated:
        add_never_cache_headers(response)
    return response


def _route(request, page, name: str) -> str:
    return page.get_url(request) + page.reverse_subpage(name)


# --- /missions/ ---------------------------------------------------------------------------


def _filters(request) -> selectors.MissionFilters:
    kind = request.GET.get("kind", "")
    country = request.GET.get("country", "").upper()
    month = request.GET.get("month", "")
    return selectors.MissionFilters(
        kind=kind if kind in MissionKind.values else "",
        country=country if country in countries else "",
        month=month if selectors.month_range(month) else "",
        open_to_me=request.GET.get("open") == "1" and request.user.is_authenticated,
    )


def index_context(request, index) -> dict:
    filters = _filters(request)
    upcoming = list(selectors.upcoming_missions(index))
    choices = selectors.filter_choices(upcoming)
    return {
        "cards": selectors.mission_cards(user=request.user, filters=filters, missions=upcoming),
        "filters": filters,
        "filtered": bool(filters.kind or filters.month or filters.country or filters.open_to_me),
        "kind_choices": MissionKind.choices,
        "month_choices": [(m, _month_label(m)) for m in choices["months"]],
        "country_choices": [(code, countries.name(code)) for code in choices["countries"]],
    }


def _month_label(month: str) -> str:
    from django.utils.formats import date_format

    start, _end = selectors.month_range(month)
    return date_format(start, "YEAR_MONTH_FORMAT")


# --- A mission ----------------------------------------------------------------------------


def _mission_context(request, page, *, form=None, refused_reason: str = "") -> dict:
    user = request.user
    now = timezone.now()
    context = page.get_context(request)
    gate_ctx = selectors.gate_context(user=user, missions=[page], now=now)
    gate = selectors.signup_gate(user=user, mission=page, context=gate_ctx)
    seats = gate_ctx.seats[page.pk]
    signup = gate.signup
    confirmed = signup is not None and signup.status in (
        SignupStatus.CONFIRMED,
        SignupStatus.ATTENDED,
        SignupStatus.NO_SHOW,
    )
    # Ambassadors (their profile comes with the user) are not asked for staff
    # permissions: two queries saved on every page they open. The pack's own view
    # decides for everyone (`pack.pack_access`).
    staff = (
        not confirmed
        and user.is_authenticated
        and profile_for(user) is None
        and is_staff_member(user)
    )
    if form is None and gate.allowed:
        form = SignupForm(
            needs_acknowledgement=bool(page.briefing),
            initial={"listed": _directory_consent(user)},
        )
    context.update(
        {
            "gate": gate,
            "seats": seats,
            "signup": signup,
            "position": selectors.waitlist_position(signup) if signup else None,
            "form": form,
            "refused_reason": refused_reason,
            "is_first_come": page.selection_mode == SelectionMode.FIRST_COME,
            "can_cancel": signup is not None
            and signup.status in services.RELEASABLE
            and now < page.cancellable_until,
            "cancel_closed": signup is not None
            and signup.status in services.RELEASABLE
            and now >= page.cancellable_until,
            "contact": services.contact_of(page),
            "show_briefing": True,
            "may_download": confirmed or staff,
            "signup_url": _route(request, page, "signup"),
            "cancel_url": _route(request, page, "cancel"),
            "ics_url": _route(request, page, "ics"),
            "pack_url": _route(request, page, "pack"),
            "languages": language_names(page.languages or []),
            "sectors": [Sector(code).label for code in page.sectors or [] if code in Sector.values],
            "local_starts": page.local(page.starts_at),
            "local_ends": page.local(page.ends_at),
            "local_cancellable_until": page.local(page.cancellable_until),
            "local_signup_closes": page.local(page.signup_closes),
            "abroad_zone": page.time_zone
            if page.time_zone != timezone.get_current_timezone_name()
            else "",
            "now": now,
        }
    )
    return context


def _directory_consent(user) -> bool:
    profile = getattr(user, "ambassador_profile", None) if user.is_authenticated else None
    return bool(profile and profile.consent_directory)


def mission(request, page):
    return personal(
        request, TemplateResponse(request, MISSION_TEMPLATE, _mission_context(request, page))
    )


def mission_preview(request, page):
    request.is_preview = True
    context = _mission_context(request, page)
    context["form"] = None
    context["gate"] = selectors.MissionGate(False)
    return TemplateResponse(request, MISSION_TEMPLATE, context)


def signup(request, page):
    """POST: sign up. The gate decides again on the server (a forged request by someone
    who may not sign up is refused with the reason, 403); bad input re-renders the form
    with its errors (400) and keeps what was typed."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(page.get_url(request))
    form = SignupForm(request.POST, needs_acknowledgement=bool(page.briefing))
    if not form.is_valid():
        context = _mission_context(request, page, form=form)
        return personal(request, TemplateResponse(request, MISSION_TEMPLATE, context, status=400))
    try:
        signup = services.signup_create(
            user=request.user,
            mission=page,
            motivation=form.cleaned_data["motivation"],
            listed=form.cleaned_data["listed"],
            acknowledged=bool(form.cleaned_data.get("acknowledge")),
        )
    except services.SignupRefused as refusal:
        context = _mission_context(request, page, refused_reason=refusal.reason)
        context["form"] = None
        return personal(request, TemplateResponse(request, MISSION_TEMPLATE, context, status=403))
    message = MESSAGES[SignupStatus(signup.status)]
    if signup.status == SignupStatus.WAITLISTED:
        message = str(message) % {"position": selectors.waitlist_position(signup)}
    messages.success(request, message)
    return redirect(page.get_url(request))


def cancel(request, page):
    """GET: ask to confirm; POST: cancel my sign-up. Only my own live sign-up exists here
    (nobody can see or cancel another's); after the deadline the page says whom to
    write to."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    signup = (
        page.signups.filter(user=request.user, status__in=services.RELEASABLE)
        .select_related("user", "mission")
        .first()
    )
    if signup is None:
        messages.info(request, _("You have no sign-up to cancel for this mission."))
        return redirect(page.get_url(request))
    # Bound on every POST, even an empty one (an unticked box sends nothing).
    form = CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    refusal = ""
    if request.method == "POST":
        if form.is_valid():
            signup.mission = page
            try:
                services.signup_cancel(signup=signup, actor=request.user)
            except services.SignupRefused as refused:
                refusal, status = refused.reason, 403
            else:
                messages.success(request, MESSAGE_CANCELLED)
                return redirect(page.get_url(request))
        else:
            status = 400
    context = page.get_context(request)
    context.update(
        {
            "signup": signup,
            "form": form,
            "refusal": refusal,
            "deadline_passed": timezone.now() >= page.cancellable_until,
            "local_cancellable_until": page.local(page.cancellable_until),
            "contact": services.contact_of(page),
            "cancel_url": _route(request, page, "cancel"),
        }
    )
    return personal(request, TemplateResponse(request, CANCEL_TEMPLATE, context, status=status))

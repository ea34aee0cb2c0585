"""The staff's pages about missions in the Wagtail admin (registered in `admin_hooks.py`):

- "Missions" (``mission_rosters:index``, its own menu entry): the upcoming and recently
  ended missions with their seats and how many are confirmed, waitlisted and pending,
  each linking to its roster;
- a mission's roster (``mission_rosters:roster``, also the "Participants" button of the
  mission's edit header and of the page listing): confirmed, waitlisted (in queue order,
  with positions), pending selection, declined, cancelled, and once the mission started
  attended and no-show; the staff's actions on it, the roster's recent history and its
  CSV export (``?export=csv``);
- one POST-only view per action (confirm, put on the waiting list, decline, cancel, add
  a participant, mark attendance, email participants), each through `services`, which
  lock the mission, log the change on its history (who and when) and tell the person.
  A refused change comes back as an admin message, never as an error page.

Every permission decision goes through `roster_staff_may`: the roster is the
ambassadors' data and their sign-ups' fate, so it takes `briefings.manage_roster`, and
some permission on the mission's page (the page tree's own say on who handles it).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.pages import PagePermissionPolicy

from home.admin_views import NO, YES, Action, StaffReadMixin, export_time, staff_may
from home.models import User

from . import selectors, services
from .models import SEATED_STATUSES, MissionPage, Signup, SignupStatus

MANAGE_ROSTER = "briefings.manage_roster"
# Any of these on the mission's page (or above it) lets a user reach the page in the
# explorer; the roster asks for the same.
PAGE_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}
# The missions list shows those that ended up to this long ago (attendance to mark,
# thank-you emails to send).
RECENT = datetime.timedelta(days=90)
HISTORY_LENGTH = 20


# --- Permissions ----------------------------------------------------------------------


def roster_staff_may(user, mission: MissionPage | None = None) -> bool:
    """May this user see and manage rosters (of `mission`, when given)? The one place
    that decides: views check it on the server, menus and buttons hide what it
    refuses. Ambassadors never may (no admin access)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not (user.has_perm("wagtailadmin.access_admin") and user.has_perm(MANAGE_ROSTER)):
        return False
    if mission is None:
        return True
    # Read from the permissions Wagtail caches on the user for the request: no query
    # once the admin's menus have asked.
    return PagePermissionPolicy().user_has_any_permission_for_instance(user, PAGE_ACTIONS, mission)


# --- Display helpers ------------------------------------------------------------------


def person_name(user) -> str:
    return user.get_full_name() or user.email


def _date(value) -> str:
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def mission_when(mission: MissionPage) -> str:
    """The mission's start in its own time zone (named when it is not the site's)."""
    text = formats.date_format(mission.local(mission.starts_at), "DATETIME_FORMAT")
    if mission.zone.key != timezone.get_default_timezone_name():
        text = f"{text} ({mission.zone.key.replace('_', ' ')})"
    return text


def yes_no(value: bool) -> str:
    return str(YES if value else NO)


def roster_url(mission_id: int) -> str:
    return reverse("mission_rosters:roster", args=[mission_id])


# --- The missions list ----------------------------------------------------------------


@dataclass
class MissionRow:
    mission: MissionPage
    seats: selectors.Seats
    when: str
    url: str
    edit_url: str


def mission_rows(*, user, now=None) -> tuple[list[MissionRow], list[MissionRow]]:
    """The upcoming missions (soonest first) and those ended within `RECENT` (latest
    first), drafts included, that `user` may manage, with their counts. Two queries
    (`selectors.roster_missions`, then `selectors.seat_counts`) whatever their number."""
    now = now or timezone.now()
    missions = [
        mission
        for mission in selectors.roster_missions(ending_from=now - RECENT)
        if roster_staff_may(user, mission)
    ]
    counts = selectors.seat_counts(
        [mission.pk for mission in missions], {mission.pk: mission.seats for mission in missions}
    )
    upcoming, recent = [], []
    for mission in missions:
        row = MissionRow(
            mission=mission,
            seats=counts[mission.pk],
            when=mission_when(mission),
            url=roster_url(mission.pk),
            edit_url=reverse("wagtailadmin_pages:edit", args=[mission.pk]),
        )
        (upcoming if mission.ends_at > now else recent).append(row)
    recent.reverse()
    return upcoming, recent


class MissionListView(StaffReadMixin, WagtailAdminTemplateMixin, TemplateView):
    """“Missions”: the upcoming and recent missions with their counts."""

    template_name = "briefings/admin/missions.html"
    page_title = gettext_lazy("Missions")
    header_icon = "date"

    def staff_allowed(self, user, action) -> bool:
        return roster_staff_may(user)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming, recent = mission_rows(user=self.request.user)
        context.update(upcoming=upcoming, recent=recent, recent_days=RECENT.days)
        return context


class MissionsMenuItem(MenuItem):
    def is_shown(self, request):
        return roster_staff_may(request.user)


def menu_item() -> MenuItem:
    return MissionsMenuItem(
        gettext_lazy("Missions"),
        reverse("mission_rosters:index"),
        name="missions",
        icon_name="date",
        order=160,
    )


# --- The roster: what it shows --------------------------------------------------------


@dataclass
class RosterEntry:
    signup: Signup
    name: str
    fiche_url: str
    organisation: str
    position: int | None = None
    actions: list[dict] = field(default_factory=list)


@dataclass
class RosterSection:
    status: str
    label: Any
    entries: list[RosterEntry] = field(default_factory=list)


# The roster's sections, in the order staff read them.
SECTION_ORDER = (
    SignupStatus.CONFIRMED,
    SignupStatus.WAITLISTED,
    SignupStatus.PENDING,
    SignupStatus.ATTENDED,
    SignupStatus.NO_SHOW,
    SignupStatus.DECLINED,
    SignupStatus.CANCELLED,
)
# Shown once the mission has started (or when someone is in them).
AFTER_START = (SignupStatus.ATTENDED, SignupStatus.NO_SHOW)


def roster_sections(
    mission: MissionPage, signups: list[Signup], *, fiche_links: bool, now
) -> list[RosterSection]:
    """The sign-ups by status, each with what the roster shows; the waiting list's
    positions are counted here (its sign-ups come in queue order). No query."""
    sections = {
        status: RosterSection(status, SignupStatus(status).label) for status in SECTION_ORDER
    }
    position = 0
    for signup in signups:
        profile = getattr(signup.user, "ambassador_profile", None)
        entry = RosterEntry(
            signup=signup,
            name=person_name(signup.user),
            fiche_url=reverse("ambassadors:inspect", args=[quote(profile.pk)])
            if fiche_links and profile is not None
            else "",
            organisation=profile.organisation if profile is not None else "",
        )
        if signup.status == SignupStatus.WAITLISTED:
            position += 1
            entry.position = position
        sections[signup.status].entries.append(entry)
    started = now >= mission.starts_at
    return [
        section
        for status, section in sections.items()
        if status not in AFTER_START or started or section.entries
    ]


def roster_history(mission: MissionPage, limit: int = HISTORY_LENGTH) -> list[dict[str, str]]:
    """The roster's latest changes on the mission's history (who, when, about whom,
    what): one query (`selectors.roster_log_entries`)."""
    rows = []
    for entry in selectors.roster_log_entries(mission, limit=limit):
        data = entry.data or {}
        rows.append(
            {
                "when": _date(entry.timestamp),
                "what": str(services.LOG_ACTIONS.get(entry.action, entry.action)),
                "who": person_name(entry.user) if entry.user else _("Automatic"),
                "about": data.get("ambassador_name", ""),
                "details": _history_details(entry.action, data),
            }
        )
    return rows


def _status_label(value: str) -> str:
    try:
        return str(SignupStatus(value).label)
    except ValueError:
        return value


def _history_details(action: str, data: dict) -> str:
    if action == "briefings.message":
        statuses = ", ".join(_status_label(status) for status in data.get("statuses", []))
        return ngettext(
            "“%(subject)s” to %(count)s person (%(statuses)s)",
            "“%(subject)s” to %(count)s people (%(statuses)s)",
            data.get("count", 0),
        ) % {
            "subject": data.get("subject", ""),
            "count": data.get("count", 0),
            "statuses": statuses,
        }
    parts = []
    if data.get("before") and data.get("status"):
        parts.append(f"{_status_label(data['before'])} → {_status_label(data['status'])}")
    elif data.get("status"):
        parts.append(_status_label(data["status"]))
    if data.get("note"):
        parts.append(data["note"])
    return " — ".join(parts)


# --- The roster: its forms ------------------------------------------------------------


class NoteForm(forms.Form):
    """Declining or cancelling: an optional word to the person, in their email."""

    note = forms.CharField(
        label=gettext_lazy("Note to the person (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EmptyForm(forms.Form):
    pass


class AddParticipantForm(forms.Form):
    """Add an active ambassador not yet signed up (`choices`: from `add_candidates`)."""

    user = forms.TypedChoiceField(label=gettext_lazy("Ambassador"), coerce=int)

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "---------"), *choices]


def add_candidates(mission: MissionPage, *, now) -> list[tuple[int, str]]:
    """The choices of `AddParticipantForm`: `selectors.roster_candidates`, each labelled
    with their organisation and email, and flagged when they lack a required badge (the
    staff may add them anyway). Four queries at most, whatever their number."""
    choices = []
    for person, eligible in selectors.roster_candidates(mission=mission, now=now):
        label = person_name(person)
        if person.ambassador_profile.organisation:
            label = f"{label} — {person.ambassador_profile.organisation}"
        label = f"{label} ({person.email})"
        if not eligible:
            label = _("%(label)s — without the required badges") % {"label": label}
        choices.append((person.pk, label))
    return choices


EMAIL_STATUSES = (
    SignupStatus.CONFIRMED,
    SignupStatus.WAITLISTED,
    SignupStatus.PENDING,
    SignupStatus.ATTENDED,
)


class ParticipantsEmailForm(forms.Form):
    statuses = forms.MultipleChoiceField(
        label=gettext_lazy("To"),
        choices=[(str(status), status.label) for status in EMAIL_STATUSES],
        widget=forms.CheckboxSelectMultiple,
        initial=[SignupStatus.CONFIRMED],
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    message = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Sent to each person separately, with a link to the mission's page."
        ),
    )


ATTENDED = "attended"
NO_SHOW = "no_show"


class AttendanceForm(forms.Form):
    """One radio (came / did not come) per seated person: confirmed, or already marked
    (to correct). A person left unanswered stays as they are."""

    def __init__(self, *args, signups: list[Signup], **kwargs):
        super().__init__(*args, **kwargs)
        self.signups = signups
        for signup in signups:
            initial = {SignupStatus.ATTENDED: ATTENDED, SignupStatus.NO_SHOW: NO_SHOW}.get(
                signup.status
            )
            self.fields[self.field_name(signup)] = forms.ChoiceField(
                label=person_name(signup.user),
                choices=[(ATTENDED, _("Came")), (NO_SHOW, _("Did not come"))],
                widget=forms.RadioSelect,
                required=False,
                initial=initial,
            )

    @staticmethod
    def field_name(signup: Signup) -> str:
        return f"signup-{signup.pk}"

    def rows(self) -> list[tuple[Signup, forms.BoundField]]:
        return [(signup, self[self.field_name(signup)]) for signup in self.signups]

    def attended(self) -> dict[int, bool]:
        return {
            signup.pk: self.cleaned_data[self.field_name(signup)] == ATTENDED
            for signup in self.signups
            if self.cleaned_data.get(self.field_name(signup))
        }


# --- The roster: the page -------------------------------------------------------------


class RosterMixin(StaffReadMixin, WagtailAdminTemplateMixin):
    """The mission named in the URL, for whom `roster_staff_may` lets manage it."""

    header_icon = "group"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.mission = get_object_or_404(
            MissionPage.objects.defer_streamfields(), pk=kwargs["page_id"]
        )
        self.now = timezone.now()

    def staff_allowed(self, user, action) -> bool:
        return roster_staff_may(user, self.mission)

    @cached_property
    def roster_url(self) -> str:
        return roster_url(self.mission.pk)

    def action_url(self, name: str, signup: Signup | None = None) -> str:
        if signup is None:
            return reverse(f"mission_rosters:{name}", args=[self.mission.pk])
        return reverse(f"mission_rosters:{name}", args=[self.mission.pk, signup.pk])


class RosterView(RosterMixin, TemplateView):
    """A mission's roster, its actions and recent history (``?export=csv``: the CSV)."""

    template_name = "briefings/admin/roster.html"
    page_title = gettext_lazy("Participants")

    def get_page_subtitle(self):
        return self.mission.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("mission_rosters:index"), "label": _("Missions")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Download CSV"),
                url=f"{self.roster_url}?export=csv",
                icon_name="download",
                priority=10,
            ),
            HeaderButton(
                _("Edit the mission"),
                url=reverse("wagtailadmin_pages:edit", args=[self.mission.pk]),
                icon_name="edit",
                priority=20,
            ),
        ]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, bound: tuple[str, forms.Form] | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        signups = selectors.roster_signups(self.mission)
        sections = roster_sections(
            self.mission,
            signups,
            fiche_links=staff_may(self.request.user, Action.VIEW),
            now=self.now,
        )
        seated = [s for s in signups if s.status in SEATED_STATUSES]
        started = self.now >= self.mission.starts_at
        forms_ = {
            "add": AddParticipantForm(
                choices=add_candidates(self.mission, now=self.now), auto_id="id_add_%s"
            ),
            "email": ParticipantsEmailForm(auto_id="id_email_%s"),
            "attendance": AttendanceForm(signups=seated, auto_id="id_attendance_%s"),
        }
        if bound is not None:
            forms_[bound[0]] = bound[1]
        counts = selectors.Seats(
            seats=self.mission.seats,
            seated=len(seated),
            waitlisted=sum(s.status == SignupStatus.WAITLISTED for s in signups),
            pending=sum(s.status == SignupStatus.PENDING for s in signups),
        )
        self.add_actions(sections)
        context.update(
            mission=self.mission,
            when=mission_when(self.mission),
            counts=counts,
            sections=sections,
            started=started,
            add_form=forms_["add"],
            email_form=forms_["email"],
            attendance_form=forms_["attendance"],
            attendance_rows=forms_["attendance"].rows() if started else [],
            urls={
                "add": self.action_url("add"),
                "email": self.action_url("email"),
                "attendance": self.action_url("attendance"),
            },
            history=roster_history(self.mission),
            history_url=reverse("wagtailadmin_pages:history", args=[self.mission.pk]),
        )
        return context

    def add_actions(self, sections: list[RosterSection]) -> None:
        """Give each sign-up the buttons its status allows."""
        offered = {
            SignupStatus.PENDING: ("confirm", "waitlist", "decline"),
            SignupStatus.WAITLISTED: ("confirm", "decline", "cancel"),
            SignupStatus.CONFIRMED: ("cancel",),
        }
        for section in sections:
            for entry in section.entries:
                entry.actions = [
                    {
                        **SIGNUP_ACTIONS[name].template_data(),
                        "url": self.action_url(name, entry.signup),
                    }
                    for name in offered.get(entry.signup.status, ())
                ]

    # --- CSV ------------------------------------------------------------------------

    def csv_response(self) -> HttpResponse:
        signups = selectors.roster_signups(self.mission)
        sections = roster_sections(self.mission, signups, fiche_links=False, now=self.now)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"participants-{self.mission.slug}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow([str(heading) for heading in CSV_HEADINGS.values()])
        for section in sections:
            for entry in section.entries:
                writer.writerow([CSV_HEADINGS_VALUES[name](entry) for name in CSV_HEADINGS])
        return response


CSV_HEADINGS = {
    "last_name": gettext_lazy("Last name"),
    "first_name": gettext_lazy("First name"),
    "email": gettext_lazy("Email address"),
    "organisation": gettext_lazy("Organisation"),
    "status": gettext_lazy("Status"),
    "position": gettext_lazy("Position on the waiting list"),
    "motivation": gettext_lazy("Motivation"),
    "listed": gettext_lazy("Listed in the briefing pack"),
    "acknowledged_at": gettext_lazy("Briefing acknowledged at"),
    "created_at": gettext_lazy("Signed up at"),
    "status_changed_at": gettext_lazy("Status changed at"),
    "note": gettext_lazy("Note"),
}
CSV_HEADINGS_VALUES: dict[str, Callable[[RosterEntry], Any]] = {
    "last_name": lambda e: e.signup.user.last_name,
    "first_name": lambda e: e.signup.user.first_name,
    "email": lambda e: e.signup.user.email,
    "organisation": lambda e: e.organisation,
    "status": lambda e: e.signup.get_status_display(),
    "position": lambda e: e.position or "",
    "motivation": lambda e: e.signup.motivation,
    "listed": lambda e: yes_no(e.signup.listed),
    "acknowledged_at": lambda e: export_time(e.signup.briefing_acknowledged_at),
    "created_at": lambda e: export_time(e.signup.created_at),
    "status_changed_at": lambda e: export_time(e.signup.status_changed_at),
    "note": lambda e: e.signup.status_note,
}


# --- The roster: its actions ----------------------------------------------------------


@dataclass(frozen=True)
class SignupAction:
    """A button on one sign-up: its form and the service it calls."""

    name: str
    label: Any
    form_class: type[forms.Form]
    perform: Callable[..., Any]
    success_message: Any
    classname: str = "button button-small"

    def template_data(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "classname": self.classname,
            "with_note": self.form_class is NoteForm,
        }


SIGNUP_ACTIONS: dict[str, SignupAction] = {
    action.name: action
    for action in (
        SignupAction(
            name="confirm",
            label=gettext_lazy("Confirm"),
            form_class=EmptyForm,
            perform=lambda signup, actor, data: services.signup_confirm(signup=signup, actor=actor),
            success_message=gettext_lazy("%(name)s is confirmed and was told by email."),
        ),
        SignupAction(
            name="waitlist",
            label=gettext_lazy("Put on the waiting list"),
            form_class=EmptyForm,
            perform=lambda signup, actor, data: services.signup_waitlist(
                signup=signup, actor=actor
            ),
            success_message=gettext_lazy("%(name)s is on the waiting list and was told by email."),
            classname="button button-small button-secondary",
        ),
        SignupAction(
            name="decline",
            label=gettext_lazy("Decline"),
            form_class=NoteForm,
            perform=lambda signup, actor, data: services.signup_decline(
                signup=signup, actor=actor, note=data["note"].strip()
            ),
            success_message=gettext_lazy("%(name)s's sign-up is declined and they were told."),
            classname="button button-small no",
        ),
        SignupAction(
            name="cancel",
            label=gettext_lazy("Cancel the sign-up"),
            form_class=NoteForm,
            perform=lambda signup, actor, data: services.signup_cancel(
                signup=signup, actor=actor, note=data["note"].strip()
            ),
            success_message=gettext_lazy("%(name)s's sign-up is cancelled and they were told."),
            classname="button button-small no",
        ),
    )
}

ERROR_FORM = gettext_lazy("Nothing was changed: correct the form below.")
MESSAGE_ADDED = gettext_lazy("%(name)s is added (%(status)s) and was told by email.")
MESSAGE_ATTENDANCE = gettext_lazy("Attendance saved.")
MESSAGE_NOBODY = gettext_lazy("Nobody is in these lists: no email was sent.")


class RosterActionView(RosterView):
    """POST-only: one change to the roster, then back to it with a message. A refused
    change (`services.SignupRefused`) says why."""

    http_method_names = ["post"]

    def done(self):
        return redirect(self.roster_url)

    def invalid(self, name: str, form: forms.Form):
        messages.error(self.request, ERROR_FORM)
        return self.render_to_response(self.get_context_data(bound=(name, form)))


class SignupActionView(RosterActionView):
    action_name = ""

    def post(self, request, *args, **kwargs):
        action = SIGNUP_ACTIONS[self.action_name]
        signup = get_object_or_404(
            Signup.objects.select_related("user", "mission"),
            pk=kwargs["signup_id"],
            mission_id=self.mission.pk,
        )
        form = action.form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.done()
        try:
            action.perform(signup, request.user, form.cleaned_data)
        except services.SignupRefused as error:
            messages.error(request, error.reason)
        else:
            messages.success(request, action.success_message % {"name": person_name(signup.user)})
        return self.done()


class AddParticipantView(RosterActionView):
    def post(self, request, *args, **kwargs):
        form = AddParticipantForm(
            request.POST, choices=add_candidates(self.mission, now=self.now), auto_id="id_add_%s"
        )
        if not form.is_valid():
            return self.invalid("add", form)
        person = get_object_or_404(User, pk=form.cleaned_data["user"])
        try:
            signup = services.participant_add(mission=self.mission, user=person, actor=request.user)
        except services.SignupRefused as error:
            messages.error(request, error.reason)
        else:
            messages.success(
                request,
                MESSAGE_ADDED
                % {"name": person_name(person), "status": signup.get_status_display()},
            )
        return self.done()


class AttendanceView(RosterActionView):
    def post(self, request, *args, **kwargs):
        seated = [s for s in selectors.roster_signups(self.mission) if s.status in SEATED_STATUSES]
        form = AttendanceForm(request.POST, signups=seated, auto_id="id_attendance_%s")
        if not form.is_valid():
            return self.invalid("attendance", form)
        try:
            changed = services.attendance_mark(
                mission=self.mission, attended=form.attended(), actor=request.user
            )
        except services.SignupRefused as error:
            messages.error(request, error.reason)
        else:
            messages.success(
                request,
                " ".join(
                    (
                        str(MESSAGE_ATTENDANCE),
                        ngettext("%(count)s change.", "%(count)s changes.", changed)
                        % {"count": changed},
                    )
                ),
            )
        return self.done()


class ParticipantsEmailView(RosterActionView):
    def post(self, request, *args, **kwargs):
        form = ParticipantsEmailForm(request.POST, auto_id="id_email_%s")
        if not form.is_valid():
            return self.invalid("email", form)
        data = form.cleaned_data
        sent = services.participants_email(
            mission=self.mission,
            statuses=data["statuses"],
            subject=data["subject"],
            message=data["message"],
            actor=request.user,
        )
        if sent:
            messages.success(
                request,
                ngettext(
                    "Email sent to %(count)s participant.",
                    "Email sent to %(count)s participants.",
                    sent,
                )
                % {"count": sent},
            )
        else:
            messages.warning(request, MESSAGE_NOBODY)
        return self.done()


def _signup_action(name: str):
    return SignupActionView.as_view(action_name=name)


urlpatterns = [
    path("", MissionListView.as_view(), name="index"),
    path("<int:page_id>/participants/", RosterView.as_view(), name="roster"),
    path("<int:page_id>/participants/ajouter/", AddParticipantView.as_view(), name="add"),
    path("<int:page_id>/participants/presences/", AttendanceView.as_view(), name="attendance"),
    path("<int:page_id>/participants/message/", ParticipantsEmailView.as_view(), name="email"),
    *(
        path(
            f"<int:page_id>/participants/<int:signup_id>/{slug}/",
            _signup_action(name),
            name=name,
        )
        for name, slug in (
            ("confirm", "confirmer"),
            ("waitlist", "attente"),
            ("decline", "refuser"),
            ("cancel", "annuler"),
        )
    ),
]


# --- From the mission's page in the admin ---------------------------------------------


class ParticipantsButton(PageMenuItem):
    """“Participants” in a mission page's menus (its edit view's header, the listing)."""

    label = gettext_lazy("Participants")
    icon_name = "group"

    def is_shown(self, user):
        specific_class = self.page.specific_class
        return (
            specific_class is not None
            and issubclass(specific_class, MissionPage)
            and roster_staff_may(user, self.page)
        )

    @cached_property
    def url(self):
        return roster_url(self.page.pk)

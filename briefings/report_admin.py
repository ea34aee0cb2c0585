"""The staff's pipeline of project reports in the Wagtail admin (registered by
`report_admin_hooks` as `ReportViewSet`, under /admin/signalements/, namespace
``report_pipeline``):

- the list (``report_pipeline:index``): every sent report, newest first, with filters
  (status and the open/closed groups, assignee, kind of project, mission,
  confidentiality), search (company, description, reporter) and the CSV/XLSX export;
- a report's page (``report_pipeline:inspect``): its content, the likely duplicate, the
  moves its status allows, its assignment, the notes and feedback, and its history;
- one POST-only view per action (``move``, ``assign``, ``note``), each through
  `report_services`, which log who acted and when. A refused change comes back as an
  admin message, never as an error page.

Who may do what:
- the pipeline takes `briefings.manage_reports` (*Équipe*, *Responsables*), decided by
  `reports_staff_may`; others get Wagtail's refusal;
- a restricted report's content is read only by its assignee and the *Responsables*
  (`report_selectors.may_read_content`). Everyone else sees that it exists, with its
  status, dates and assignee — in the list, on its page, in search (its words never
  match: `report_selectors.readable_filter`) and in exports (status and dates only).
  They may not act on it either: moving it, assigning it or writing on it is refused
  with a message, since each of those needs its content to be done well. Filters on
  content (kind of project, mission) leave it out for them for the same reason, and no
  column sorts by content.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.widgets import AdminDateInput
from wagtail.models import ModelLogEntry

from home.admin_views import (
    NO,
    YES,
    Action,
    StaffListViewSet,
    StaffReadMixin,
    export_time,
    staff_may,
)
from home.models import User

from . import report_selectors, report_services
from .models import (
    CLOSED_REPORT_STATUSES,
    REPORT_TRANSITIONS,
    Confidentiality,
    MissionPage,
    ProjectReport,
    ProjectType,
    ReportStatus,
)
from .report_selectors import MaskedReport

RESTRICTED = gettext_lazy("Restricted report")
ERROR_NOT_READER = gettext_lazy(
    "This report is restricted: only its assignee and the Responsables may act on it."
)
ERROR_FORM = gettext_lazy("Nothing was changed: %(error)s")
MESSAGE_MOVED = gettext_lazy("The report is now “%(status)s”.")
MESSAGE_ASSIGNED = gettext_lazy("Assignment saved.")
MESSAGE_NOTE = gettext_lazy("Internal note added.")
MESSAGE_FEEDBACK = gettext_lazy("Feedback sent to %(name)s.")


# --- Permissions ----------------------------------------------------------------------


def reports_staff_may(user) -> bool:
    """May this user reach the pipeline? The one place that decides (views on the
    server, the menu). What they may read of each report is
    `report_selectors.may_read_content`."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.has_perm("wagtailadmin.access_admin") and report_selectors.may_manage(user)


class ReportStaffMixin(StaffReadMixin):
    def staff_allowed(self, user, action) -> bool:
        return reports_staff_may(user)


def report_staff():
    """The people a report may be assigned to: active users who may qualify reports
    (through a group, directly, or as superusers), by name. One query."""
    permission = Permission.objects.filter(
        content_type__app_label="briefings", codename="manage_reports"
    )
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


# --- Display helpers ------------------------------------------------------------------


def person_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.email


def _date(value) -> str:
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def report_url(report_id: int) -> str:
    return reverse("report_pipeline:inspect", args=[quote(report_id)])


def company_label(item: MaskedReport) -> str:
    if not item.readable:
        return str(RESTRICTED)
    return item.report.company_name or str(
        _("Project report %(number)s") % {"number": item.report.pk}
    )


def duplicate_link(user, item: MaskedReport) -> dict | None:
    """The likely duplicate flagged at sending, as a link labelled with its company —
    or “Restricted report” when `user` may not read that one. None when there is none,
    or when `user` may not read this report (the flag would tell its company)."""
    other = item.report.duplicate_of
    if other is None or not item.readable:
        return None
    readable = report_selectors.may_read_content(user, other)
    return {
        "url": report_url(other.pk),
        "label": company_label(MaskedReport(other, readable)),
    }


def next_step_text(item: MaskedReport) -> str:
    if not item.readable:
        return "—"
    report = item.report
    if report.next_step and report.next_step_on:
        return f"{report.next_step} ({_day(report.next_step_on)})"
    if report.next_step_on:
        return _day(report.next_step_on)
    return report.next_step or "—"


def _content(item: MaskedReport, value: Callable[[ProjectReport], Any]):
    return value(item.report) if item.readable else ""


class DuplicateColumn(Column):
    """The likely duplicate, as a link (see `duplicate_link`)."""

    cell_template_name = "briefings/admin/reports/duplicate_cell.html"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["duplicate"] = duplicate_link(self.user, instance)
        return context


# --- The list -------------------------------------------------------------------------

OPEN = "open"
CLOSED = "closed"
ME = "me"
NOBODY = "nobody"


def status_choices():
    return [
        (OPEN, _("Open")),
        (CLOSED, _("Closed")),
        *((value, label) for value, label in ReportStatus.choices if value != ReportStatus.DRAFT),
    ]


def assignee_choices():
    return [
        (ME, _("Me")),
        (NOBODY, _("Nobody")),
        *((str(user.pk), person_name(user)) for user in report_staff()),
    ]


class MissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class MissionFilter(ModelChoiceFilter):
    field_class = MissionChoiceField


class ReportFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=status_choices,
        method="filter_status",
        empty_label=gettext_lazy("All"),
    )
    assignee = ChoiceFilter(
        label=gettext_lazy("Assignee"),
        choices=assignee_choices,
        method="filter_assignee",
        empty_label=gettext_lazy("All"),
    )
    project_type = ChoiceFilter(
        label=gettext_lazy("Kind of project"),
        choices=ProjectType.choices,
        method="filter_content",
        empty_label=gettext_lazy("All"),
    )
    mission = MissionFilter(
        label=gettext_lazy("Mission"),
        queryset=lambda request: (
            MissionPage.objects.filter(
                pk__in=ProjectReport.objects.exclude(mission=None).values("mission_id")
            )
            .defer_streamfields()
            .order_by("-starts_at")
        ),
        method="filter_content",
        empty_label=gettext_lazy("All"),
    )
    confidentiality = ChoiceFilter(
        label=gettext_lazy("Confidentiality"),
        choices=Confidentiality.choices,
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = ProjectReport
        fields = ["status", "assignee", "project_type", "mission", "confidentiality"]

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(status__in=CLOSED_REPORT_STATUSES)
        if value == CLOSED:
            return queryset.filter(status__in=CLOSED_REPORT_STATUSES)
        return queryset.filter(status=value) if value else queryset

    def filter_assignee(self, queryset, name, value):
        if value == ME:
            return queryset.filter(assignee=self.request.user)
        if value == NOBODY:
            return queryset.filter(assignee=None)
        return queryset.filter(assignee_id=value) if value else queryset

    def filter_content(self, queryset, name, value):
        # A restricted report the user may not read never matches a filter on its
        # content: its row would tell what it is about.
        if not value:
            return queryset
        readable = report_selectors.readable_filter(self.request.user)
        return queryset.filter(readable, **{name: value})


class ReportIndexView(ReportStaffMixin, IndexView):
    """Sent reports, the latest received first; restricted ones masked for those who
    may not read them (`report_selectors.masked`)."""

    def get_base_queryset(self):
        return report_selectors.pipeline(self.request.user)

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        # A stable order for pagination, whatever column was chosen.
        return queryset.order_by(*queryset.query.order_by, "-submitted_at", "-pk")

    def search_queryset(self, queryset):
        """Every word of the query must match the company, the description or the
        reporter's name — of the reports the user may read only, so that a restricted
        report's words never find it for others."""
        if not self.is_searching:
            return queryset
        queryset = queryset.filter(report_selectors.readable_filter(self.request.user))
        for word in self.search_query.split():
            query = Q()
            for name in self.search_fields:
                query |= Q(**{f"{name}__icontains": word})
            queryset = queryset.filter(query)
        return queryset

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get_table(self, object_list):
        return super().get_table(report_selectors.masked(self.request.user, object_list))

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            report_selectors.masked(self.request.user, queryset), spreadsheet_format
        )

    @cached_property
    def columns(self):
        # A plain title column: Wagtail's row buttons would name the report (its `str`).
        return [
            DateColumn("submitted_at", label=_("Received"), sort_key="submitted_at"),
            TitleColumn(
                "company",
                label=_("Company"),
                accessor=company_label,
                get_url=self.get_inspect_url,
            ),
            Column(
                "project_type",
                label=_("Kind of project"),
                accessor=lambda item: _content(item, ProjectReport.get_project_type_display),
            ),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                sort_key="status",
                primary=lambda item: item.status not in CLOSED_REPORT_STATUSES,
            ),
            Column(
                "assignee",
                label=_("Assignee"),
                accessor=lambda item: person_name(item.assignee),
                sort_key="assignee__last_name",
            ),
            Column("next_step", label=_("Next step"), accessor=next_step_text),
            Column(
                "reporter",
                label=_("Reported by"),
                accessor=lambda item: _content(item, lambda r: person_name(r.author)),
            ),
            Column(
                "mission",
                label=_("Mission"),
                accessor=lambda item: _content(
                    item, lambda r: r.mission.title if r.mission else ""
                ),
            ),
            DuplicateColumn("duplicate", label=_("Likely duplicate"), user=self.request.user),
        ]

    # The export: plain values, one column per fact. A restricted report the user may
    # not read gives its number, status, confidentiality and dates only.
    MASKED_EXPORT = {
        "number",
        "status",
        "confidentiality",
        "submitted_at",
        "status_changed_at",
        "qualified_at",
        "closed_at",
    }
    EXPORT_VALUES: dict[str, Callable[[ProjectReport], Any]] = {
        "number": lambda r: r.pk,
        "submitted_at": lambda r: export_time(r.submitted_at),
        "company": lambda r: r.company_name,
        "company_country": lambda r: r.company_country.name if r.company_country else "",
        "company_website": lambda r: r.company_website,
        "company_sector": lambda r: r.get_company_sector_display(),
        "company_size": lambda r: r.get_company_size_display(),
        "project_type": lambda r: r.get_project_type_display(),
        "description": lambda r: r.description,
        "jobs_expected": lambda r: r.jobs_expected if r.jobs_expected is not None else "",
        "premises_needs": lambda r: r.premises_needs,
        "horizon": lambda r: r.get_horizon_display(),
        "stage": lambda r: r.get_stage_display(),
        "competing_territories": lambda r: r.competing_territories,
        "contact_name": lambda r: r.contact_name,
        "contact_role": lambda r: r.contact_role,
        "contact_email": lambda r: r.contact_email,
        "contact_phone": lambda r: r.contact_phone,
        "contact_agreed": lambda r: str(YES if r.contact_agreed else NO),
        "reporter": lambda r: person_name(r.author),
        "reporter_email": lambda r: r.author.email,
        "mission": lambda r: r.mission.title if r.mission else "",
        "source": lambda r: r.source,
        "conflict_of_interest": lambda r: str(YES if r.conflict_of_interest else NO),
        "conflict_details": lambda r: r.conflict_details,
        "confidentiality": lambda r: r.get_confidentiality_display(),
        "status": lambda r: r.get_status_display(),
        "closing_reason": lambda r: r.closing_reason,
        "assignee": lambda r: person_name(r.assignee) if r.assignee else "",
        "next_step": lambda r: r.next_step,
        "next_step_on": lambda r: r.next_step_on or "",
        "duplicate_of": lambda r: r.duplicate_of_id or "",
        "status_changed_at": lambda r: export_time(r.status_changed_at),
        "qualified_at": lambda r: export_time(r.qualified_at),
        "closed_at": lambda r: export_time(r.closed_at),
    }

    def to_row_dict(self, item: MaskedReport):
        row = {}
        for name in self.list_export:
            if item.readable or name in self.MASKED_EXPORT:
                row[name] = self.EXPORT_VALUES[name](item.report)
            else:
                row[name] = ""
        if not item.readable:
            row["company"] = str(RESTRICTED)
        return row


EXPORT_HEADINGS = {
    "number": gettext_lazy("Number"),
    "submitted_at": gettext_lazy("Received at"),
    "company": gettext_lazy("Company"),
    "company_country": gettext_lazy("Company's country"),
    "company_website": gettext_lazy("Website"),
    "company_sector": gettext_lazy("Sector"),
    "company_size": gettext_lazy("Size"),
    "project_type": gettext_lazy("Kind of project"),
    "description": gettext_lazy("Description"),
    "jobs_expected": gettext_lazy("Jobs expected"),
    "premises_needs": gettext_lazy("Premises or land needed"),
    "horizon": gettext_lazy("Horizon"),
    "stage": gettext_lazy("Stage"),
    "competing_territories": gettext_lazy("Competing territories"),
    "contact_name": gettext_lazy("Contact person"),
    "contact_role": gettext_lazy("Their role"),
    "contact_email": gettext_lazy("Their email"),
    "contact_phone": gettext_lazy("Their phone"),
    "contact_agreed": gettext_lazy("The contact agreed to be called"),
    "reporter": gettext_lazy("Reported by"),
    "reporter_email": gettext_lazy("Reporter's email address"),
    "mission": gettext_lazy("Mission"),
    "source": gettext_lazy("How the ambassador knows of it"),
    "conflict_of_interest": gettext_lazy("Conflict of interest"),
    "conflict_details": gettext_lazy("Which interest"),
    "confidentiality": gettext_lazy("Confidentiality"),
    "status": gettext_lazy("Status"),
    "closing_reason": gettext_lazy("Closing reason"),
    "assignee": gettext_lazy("Assignee"),
    "next_step": gettext_lazy("Next step"),
    "next_step_on": gettext_lazy("Next step on"),
    "duplicate_of": gettext_lazy("Likely duplicate of (number)"),
    "status_changed_at": gettext_lazy("Status changed at"),
    "qualified_at": gettext_lazy("Qualified at"),
    "closed_at": gettext_lazy("Closed at"),
}


# --- A report's page: forms -----------------------------------------------------------


class MoveForm(forms.Form):
    """One move (the services check it is allowed from the report's status now)."""

    to = forms.ChoiceField(choices=ReportStatus.choices)
    reason = forms.CharField(label=gettext_lazy("Closing reason"), required=False, max_length=2000)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assignee"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody"),
    )
    next_step = forms.CharField(label=gettext_lazy("Next step"), required=False, max_length=300)
    next_step_on = forms.DateField(
        label=gettext_lazy("Next step on"), required=False, widget=AdminDateInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = report_staff()
        field.label_from_instance = person_name


INTERNAL = "internal"
FEEDBACK = "feedback"


class NoteForm(forms.Form):
    # Emptiness is refused by `report_services.note_add` (its message is the one shown).
    text = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    kind = forms.ChoiceField(choices=[(INTERNAL, INTERNAL), (FEEDBACK, FEEDBACK)])


# --- A report's page ------------------------------------------------------------------


def _label(name: str) -> str:
    return capfirst(str(ProjectReport._meta.get_field(name).verbose_name))


def _history_labels() -> dict[str, str]:
    return {action: str(label) for action, label in report_services.REPORT_LOG_ACTIONS.items()}


def _status_label(value: str) -> str:
    try:
        return str(ReportStatus(value).label)
    except ValueError:
        return value or ""


def report_history(report: ProjectReport) -> list[dict[str, str]]:
    """The report's log entries, latest first (who, when, what, details): two queries
    (the entries with their users, and the people they assigned)."""
    entries = list(
        ModelLogEntry.objects.for_instance(report)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
    assigned = {
        entry.data.get("assignee")
        for entry in entries
        if entry.action == "briefings.report_assign" and (entry.data or {}).get("assignee")
    }
    people = User.objects.in_bulk(assigned) if assigned else {}
    labels = _history_labels()
    rows = []
    for entry in entries:
        data = entry.data or {}
        details = []
        if entry.action == "briefings.report_move":
            details.append(
                f"{_status_label(data.get('before'))} → {_status_label(data.get('status'))}"
            )
            if data.get("reason"):
                details.append(data["reason"])
        elif entry.action == "briefings.report_assign":
            details.append(
                person_name(people.get(data["assignee"])) if data.get("assignee") else _("Nobody")
            )
            if data.get("next_step"):
                details.append(data["next_step"])
            if data.get("next_step_on"):
                details.append(_day(datetime.date.fromisoformat(data["next_step_on"])))
        elif entry.action == "briefings.report_sent" and data.get("duplicate_of"):
            details.append(
                _("Likely duplicate of report %(number)s") % {"number": data["duplicate_of"]}
            )
        rows.append(
            {
                "when": _date(entry.timestamp),
                "what": labels.get(entry.action, entry.action),
                "who": person_name(entry.user) if entry.user else _("Automatic"),
                "details": " — ".join(details),
            }
        )
    return rows


class ReportInspectView(ReportStaffMixin, InspectView):
    """A report: for those who may read it, its content, the duplicate flag, the moves,
    assignment, notes and history; for the others, that it exists, its status, dates
    and assignee."""

    template_name = "briefings/admin/reports/report.html"
    page_title = gettext_lazy("Project report")

    def get_object(self, queryset=None):
        return get_object_or_404(
            report_selectors.pipeline(self.request.user).select_related(
                "author__ambassador_profile"
            ),
            pk=self.pk,
        )

    def get_fields(self):
        return []  # the template shows the report's sections instead

    @cached_property
    def readable(self) -> bool:
        return report_selectors.may_read_content(self.request.user, self.object)

    def get_page_subtitle(self):
        return company_label(MaskedReport(self.object, self.readable))

    @cached_property
    def report_page_url(self) -> str:
        return report_url(self.object.pk)

    def action_url(self, name: str) -> str:
        return reverse(f"report_pipeline:{name}", args=[quote(self.object.pk)])

    def pipeline_fields(self) -> list[dict]:
        report = self.object
        rows = [
            (_label("status"), report.get_status_display(), ""),
            (_("Received"), _date(report.submitted_at), ""),
            (_label("status_changed_at"), _date(report.status_changed_at), ""),
            (_label("qualified_at"), _date(report.qualified_at), ""),
            (_label("closed_at"), _date(report.closed_at), ""),
            (_label("assignee"), person_name(report.assignee), ""),
            (_label("confidentiality"), report.get_confidentiality_display(), ""),
        ]
        if self.readable:
            rows[1:1] = [(_label("closing_reason"), report.closing_reason or "—", "")]
            rows += [
                (_label("next_step"), report.next_step or "—", ""),
                (_label("next_step_on"), _day(report.next_step_on), ""),
            ]
        return [{"label": label, "value": value, "url": url} for label, value, url in rows]

    def content_sections(self) -> list[dict]:
        report = self.object
        yes_no = lambda value: str(YES if value else NO)  # noqa: E731
        author_url = ""
        profile = getattr(report.author, "ambassador_profile", None)
        if profile is not None and staff_may(self.request.user, Action.VIEW):
            author_url = reverse("ambassadors:inspect", args=[quote(profile.pk)])
        mission_url = (
            reverse("mission_rosters:roster", args=[report.mission_id]) if report.mission else ""
        )
        sections = [
            (
                "company",
                _("Company"),
                [
                    (_label("company_name"), report.company_name, ""),
                    (
                        _label("company_country"),
                        report.company_country.name if report.company_country else "",
                        "",
                    ),
                    (_label("company_website"), report.company_website, report.company_website),
                    (_label("company_sector"), report.get_company_sector_display(), ""),
                    (_label("company_size"), report.get_company_size_display(), ""),
                ],
            ),
            (
                "project",
                _("Project"),
                [
                    (_label("project_type"), report.get_project_type_display(), ""),
                    (_label("description"), report.description, ""),
                    (
                        _label("jobs_expected"),
                        "" if report.jobs_expected is None else str(report.jobs_expected),
                        "",
                    ),
                    (_label("premises_needs"), report.premises_needs, ""),
                    (_label("horizon"), report.get_horizon_display(), ""),
                    (_label("stage"), report.get_stage_display(), ""),
                    (_label("competing_territories"), report.competing_territories, ""),
                ],
            ),
            (
                "contact",
                _("Contact"),
                [
                    (_label("contact_name"), report.contact_name, ""),
                    (_label("contact_role"), report.contact_role, ""),
                    (
                        _label("contact_email"),
                        report.contact_email,
                        f"mailto:{report.contact_email}" if report.contact_email else "",
                    ),
                    (_label("contact_phone"), report.contact_phone, ""),
                    (_label("contact_agreed"), yes_no(report.contact_agreed), ""),
                    (
                        _label("contact_anonymised_at"),
                        _date(report.contact_anonymised_at) if report.contact_anonymised_at else "",
                        "",
                    ),
                ],
            ),
            (
                "reporter",
                _("The ambassador"),
                [
                    (_label("author"), person_name(report.author), author_url),
                    (
                        _label("mission"),
                        report.mission.title if report.mission else "",
                        mission_url,
                    ),
                    (_("How they know of it"), report.source, ""),
                    (_("Conflict of interest"), yes_no(report.conflict_of_interest), ""),
                    (_label("conflict_details"), report.conflict_details, ""),
                ],
            ),
        ]
        return [
            {
                "id": key,
                "heading": heading,
                "fields": [
                    {"label": label, "value": value or "—", "url": url}
                    for label, value, url in rows
                ],
            }
            for key, heading, rows in sections
        ]

    def moves(self) -> list[dict]:
        return [
            {
                "to": str(to),
                "label": ReportStatus(to).label,
                "closing": to in CLOSED_REPORT_STATUSES,
            }
            for to in REPORT_TRANSITIONS.get(self.object.status, ())
        ]

    def get_context_data(self, assign_form=None, note_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context.update(
            report=report,
            readable=self.readable,
            restricted=report.is_restricted,
            restricted_label=RESTRICTED,
            pipeline_fields=self.pipeline_fields(),
            index_url=reverse("report_pipeline:index"),
        )
        if not self.readable:
            return context
        context.update(
            sections=self.content_sections(),
            duplicate=duplicate_link(self.request.user, MaskedReport(report, True)),
            duplicates=[
                {"url": report_url(other.pk), "label": company_label(other)}
                for other in report_selectors.masked(
                    self.request.user, report.duplicates.exclude(status=ReportStatus.DRAFT)
                )
            ],
            moves=self.moves(),
            assign_form=assign_form
            or AssignForm(
                initial={
                    "assignee": report.assignee_id,
                    "next_step": report.next_step,
                    "next_step_on": report.next_step_on,
                },
                auto_id="id_assign_%s",
            ),
            note_form=note_form or NoteForm(auto_id="id_note_%s"),
            notes=list(report.notes.select_related("author").order_by("created_at", "pk")),
            history=report_history(report),
            urls={
                "move": self.action_url("move"),
                "assign": self.action_url("assign"),
                "note": self.action_url("note"),
            },
            reporter_name=person_name(report.author),
        )
        return context


class ReportActionView(ReportInspectView):
    """POST-only: one change to one report, then back to its page with a message. Only
    those who may read the report act on it; a refused change says why."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not self.readable:
            messages.error(request, ERROR_NOT_READER)
            return redirect(self.report_page_url)
        try:
            message = self.perform(request)
        except report_services.ReportRefused as error:
            messages.error(request, error.reason)
        else:
            if message:
                messages.success(request, message)
        return redirect(self.report_page_url)

    def perform(self, request) -> str:
        raise NotImplementedError

    @staticmethod
    def form_refused(form: forms.Form):
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return report_services.ReportRefused(ERROR_FORM % {"error": errors})


class ReportMoveView(ReportActionView):
    def perform(self, request) -> str:
        form = MoveForm(request.POST)
        if not form.is_valid():
            raise self.form_refused(form)
        report = report_services.report_move(
            report=self.object,
            to=form.cleaned_data["to"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        return MESSAGE_MOVED % {"status": report.get_status_display()}


class ReportAssignView(ReportActionView):
    def perform(self, request) -> str:
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise self.form_refused(form)
        report_services.report_assign(
            report=self.object,
            actor=request.user,
            assignee=form.cleaned_data["assignee"],
            next_step=form.cleaned_data["next_step"],
            next_step_on=form.cleaned_data["next_step_on"],
        )
        return str(MESSAGE_ASSIGNED)


class ReportNoteView(ReportActionView):
    def perform(self, request) -> str:
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise self.form_refused(form)
        shared = form.cleaned_data["kind"] == FEEDBACK
        report_services.note_add(
            report=self.object, author=request.user, text=form.cleaned_data["text"], shared=shared
        )
        if shared:
            return MESSAGE_FEEDBACK % {"name": person_name(self.object.author)}
        return str(MESSAGE_NOTE)


# --- The viewset ----------------------------------------------------------------------


class ReportViewSet(StaffListViewSet):
    """Project reports in the Wagtail admin, under /admin/signalements/."""

    model = ProjectReport
    icon = "pick"
    url_prefix = "signalements"
    url_namespace = "report_pipeline"
    add_to_admin_menu = True
    menu_label = gettext_lazy("Project reports")
    menu_name = "project-reports"
    menu_order = 161  # just after "Missions"
    index_view_class = ReportIndexView
    inspect_view_class = ReportInspectView
    ordering = "-submitted_at"
    search_fields = ["company_name", "description", "author__first_name", "author__last_name"]
    filterset_class = ReportFilterSet
    list_export = list(ReportIndexView.EXPORT_VALUES)
    export_headings = EXPORT_HEADINGS
    export_filename = "signalements"

    @property
    def menu_item_class(self):
        class ReportsMenuItem(MenuItem):
            def is_shown(self, request):
                return reports_staff_may(request.user)

        return ReportsMenuItem

    def extra_urlpatterns(self):
        views = (
            ("move", "deplacer", ReportMoveView),
            ("assign", "attribuer", ReportAssignView),
            ("note", "note", ReportNoteView),
        )
        return [
            path(
                f"<int:pk>/{slug}/",
                self.construct_view(view_class, **self.get_inspect_view_kwargs()),
                name=name,
            )
            for name, slug, view_class in views
        ]

    def get_permissions_to_register(self):
        # Only the permissions that mean something here appear in the group editor.
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=["manage_reports", "read_restricted_reports"])
        )

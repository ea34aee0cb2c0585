"""Project reports in `home`'s extension points, on the ambassador's side: the main
menu's “Report a project”, Mon espace's “My reports” panel, the *fiche ambassadeur*'s
“Project reports” section and the personal-data export's “project_reports” part.
Imported by `briefings.wagtail_hooks`, which registers them with Wagtail's hooks.
Each report's status timeline is read by `report_selectors.report_timelines`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from home import hooks as home_hooks
from home.admin_views import Action, staff_may
from home.selectors import membership_gate

from . import report_selectors
from .models import Debrief, ProjectReport, ReportNote, ReportStatus
from .report_forms import REPORT_FIELDS
from .report_selectors import TimelineStep, report_timelines


@dataclass
class MyReportLine:
    """One of my reports as Mes signalements shows it."""

    report: ProjectReport
    feedback: list[ReportNote] = field(default_factory=list)
    timeline: list[TimelineStep] = field(default_factory=list)

    @property
    def is_draft(self) -> bool:
        return self.report.status == ReportStatus.DRAFT

    @property
    def url(self) -> str:
        if self.is_draft:
            return reverse("reports:report_edit", args=[self.report.pk])
        return reverse("reports:my_report", args=[self.report.pk])


def my_report_lines(*, user) -> list[MyReportLine]:
    """My reports, drafts first (to continue them), then the sent ones newest first,
    each with its timeline and the feedback staff shared. Three queries at most
    (`report_selectors.my_reports` and the timelines), whatever their number."""
    mine = report_selectors.my_reports(user=user)
    timelines = report_timelines([item.report for item in mine])
    lines = [
        MyReportLine(item.report, item.feedback, timelines.get(item.report.pk, [])) for item in mine
    ]
    return sorted(lines, key=lambda line: not line.is_draft)  # stable: newest first kept


# --- Main menu --------------------------------------------------------------------------


@hooks.register(home_hooks.MAIN_MENU_ITEMS, order=32)
def report_menu_item(request):
    """“Report a project”, for active ambassadors only. No query: the profile comes with
    the signed-in user (`home.backends.AmbassadorBackend`)."""
    user = getattr(request, "user", None)  # none before the authentication middleware
    if user is None or not membership_gate(user).allowed:
        return None
    url = reverse("reports:report_new")
    return home_hooks.MenuItem(label=_("Report a project"), url=url, match=url)


# --- Mon espace ---------------------------------------------------------------------------


@hooks.register(home_hooks.MON_ESPACE_PANELS, order=32)
def my_reports_panel(request, profile):
    """Mon espace's “My reports”: drafts to continue, then each sent report with its
    status, its timeline and the feedback staff shared (never internal notes). Shown
    even empty, as an invitation to report. Queries: see `my_report_lines`."""
    return home_hooks.Panel(
        title=_("My reports"),
        template_name="briefings/panels/my_reports.html",
        context={
            "lines": my_report_lines(user=request.user),
            "new_url": reverse("reports:report_new"),
        },
        slug="my-reports",
    )


# --- Fiche ambassadeur --------------------------------------------------------------------


def _pipeline_url(pk: int) -> str:
    """The report's page in the staff's pipeline (which masks it for who may not read
    it), when the pipeline is installed."""
    try:
        return reverse("report_pipeline:inspect", args=[pk])
    except NoReverseMatch:
        return ""


@hooks.register(home_hooks.AMBASSADOR_SECTIONS, order=32)
def reports_section(request, ambassador):
    """The fiche's “Project reports”: the reports the person sent (drafts stay theirs),
    with status and dates; the company and the project only for staff who may read
    them (`report_selectors.may_read_content`): a restricted report shows only that it
    exists, with its status, to the others. One query (the person's sent reports)."""
    if not staff_may(request.user, Action.VIEW):
        return None
    reports = (
        ProjectReport.objects.filter(author=ambassador)
        .exclude(status=ReportStatus.DRAFT)
        .select_related("mission")
        .order_by("-submitted_at", "-pk")
    )
    items = report_selectors.masked(request.user, reports)
    return home_hooks.Panel(
        title=_("Project reports"),
        template_name="briefings/panels/ambassador_reports.html",
        context={
            "reports": items,
            "rows": [(item, _pipeline_url(item.report.pk)) for item in items],
            "person": ambassador,
        },
        slug="project-reports",
    )


# --- Personal data --------------------------------------------------------------------------


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value) if value is not None and not isinstance(value, bool | int) else value


@hooks.register(home_hooks.PERSONAL_DATA_EXPORT, order=32)
def personal_data_part(user):
    """Everything the person wrote in their reports (drafts included) and debriefs, each
    report's status and dates, its timeline and the feedback staff shared with them —
    never internal notes, the assignee or the pipeline's own fields."""
    lines = my_report_lines(user=user)
    debriefs = Debrief.objects.filter(user=user).select_related("mission").order_by("pk")
    return "project_reports", {
        "reports": [
            {
                **{name: _value(getattr(line.report, name)) for name in REPORT_FIELDS},
                "mission": line.report.mission.title if line.report.mission else None,
                "status": line.report.status,
                "created_at": _iso(line.report.created_at),
                "submitted_at": _iso(line.report.submitted_at),
                "status_changed_at": _iso(line.report.status_changed_at),
                "timeline": [
                    {"status": step.status, "at": _iso(step.at)} for step in line.timeline
                ],
                "feedback": [
                    {"text": note.text, "written_at": _iso(note.created_at)}
                    for note in line.feedback
                ],
            }
            for line in lines
        ],
        "debriefs": [
            {
                "mission": debrief.mission.title,
                "how_it_went": debrief.how_it_went,
                "contacts_met": debrief.contacts_met,
                "written_at": _iso(debrief.created_at),
                "updated_at": _iso(debrief.updated_at),
            }
            for debrief in debriefs
        ],
    }

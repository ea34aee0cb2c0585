"""Reads of project reports, and who may read what.

- An ambassador reads their own reports (drafts included) and only the feedback staff
  shared; never internal notes.
- Staff who qualify reports (`briefings.manage_reports`) see every sent report; a
  restricted report's content only its assignee and those who may read every restricted
  report (`briefings.read_restricted_reports`: the *Responsables*). The others see that
  it exists, with its status and dates, never its content — in lists, search and
  exports alike: they all go through `masked`.
- Who may debrief a mission and tag reports with it (`debrief_gate`), and each report's
  status timeline, told from its log entries (dates and statuses only: never who acted,
  why, or any note).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry

from home.selectors import Gate

from .models import (
    MissionPage,
    ProjectReport,
    ReportNote,
    ReportStatus,
    Signup,
    SignupStatus,
)

MANAGE = "briefings.manage_reports"
READ_RESTRICTED = "briefings.read_restricted_reports"

NOT_A_PARTICIPANT = _(
    "You can debrief a mission, and report projects from it, once you took part in it "
    "and it has ended."
)

# The log entries that tell a report's story to its author (see `report_services`).
TIMELINE_ACTIONS = ("briefings.report_sent", "briefings.report_move")


def may_manage(user) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE)


def may_read_content(user, report: ProjectReport) -> bool:
    """May `user` read this report's content (company, project, contact, notes)?"""
    if not user.is_authenticated:
        return False
    if report.author_id == user.pk:
        return True
    if not may_manage(user):
        return False
    if not report.is_restricted:
        return True
    return report.assignee_id == user.pk or user.has_perm(READ_RESTRICTED)


def readable_filter(user) -> Q:
    """The reports whose content `user` (staff) may read, as a filter: for search and
    exports, so that a restricted report's words never match for others."""
    if user.has_perm(READ_RESTRICTED):
        return Q()
    return ~Q(confidentiality="restricted") | Q(assignee_id=user.pk)


def pipeline(user):
    """Every sent report, for staff who qualify reports (drafts stay their authors')."""
    return (
        ProjectReport.objects.exclude(status=ReportStatus.DRAFT)
        .select_related("author", "assignee", "mission", "duplicate_of")
        .order_by("-submitted_at", "-pk")
    )


@dataclass
class MaskedReport:
    """A report as `user` may see it: `readable` False shows only that it exists."""

    report: ProjectReport
    readable: bool

    def __getattr__(self, name):
        return getattr(self.report, name)


def masked(user, reports) -> list[MaskedReport]:
    return [MaskedReport(report, may_read_content(user, report)) for report in reports]


@dataclass
class MyReport:
    report: ProjectReport
    feedback: list[ReportNote] = field(default_factory=list)


def my_reports(*, user) -> list[MyReport]:
    """Mes signalements: the person's reports, newest first, each with the feedback
    staff shared (never internal notes). Queries, whatever the number of reports: the
    reports (1), their shared feedback (1, when there are reports) and their missions'
    titles (1, when some come from a mission)."""
    reports = ProjectReport.objects.filter(author=user).prefetch_related(
        Prefetch(
            "notes",
            queryset=ReportNote.objects.filter(shared=True).order_by("created_at", "pk"),
            to_attr="shared_notes",
        )
    )
    # The missions' titles only: a join on every page column costs more than a query.
    reports = reports.order_by("-created_at", "-pk").prefetch_related(
        Prefetch("mission", queryset=MissionPage.objects.only("id", "title"))
    )
    return [MyReport(report, list(report.shared_notes)) for report in reports]


# --- Who may debrief a mission ------------------------------------------------------------


def debrief_gate(*, user, mission: MissionPage, now=None) -> Gate:
    """May `user` debrief `mission`, and tag reports with it? Those who attended, or
    were confirmed for it once it has ended (the staff may not have marked attendance
    yet). One query."""
    now = now or timezone.now()
    statuses = set(
        Signup.objects.filter(mission_id=mission.pk, user_id=user.pk).values_list(
            "status", flat=True
        )
    )
    if SignupStatus.ATTENDED in statuses or (
        SignupStatus.CONFIRMED in statuses and mission.ends_at <= now
    ):
        return Gate(True)
    return Gate(False, str(NOT_A_PARTICIPANT))


# --- Status timelines ---------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    """A status the report reached, and when."""

    status: str
    at: datetime.datetime

    @property
    def label(self) -> str:
        return ReportStatus(self.status).label


def report_timelines(reports) -> dict[int, list[TimelineStep]]:
    """Each sent report's statuses, oldest first, keyed by the report's id: one query
    for all of them (none when every report is a draft)."""
    ids = [str(report.pk) for report in reports if report.status != ReportStatus.DRAFT]
    timelines: dict[int, list[TimelineStep]] = {int(pk): [] for pk in ids}
    if not ids:
        return timelines
    entries = (
        ModelLogEntry.objects.filter(
            content_type__app_label=ProjectReport._meta.app_label,
            content_type__model=ProjectReport._meta.model_name,
            object_id__in=ids,
            action__in=TIMELINE_ACTIONS,
        )
        .order_by("timestamp", "pk")
        .values_list("object_id", "data", "timestamp")
    )
    for object_id, data, timestamp in entries:
        status = (data or {}).get("status")
        if status in ReportStatus.values:
            timelines[int(object_id)].append(TimelineStep(status, timestamp))
    return timelines

"""Reads of project reports, and who may read what.

- An ambassador reads their own reports (drafts included) and only the feedback staff
  shared; never internal notes.
- Staff who qualify reports (`briefings.manage_reports`) see every sent report; a
  restricted report's content only its assignee and those who may read every restricted
  report (`briefings.read_restricted_reports`: the *Responsables*). The others see that
  it exists, with its status and dates, never its content — in lists, search and
  exports alike: they all go through `masked`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from .models import MissionPage, ProjectReport, ReportNote, ReportStatus

MANAGE = "briefings.manage_reports"
READ_RESTRICTED = "briefings.read_restricted_reports"


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

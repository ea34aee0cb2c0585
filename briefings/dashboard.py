"""`briefings` on the staff dashboard: the funnel's mission and report stages, each
mission's return, and project reports by status over time.

Selectors return plain data with a fixed number of aggregate queries whatever the data
size; the `build_*` functions turn them into `home.dashboard` tables. Nothing here
depends on who asks: restricted reports are counted like the others and never described
(no company, only counts). Registered in `dashboard_hooks`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from home import dashboard
from home.dashboard import Chart, Column, Kind, Link, Period, Section, Stage, Table

from .models import MissionPage, ProjectReport, ReportStatus, Signup, SignupStatus

# Sent reports: every status but the draft, which stays its author's.
SENT_STATUSES = [status for status in ReportStatus if status != ReportStatus.DRAFT]

# The missions chart draws the latest ones only (the table lists them all).
CHART_MISSIONS = 15


# --- Funnel stages --------------------------------------------------------------------


def sent_reports():
    """Reports that left their author's drafts (restricted ones included)."""
    return ProjectReport.objects.exclude(status=ReportStatus.DRAFT).filter(
        submitted_at__isnull=False
    )


# Each stage is `pk__in` a set of people read once (rather than a correlated EXISTS per
# ambassador): quicker at 50,000 ambassadors on PostgreSQL and SQLite alike.


def signed_up(period: Period) -> Q:
    """People with a sign-up created within the period, whatever its status."""
    return Q(pk__in=Signup.objects.filter(period.q("created_at")).values("user"))


def attended(period: Period) -> Q:
    """People marked as having attended a mission that starts within the period."""
    return Q(
        pk__in=Signup.objects.filter(
            period.q("mission__starts_at"), status=SignupStatus.ATTENDED
        ).values("user")
    )


def reported(period: Period) -> Q:
    """People who sent a project report within the period."""
    return Q(pk__in=sent_reports().filter(period.q("submitted_at")).values("author"))


def had_qualified(period: Period) -> Q:
    """People with a report first qualified within the period."""
    return Q(
        pk__in=sent_reports()
        .filter(period.q("qualified_at"), qualified_at__isnull=False)
        .values("author")
    )


def had_landed(period: Period) -> Q:
    """People with a report landed (closed as such) within the period."""
    return Q(
        pk__in=sent_reports()
        .filter(period.q("closed_at"), status=ReportStatus.LANDED, closed_at__isnull=False)
        .values("author")
    )


def funnel_stages() -> list[Stage]:
    return [
        Stage(
            key="signed_up",
            label=_("Signed up for a mission"),
            reached=signed_up,
            help_text=_("Signed up for a mission within the period, whatever became of it."),
        ),
        Stage(
            key="attended",
            label=_("Attended a mission"),
            reached=attended,
            help_text=_("Marked as attended for a mission that started within the period."),
        ),
        Stage(
            key="reported",
            label=_("Reported a project"),
            reached=reported,
            help_text=_("Sent a project report within the period (drafts do not count)."),
        ),
        Stage(
            key="qualified",
            label=_("Had a report qualified"),
            reached=had_qualified,
            help_text=_("One of their reports was first qualified within the period."),
        ),
        Stage(
            key="landed",
            label=_("Had a project landed"),
            reached=had_landed,
            help_text=_("One of their reports was closed as landed within the period."),
        ),
    ]


# --- Per mission ----------------------------------------------------------------------


@dataclass(frozen=True)
class MissionFigures:
    pk: int
    title: str
    starts_on: datetime.date
    seats: int
    confirmed: int
    waitlisted: int
    attended: int
    no_shows: int
    reports: int
    qualified: int


def _count(queryset) -> Coalesce:
    """How many rows of `queryset` (filtered on the mission's `OuterRef`), as a
    subquery grouped on the mission: one row, or none (hence 0)."""
    counted = queryset.order_by().values("mission").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _signups(status: str) -> Coalesce:
    return _count(Signup.objects.filter(mission=OuterRef("pk"), status=status))


def mission_figures(period: Period) -> list[MissionFigures]:
    """The missions starting within the period, newest first, with their seats, their
    sign-ups by status and the sent reports tagged with them (at any date). Missions
    that are live, or that have sign-ups (one unpublished since keeps its history).
    One query."""
    reports = sent_reports().filter(mission=OuterRef("pk"))
    rows = (
        MissionPage.objects.filter(period.q("starts_at"))
        .filter(Q(live=True) | Exists(Signup.objects.filter(mission=OuterRef("pk"))))
        .annotate(
            n_confirmed=_signups(SignupStatus.CONFIRMED),
            n_waitlisted=_signups(SignupStatus.WAITLISTED),
            n_attended=_signups(SignupStatus.ATTENDED),
            n_no_shows=_signups(SignupStatus.NO_SHOW),
            n_reports=_count(reports),
            n_qualified=_count(reports.filter(qualified_at__isnull=False)),
        )
        .order_by("-starts_at", "-pk")
        .values_list(
            "pk",
            "title",
            "starts_at",
            "seats",
            "n_confirmed",
            "n_waitlisted",
            "n_attended",
            "n_no_shows",
            "n_reports",
            "n_qualified",
        )
    )
    return [
        MissionFigures(pk, title, timezone.localdate(starts_at), seats, *counts)
        for pk, title, starts_at, seats, *counts in rows
    ]


def roster_url(mission_id: int) -> str:
    return reverse("mission_rosters:roster", args=[mission_id])


def pipeline_url(mission_id: int) -> str:
    """The pipeline of reports, filtered on the mission."""
    return reverse("report_pipeline:index") + f"?mission={mission_id}"


def build_missions(period: Period) -> list[Table]:
    missions = mission_figures(period)
    rows = [
        (
            Link(m.title, roster_url(m.pk)),
            m.starts_on,
            m.seats,
            m.confirmed,
            m.waitlisted,
            m.attended,
            m.no_shows,
            Link(str(m.reports), pipeline_url(m.pk)) if m.reports else 0,
            m.qualified,
        )
        for m in missions
    ]
    charted = missions[:CHART_MISSIONS]
    chart = (
        Chart(
            kind="hbar",
            labels=[m.title for m in charted],
            series=[
                (_("Attended"), [m.attended for m in charted]),
                (_("Reports produced"), [m.reports for m in charted]),
            ],
        )
        if charted
        else None
    )
    return [
        Table(
            slug="missions",
            caption=_("Each mission's return"),
            columns=[
                Column(_("Mission"), Kind.TEXT),
                Column(_("Starts on"), Kind.DATE),
                Column(_("Seats")),
                Column(_("Confirmed")),
                Column(_("Waiting list")),
                Column(_("Attended")),
                Column(_("No-shows")),
                Column(_("Reports produced")),
                Column(_("Reports qualified")),
            ],
            rows=rows,
            chart=chart,
            note=format_lazy(
                _(
                    "Missions starting within the period, newest first. Confirmed, waiting "
                    "list, attended and no-shows count their sign-ups in that status today. "
                    "Reports produced: the sent reports tagged with the mission, whenever "
                    "sent (restricted ones included); reports qualified: those of them ever "
                    "qualified. The chart shows the {count} latest missions."
                ),
                count=CHART_MISSIONS,
            ),
            empty=_("No mission starts within the period."),
            on_home=True,
        )
    ]


# --- Reports by status ----------------------------------------------------------------


def reports_by_month(period: Period) -> dict[datetime.date, dict[str, int]]:
    """Sent reports by month of sending (in the site's time zone) and current status:
    ``{first day of the month: {status: count}}``, only months and statuses with some.
    One query."""
    rows = (
        sent_reports()
        .filter(period.q("submitted_at"))
        .annotate(month=TruncMonth("submitted_at"))
        .order_by()
        .values_list("month", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[datetime.date, dict[str, int]] = {}
    for month, status, n in rows:
        day = month.date() if isinstance(month, datetime.datetime) else month
        counts.setdefault(day, {})[status] = n
    return counts


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def period_months(
    period: Period, counts: dict[datetime.date, dict[str, int]]
) -> list[datetime.date]:
    """Every month of the period, first to last: from the period's first month (or the
    first report's, when unbounded) to its last (or this month, when unbounded); none
    when there is no report at all."""
    if not counts:
        return []
    first = _month(period.start) if period.start else min(counts)
    last = _month(period.end) if period.end else max(_month(timezone.localdate()), *counts)
    months = []
    while first <= last:
        months.append(first)
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return months


def status_totals(counts: dict[datetime.date, dict[str, int]]) -> dict[str, int]:
    """The reports of `counts` by current status (every sent status, zeros included)."""
    totals = {status.value: 0 for status in SENT_STATUSES}
    for by_status in counts.values():
        for status, n in by_status.items():
            totals[status] += n
    return totals


def build_reports(period: Period) -> list[Table]:
    counts = reports_by_month(period)
    months = period_months(period, counts)
    labels = [formats.date_format(month, "YEAR_MONTH_FORMAT") for month in months]
    per_status = {
        status.value: [counts.get(month, {}).get(status.value, 0) for month in months]
        for status in SENT_STATUSES
    }
    rows = [
        (
            label,
            *(per_status[status.value][i] for status in SENT_STATUSES),
            sum(counts.get(months[i], {}).values()),
        )
        for i, label in enumerate(labels)
    ]
    note = _(
        "Reports sent within the period (restricted ones included, drafts never), by "
        "month of sending and by their status today."
    )
    over_time = Table(
        slug="reports_by_month",
        caption=_("Project reports by status over time"),
        columns=[
            Column(_("Month"), Kind.TEXT),
            *(Column(status.label) for status in SENT_STATUSES),
            Column(_("Total")),
        ],
        rows=rows,
        chart=Chart(
            kind="stacked",
            labels=labels,
            series=[
                (status.label, per_status[status.value])
                for status in SENT_STATUSES
                if any(per_status[status.value])
            ],
        )
        if rows
        else None,
        note=note,
        empty=_("No report was sent within the period."),
    )
    totals = status_totals(counts)
    by_status = Table(
        slug="reports_by_status",
        caption=_("Reports by status"),
        columns=[Column(_("Status"), Kind.TEXT), Column(_("Reports"))],
        rows=[(status.label, totals[status.value]) for status in SENT_STATUSES]
        + [(_("Total"), sum(totals.values()))],
        note=note,
        on_home=True,
    )
    return [over_time, by_status]


# --- Sections -------------------------------------------------------------------------


def missions_section() -> Section:
    return dashboard.Section(
        slug="missions",
        title=_("Missions"),
        build=build_missions,
        description=_("Each mission's seats, attendance and the project reports it brought."),
    )


def reports_section() -> Section:
    return dashboard.Section(
        slug="reports",
        title=_("Project reports"),
        build=build_reports,
        description=_("The reports sent and where they stand today."),
    )

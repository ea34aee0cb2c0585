"""`lms`'s figures on the staff dashboard (`home.dashboard`): the funnel's "Started a
course" and "Earned a badge" stages, the per-course cohorts ("Courses") and the
certified ambassadors today with the badges about to expire ("Certified ambassadors").

The selectors return plain data; each runs a fixed number of queries whatever the number
of ambassadors, courses or awards. The `build_*` functions turn them into `Table`s; they
read nothing from the request, so `home` caches them per period and language.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from home import dashboard
from home.languages import language_name
from home.models import AmbassadorProfile, MembershipStatus, Sector

from . import badge_selectors
from .models import Badge, BadgeAward, CourseCompletion, CoursePage, StepCompletion

TOP = 10
"""The snapshot tables keep the ten largest groups; the rest are summed as "Other"."""

EXPIRY_WINDOWS = (30, 90)
"""Days ahead of today for the "Badges expiring" table (the longer includes the shorter)."""

OTHER = _("Other")
NOT_GIVEN = _("Not given")

# --- Funnel stages ----------------------------------------------------------------------


def started_reached(period: dashboard.Period) -> Exists:
    """True for people whose first completed step of some course falls in the period:
    their step completions grouped by course, the earliest within the period. (Grouping
    one person's few completions is quicker, on PostgreSQL and SQLite alike, than asking
    of each completion in the period whether an earlier one exists.)"""
    return Exists(
        StepCompletion.objects.filter(user=OuterRef("pk"))
        .values("user", "course")
        .annotate(first=Min("completed_at"))
        .filter(period.q("first"))
    )


def certified_reached(period: dashboard.Period) -> Q:
    """True for people issued a badge award in the period (renewals included) that was
    not revoked since. `pk__in` rather than a correlated EXISTS: the awards of the period
    are read once (twice as quick at 50,000 ambassadors)."""
    return Q(
        pk__in=BadgeAward.objects.filter(period.q("issued_at"), revoked_at__isnull=True).values(
            "user"
        )
    )


def stages() -> list[dashboard.Stage]:
    return [
        dashboard.Stage(
            key="started",
            label=_("Started a course"),
            reached=started_reached,
            help_text=_("Completed the first step of a course within the period."),
        ),
        dashboard.Stage(
            key="certified",
            label=_("Earned a badge"),
            reached=certified_reached,
            help_text=_("Was awarded a badge within the period (renewals included, not revoked)."),
        ),
    ]


# --- Courses: cohorts -----------------------------------------------------------------------


@dataclass(frozen=True)
class CourseCohort:
    """The people whose first step of a course falls in the period (`started`), how many
    of them completed it since (`completed`), and the median time they took, in days."""

    course_id: int
    title: str
    live: bool
    started: int
    completed: int
    median_days: float | None

    @property
    def rate(self) -> float | None:
        """Completed over started, in percent, one decimal (None when nobody started)."""
        return round(100 * self.completed / self.started, 1) if self.started else None


def course_cohorts(*, period: dashboard.Period) -> list[CourseCohort]:
    """Per course, in tree order: live courses, and unpublished ones with a history (a
    step or a course completion). Two queries: the courses, then one row per person and
    course of the cohort — a median cannot be aggregated portably in SQL, so the cohort's
    first steps and completions are read (two dates per row) and counted here."""
    courses = list(
        CoursePage.objects.filter(
            Q(live=True)
            | Exists(StepCompletion.objects.filter(course=OuterRef("pk")))
            | Exists(CourseCompletion.objects.filter(course=OuterRef("pk")))
        )
        .order_by("path")
        .values_list("pk", "title", "live")
    )
    completed_at = CourseCompletion.objects.filter(
        user=OuterRef("user"), course=OuterRef("course")
    ).values("completed_at")[:1]
    cohort = (
        StepCompletion.objects.values("course", "user")
        .annotate(first=Min("completed_at"))
        .filter(period.q("first"))
        .annotate(completed_at=Subquery(completed_at))
        .order_by()
        .values_list("course", "first", "completed_at")
    )
    started: Counter[int] = Counter()
    durations: dict[int, list[float]] = {}
    for course_id, first, done_at in cohort:
        started[course_id] += 1
        if done_at is not None:
            days = max(0.0, (done_at - first).total_seconds() / 86400)
            durations.setdefault(course_id, []).append(days)
    return [
        CourseCohort(
            course_id=pk,
            title=title,
            live=live,
            started=started[pk],
            completed=len(durations.get(pk, [])),
            median_days=(round(statistics.median(durations[pk]), 1) if durations.get(pk) else None),
        )
        for pk, title, live in courses
    ]


def build_courses(period: dashboard.Period) -> list[dashboard.Table]:
    cohorts = course_cohorts(period=period)
    report_url = reverse("lms_reports:course_progress")
    return [
        dashboard.Table(
            slug="cohorts",
            caption=_("Courses started and completed"),
            columns=[
                dashboard.Column(_("Course"), dashboard.Kind.TEXT),
                dashboard.Column(_("Started"), dashboard.Kind.NUMBER),
                dashboard.Column(_("Completed"), dashboard.Kind.NUMBER),
                dashboard.Column(_("Completion rate"), dashboard.Kind.PERCENT),
                dashboard.Column(_("Median time to complete"), dashboard.Kind.DAYS),
            ],
            rows=[
                (
                    dashboard.Link(c.title, f"{report_url}?course={c.course_id}"),
                    c.started,
                    c.completed,
                    c.rate,
                    c.median_days,
                )
                for c in cohorts
            ],
            chart=dashboard.Chart(
                kind="hbar",
                labels=[c.title for c in cohorts],
                series=[
                    (_("Started"), [c.started for c in cohorts]),
                    (_("Completed"), [c.completed for c in cohorts]),
                ],
            )
            if cohorts
            else None,
            note=_(
                "Started: people whose first completed step of the course falls within the "
                "period. Completed: those of them who have completed the course, at any "
                "time. Rate: completed over started. Median time: from their first step to "
                "the course's completion, over those who completed it. Live courses, and "
                "unpublished ones with a history."
            ),
            empty=_("No course yet."),
        )
    ]


# --- Certified ambassadors (today) ----------------------------------------------------


def _certified_profiles(now: datetime.datetime):
    valid = BadgeAward.objects.valid(now).filter(user=OuterRef("user"))
    return AmbassadorProfile.objects.filter(Exists(valid), status=MembershipStatus.ACTIVE)


def certified_by(field_name: str, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Active ambassadors holding at least one valid award now (neither revoked, nor
    replaced, nor expired), counted by a profile field ("sector", "country"); a blank
    value counts under "". One query."""
    now = now or timezone.now()
    rows = (
        _certified_profiles(now)
        .values(field_name)
        .annotate(n=Count("pk"))
        .order_by()
        .values_list(field_name, "n")
    )
    counts: Counter[str] = Counter()
    for value, n in rows:
        counts[str(value or "")] += n
    return dict(counts)


def certified_by_language(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The same ambassadors counted by language spoken (each in every language they
    speak; under "" when they gave none). One query: the languages are a JSON list,
    which SQL cannot unnest portably, so their lists are read (one column) and counted
    here."""
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    for languages in _certified_profiles(now).order_by().values_list("languages", flat=True):
        codes = {code for code in languages or [] if isinstance(code, str) and code}
        counts.update(codes or {""})
    return dict(counts)


def ranked(
    counts: dict[Hashable, int],
    name: Callable[[Hashable], str],
    *,
    other_keys: Iterable[Hashable] = (),
    top: int = TOP,
) -> list[tuple[str, int]]:
    """`counts` as (name, count) rows: the `top` largest (ties by name), then "Other"
    (the rest, and `other_keys`, values that themselves mean "other"), then "Not given"
    (the "" key). Empty groups are left out."""
    other_keys = set(other_keys)
    known = sorted(
        ((name(key), n) for key, n in counts.items() if key != "" and key not in other_keys),
        key=lambda row: (-row[1], row[0].casefold()),
    )
    rest = sum(n for _name, n in known[top:]) + sum(counts.get(key, 0) for key in other_keys)
    rows = known[:top]
    if rest:
        rows.append((str(OTHER), rest))
    if counts.get(""):
        rows.append((str(NOT_GIVEN), counts[""]))
    return rows


def _sector_name(code) -> str:
    return str(Sector(code).label) if code in Sector.values else str(code)


def _country_name(code) -> str:
    return str(countries.name(code)) or str(code)


def _snapshot_table(slug, caption, heading, rows, note) -> dashboard.Table:
    return dashboard.Table(
        slug=slug,
        caption=caption,
        columns=[
            dashboard.Column(heading, dashboard.Kind.TEXT),
            dashboard.Column(_("Certified ambassadors"), dashboard.Kind.NUMBER),
        ],
        rows=rows,
        chart=dashboard.Chart(
            kind="hbar",
            labels=[label for label, _n in rows],
            series=[(_("Certified ambassadors"), [n for _label, n in rows])],
        )
        if rows
        else None,
        note=note,
        empty=_("No certified ambassador today."),
        uses_period=False,
    )


@dataclass(frozen=True)
class ExpiringBadge:
    badge_id: int
    name: str
    within: dict[int, int]  # days ahead -> awards


def badges_expiring(
    *, today: datetime.date | None = None, windows: Iterable[int] = EXPIRY_WINDOWS
) -> list[ExpiringBadge]:
    """Per badge, by name: the current awards of active accounts expiring after `today`
    and within each window of days (`badge_selectors.awards_expiring`; a longer window
    includes the shorter). Badges that expire, and those with awards expiring. One query."""
    today = today or timezone.localdate()
    windows = sorted(windows)
    counts = {
        f"within_{days}": Count(
            "awards",
            filter=Q(
                awards__in=badge_selectors.awards_expiring(
                    today=today, within=datetime.timedelta(days=days)
                )
                .order_by()
                .values("pk")
            ),
        )
        for days in windows
    }
    rows = (
        Badge.objects.annotate(**counts)
        .filter(Q(validity_months__isnull=False) | Q(**{f"within_{windows[-1]}__gt": 0}))
        .order_by("name")
        .values("pk", "name", *counts)
    )
    return [
        ExpiringBadge(
            badge_id=row["pk"],
            name=row["name"],
            within={days: row[f"within_{days}"] for days in windows},
        )
        for row in rows
    ]


def build_certified(period: dashboard.Period) -> list[dashboard.Table]:
    """Snapshots of today: `period` does not apply."""
    now = timezone.now()
    definition = gettext(
        "Active ambassadors holding at least one valid badge today (neither revoked nor expired)."
    )
    by_sector = ranked(certified_by("sector", now=now), _sector_name, other_keys={Sector.OTHER})
    by_language = ranked(certified_by_language(now=now), language_name)
    by_country = ranked(certified_by("country", now=now), _country_name)
    expiring = badges_expiring(today=timezone.localdate(now))
    short, long = EXPIRY_WINDOWS
    return [
        _snapshot_table(
            "by-sector",
            _("Certified ambassadors by sector, today"),
            _("Sector"),
            by_sector,
            definition,
        ),
        _snapshot_table(
            "by-language",
            _("Certified ambassadors by language spoken, today"),
            _("Language"),
            by_language,
            definition + " " + gettext("Each counts in every language they speak."),
        ),
        _snapshot_table(
            "by-country",
            _("Certified ambassadors by country of residence, today"),
            _("Country"),
            by_country,
            definition,
        ),
        dashboard.Table(
            slug="expiring",
            caption=_("Badges expiring, from today"),
            columns=[
                dashboard.Column(_("Badge"), dashboard.Kind.TEXT),
                dashboard.Column(_("Within 30 days"), dashboard.Kind.NUMBER),
                dashboard.Column(_("Within 90 days"), dashboard.Kind.NUMBER),
            ],
            rows=[(badge.name, badge.within[short], badge.within[long]) for badge in expiring],
            note=_(
                "Current awards of active accounts that expire after today and within 30 "
                "or 90 days; the 90 days include the 30 days."
            ),
            empty=_("No badge expires."),
            uses_period=False,
        ),
    ]


# --- Sections ---------------------------------------------------------------------------


def courses_section() -> dashboard.Section:
    return dashboard.Section(
        slug="courses",
        title=_("Courses"),
        build=build_courses,
        description=_("Who started each course within the period, and who went on to complete it."),
        # Reading every first step takes most of a second at 50,000 ambassadors: the
        # dashboard page only, so that the admin home shows the funnel at once.
        on_home=False,
    )


def certified_section() -> dashboard.Section:
    return dashboard.Section(
        slug="certified",
        title=_("Certified ambassadors"),
        build=build_certified,
        description=_("Who holds a valid badge today, and the badges about to expire."),
        on_home=False,
    )

"""The staff dashboard's contract: periods, tables, charts, sections and funnel stages.

`home` draws the dashboard (the admin home's panels and the reports page, see
`dashboard_views`); every app brings its own figures through two hooks, registered in its
`wagtail_hooks.py`::

    @hooks.register(home_hooks.DASHBOARD_SECTIONS, order=10)
    def courses_section():
        return dashboard.Section(slug="courses", title=_("Courses"), build=build_courses)

    @hooks.register(home_hooks.FUNNEL_STAGES, order=10)
    def learning_stages():
        return [dashboard.Stage(key="started", label=_("Started a course"),
                                reached=lambda period: Exists(...OuterRef("pk")...))]

A section's ``build(period)`` returns its `Table`s. It must read through the app's
selectors with a fixed number of aggregate queries, whatever the number of ambassadors,
and must not depend on who asks: every member of staff who may see the dashboard sees
the same figures (restricted project reports are counted, never described), so that
the figures are computed once per period and language and cached (`section_tables`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.functional import Promise

# --- Periods --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days a figure covers, both included, in the site's time zone; `start` or
    `end` None means unbounded (since the beginning, until today). `key` names the
    preset it came from ("12m", "all", "custom"…), for the filter form and cache keys."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    key: str = "all"

    @property
    def since(self) -> datetime.datetime | None:
        """The first instant of the period (aware), or None."""
        return _midnight(self.start) if self.start else None

    @property
    def until(self) -> datetime.datetime | None:
        """The first instant after the period (aware), or None."""
        return _midnight(self.end + datetime.timedelta(days=1)) if self.end else None

    def q(self, field_name: str) -> Q:
        """`Q` keeping rows whose `field_name` (a datetime) falls within the period."""
        q = Q()
        if self.since:
            q &= Q(**{f"{field_name}__gte": self.since})
        if self.until:
            q &= Q(**{f"{field_name}__lt": self.until})
        return q

    def q_date(self, field_name: str) -> Q:
        """`Q` keeping rows whose `field_name` (a date) falls within the period."""
        q = Q()
        if self.start:
            q &= Q(**{f"{field_name}__gte": self.start})
        if self.end:
            q &= Q(**{f"{field_name}__lte": self.end})
        return q

    @property
    def cache_key(self) -> str:
        return f"{self.start or ''}:{self.end or ''}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Tables and charts ----------------------------------------------------------------


class Kind:
    """How a column's values read: plain text, a count, a percentage (0–100), a number
    of days, or a date."""

    TEXT = "text"
    NUMBER = "number"
    PERCENT = "percent"
    DAYS = "days"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    label: str | Promise
    kind: str = Kind.NUMBER


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere in the admin (a mission's roster, the reports of a
    mission in the pipeline). CSV exports keep its text only."""

    text: str | Promise
    url: str

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Chart:
    """A server-side SVG chart of a table (drawn with pygal by `home.charts`).

    `kind`: "hbar" (horizontal bars: a funnel, a ranking), "bar" (vertical bars),
    "stacked" (vertical stacked bars, one per label, e.g. reports by status per month)
    or "line". `labels` are the categories (the x axis, or the bars of an "hbar"),
    `series` ``[(name, [value per label]), …]``; one series draws without a legend."""

    kind: str
    labels: Sequence[str | Promise]
    series: Sequence[tuple[str | Promise, Sequence[float | int | None]]]
    percent: bool = False


@dataclass(frozen=True)
class Table:
    """One figure of the dashboard: a captioned table (the data table alternative of
    its chart, when it has one) that can be exported as CSV.

    `slug` is unique within its section (it names the CSV file). `rows` are tuples
    matching `columns`: numbers, strings, dates, `Link`s or None (shown as "—").
    `note` says how the figure is counted; `empty` what to say when there are no rows.
    `on_home` puts it on the admin home too (keep those few and small)."""

    slug: str
    caption: str | Promise
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    chart: Chart | None = None
    note: str | Promise = ""
    empty: str | Promise = ""
    on_home: bool = False
    uses_period: bool = True


@dataclass(frozen=True)
class Section:
    """An app's part of the dashboard. `build(period)` returns its tables."""

    slug: str
    title: str | Promise
    build: Callable[[Period], list[Table]]
    description: str | Promise = ""
    on_home: bool = True  # False: none of its tables is on the admin home (not built there)


@dataclass(frozen=True)
class Stage:
    """A stage of the funnel (active → started a course → certified → signed up →
    attended → reported → qualified → landed). `reached(period)` is a boolean
    expression on the `User` model (typically ``Exists(...filter(user=OuterRef("pk"))``)
    true for people who did it within the period. `home` counts every stage in one
    query among the active ambassadors."""

    key: str
    label: str | Promise
    reached: Callable[[Period], Exists | Q]
    help_text: str | Promise = ""


@dataclass
class RenderedTable:
    """A `Table` with its strings resolved in the current language and its chart drawn:
    what the cache keeps and the templates read."""

    slug: str
    caption: str
    columns: list[Column]
    rows: list[list[Any]]
    chart_svg: str = ""
    note: str = ""
    empty: str = ""
    on_home: bool = False
    uses_period: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


# --- Presets --------------------------------------------------------------------------

DEFAULT_PERIOD = "12m"


def period_choices() -> list[tuple[str, Any]]:
    from django.utils.translation import gettext_lazy as _

    return [
        ("30d", _("Last 30 days")),
        ("90d", _("Last 90 days")),
        ("12m", _("Last 12 months")),
        ("year", _("This year")),
        ("last_year", _("Last year")),
        ("all", _("Since the beginning")),
        ("custom", _("Choose the dates")),
    ]


def preset(key: str, *, today: datetime.date | None = None) -> Period:
    """The period a preset names, ending today (or for "last_year", last year's days)."""
    today = today or timezone.localdate()
    if key == "30d":
        return Period(today - datetime.timedelta(days=29), today, key)
    if key == "90d":
        return Period(today - datetime.timedelta(days=89), today, key)
    if key == "12m":
        return Period(_year_before(today) + datetime.timedelta(days=1), today, key)
    if key == "year":
        return Period(today.replace(month=1, day=1), today, key)
    if key == "last_year":
        return Period(
            datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31), key
        )
    return Period(None, None, "all")


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# --- Sections, the funnel, and the cache ----------------------------------------------


def sections() -> list[Section]:
    """Every section the apps register, in hook order (the funnel first)."""
    from wagtail import hooks

    from . import hooks as home_hooks

    found = [funnel_section()]
    for fn in hooks.get_hooks(home_hooks.DASHBOARD_SECTIONS):
        section = fn()
        if section:
            found.append(section)
    return found


def section(slug: str) -> Section | None:
    return next((s for s in sections() if s.slug == slug), None)


def stages() -> list[Stage]:
    from wagtail import hooks

    from . import hooks as home_hooks

    found = []
    for fn in hooks.get_hooks(home_hooks.FUNNEL_STAGES):
        found.extend(fn() or [])
    return found


def funnel_counts(period: Period) -> list[tuple[Stage | None, int]]:
    """How many active ambassadors there are today, then how many of them did each
    stage within the period: one aggregate query, whatever their number."""
    from django.db.models import Count

    from .models import MembershipStatus, User

    found = stages()
    counts = User.objects.filter(ambassador_profile__status=MembershipStatus.ACTIVE).aggregate(
        active=Count("pk"),
        **{f"stage_{stage.key}": Count("pk", filter=Q(stage.reached(period))) for stage in found},
    )
    return [(None, counts["active"])] + [(stage, counts[f"stage_{stage.key}"]) for stage in found]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def build_funnel(period: Period) -> list[Table]:
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    counts = funnel_counts(period)
    active = counts[0][1]
    rows = [
        (
            str(stage.label) if stage else _("Active ambassadors"),
            count,
            _share(count, active),
            str(stage.help_text) if stage else _("Membership active today."),
        )
        for stage, count in counts
    ]
    return [
        Table(
            slug="funnel",
            caption=_("From training to landed projects"),
            columns=[
                Column(pgettext("funnel", "Stage"), Kind.TEXT),
                Column(_("Ambassadors"), Kind.NUMBER),
                Column(_("Share of active ambassadors"), Kind.PERCENT),
                Column(_("What counts"), Kind.TEXT),
            ],
            rows=rows,
            chart=Chart(
                kind="hbar",
                labels=[row[0] for row in rows],
                series=[(_("Ambassadors"), [row[1] for row in rows])],
            ),
            note=_(
                "Ambassadors whose membership is active today; each stage counts those of "
                "them who did it within the period. Stages are counted separately: someone "
                "may report a project without going on a mission."
            ),
            on_home=True,
        )
    ]


def funnel_section() -> Section:
    from django.utils.translation import gettext_lazy as _

    return Section(
        slug="funnel",
        title=_("Funnel"),
        build=build_funnel,
        description=_("Does the club work? From active ambassadors to landed projects."),
    )


CACHE_GENERATION_KEY = "dashboard:generation"


def cache_generation() -> int:
    from django.core.cache import cache

    return cache.get(CACHE_GENERATION_KEY) or 0


def refresh() -> None:
    """Forget every cached figure: the next page computes them again."""
    from django.core.cache import cache

    cache.set(CACHE_GENERATION_KEY, cache_generation() + 1, None)


@dataclass
class Computed:
    """A section's tables as of `computed_at` (what the cache keeps)."""

    computed_at: datetime.datetime
    tables: list[RenderedTable]


def section_tables(section: Section, period: Period) -> Computed:
    """The section's tables for the period in the current language, from the cache when
    they were computed less than `DASHBOARD_CACHE_SECONDS` ago (the page says when)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils.translation import get_language

    key = f"dashboard:{cache_generation()}:{section.slug}:{period.cache_key}:{get_language()}"
    computed = cache.get(key)
    if computed is None:
        computed = Computed(
            computed_at=timezone.now(), tables=[render_table(t) for t in section.build(period)]
        )
        cache.set(key, computed, settings.DASHBOARD_CACHE_SECONDS)
    return computed


def render_table(table: Table) -> RenderedTable:
    from . import charts

    return RenderedTable(
        slug=table.slug,
        caption=str(table.caption),
        columns=[Column(str(c.label), c.kind) for c in table.columns],
        rows=[[_resolve(cell) for cell in row] for row in table.rows],
        chart_svg=charts.render(table.chart) if table.chart and table.rows else "",
        note=str(table.note),
        empty=str(table.empty),
        on_home=table.on_home,
        uses_period=table.uses_period,
    )


def _resolve(cell: Any) -> Any:
    if isinstance(cell, Link):
        return Link(str(cell.text), cell.url)
    if isinstance(cell, Promise):
        return str(cell)
    return cell

"""`briefings` on the staff dashboard: the funnel's stages (signed up, attended,
reported, qualified, landed), each mission's return and reports by status over time —
every figure exact on a small known data set, the period's edges in the site's time
zone (Europe/Paris), restricted reports counted and never described, drafts never
counted, and the queries pinned whatever the data size."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from wagtail import hooks

from briefings import dashboard
from briefings.models import ProjectReport, ReportStatus, SignupStatus
from home import hooks as home_hooks
from home.dashboard import Chart, Link, Period
from home.models import MembershipStatus, User
from tests.briefings.builders import add_mission, add_signup
from tests.factories import AmbassadorProfileFactory

SECRET = "Secrète Industries"

# The period: 10 January to 20 March 2026, both included.
PERIOD = Period(datetime.date(2026, 1, 10), datetime.date(2026, 3, 20), key="custom")
STATUSES = [s for s in ReportStatus if s != ReportStatus.DRAFT]


def at(year, month, day, hour=12, minute=0) -> datetime.datetime:
    """A moment in the site's time zone (Europe/Paris)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


# Just outside and just inside the period's edges: in UTC, FIRST_IN is still the 9th
# and LAST_IN already the 20th's evening — only the site's time zone gets them right.
BEFORE = at(2026, 1, 9, 23, 30)
FIRST_IN = at(2026, 1, 10, 0, 30)
LAST_IN = at(2026, 3, 20, 23, 30)
AFTER = at(2026, 3, 21, 0, 30)


def report(author, status, submitted, **fields) -> ProjectReport:
    return ProjectReport.objects.create(
        author=author, status=status, submitted_at=submitted, **fields
    )


def person(status=MembershipStatus.ACTIVE) -> User:
    return AmbassadorProfileFactory(status=status).user


@pytest.fixture
def data(index):
    """Four active ambassadors (a, b, c, d) and one who left (e); missions on and just
    outside the period's edges; their sign-ups and reports (see each test)."""
    a, b, c, d = person(), person(), person(), person()
    e = person(MembershipStatus.LEFT)
    last = add_mission(index, "Salon du dernier jour", seats=5, starts_at=LAST_IN)
    first = add_mission(index, "Salon du premier jour", seats=10, starts_at=FIRST_IN)
    before = add_mission(index, "Salon de la veille", starts_at=BEFORE)
    add_mission(index, "Salon du lendemain", starts_at=AFTER)
    add_mission(index, "Salon en brouillon", starts_at=at(2026, 2, 1), live=False)

    add_signup(a, last, SignupStatus.CONFIRMED, created_at=LAST_IN)
    add_signup(b, last, SignupStatus.WAITLISTED, created_at=BEFORE)
    add_signup(c, last, SignupStatus.WAITLISTED, created_at=FIRST_IN)
    old = at(2025, 12, 1)
    add_signup(a, first, SignupStatus.ATTENDED, created_at=old)
    add_signup(b, first, SignupStatus.NO_SHOW, created_at=old)
    add_signup(c, first, SignupStatus.ATTENDED, created_at=old)
    add_signup(d, first, SignupStatus.CANCELLED, created_at=at(2026, 2, 1))
    add_signup(d, before, SignupStatus.ATTENDED, created_at=old)

    rs = ReportStatus
    report(a, rs.QUALIFIED, FIRST_IN, mission=first, qualified_at=at(2026, 2, 15))
    report(
        b, rs.LANDED, at(2026, 2, 1, 0, 30),  # 31 January in UTC: February in Paris
        mission=first, company_name=SECRET, confidentiality="restricted",
        qualified_at=at(2026, 2, 10), closed_at=LAST_IN,
    )  # fmt: skip
    report(c, rs.RECEIVED, LAST_IN, mission=first)
    report(c, rs.LOST, BEFORE, qualified_at=BEFORE, closed_at=at(2026, 1, 12))
    report(
        a, rs.LANDED, at(2025, 11, 5), mission=first,
        qualified_at=at(2025, 12, 1), closed_at=AFTER,
    )  # fmt: skip
    report(d, rs.DUPLICATE, AFTER, mission=last, closed_at=AFTER)
    report(e, rs.QUALIFYING, at(2026, 1, 20), confidentiality="restricted")
    # Drafts: never counted, whatever their dates.
    report(d, rs.DRAFT, None, mission=last, company_name=SECRET)
    report(d, rs.DRAFT, None, mission=first, created_at=at(2026, 2, 2))
    return {"people": (a, b, c, d, e), "last": last, "first": first}


# --- Funnel stages --------------------------------------------------------------------


def stages() -> dict[str, dashboard.Stage]:
    return {stage.key: stage for stage in dashboard.funnel_stages()}


def reached(key: str, period: Period = PERIOD) -> set[User]:
    active = User.objects.filter(ambassador_profile__status=MembershipStatus.ACTIVE)
    return set(active.filter(Q(stages()[key].reached(period))))


def test_stages_in_order_with_their_labels(db):
    with translation.override("en"):
        assert [(s.key, str(s.label)) for s in dashboard.funnel_stages()] == [
            ("signed_up", "Signed up for a mission"),
            ("attended", "Attended a mission"),
            ("reported", "Reported a project"),
            ("qualified", "Had a report qualified"),
            ("landed", "Had a project landed"),
        ]


def test_signed_up_counts_signups_created_within_the_period_whatever_their_status(data):
    a, b, c, d, e = data["people"]
    # a on the last day, c on the first day (the 9th in UTC), d cancelled since;
    # b's sign-ups are from the day before and December.
    assert reached("signed_up") == {a, c, d}


def test_attended_counts_missions_starting_within_the_period(data):
    a, b, c, d, e = data["people"]
    # b did not come; d attended the mission of the day before.
    assert reached("attended") == {a, c}


def test_reported_counts_reports_sent_within_the_period_never_drafts(data):
    a, b, c, d, e = data["people"]
    # b's restricted report counts; c's other report was sent the day before; d's
    # duplicate the day after, and their drafts never; e left (counted elsewhere).
    assert reached("reported") == {a, b, c}


def test_qualified_counts_reports_first_qualified_within_the_period(data):
    a, b, c, d, e = data["people"]
    assert reached("qualified") == {a, b}


def test_landed_counts_landed_reports_closed_within_the_period(data):
    a, b, c, d, e = data["people"]
    # b's landed on the last day; a's landed the day after the period; c's lost.
    assert reached("landed") == {b}


def test_unbounded_period_counts_everything(data):
    a, b, c, d, e = data["people"]
    everything = Period()
    assert reached("signed_up", everything) == {a, b, c, d}
    assert reached("attended", everything) == {a, c, d}
    assert reached("reported", everything) == {a, b, c, d}
    assert reached("qualified", everything) == {a, b, c}
    assert reached("landed", everything) == {a, b}


def test_stages_count_in_one_aggregate_as_home_does(data, django_assert_num_queries):
    active = User.objects.filter(ambassador_profile__status=MembershipStatus.ACTIVE)
    with django_assert_num_queries(1):
        counts = active.aggregate(
            **{
                stage.key: Count("pk", filter=Q(stage.reached(PERIOD)))
                for stage in dashboard.funnel_stages()
            }
        )
    assert counts == {"signed_up": 3, "attended": 2, "reported": 3, "qualified": 2, "landed": 1}


# --- Each mission's return ------------------------------------------------------------


def test_mission_figures(data):
    last, first = data["last"], data["first"]
    assert dashboard.mission_figures(PERIOD) == [
        # Newest first; the missions of the day before and after, and the draft
        # without sign-ups, are out. Drafts never count as reports.
        dashboard.MissionFigures(
            pk=last.pk, title="Salon du dernier jour", starts_on=datetime.date(2026, 3, 20),
            seats=5, confirmed=1, waitlisted=2, attended=0, no_shows=0, reports=1,
            qualified=0,
        ),
        dashboard.MissionFigures(
            pk=first.pk, title="Salon du premier jour", starts_on=datetime.date(2026, 1, 10),
            seats=10, confirmed=0, waitlisted=0, attended=2, no_shows=1, reports=4,
            qualified=3,
        ),
    ]  # fmt: skip


def test_an_unpublished_mission_with_signups_keeps_its_row(data, index):
    hidden = add_mission(index, "Salon dépublié", starts_at=at(2026, 2, 3), live=False)
    add_signup(data["people"][0], hidden, SignupStatus.ATTENDED)
    titles = [m.title for m in dashboard.mission_figures(PERIOD)]
    assert titles == ["Salon du dernier jour", "Salon dépublié", "Salon du premier jour"]


def roster(mission) -> str:
    return reverse("mission_rosters:roster", args=[mission.pk])


def test_missions_table(data):
    last, first = data["last"], data["first"]
    with translation.override("en"):
        (table,) = dashboard.build_missions(PERIOD)
        assert table.slug == "missions" and table.on_home and table.uses_period
        assert "The chart shows the 15 latest missions." in str(table.note)
        assert [str(c.label) for c in table.columns] == [
            "Mission", "Starts on", "Seats", "Confirmed", "Waiting list", "Attended",
            "No-shows", "Reports produced", "Reports qualified",
        ]  # fmt: skip
    pipeline = "/admin/signalements/"
    assert list(table.rows) == [
        (
            Link("Salon du dernier jour", roster(last)),
            datetime.date(2026, 3, 20), 5, 1, 2, 0, 0,
            Link("1", f"{pipeline}?mission={last.pk}"), 0,
        ),
        (
            Link("Salon du premier jour", roster(first)),
            datetime.date(2026, 1, 10), 10, 0, 0, 2, 1,
            Link("4", f"{pipeline}?mission={first.pk}"), 3,
        ),
    ]  # fmt: skip
    assert table.chart == Chart(
        kind="hbar",
        labels=["Salon du dernier jour", "Salon du premier jour"],
        series=[(table.chart.series[0][0], [0, 2]), (table.chart.series[1][0], [1, 4])],
    )
    with translation.override("en"):
        assert [str(name) for name, _values in table.chart.series] == [
            "Attended",
            "Reports produced",
        ]


def test_a_mission_without_reports_shows_a_plain_zero(index):
    add_mission(index, "Salon sans suite", seats=3, starts_at=at(2026, 2, 3))
    (table,) = dashboard.build_missions(PERIOD)
    assert table.rows[0][1:] == (datetime.date(2026, 2, 3), 3, 0, 0, 0, 0, 0, 0)


def test_no_mission_no_rows_no_chart(db):
    (table,) = dashboard.build_missions(PERIOD)
    assert (list(table.rows), table.chart) == ([], None)
    assert table.empty


# --- Reports by status ----------------------------------------------------------------


def test_reports_by_month_in_the_sites_time_zone(data):
    # The restricted report sent on 1 February at 00:30 in Paris is February's.
    assert dashboard.reports_by_month(PERIOD) == {
        datetime.date(2026, 1, 1): {"qualified": 1, "qualifying": 1},
        datetime.date(2026, 2, 1): {"landed": 1},
        datetime.date(2026, 3, 1): {"received": 1},
    }


def row(month: str, total: int, **counts) -> tuple:
    return (month, *(counts.get(s.value, 0) for s in STATUSES), total)


def test_reports_over_time_table_and_chart(data):
    with translation.override("en"):
        over_time, by_status = dashboard.build_reports(PERIOD)
        columns = [str(c.label) for c in over_time.columns]
        series = [str(name) for name, _values in over_time.chart.series]
        statuses = [str(s.label) for s in STATUSES]
    assert over_time.slug == "reports_by_month" and not over_time.on_home
    assert columns == ["Month", *statuses, "Total"]
    assert columns[1:4] == ["Received", "Being qualified", "Qualified"]
    assert list(over_time.rows) == [
        row("January 2026", 2, qualified=1, qualifying=1),
        row("February 2026", 1, landed=1),
        row("March 2026", 1, received=1),
    ]
    chart = over_time.chart
    assert chart.kind == "stacked"
    assert list(chart.labels) == ["January 2026", "February 2026", "March 2026"]
    # One series per status that has reports, in the pipeline's order.
    assert series == ["Received", "Being qualified", "Qualified", "Landed"]
    assert [values for _name, values in chart.series] == [
        [0, 0, 1],
        [1, 0, 0],
        [1, 0, 0],
        [0, 1, 0],
    ]


def test_months_without_reports_are_rows_of_zeros(data):
    period = Period(datetime.date(2025, 11, 1), datetime.date(2026, 3, 31))
    with translation.override("en"):
        over_time, _by_status = dashboard.build_reports(period)
    assert list(over_time.rows) == [
        row("November 2025", 1, landed=1),
        row("December 2025", 0),
        row("January 2026", 3, qualified=1, qualifying=1, lost=1),
        row("February 2026", 1, landed=1),
        row("March 2026", 2, received=1, duplicate=1),
    ]


def test_an_unbounded_period_runs_from_the_first_reports_month_to_this_month(data):
    with translation.override("en"):
        over_time, by_status = dashboard.build_reports(Period())
    months = [r[0] for r in over_time.rows]
    assert months[:3] == ["November 2025", "December 2025", "January 2026"]
    today = timezone.localdate()
    assert len(months) == (today.year - 2025) * 12 + today.month - 11 + 1
    assert sum(r[-1] for r in over_time.rows) == 7
    assert by_status.rows[-1][1] == 7


def test_reports_by_status_counts_current_statuses_with_a_total(data):
    with translation.override("en"):
        _over_time, table = dashboard.build_reports(PERIOD)
        rows = [(str(label), n) for label, n in table.rows]
    assert table.slug == "reports_by_status" and table.on_home
    assert rows == [
        ("Received", 1),
        ("Being qualified", 1),
        ("Qualified", 1),
        ("Accompanied", 0),
        ("Landed", 1),
        ("Lost", 0),
        ("Dormant", 0),
        ("Duplicate", 0),
        ("Out of scope", 0),
        ("Total", 4),
    ]


def test_no_report_no_rows_no_chart(db):
    over_time, by_status = dashboard.build_reports(PERIOD)
    assert (list(over_time.rows), over_time.chart) == ([], None)
    assert over_time.empty
    assert by_status.rows[-1][1] == 0


def test_restricted_reports_are_counted_never_described(data):
    text = repr(dashboard.build_missions(Period())) + repr(dashboard.build_reports(Period()))
    assert SECRET not in text


# --- Hooks ----------------------------------------------------------------------------


def test_hooks_register_both_sections_and_the_stages(db):
    sections = [fn() for fn in hooks.get_hooks(home_hooks.DASHBOARD_SECTIONS)]
    ours = [s for s in sections if s.slug in ("missions", "reports")]
    with translation.override("en"):
        assert [(s.slug, str(s.title)) for s in ours] == [
            ("missions", "Missions"),
            ("reports", "Project reports"),
        ]
    assert [s.build for s in ours] == [dashboard.build_missions, dashboard.build_reports]
    keys = [stage.key for fn in hooks.get_hooks(home_hooks.FUNNEL_STAGES) for stage in fn()]
    assert keys[-5:] == ["signed_up", "attended", "reported", "qualified", "landed"]


# --- Queries --------------------------------------------------------------------------


def more(index, n: int) -> None:
    """`n` more missions in the period, each with sign-ups of every kind and reports."""
    for i in range(n):
        mission = add_mission(index, f"Salon {i}", starts_at=at(2026, 2, 1 + i))
        for status in SignupStatus:
            add_signup(person(), mission, status, created_at=at(2026, 2, 1))
        for status in STATUSES:
            report(
                person(), status, at(2026, 1 + i % 3, 5), mission=mission,
                qualified_at=at(2026, 3, 1), closed_at=at(2026, 3, 2),
                confidentiality="restricted" if i % 2 else "normal",
            )  # fmt: skip


# The missions with their counts (1); reports by month and status (1), from which the
# totals by status come.
BUILD_QUERIES = {"missions": 1, "reports": 1}


@pytest.mark.parametrize("section", ["missions", "reports"])
def test_build_queries_do_not_grow_with_data(data, index, section, django_assert_num_queries):
    build = {"missions": dashboard.build_missions, "reports": dashboard.build_reports}[section]
    with django_assert_num_queries(BUILD_QUERIES[section]):
        few = build(PERIOD)
    more(index, 6)
    with django_assert_num_queries(BUILD_QUERIES[section]):
        many = build(PERIOD)
    assert len(many[0].rows) > len(few[0].rows) or sum(r[-1] for r in many[0].rows) > sum(
        r[-1] for r in few[0].rows
    )


@pytest.mark.parametrize("key", ["signed_up", "attended", "reported", "qualified", "landed"])
def test_each_stage_is_one_query_whatever_the_data(data, index, key, django_assert_num_queries):
    expression = stages()[key].reached
    active = User.objects.filter(ambassador_profile__status=MembershipStatus.ACTIVE)
    with django_assert_num_queries(1):
        few = active.filter(Q(expression(PERIOD))).count()
    more(index, 6)
    with django_assert_num_queries(1):
        many = active.filter(Q(expression(PERIOD))).count()
    assert many > few

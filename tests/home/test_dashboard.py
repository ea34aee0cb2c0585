"""The staff dashboard's frame (home.dashboard, home.charts, home.dashboard_views): periods,
the funnel's population, the cache, the reports page, its CSV exports, the admin home's
panels, and who may see any of it. Each app's figures are tested in its own
tests/<app>/test_dashboard.py."""

import csv
import datetime
import io

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail import hooks

from home import dashboard
from home import hooks as home_hooks
from home.charts import render
from home.dashboard import Chart, Column, Kind, Link, Period, Section, Stage, Table
from home.models import MembershipStatus
from tests.factories import AmbassadorProfileFactory, UserFactory

DASHBOARD = "/admin/tableau-de-bord/"
TODAY = datetime.date(2026, 11, 29)


# --- Periods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("30d", datetime.date(2026, 10, 31), TODAY),
        ("90d", datetime.date(2026, 9, 1), TODAY),
        ("12m", datetime.date(2025, 11, 30), TODAY),
        ("year", datetime.date(2026, 1, 1), TODAY),
        ("last_year", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        ("all", None, None),
    ],
)
def test_presets_end_today_and_include_both_ends(key, start, end):
    period = dashboard.preset(key, today=TODAY)
    assert (period.start, period.end, period.key) == (start, end, key)


def test_twelve_months_from_a_29th_of_february():
    period = dashboard.preset("12m", today=datetime.date(2028, 2, 29))
    assert period.start == datetime.date(2027, 3, 1)


def test_a_period_keeps_its_first_and_last_days_in_the_site_time_zone(db):
    period = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), "custom")
    paris = timezone.get_current_timezone()
    joined = {
        "before": datetime.datetime(2026, 2, 28, 23, 59, tzinfo=paris),
        "first": datetime.datetime(2026, 3, 1, 0, 0, tzinfo=paris),
        "last": datetime.datetime(2026, 3, 31, 23, 59, tzinfo=paris),
        "after": datetime.datetime(2026, 4, 1, 0, 0, tzinfo=paris),
    }
    for name, at in joined.items():
        UserFactory(email=f"{name}@exemple.fr", date_joined=at)
    from home.models import User

    inside = User.objects.filter(period.q("date_joined")).values_list("email", flat=True)
    assert sorted(inside) == ["first@exemple.fr", "last@exemple.fr"]
    assert User.objects.filter(Period().q("date_joined")).count() == 4


# --- The funnel's population ----------------------------------------------------------


def joined_in(period):
    return period.q("date_joined")


def test_the_funnel_counts_active_ambassadors_only(db):
    recent = timezone.now() - datetime.timedelta(days=3)
    old = timezone.now() - datetime.timedelta(days=400)
    for n, (status, joined) in enumerate(
        [
            (MembershipStatus.ACTIVE, recent),
            (MembershipStatus.ACTIVE, recent),
            (MembershipStatus.ACTIVE, old),
            (MembershipStatus.SUSPENDED, recent),
            (MembershipStatus.LEFT, recent),
            (MembershipStatus.INVITED, recent),
        ]
    ):
        AmbassadorProfileFactory(
            user__email=f"p{n}@exemple.fr", user__date_joined=joined, status=status
        )
    UserFactory(email="staff-without-profile@exemple.fr", date_joined=recent)
    stage = Stage(key="joined", label="Joined", reached=joined_in)
    with hooks.register_temporarily(home_hooks.FUNNEL_STAGES, lambda: [stage], order=99):
        counts = dashboard.funnel_counts(dashboard.preset("30d"))
    assert counts[0] == (None, 3)
    assert counts[-1] == (stage, 2)


def test_the_funnel_table_lists_every_stage_in_order_with_its_share(db):
    for n in range(4):
        AmbassadorProfileFactory(user__email=f"p{n}@exemple.fr")
    stage = Stage(key="joined", label="Joined", reached=lambda period: Q(email__startswith="p1"))
    with (
        hooks.register_temporarily(home_hooks.FUNNEL_STAGES, lambda: [stage], order=99),
        translation.override("en"),
    ):
        (table,) = dashboard.build_funnel(dashboard.preset("12m"))
    labels = [row[0] for row in table.rows]
    assert labels[0] == "Active ambassadors"
    assert labels[1:] == [
        "Started a course",
        "Earned a badge",
        "Signed up for a mission",
        "Attended a mission",
        "Reported a project",
        "Had a report qualified",
        "Had a project landed",
        "Joined",
    ]
    assert table.rows[0][1:3] == (4, 100.0)
    assert table.rows[-1][1:] == (1, 25.0, "")
    assert table.chart.series[0][1] == [row[1] for row in table.rows]


def test_the_funnel_is_one_query_whatever_the_number_of_ambassadors(db, django_assert_num_queries):
    period = dashboard.preset("12m")
    AmbassadorProfileFactory()
    with django_assert_num_queries(1):
        dashboard.funnel_counts(period)
    for _n in range(15):
        AmbassadorProfileFactory()
    with django_assert_num_queries(1):
        dashboard.funnel_counts(period)


# --- Charts ---------------------------------------------------------------------------


def test_a_chart_is_inline_svg_hidden_from_assistive_technologies_with_its_values():
    chart = Chart(kind="hbar", labels=["Alpha", "Beta"], series=[("n", [12, 3])])
    svg = render(chart)
    assert svg.startswith('<svg aria-hidden="true" focusable="false" ')
    assert "<!--" not in svg and "<script" not in svg
    assert ">Alpha<" in svg and ">Beta<" in svg
    assert ">12<" in svg and ">3<" in svg
    # Text takes the admin theme's colour, light or dark.
    assert "currentColor" in svg


def test_charts_print_localised_numbers():
    chart = Chart(kind="bar", labels=["A"], series=[("n", [42386])])
    with translation.override("fr"):
        assert ">42\xa0386<" in render(chart)


def test_percent_charts_print_localised_percentages():
    chart = Chart(kind="bar", labels=["A"], series=[("rate", [66.7])], percent=True)
    with translation.override("fr"):
        svg = render(chart)
    assert "66,7 %" in svg


# --- Who sees it ----------------------------------------------------------------------


def test_ambassadors_and_staff_without_the_permission_never_see_it(client, ambassador, signed_in):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "next=/admin/tableau-de-bord/" in response["Location"]
    signed_in(ambassador)
    assert client.get(DASHBOARD).status_code in (302, 403)
    editor = UserFactory(email="editeur@exemple.fr", is_staff=True)
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    signed_in(editor)
    # Wagtail turns the refusal into a message on the admin home.
    for response in (
        client.get(DASHBOARD),
        client.get(DASHBOARD + "csv/funnel/funnel/"),
        client.post(DASHBOARD + "rafraichir/"),
    ):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    home = client.get("/admin/")
    assert home.status_code == 200
    assert b'id="dashboard-funnel-section"' not in home.content


@pytest.mark.parametrize("persona", ["staff", "manager"])
def test_equipe_and_responsables_see_the_dashboard_in_the_menu_and_on_the_home(
    request, db, client, signed_in, persona
):
    signed_in(request.getfixturevalue(persona))
    home = client.get("/admin/")
    assert b'id="dashboard-funnel-section"' in home.content
    assert DASHBOARD.encode() in home.content
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    for slug in ("funnel", "courses", "certified", "questions", "missions", "reports"):
        assert f'id="section-{slug}"'.encode() in page.content


# --- The reports page -----------------------------------------------------------------


def example_section(calls):
    def build(period):
        calls.append(period)
        return [
            Table(
                slug="example",
                caption="Example figures",
                columns=[
                    Column("Name", Kind.TEXT),
                    Column("Count", Kind.NUMBER),
                    Column("Rate", Kind.PERCENT),
                    Column("Time", Kind.DAYS),
                ],
                rows=[(Link("Salon", "/admin/x/"), 1234, 66.7, 2.5), ("Other", 0, None, None)],
                chart=Chart(kind="bar", labels=["Salon", "Other"], series=[("n", [1234, 0])]),
                note="How it is counted.",
            )
        ]

    return lambda: Section(slug="example", title="Example", build=build)


def test_the_page_shows_each_figure_as_a_chart_a_table_and_a_csv_link(client, staff, signed_in):
    calls = []
    signed_in(staff)
    with hooks.register_temporarily(home_hooks.DASHBOARD_SECTIONS, example_section(calls)):
        response = client.get(DASHBOARD, {"period": "90d"})
    html = response.content.decode()
    assert response.status_code == 200
    assert calls == [dashboard.preset("90d")]
    assert '<figcaption class="dashboard-figure__caption" id="table-example-caption">' in html
    assert '<svg aria-hidden="true"' in html
    assert '<a href="/admin/x/">Salon</a>' in html
    assert "1\xa0234" in html
    assert "66,7 %" in html and "2,5 j" in html
    assert "How it is counted." in html
    assert "/admin/tableau-de-bord/csv/example/example/?period=90d" in html


def test_figures_are_computed_once_then_kept_until_refreshed(client, staff, signed_in):
    calls = []
    signed_in(staff)
    with hooks.register_temporarily(home_hooks.DASHBOARD_SECTIONS, example_section(calls)):
        client.get(DASHBOARD)
        client.get(DASHBOARD)
        client.get(DASHBOARD + "csv/example/example/")
        assert len(calls) == 1
        response = client.post(DASHBOARD + "rafraichir/", {"next": DASHBOARD + "?period=all"})
        assert response["Location"] == DASHBOARD + "?period=all"
        client.get(DASHBOARD + "?period=all")
        assert len(calls) == 2
        # Another period, another computation; a foreign "next" goes to the dashboard.
        client.get(DASHBOARD + "?period=30d")
        assert len(calls) == 3
        response = client.post(DASHBOARD + "rafraichir/", {"next": "https://ailleurs.example/"})
        assert response["Location"] == DASHBOARD


def test_the_refresh_button_is_a_post_with_a_csrf_token(client, staff, signed_in):
    signed_in(staff)
    assert client.get(DASHBOARD + "rafraichir/").status_code == 405
    html = client.get(DASHBOARD).content.decode()
    assert 'action="/admin/tableau-de-bord/rafraichir/"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_custom_period_filters_and_a_bad_one_says_why_without_failing(client, staff, signed_in):
    calls = []
    signed_in(staff)
    with hooks.register_temporarily(home_hooks.DASHBOARD_SECTIONS, example_section(calls)):
        client.get(DASHBOARD, {"period": "custom", "start": "2026-01-01", "end": "2026-03-31"})
        backwards = client.get(
            DASHBOARD, {"period": "custom", "start": "2026-03-31", "end": "2026-01-01"}
        )
        nonsense = client.get(DASHBOARD, {"period": "custom", "start": "31/31/2026"})
        nothing = client.get(DASHBOARD, {"period": "custom"})
        unknown = client.get(DASHBOARD, {"period": "forever"})
    assert calls[0] == Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "custom")
    with translation.override("fr"):
        assert gettext("The last day must not come before the first day.") in (
            backwards.content.decode()
        )
        assert gettext("Give a first day, a last day or both to choose the dates.") in (
            nothing.content.decode()
        )
    for response in (backwards, nonsense, nothing, unknown):
        assert response.status_code == 200
    # Each invalid request falls back to the default period (computed once, then cached).
    assert calls[1:] == [dashboard.preset(dashboard.DEFAULT_PERIOD)]


def test_dates_alone_mean_a_custom_period(client, staff, signed_in):
    calls = []
    signed_in(staff)
    with hooks.register_temporarily(home_hooks.DASHBOARD_SECTIONS, example_section(calls)):
        client.get(DASHBOARD, {"start": "2026-06-01"})
    assert calls == [Period(datetime.date(2026, 6, 1), None, "custom")]


def test_the_csv_export_holds_the_table_with_plain_numbers(client, staff, signed_in):
    signed_in(staff)
    with hooks.register_temporarily(home_hooks.DASHBOARD_SECTIONS, example_section([])):
        response = client.get(
            DASHBOARD + "csv/example/example/",
            {"period": "custom", "start": "2026-01-01", "end": "2026-03-31"},
        )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="tableau-de-bord-example-example-2026-01-01_2026-03-31.csv"'
        in response["Content-Disposition"]
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    with translation.override("fr"):
        days = gettext("%(label)s (days)") % {"label": "Time"}
    assert rows == [
        ["Name", "Count", "Rate (%)", days],
        ["Salon", "1234", "66.7", "2.5"],
        ["Other", "0", "", ""],
    ]


def test_unknown_sections_and_tables_are_not_found(client, staff, signed_in):
    signed_in(staff)
    assert client.get(DASHBOARD + "csv/nothing/funnel/").status_code == 404
    assert client.get(DASHBOARD + "csv/funnel/nothing/").status_code == 404


def test_the_real_funnel_csv_lists_the_eight_stages(client, manager, signed_in):
    AmbassadorProfileFactory()
    signed_in(manager)
    response = client.get(DASHBOARD + "csv/funnel/funnel/", {"period": "all"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert len(rows) == 1 + 8
    assert rows[1][1:3] == ["1", "100.0"]


def test_the_dashboard_url_is_named(db):
    assert reverse("dashboard:index") == DASHBOARD
    assert reverse("dashboard:csv", args=("funnel", "funnel")) == DASHBOARD + "csv/funnel/funnel/"

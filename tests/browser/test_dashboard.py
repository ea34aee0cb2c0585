"""The staff dashboard in a real browser: a *Responsable* signs in, finds the funnel on
the admin home, opens the dashboard, chooses a period, traces a mission's reports to the
pipeline, and downloads a CSV; axe-core checks the dashboard, on a desktop and on a
phone, in the light and dark themes."""

import csv
import datetime
import io

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext
from playwright.sync_api import expect

from briefings.models import ProjectReport, ReportStatus, SignupStatus
from home.groups import RESPONSABLES
from tests.briefings.builders import add_index, add_mission, add_signup
from tests.browser.test_quizzes import tr
from tests.factories import AmbassadorProfileFactory, UserFactory

MANAGER = "responsable@exemple.fr"


def tr_period(msgid: str) -> str:
    with translation.override("fr"):
        return pgettext("period", msgid)


MISSION = "Salon SIMA 2026"


@pytest.fixture
def club(home_page):
    """Three active ambassadors; two attended a salon forty days ago; one reported a
    project from it, now qualified; a fourth person left the club."""
    starts = timezone.now() - datetime.timedelta(days=40)
    mission = add_mission(add_index(home_page), MISSION, starts_at=starts, hours=8, seats=4)
    people = [
        AmbassadorProfileFactory(user__email=f"ambassadeur{n}@exemple.fr").user for n in range(3)
    ]
    for person in people[:2]:
        add_signup(person, mission, status=SignupStatus.ATTENDED)
    sent = starts + datetime.timedelta(days=2)
    ProjectReport.objects.create(
        author=people[0],
        mission=mission,
        company_name="Hexaform Composites",
        description="Une extension d'usine.",
        status=ReportStatus.QUALIFIED,
        submitted_at=sent,
        qualified_at=sent + datetime.timedelta(days=3),
    )
    return mission


def test_a_responsable_reads_the_funnel_filters_a_period_and_downloads_a_csv(
    page, live_server, club, sign_in, axe_check, csp_violations
):
    UserFactory(email=MANAGER, is_staff=True, groups=[RESPONSABLES])
    sign_in(MANAGER, path="/admin/")
    page.goto(live_server.url + "/admin/")

    # The admin home: the funnel first, with its figures.
    funnel = page.locator("#dashboard-funnel-section")
    expect(funnel).to_be_visible()
    expect(funnel.locator("tbody tr").first).to_contain_text(tr("Active ambassadors"))
    expect(funnel.locator("tbody tr").first.locator("td").first).to_have_text("3")

    # The dashboard, from the menu.
    with translation.override("fr"):
        menu_label = pgettext("admin menu", "Figures")
    page.get_by_role("link", name=menu_label, exact=True).click()
    expect(page.locator("h1")).to_contain_text(tr("The club's figures"))
    axe_check(page)

    # A period that leaves the salon out: nobody attended.
    page.get_by_label(tr("Period")).select_option("custom")
    today = timezone.localdate()
    page.get_by_label(tr_period("From"), exact=True).fill(
        (today - datetime.timedelta(days=10)).isoformat()
    )
    page.get_by_label(tr_period("To"), exact=True).fill(today.isoformat())
    page.get_by_role("button", name=tr("Show"), exact=True).click()
    attended = page.locator("#table-funnel tbody tr").nth(4)
    expect(attended).to_contain_text(tr("Attended a mission"))
    expect(attended.locator("td").first).to_have_text("0")

    # The last 90 days hold the salon: two attended, one report, qualified.
    page.get_by_label(tr("Period")).select_option("90d")
    page.get_by_role("button", name=tr("Show"), exact=True).click()
    expect(attended.locator("td").first).to_have_text("2")
    row = page.locator("#table-missions tbody tr", has_text=MISSION)
    expect(row).to_be_visible()
    axe_check(page)

    # The CSV of the funnel, for the period shown.
    with page.expect_download() as download_info:
        page.locator("#table-funnel").get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("tableau-de-bord-funnel-funnel-")
    with open(download.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.reader(io.StringIO(exported.read())))
    assert rows[0][1] == tr("Ambassadors")
    assert [r[1] for r in rows[1:]] == ["3", "0", "0", "2", "2", "1", "1", "0"]

    # Trace the salon's reports to the pipeline, filtered by the mission.
    row.get_by_role("link", name="1").first.click()
    expect(page).to_have_url(f"{live_server.url}/admin/signalements/?mission={club.pk}")
    expect(page.get_by_text("Hexaform Composites")).to_be_visible()

    assert csp_violations == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_dashboard_reads_on_a_phone_in_both_themes(
    page, live_server, club, sign_in, axe_check, scheme
):
    UserFactory(email=MANAGER, is_staff=True, groups=[RESPONSABLES])
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(MANAGER, path="/admin/tableau-de-bord/?period=90d")
    page.goto(live_server.url + "/admin/tableau-de-bord/?period=90d")
    chart = page.locator("#table-funnel .dashboard-figure__chart svg")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= 375
    axe_check(page)

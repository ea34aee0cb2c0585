"""Project reports in a real browser, the issue's journey: from a phone-sized window
(375×812), a certified ambassador debriefs the mission they attended and reports a
project from it; a *Responsable* opens the report in the pipeline, moves it to "being
qualified" then "qualified" and writes feedback; the ambassador reads that feedback in
Mes signalements (Mon espace). axe-core checks the debrief page, the report form and
Mon espace; the phone-sized pages never scroll sideways."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import ModelLogEntry

from briefings.models import Debrief, ProjectReport, ReportNote, ReportStatus, SignupStatus
from home.groups import RESPONSABLES
from tests.briefings.builders import add_index, add_mission, add_signup
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_quizzes import tr
from tests.factories import PASSWORD, AmbassadorProfileFactory, UserFactory

PHONE = {"width": 375, "height": 812}
EMAIL = "certifie@exemple.fr"
MANAGER = "responsable@exemple.fr"
MISSION = "Rencontres business Sarthe à Paris"
COMPANY = "Hexaform Composites"
FEEDBACK = (
    "Merci Karim ! Mathieu Roussel confirme le projet : nous lui envoyons une offre "
    "foncière cette semaine."
)


@pytest.fixture
def past_mission(home_page):
    """A promotion evening three weeks ago, which certifie attended."""
    starts = timezone.now() - datetime.timedelta(days=21)
    mission = add_mission(add_index(home_page), MISSION, starts_at=starts, hours=3, seats=5)
    certifie = AmbassadorProfileFactory(
        user__email=EMAIL, user__first_name="Karim", user__last_name="Benali"
    ).user
    add_signup(certifie, mission, status=SignupStatus.ATTENDED)
    return mission, certifie


def _sign_in(page, live_server, email: str, path: str) -> None:
    """Open `path`, which sends an anonymous visitor to the site's sign-in form, sign in
    there, and open `path` (the admin's sign-in brings staff to its dashboard)."""
    page.goto(live_server.url + path)
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if page.url != live_server.url + path:
        page.goto(live_server.url + path)
    expect(page).to_have_url(live_server.url + path)


def _fits_the_phone(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 375px wide"


def test_an_ambassador_reports_from_a_debrief_on_a_phone_staff_qualify_it_and_reply(
    page, browser, live_server, past_mission, axe_check, csp_violations, mailoutbox
):
    mission, certifie = past_mission
    manager = UserFactory(email=MANAGER, is_staff=True, groups=[RESPONSABLES])
    page.set_viewport_size(PHONE)
    debrief_path = f"/debrief/{mission.pk}/"

    # The debrief: how it went, whom they met.
    _sign_in(page, live_server, EMAIL, debrief_path)
    expect(page.locator("h1")).to_contain_text(MISSION)
    axe_check(page)
    _fits_the_phone(page)
    page.get_by_label(tr("How did it go?")).fill(
        "Une quarantaine de dirigeants ; l'argument du TGV fait mouche."
    )
    page.get_by_label(tr("Contacts met")).fill(
        "Mathieu Roussel, directeur industriel d'Hexaform Composites."
    )
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Save my debrief")).click()
    debrief = Debrief.objects.get(mission=mission, user=certifie)
    assert "Hexaform" in debrief.contacts_met

    # "Report a project from this mission": the form, tagged with the mission.
    with page.expect_navigation():
        page.locator("[data-report-from-mission]").click()
    assert page.url == f"{live_server.url}/signaler/?mission={mission.pk}"
    expect(page.locator("[data-mission-tag]")).to_contain_text(MISSION)
    axe_check(page)
    _fits_the_phone(page)
    page.get_by_label(tr("Company name")).fill(COMPANY)
    page.get_by_label(tr("Country of the company")).select_option("FR")
    page.get_by_label(tr("Website")).fill("https://www.hexaform.fr")
    page.get_by_label(tr("Kind of project")).select_option("relocation")
    page.get_by_label(tr("The project in a few words")).fill(
        "L'usine de Gennevilliers est trop petite : un site à moins de deux heures de Paris."
    )
    page.get_by_label(tr("Jobs expected")).fill("90")
    page.get_by_label(tr("Contact person")).fill("Mathieu Roussel")
    page.get_by_label(tr("Their email")).fill("m.roussel@hexaform.fr")
    page.get_by_label(tr("The contact agreed to be called by the agency")).check()
    page.get_by_label(tr("How you know of it")).fill("Rencontré à la soirée de la Sarthe.")
    with page.expect_navigation():
        page.locator("[data-send]").click()
    report = ProjectReport.objects.get(author=certifie)
    assert page.url == f"{live_server.url}/signaler/{report.pk}/envoye/"
    assert report.status == ReportStatus.RECEIVED and report.mission_id == mission.pk
    assert report.company_name == COMPANY and report.contact_agreed and report.submitted_at
    _fits_the_phone(page)

    # Staff: the pipeline, the report, two moves and a feedback message.
    staff_context = browser.new_context(locale="fr-FR")
    staff_context.set_default_timeout(TIMEOUT_MS)
    staff = staff_context.new_page()
    try:
        _sign_in(staff, live_server, MANAGER, "/admin/signalements/")
        with staff.expect_navigation():
            staff.get_by_role("link", name=COMPANY).first.click()
        for status in (ReportStatus.QUALIFYING, ReportStatus.QUALIFIED):
            with staff.expect_navigation():
                staff.locator(f"form.report-move[data-to='{status}'] button").click()
            report.refresh_from_db()
            assert report.status == status
        staff.locator("textarea[name=text]").fill(FEEDBACK)
        with staff.expect_navigation():
            staff.locator("button[name=kind][value=feedback]").click()
        expect(staff.locator(".report-note[data-shared='true']")).to_contain_text(
            "Mathieu Roussel confirme"
        )
    finally:
        staff_context.close()

    report.refresh_from_db()
    assert report.qualified_at is not None
    moves = ModelLogEntry.objects.for_instance(report).filter(action="briefings.report_move")
    assert list(moves.order_by("pk").values_list("user_id", "data__status")) == [
        (manager.pk, ReportStatus.QUALIFYING),
        (manager.pk, ReportStatus.QUALIFIED),
    ]
    note = ReportNote.objects.get(report=report)
    assert note.shared and note.author == manager and note.text == FEEDBACK
    emailed = [m for m in mailoutbox if m.to == [EMAIL]]
    assert len(emailed) == 1 and "Mathieu Roussel confirme" in emailed[0].body

    # The ambassador reads the feedback in Mes signalements, still on the phone.
    page.goto(live_server.url + "/mon-espace/")
    mine = page.locator(f"[data-report='{report.pk}']")
    expect(mine).to_have_attribute("data-status", ReportStatus.QUALIFIED)
    expect(mine.locator("[data-feedback]")).to_contain_text("Mathieu Roussel confirme le projet")
    axe_check(page)
    _fits_the_phone(page)
    assert not csp_violations, "\n".join(csp_violations)

"""An ambassador earns a badge in a real browser: passes the last quiz it asks for, sees
the badge appear in Mon espace's "My badges" (axe-core checks the page), downloads the
certificate (a PDF naming them and the badge) and follows the link to its verification
page."""

import io
from pathlib import Path

import pytest
from django.urls import include, path
from playwright.sync_api import expect
from pypdf import PdfReader

import config.urls
import lms.badge_hooks  # noqa: F401
from lms.certificates import certificate_filename
from lms.models import Badge, BadgeAward, BadgeCriterion
from tests.browser.test_quizzes import (
    EMAIL,
    RIGHT,
    answer_with_the_keyboard,
    build_quiz,
    press_enter_on,
    tr,
)

# The certificate's URLs are mounted here too, and the badge hooks registered (importing
# them registers them), whether or not config/urls.py and lms/wagtail_hooks.py include
# them yet (Wagtail's page serving stays last).
urlpatterns = [path("", include("lms.badge_urls")), *config.urls.urlpatterns]
pytestmark = pytest.mark.urls(__name__)


def add_badge_for(quiz) -> Badge:
    badge = Badge.objects.create(
        name="Détecteur de projets",
        slug="detecteur-de-projets",
        description="Sait repérer les signaux d'un projet d'implantation.",
        criteria_narrative="A réussi le quiz final du parcours « Détecter un projet ».",
        validity_months=24,
    )
    BadgeCriterion.objects.create(badge=badge, kind="quiz_passed", target_page=quiz, number=70)
    return badge


def test_an_ambassador_passes_the_last_quiz_sees_the_badge_and_downloads_its_certificate(
    page, live_server, sign_in, axe_check, csp_violations
):
    _course, quiz = build_quiz()
    add_badge_for(quiz)
    sign_in(EMAIL)

    # Before: the badge is to earn, its quiz to do (a link to it).
    page.goto(live_server.url + "/mon-espace/")
    to_earn = page.locator("[data-badges=in-progress] [data-badge=detecteur-de-projets]")
    expect(to_earn.locator("[data-criterion=todo] a")).to_have_attribute("href", quiz.url)
    axe_check(page)

    # Pass the quiz.
    page.goto(live_server.url + quiz.url)
    press_enter_on(page, page.get_by_role("button", name=tr("Start the quiz")))
    answer_with_the_keyboard(page, RIGHT)
    press_enter_on(page, page.get_by_role("button", name=tr("Submit my answers")))
    expect(page.locator("[data-quiz-score] h2")).to_have_text(tr("Passed"))

    # The badge is there, valid, with its links.
    page.goto(live_server.url + "/mon-espace/")
    earned = page.locator("[data-badges=valid] [data-badge=detecteur-de-projets]")
    expect(earned).to_contain_text("Détecteur de projets")
    expect(page.locator("[data-badges=in-progress]")).to_have_count(0)
    axe_check(page)
    award = BadgeAward.objects.get(user__email=EMAIL)

    with page.expect_download() as download_info:
        earned.locator("[data-certificate]").click()
    download = download_info.value
    assert download.suggested_filename == certificate_filename(award)
    assert download.suggested_filename.startswith("certificat-detecteur-de-projets-camille-")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Camille" in text and "Détecteur de projets" in text

    # Its verification page (lms.verification_urls), as anyone would open it.
    link = earned.locator("[data-verification]")
    expect(link).to_have_attribute("href", f"/verifier/{award.uuid}/")
    with page.expect_navigation():
        link.click()
    expect(page.locator("main")).to_contain_text("Détecteur de projets")
    expect(page.locator("main")).to_contain_text("Camille")
    axe_check(page)

    # From another browser, signed in nowhere: the page and the Open Badges assertion.
    stranger = page.context.browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(f"{live_server.url}/verifier/{award.uuid}/")
        expect(other.locator("main")).to_contain_text("Camille")
        assertion = other.request.get(f"{live_server.url}/badges/assertions/{award.uuid}.json")
        assert assertion.status == 200
        assert assertion.json()["recipient"]["identity"] == award.recipient_hash
    finally:
        stranger.close()
    assert not csp_violations, "\n".join(csp_violations)

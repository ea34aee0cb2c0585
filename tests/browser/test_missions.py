"""Missions in a real browser: an ambassador without the badge sees the mission locked
and the course that unlocks it; a certified ambassador signs up, downloads the .ics and
the briefing pack, cancels, and the first on the waiting list takes the seat and is
emailed. axe-core checks /missions/, the mission page and the cancellation page."""

import io
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from briefings import services
from briefings.models import Signup, SignupStatus
from lms.models import CoursePage
from tests.briefings.builders import BRIEFING, add_badge, add_index, add_mission, certified
from tests.browser.test_quizzes import tr
from tests.factories import AmbassadorProfileFactory

TITLE = "Salon SIMA 2027 — stand de la Sarthe"
EMAIL = "karim@exemple.fr"


@pytest.fixture
def sima(home_page):
    """SIMA: 2 seats, requires "Ambassadeur salon" (earned by completing its course),
    with a briefing to acknowledge."""
    badge = add_badge(home_page, "salon")
    mission = add_mission(add_index(home_page), TITLE, seats=2, badges=[badge], briefing=BRIEFING)
    return mission, badge


def _sign_up(user, mission) -> Signup:
    return services.signup_create(user=user, mission=mission, acknowledged=True)


def test_an_ambassador_without_the_badge_sees_the_mission_locked_and_the_course_to_take(
    page, live_server, sign_in, sima, axe_check, csp_violations
):
    mission, badge = sima
    course = CoursePage.objects.get()
    AmbassadorProfileFactory(user__email="camille@exemple.fr")
    sign_in("camille@exemple.fr")

    page.goto(live_server.url + "/missions/")
    card = page.locator(f"[data-mission='{mission.pk}']")
    expect(card).to_contain_text(TITLE)
    expect(card.locator("[data-gate]")).to_have_attribute("data-gate", "locked")
    lack = card.locator(f"[data-lack='{badge.slug}']")
    expect(lack).to_contain_text(badge.name)
    expect(lack.locator("a")).to_have_attribute("href", course.url)
    axe_check(page)

    # The mission page says why, lists what unlocks it, and offers no form.
    with page.expect_navigation():
        card.get_by_role("link", name=TITLE).click()
    place = page.locator("[data-your-place]")
    expect(place.locator("[data-reasons]")).to_contain_text(badge.name)
    expect(place.locator(f"[data-lack='{badge.slug}'] a")).to_have_attribute("href", course.url)
    expect(page.locator("[data-signup-form]")).to_have_count(0)
    axe_check(page)

    # The link leads to the course.
    with page.expect_navigation():
        place.locator(f"[data-lack='{badge.slug}'] a").click()
    assert page.url == live_server.url + course.url
    assert not csp_violations, "\n".join(csp_violations)


def test_a_certified_ambassador_signs_up_downloads_cancels_and_the_first_waiting_is_promoted(
    page, live_server, sign_in, sima, axe_check, csp_violations, mailoutbox
):
    mission, badge = sima
    first, second, third = certified(badge, 3)
    (certifie,) = certified(badge, 1, user__email=EMAIL, user__first_name="Karim")
    _sign_up(first, mission)  # one seat left
    sign_in(EMAIL)

    # Sign up: the briefing acknowledged, confirmed at once.
    page.goto(live_server.url + "/missions/")
    expect(page.locator(f"[data-mission='{mission.pk}'] [data-gate]")).to_have_attribute(
        "data-gate", "open"
    )
    axe_check(page)
    page.goto(live_server.url + mission.url)
    form = page.locator("[data-signup-form]")
    expect(form.locator("[data-outcome]")).to_have_attribute("data-outcome", "confirmed")
    axe_check(page)
    form.get_by_label(tr("I have read the briefing and will follow it")).check()
    with page.expect_navigation():
        form.get_by_role("button", name=tr("Sign up")).click()
    expect(page.locator("[data-your-place] [data-signup-status]")).to_have_attribute(
        "data-signup-status", "confirmed"
    )
    mine = Signup.objects.get(mission=mission, user=certifie)
    assert mine.status == SignupStatus.CONFIRMED and mine.briefing_acknowledged_at
    axe_check(page)

    # Two others come after her: the waiting list.
    waiting = [_sign_up(second, mission), _sign_up(third, mission)]
    assert [s.status for s in waiting] == [SignupStatus.WAITLISTED] * 2

    # The .ics: one event, the mission's title.
    with page.expect_download() as ics_download:
        page.locator("[data-ics-link]").click()
    assert ics_download.value.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(ics_download.value.path()).read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1 and str(events[0]["SUMMARY"]) == TITLE
    assert events[0].decoded("DTSTART") == mission.starts_at.replace(microsecond=0)

    # The briefing pack: a PDF naming the mission.
    with page.expect_download() as pack_download:
        page.locator("[data-pack-link]").click()
    content = Path(pack_download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "SIMA 2027" in text

    # Cancel: the page asks to confirm, then the seat goes to the first waiting.
    with page.expect_navigation():
        page.locator("[data-cancel-link]").click()
    cancel_form = page.locator("[data-cancel-form]")
    expect(cancel_form).to_be_visible()
    axe_check(page)
    mailoutbox.clear()
    cancel_form.get_by_label(tr("Yes, I cancel my sign-up")).check()
    with page.expect_navigation():
        cancel_form.get_by_role("button", name=tr("Cancel my sign-up")).click()
    assert page.url == live_server.url + mission.url
    expect(page.locator("[data-signup-form]")).to_be_visible()  # she may sign up again

    statuses = dict(Signup.objects.filter(mission=mission).values_list("user_id", "status"))
    assert statuses == {
        first.pk: SignupStatus.CONFIRMED,
        certifie.pk: SignupStatus.CANCELLED,
        second.pk: SignupStatus.CONFIRMED,  # promoted: first in line
        third.pk: SignupStatus.WAITLISTED,
    }
    promoted = [m for m in mailoutbox if m.to == [second.email]]
    assert len(promoted) == 1 and TITLE in promoted[0].subject
    assert any(m.to == [EMAIL] for m in mailoutbox)  # her cancellation, confirmed
    assert not any(m.to == [third.email] for m in mailoutbox)
    assert not csp_violations, "\n".join(csp_violations)

"""Signing in through a real browser: an ambassador with the keyboard alone, staff into
the Wagtail admin, both under the Content Security Policy."""

import re

from django.conf import settings
from playwright.sync_api import expect

from home.groups import EQUIPE
from tests.factories import PASSWORD, AmbassadorProfileFactory, UserFactory

# Bounds the search for a control by tabbing: the header holds a handful of them.
MAX_TABS = 30

FOCUSED = """() => {
    const el = document.activeElement;
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        name: el.getAttribute("name"),
        href: el.getAttribute("href"),
        classes: el.getAttribute("class") || "",
        text: el.textContent.trim(),
    };
}"""


def focused(page) -> dict:
    """What has the keyboard focus."""
    return page.evaluate(FOCUSED)


def tab_to(page, is_wanted) -> dict:
    """Press Tab until `is_wanted(focused element)`; fail if it is never reached."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if is_wanted(element):
            return element
        seen.append(element)
    raise AssertionError(f"Not reached with {MAX_TABS} presses of Tab; focus went to {seen}")


def test_ambassador_signs_in_with_the_keyboard_only_and_reaches_mon_espace(
    page, live_server, csp_violations
):
    AmbassadorProfileFactory(user__email="camille@exemple.fr", user__first_name="Camille")
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    first = focused(page)
    assert "skip-link" in first["classes"].split()
    assert first["href"] == "#main-content"

    tab_to(page, lambda el: el["tag"] == "a" and (el["href"] or "").startswith("/connexion/"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/connexion/"))

    assert focused(page)["name"] == "username"  # the email field has autofocus
    page.keyboard.type("camille@exemple.fr")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/mon-espace/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_contain_text("Camille")

    # On every page the skip link comes first and takes the focus to the main content.
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#main-content"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"
    assert not csp_violations, "\n".join(csp_violations)


def test_staff_sign_in_and_reach_the_wagtail_dashboard_without_csp_violations(
    page, live_server, sign_in, csp_violations
):
    UserFactory(email="equipe@exemple.fr", is_staff=True, groups=[EQUIPE])

    sign_in("equipe@exemple.fr", path="/admin/")  # the admin sends them to the site's form

    expect(page).to_have_url(live_server.url + "/admin/")
    expect(page).to_have_title(re.compile(r"^Tableau de bord"))  # Wagtail's own French
    expect(page.locator("main h1")).to_have_text(settings.WAGTAIL_SITE_NAME)
    expect(page.locator("main .w-summary")).to_be_visible()
    # The sidebar is drawn by the admin's scripts: they ran under the admin's policy.
    expect(page.locator("#wagtail-sidebar")).to_contain_text("Pages")
    page.wait_for_load_state("networkidle")
    assert not csp_violations, "\n".join(csp_violations)

"""axe-core on the main pages, as an anonymous visitor and as a signed-in ambassador."""

import pytest
from playwright.sync_api import expect

from home.demo import HOME_BODY
from home.models import HomePage
from tests.factories import AmbassadorProfileFactory


def home_page_with_demo_body():
    """The home page filled with the demo's blocks (hero, text, key figures, call to
    action), so axe-core checks what the blocks render too."""
    home = HomePage.objects.get()
    home.body = HOME_BODY
    home.save_revision().publish()


@pytest.mark.parametrize(
    "path, signed_in, setup",
    [
        ("/", False, None),
        ("/", False, home_page_with_demo_body),
        ("/connexion/", False, None),
        ("/mon-espace/", True, None),
    ],
    ids=["home", "home-with-blocks", "sign-in", "mon-espace"],
)
def test_main_page_passes_axe_core_with_one_h1_in_french(
    page, live_server, sign_in, axe_check, csp_violations, path, signed_in, setup
):
    if setup:
        setup()
    if signed_in:
        AmbassadorProfileFactory(user__email="camille@exemple.fr", user__first_name="Camille")
        sign_in("camille@exemple.fr")

    page.goto(live_server.url + path)

    expect(page).to_have_url(live_server.url + path)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)
    assert not csp_violations, "\n".join(csp_violations)

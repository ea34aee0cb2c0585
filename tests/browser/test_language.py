"""The interface speaks French by default and switches to English with the language
switcher (Django's `set_language` and its cookie); URLs stay the same.

`test_french_is_the_default_language_of_the_interface` needs the compiled French
catalogue (`locale/fr/LC_MESSAGES/django.mo`, built by `make test`)."""

from playwright.sync_api import expect

from tests.factories import AmbassadorProfileFactory


def sign_in_link(page):
    return page.locator("header a[href^='/connexion/']")


def test_french_is_the_default_language_of_the_interface(page, live_server, sign_in):
    AmbassadorProfileFactory(user__email="camille@exemple.fr", user__first_name="Camille")

    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(sign_in_link(page)).to_have_text("Se connecter")

    sign_in("camille@exemple.fr")
    expect(page).to_have_url(live_server.url + "/mon-espace/")
    expect(page.locator("h1")).to_have_text("Bonjour Camille")
    expect(page.get_by_role("navigation").get_by_role("link", name="Mon espace")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_english_button_switches_the_interface_to_english_and_back(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()

    expect(page).to_have_url(live_server.url + "/")  # same page, same French URL
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(sign_in_link(page)).to_have_text("Sign in")

    page.goto(live_server.url + "/connexion/")  # the choice holds on the next page
    expect(page.locator("html")).to_have_attribute("lang", "en")

    with page.expect_navigation():
        page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

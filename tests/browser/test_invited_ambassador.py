"""An invited ambassador on a phone: opens the invitation link, chooses a password, lands
on the profile page, completes it and sees Mon espace at 100 %. axe-core checks the
invitation, profile, membership request and Mes données pages on the way."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from home import services
from home.groups import EQUIPE
from home.models import AmbassadorProfile, MembershipStatus
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import UserFactory

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "Sarthe-au-coeur-2027"
LINK = re.compile(r"http://testserver(/bienvenue/[^/\s]+/)")

FITS_THE_SCREEN = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def phone(browser):
    """A page in a fresh, French-speaking phone-sized context (390×844, touch)."""
    context = browser.new_context(
        locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def csp_messages(phone):
    messages = []
    phone.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def check_page(page, axe_check):
    """One `h1`, French, nothing wider than the phone, and no axe-core violation."""
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_count(1)
    assert page.evaluate(FITS_THE_SCREEN), f"{page.url} scrolls sideways on a phone"
    axe_check(page)


def test_invited_ambassador_sets_a_password_and_completes_the_profile_on_a_phone(
    phone, live_server, axe_check, csp_messages
):
    staff = UserFactory(email="equipe@exemple.fr", is_staff=True, groups=[EQUIPE])
    profile, sent = services.ambassador_invite(
        email="nina.perrin@exemple.fr", actor=staff, first_name="Nina", last_name="Perrin"
    )
    assert sent
    link = LINK.search(mail.outbox[-1].body).group(1)

    # The invitation link: choose a password.
    phone.goto(live_server.url + link)
    expect(phone.locator("main")).to_contain_text("nina.perrin@exemple.fr")
    check_page(phone, axe_check)
    phone.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    phone.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").tap()

    # Signed in, on the profile page, asked to complete it.
    expect(phone).to_have_url(live_server.url + "/mon-profil/")
    expect(phone.locator(".message--success")).to_be_visible()
    expect(phone.locator("#profile-completeness")).to_have_attribute("value", "0")
    check_page(phone, axe_check)

    phone.locator("input[name=territory_link][value=resident]").check()
    phone.locator("input[name=organisation]").fill("Perrin Conseil")
    phone.locator("input[name=role]").fill("Consultante export")
    phone.locator("select[name=sector]").select_option("agrifood")
    phone.locator("input[name=city]").fill("Le Mans")
    phone.locator("select[name=country]").select_option("FR")
    for code in ("fr", "en", "es"):
        phone.locator(f"input[name=languages][value={code}]").check()
    phone.locator("input[name=phone]").fill("+33 6 12 34 56 78")
    phone.locator("input[name=notify_reminders]").uncheck()
    phone.locator("input[name=consent_directory]").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name=re.compile("profil", re.IGNORECASE)).tap()

    expect(phone).to_have_url(live_server.url + "/mon-profil/")
    expect(phone.locator(".message--success")).to_be_visible()
    expect(phone.locator("#profile-completeness")).to_have_attribute("value", "100")
    expect(phone.locator("input[name=languages][value=es]")).to_be_checked()

    profile = AmbassadorProfile.objects.select_related("user").get(pk=profile.pk)
    assert profile.status == MembershipStatus.ACTIVE
    assert profile.user.check_password(NEW_PASSWORD)
    assert (profile.organisation, profile.city, profile.country.code) == (
        "Perrin Conseil",
        "Le Mans",
        "FR",
    )
    assert profile.languages == ["en", "es", "fr"]  # in the order shown: by French name
    assert (profile.notify_reminders, profile.consent_directory) == (False, True)

    # Mon espace shows the profile complete.
    phone.goto(live_server.url + "/mon-espace/")
    expect(phone.locator("#profile-completeness")).to_have_attribute("value", "100")
    expect(phone.locator("main")).to_contain_text("100")
    expect(phone.locator("main a[href='/mes-donnees/']")).to_be_visible()

    # Mes données.
    phone.locator("main a[href='/mes-donnees/']").tap()
    expect(phone).to_have_url(live_server.url + "/mes-donnees/")
    check_page(phone, axe_check)

    # Signed out, the membership request page, empty then with its errors.
    with phone.expect_navigation():
        phone.locator("header form[action='/deconnexion/'] button").tap()
    phone.goto(live_server.url + "/devenir-ambassadeur/")
    check_page(phone, axe_check)
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").tap()
    expect(phone.locator(".form-errors")).to_be_visible()
    check_page(phone, axe_check)
    assert not csp_messages, "\n".join(csp_messages)

"""The person's own profile: editing it, changing the email address through a link sent
to the new one, and the rule that nobody sees or edits anyone else's."""

import contextlib
import re
import time
from unittest import mock
from urllib.parse import quote

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from home import tokens
from home.forms import ERROR_PHONE, ERROR_SAME_EMAIL, ERROR_WRONG_PASSWORD
from home.models import AmbassadorProfile, MembershipStatus, Sector, TerritoryLink
from home.selectors import membership_history
from home.services import ERROR_EMAIL_TAKEN
from home.tokens import TokenProblem
from home.views import EMAIL_CHANGE_SENT_MESSAGE, EMAIL_CHANGED_MESSAGE, PROFILE_SAVED_MESSAGE
from tests.factories import PASSWORD, AmbassadorProfileFactory, UserFactory

NEW_EMAIL = "camille.nouvelle@exemple.fr"
CONFIRM_LINK = re.compile(r"http://testserver(/mon-profil/email/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


def shows(response, text) -> bool:
    return escape(str(text)) in response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@contextlib.contextmanager
def days_ago(days: int):
    past = time.time() - days * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=past):
        yield


def profile_data(**overrides) -> dict:
    """The full POST of the profile form, as a browser sends it (unticked boxes absent)."""
    data = {
        "first_name": "Camille",
        "last_name": "Durand",
        "phone": "+33 6 12 34 56 78",
        "organisation": "Durand & Fils",
        "role": "Directrice export",
        "sector": Sector.DIGITAL,
        "territory_link": TerritoryLink.RESIDENT,
        "city": "Laval",
        "country": "DE",
        "languages": ["fr", "de", "ja"],
        "notify_missions": "on",
        "consent_contact": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Seeing and editing one's profile -----------------------------------------------


def test_profile_page_shows_the_persons_own_profile_in_fieldsets(client, ambassador):
    client.force_login(ambassador)

    response = client.get("/mon-profil/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["profile"] == ambassador.ambassador_profile
    assert 'value="Atelier Dupont"' in html
    assert 'value="Camille"' in html
    assert html.count("<legend>") >= 5
    assert re.search(r'<input type="radio" name="territory_link" value="native"[^>]* checked', html)
    assert re.search(r'<input type="checkbox" name="languages" value="en"[^>]* checked', html)
    assert re.search(r'name="notify_missions"[^>]* checked', html)
    assert 'action="/mon-profil/email/"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_profile_edit_saves_those_fields_only_and_says_so(client, ambassador):
    profile = ambassador.ambassador_profile
    untouched = {
        name: getattr(profile, name)
        for name in ("status", "status_changed_at", "invited_at", "data_consent_at")
    }
    client.force_login(ambassador)

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/mon-profil/", profile_data())

    assert response["Location"] == "/mon-profil/"
    assert messages_of(response) == [str(PROFILE_SAVED_MESSAGE)]
    profile.refresh_from_db()
    ambassador.refresh_from_db()
    assert (ambassador.first_name, ambassador.last_name) == ("Camille", "Durand")
    assert ambassador.email == "ambassadrice@exemple.fr"
    assert {
        name: getattr(profile, name)
        for name in (
            "organisation",
            "role",
            "sector",
            "territory_link",
            "city",
            "languages",
            "phone",
            "notify_missions",
            "notify_reminders",
            "notify_feedback",
            "consent_contact",
            "consent_directory",
        )
    } == {
        "organisation": "Durand & Fils",
        "role": "Directrice export",
        "sector": Sector.DIGITAL,
        "territory_link": TerritoryLink.RESIDENT,
        "city": "Laval",
        "languages": ["fr", "de", "ja"],
        "phone": "+33 6 12 34 56 78",
        "notify_missions": True,
        "notify_reminders": False,
        "notify_feedback": False,
        "consent_contact": True,
        "consent_directory": False,
    }
    assert profile.country.code == "DE"
    assert {name: getattr(profile, name) for name in untouched} == untouched
    # The row is updated field by field: a status changed by staff meanwhile stays.
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "home_ambassadorprofile"')]
    assert len(updates) == 1
    assert '"organisation"' in updates[0]
    assert '"status"' not in updates[0]
    assert client.get("/mon-espace/").context["completeness"].percent == 100


def test_profile_edit_leaves_a_status_set_meanwhile_alone(client, ambassador):
    client.force_login(ambassador)
    client.get("/mon-profil/")
    AmbassadorProfile.objects.filter(user=ambassador).update(status=MembershipStatus.SUSPENDED)

    client.post("/mon-profil/", profile_data())

    assert AmbassadorProfile.objects.get(user=ambassador).status == MembershipStatus.SUSPENDED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "appelez-moi"}, "phone", ERROR_PHONE),
        ({"languages": ["fr", "xx"]}, "languages", None),
        ({"sector": "astrologie"}, "sector", None),
        ({"country": "ZZ"}, "country", None),
        ({"first_name": "  "}, "first_name", None),
        ({"organisation": "x" * 201}, "organisation", None),
    ],
)
def test_profile_form_shows_what_is_wrong_and_changes_nothing(
    client, ambassador, overrides, field, message
):
    before = AmbassadorProfile.objects.values().get(user=ambassador)
    client.force_login(ambassador)

    response = client.post("/mon-profil/", profile_data(**overrides))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.content.decode()
    if message:
        assert shows(response, message)
    assert 'value="Laval"' in response.content.decode()  # what was typed stays
    assert AmbassadorProfile.objects.values().get(user=ambassador) == before


def test_profile_keeps_a_language_outside_the_usual_list(client, db):
    user = AmbassadorProfileFactory(languages=["fr", "br"]).user
    client.force_login(user)

    page = client.get("/mon-profil/").content.decode()
    assert re.search(r'value="br"[^>]* checked[^>]*><label[^>]*>Breton<', page)

    client.post("/mon-profil/", profile_data(languages=["fr", "br", "en"]))
    assert AmbassadorProfile.objects.get(user=user).languages == ["fr", "br", "en"]


def test_mon_espace_links_to_the_profile_and_to_my_data(client, db):
    user = AmbassadorProfileFactory(phone="").user
    client.force_login(user)

    html = client.get("/mon-espace/").content.decode()

    assert re.search(r'<a class="button button--primary" href="/mon-profil/">', html)
    assert 'href="/mes-donnees/"' in html


# --- Only one's own profile ---------------------------------------------------------


def test_an_ambassador_never_sees_or_edits_another_ones_profile(client, ambassador):
    other = AmbassadorProfileFactory(
        user__email="voisin@exemple.fr", user__first_name="Hugo", organisation="Hugo SARL"
    )
    other_before = AmbassadorProfile.objects.values().get(pk=other.pk)
    client.force_login(ambassador)

    page = client.get("/mon-profil/")
    assert "Hugo SARL" not in page.content.decode()
    assert "voisin@exemple.fr" not in page.content.decode()
    # There is no URL with an id to try, and ids slipped into the form are ignored.
    assert client.get(f"/mon-profil/{other.pk}/").status_code == 404
    client.post(
        "/mon-profil/",
        profile_data(id=other.pk, pk=other.pk, user=other.user_id, status="active"),
    )
    assert AmbassadorProfile.objects.values().get(pk=other.pk) == other_before
    assert AmbassadorProfile.objects.get(user=ambassador).organisation == "Durand & Fils"
    export = client.get("/mes-donnees/telecharger/").json()
    assert export["account"]["email"] == "ambassadrice@exemple.fr"
    assert "Hugo SARL" not in str(export)


@pytest.mark.parametrize(
    "path",
    ["/mon-profil/", "/mes-donnees/", "/mes-donnees/telecharger/", "/mes-donnees/supprimer/"],
)
def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, db, path):
    assert client.get(path)["Location"] == f"/connexion/?next={path}"


@pytest.mark.parametrize("path", ["/mon-profil/", "/mes-donnees/", "/mes-donnees/telecharger/"])
def test_staff_without_a_profile_are_sent_to_the_admin(client, staff, path):
    client.force_login(staff)

    assert client.get(path)["Location"] == "/admin/"


# --- Changing the email address -----------------------------------------------------


def ask_email_change(client, capture, new_email=NEW_EMAIL, password=PASSWORD):
    with capture(execute=True):
        return client.post(
            "/mon-profil/email/", {"email-new_email": new_email, "email-password": password}
        )


def test_email_change_goes_through_a_link_sent_to_the_new_address(
    client, ambassador, django_capture_on_commit_callbacks
):
    client.force_login(ambassador)

    response = ask_email_change(
        client, django_capture_on_commit_callbacks, " Camille.Nouvelle@Exemple.fr"
    )

    assert response["Location"] == "/mon-profil/"
    assert messages_of(response) == [str(EMAIL_CHANGE_SENT_MESSAGE % {"email": NEW_EMAIL})]
    ambassador.refresh_from_db()
    assert ambassador.email == "ambassadrice@exemple.fr"  # nothing changes yet
    assert [message.to for message in mail.outbox] == [[NEW_EMAIL]]
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)

    page = client.get(link)
    assert page.status_code == 200
    assert NEW_EMAIL in page.content.decode()
    ambassador.refresh_from_db()
    assert ambassador.email == "ambassadrice@exemple.fr"  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)

    assert response["Location"] == "/mon-profil/"
    assert messages_of(response) == [str(EMAIL_CHANGED_MESSAGE % {"email": NEW_EMAIL})]
    ambassador.refresh_from_db()
    assert ambassador.email == NEW_EMAIL
    assert mail.outbox[-1].to == ["ambassadrice@exemple.fr"]  # the old address is told
    entry = membership_history(ambassador.ambassador_profile)[0]
    assert (entry.action, entry.user, entry.data) == (
        "home.email_change",
        ambassador,
        {"from": "ambassadrice@exemple.fr", "to": NEW_EMAIL},
    )
    assert SESSION_KEY in client.session  # still signed in

    reused = client.get(link)
    assert reused.status_code == 410
    assert reused.context["problem"] == TokenProblem.USED

    client.post("/deconnexion/")
    signed_in = client.post("/connexion/", {"username": NEW_EMAIL, "password": PASSWORD})
    assert signed_in["Location"] == "/mon-espace/"


@pytest.mark.parametrize(
    ("new_email", "password", "field", "error"),
    [
        (NEW_EMAIL, "pas-le-bon", "password", ERROR_WRONG_PASSWORD),
        ("Ambassadrice@exemple.fr", PASSWORD, "new_email", ERROR_SAME_EMAIL),
        ("voisin@exemple.fr", PASSWORD, "new_email", ERROR_EMAIL_TAKEN),
        ("pas-une-adresse", PASSWORD, "new_email", None),
    ],
    ids=["wrong-password", "same-address", "address-taken", "not-an-address"],
)
def test_email_change_request_shows_what_is_wrong_and_sends_nothing(
    client, ambassador, django_capture_on_commit_callbacks, new_email, password, field, error
):
    UserFactory(email="voisin@exemple.fr")
    client.force_login(ambassador)

    response = ask_email_change(client, django_capture_on_commit_callbacks, new_email, password)

    assert response.status_code == 200
    form = response.context["email_form"]
    assert list(form.errors) == [field]
    if error:
        assert form.errors[field] == [str(error)]
        assert shows(response, error)
    assert mail.outbox == []
    assert response.context["form"].instance == ambassador.ambassador_profile


def test_email_change_link_opened_while_signed_in_as_someone_else_is_refused(
    client, ambassador, django_capture_on_commit_callbacks
):
    client.force_login(ambassador)
    ask_email_change(client, django_capture_on_commit_callbacks)
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    client.get("/mon-profil/")  # where the "link sent" message is read
    intruder = AmbassadorProfileFactory(user__email="voisin@exemple.fr").user
    client.force_login(intruder)

    page = client.get(link)
    posted = client.post(link)

    assert page.status_code == posted.status_code == 403
    assert page.context["problem"] == "other_account"
    assert NEW_EMAIL not in page.content.decode()
    assert 'action="/deconnexion/"' in page.content.decode()
    ambassador.refresh_from_db()
    intruder.refresh_from_db()
    assert (ambassador.email, intruder.email) == ("ambassadrice@exemple.fr", "voisin@exemple.fr")


def test_email_change_link_opened_signed_out_asks_to_sign_in_first(
    client, ambassador, django_capture_on_commit_callbacks
):
    client.force_login(ambassador)
    ask_email_change(client, django_capture_on_commit_callbacks)
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    client.post("/deconnexion/")

    response = client.get(link)

    assert response["Location"] == f"/connexion/?next={quote(link, safe='/')}"


def test_email_change_refused_when_the_address_was_taken_meanwhile(
    client, ambassador, django_capture_on_commit_callbacks
):
    client.force_login(ambassador)
    ask_email_change(client, django_capture_on_commit_callbacks)
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    UserFactory(email=NEW_EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)

    assert response.status_code == 409
    assert shows(response, ERROR_EMAIL_TAKEN)
    ambassador.refresh_from_db()
    assert ambassador.email == "ambassadrice@exemple.fr"
    assert len(mail.outbox) == 1
    assert not membership_history(ambassador.ambassador_profile).exists()


@pytest.mark.parametrize(
    ("make_token", "status", "problem"),
    [
        (lambda user: _expired_token(user), 410, TokenProblem.EXPIRED),
        (
            lambda user: tokens.email_change_token_make(user, NEW_EMAIL)[:-2] + "xx",
            400,
            TokenProblem.INVALID,
        ),
        (lambda user: tokens.invitation_token_make(user), 400, TokenProblem.INVALID),
    ],
    ids=["expired", "altered", "another-kind-of-link"],
)
def test_expired_or_tampered_email_change_link_says_so(
    client, ambassador, make_token, status, problem
):
    client.force_login(ambassador)
    token = make_token(ambassador)

    page = client.get(f"/mon-profil/email/{token}/")
    posted = client.post(f"/mon-profil/email/{token}/")

    assert page.status_code == posted.status_code == status
    assert page.context["problem"] == problem
    assert 'href="/mon-profil/#email"' in page.content.decode()
    ambassador.refresh_from_db()
    assert ambassador.email == "ambassadrice@exemple.fr"


def _expired_token(user):
    with days_ago(3):
        return tokens.email_change_token_make(user, NEW_EMAIL)

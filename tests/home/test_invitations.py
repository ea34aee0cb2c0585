"""The invitation link: choose a password, get signed in, land on the profile; expired,
used, superseded and tampered links say so and offer a new one, revealing nothing."""

import contextlib
import datetime
import re
import time
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from home import services, tokens
from home.models import AmbassadorProfile, MembershipStatus, User
from home.selectors import membership_history
from home.tokens import TokenProblem
from home.views import INVITATION_ACCEPTED_MESSAGE, INVITATION_RESEND_INTERVAL

NEW_PASSWORD = "Sarthe-au-coeur-2027"
INVITED_EMAIL = "nina.perrin@exemple.fr"
LINK = re.compile(r"http://testserver(/bienvenue/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


@contextlib.contextmanager
def days_ago(days: int):
    """Links signed inside this block are dated `days` ago (Django's signing reads
    `time.time`), as if the email had been sent then."""
    past = time.time() - days * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=past):
        yield


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def shows(response, text) -> bool:
    return escape(str(text)) in response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def history(profile) -> list[str]:
    return [entry.action for entry in membership_history(profile)]


@pytest.fixture
def invite(staff, django_capture_on_commit_callbacks):
    """`invite()` invites Nina as staff would and returns her profile and the link of
    the email she received."""

    def make(email=INVITED_EMAIL):
        with django_capture_on_commit_callbacks(execute=True):
            profile, sent = services.ambassador_invite(
                email=email, actor=staff, first_name="Nina", last_name="Perrin"
            )
        assert sent
        assert mail.outbox[-1].to == [email]
        return profile, link_in(mail.outbox[-1])

    return make


def set_password(client, link, password=NEW_PASSWORD, confirmation=None):
    """The POST the set-password form sends."""
    return client.post(
        link,
        {
            "username": INVITED_EMAIL,
            "new_password1": password,
            "new_password2": confirmation or password,
        },
    )


# --- The happy path -----------------------------------------------------------------


def test_invited_person_chooses_a_password_is_signed_in_and_lands_on_the_profile(client, invite):
    profile, link = invite()
    user = profile.user
    assert not user.has_usable_password()
    assert profile.status == MembershipStatus.INVITED

    page = client.get(link)

    assert page.status_code == 200
    assert INVITED_EMAIL in page.content.decode()
    assert set(page.context["form"].fields) == {"new_password1", "new_password2"}
    assert 'autocomplete="new-password"' in page.content.decode()

    response = set_password(client, link)

    assert response.status_code == 302
    assert response["Location"] == "/mon-profil/"
    assert messages_of(response) == [str(INVITATION_ACCEPTED_MESSAGE)]
    user.refresh_from_db()
    profile.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert profile.status == MembershipStatus.ACTIVE
    assert client.session[SESSION_KEY] == str(user.pk)
    assert history(profile) == ["home.accept", "home.invite"]
    assert membership_history(profile)[0].user == user

    landing = client.get("/mon-profil/")
    assert landing.status_code == 200
    assert landing.context["profile"] == profile

    # Signed out, the person signs in with the address and the password they chose.
    client.post("/deconnexion/")
    signed_in = client.post("/connexion/", {"username": INVITED_EMAIL, "password": NEW_PASSWORD})
    assert signed_in["Location"] == "/mon-espace/"


@pytest.mark.parametrize(
    ("password", "confirmation", "code"),
    [
        ("Court-1", None, "password_too_short"),
        ("motdepasse", None, "password_too_common"),
        ("8472619305", None, "password_entirely_numeric"),
        (NEW_PASSWORD, "Sarthe-au-coeur-2028", "password_mismatch"),
    ],
    ids=["too-short", "common", "numeric", "mismatch"],
)
def test_password_rules_are_enforced_with_a_clear_message(
    client, invite, password, confirmation, code
):
    profile, link = invite()

    response = set_password(client, link, password, confirmation)

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["new_password2"]
    assert code in {error.code for error in errors}
    assert shows(response, errors[0].messages[0])
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.status == MembershipStatus.INVITED
    assert not profile.user.has_usable_password()
    assert SESSION_KEY not in client.session
    assert client.get(link).status_code == 200  # the link still works


# --- Expired links ------------------------------------------------------------------


def test_expired_link_says_so_and_sends_a_new_one_in_one_click(
    client, invite, django_capture_on_commit_callbacks
):
    with days_ago(8):
        profile, old_link = invite()
    AmbassadorProfile.objects.filter(pk=profile.pk).update(
        invited_at=timezone.now() - datetime.timedelta(days=8)
    )
    token = old_link.split("/")[2]

    page = client.get(old_link)

    assert page.status_code == 410
    assert page.context["problem"] == TokenProblem.EXPIRED
    assert f'action="/bienvenue/{token}/nouveau-lien/"' in page.content.decode()
    assert "new_password1" not in page.content.decode()
    refused = set_password(client, old_link)
    assert refused.status_code == 410
    profile.user.refresh_from_db()
    assert not profile.user.has_usable_password()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bienvenue/{token}/nouveau-lien/")

    assert response["Location"] == "/bienvenue/nouveau-lien/envoye/"
    assert len(mail.outbox) == 2
    assert mail.outbox[-1].to == [INVITED_EMAIL]
    new_link = link_in(mail.outbox[-1])
    assert new_link != old_link
    assert client.get(old_link).context["problem"] == TokenProblem.SUPERSEDED
    assert set_password(client, new_link)["Location"] == "/mon-profil/"
    profile.refresh_from_db()
    assert profile.status == MembershipStatus.ACTIVE
    resent = membership_history(profile)[1]
    assert (resent.action, resent.user, resent.data["resent"]) == ("home.invite", None, True)


def test_one_click_new_link_sends_nothing_once_the_password_is_chosen(
    client, invite, django_capture_on_commit_callbacks
):
    with days_ago(8):
        profile, link = invite()
    token = link.split("/")[2]
    services.invitation_accept(user=profile.user, password=NEW_PASSWORD)  # by another way

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bienvenue/{token}/nouveau-lien/")

    assert response["Location"] == "/bienvenue/nouveau-lien/envoye/"
    assert len(mail.outbox) == 1  # the first invitation only


def test_one_click_new_link_needs_a_post(client, invite):
    _profile, link = invite()

    assert client.get(link + "nouveau-lien/").status_code == 405


# --- Used, superseded and tampered links --------------------------------------------


def test_used_link_says_so_and_points_to_sign_in(client, invite):
    profile, link = invite()
    set_password(client, link)
    client.post("/deconnexion/")

    page = client.get(link)

    assert page.status_code == 410
    assert page.context["problem"] == TokenProblem.USED
    html = page.content.decode()
    assert 'href="/connexion/"' in html
    assert 'href="/mot-de-passe/oubli/"' in html
    assert "new_password1" not in html
    # Posting to it again changes nothing.
    assert set_password(client, link, "Un-autre-secret-2027").status_code == 410
    profile.user.refresh_from_db()
    assert profile.user.check_password(NEW_PASSWORD)
    assert history(profile) == ["home.accept", "home.invite"]


def test_used_link_reopened_by_its_signed_in_owner_leads_to_mon_espace(client, invite):
    _profile, link = invite()
    set_password(client, link)

    page = client.get(link)

    assert page.context["problem"] == TokenProblem.USED
    assert 'href="/mon-espace/"' in page.content.decode()


def test_superseded_link_says_a_newer_one_was_sent(
    client, invite, staff, django_capture_on_commit_callbacks
):
    profile, old_link = invite()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(profile=profile, actor=staff)
    new_link = link_in(mail.outbox[-1])

    page = client.get(old_link)

    assert page.status_code == 410
    assert page.context["problem"] == TokenProblem.SUPERSEDED
    assert 'action="/bienvenue/nouveau-lien/"' in page.content.decode()
    assert set_password(client, old_link).status_code == 410
    assert set_password(client, new_link)["Location"] == "/mon-profil/"


def _tampered(link: str) -> str:
    token = link.split("/")[2]
    last = "A" if token[-1] != "A" else "B"
    return f"/bienvenue/{token[:-1]}{last}/"


@pytest.mark.parametrize(
    "make_link",
    [
        _tampered,
        lambda link: "/bienvenue/pas-un-jeton/",
        lambda link: "/bienvenue/{}/".format(
            tokens.email_change_token_make(User.objects.get(email=INVITED_EMAIL), "x@exemple.fr")
        ),
    ],
    ids=["altered", "garbage", "another-kind-of-link"],
)
def test_tampered_link_says_invalid_and_offers_to_ask_for_a_new_one(client, invite, make_link):
    profile, link = invite()
    bad_link = make_link(link)

    page = client.get(bad_link)

    assert page.status_code == 400
    assert page.context["problem"] == TokenProblem.INVALID
    assert 'action="/bienvenue/nouveau-lien/"' in page.content.decode()
    assert INVITED_EMAIL not in page.content.decode()
    assert set_password(client, bad_link).status_code == 400
    profile.user.refresh_from_db()
    assert not profile.user.has_usable_password()


def test_invitation_page_refuses_a_link_of_someone_who_is_no_longer_invited(client, invite):
    profile, link = invite()
    AmbassadorProfile.objects.filter(pk=profile.pk).update(status=MembershipStatus.DECLINED)

    page = client.get(link)

    assert page.status_code == 400
    assert page.context["problem"] == TokenProblem.INVALID


# --- Asking for a new link by email -------------------------------------------------


def _ask_new_link(client, email, capture):
    with capture(execute=True):
        return client.post("/bienvenue/nouveau-lien/", {"email": email})


def test_asking_for_a_new_link_by_email_sends_one_to_an_invited_person(
    client, invite, django_capture_on_commit_callbacks
):
    profile, old_link = invite()
    AmbassadorProfile.objects.filter(pk=profile.pk).update(
        invited_at=timezone.now() - INVITATION_RESEND_INTERVAL - datetime.timedelta(seconds=1)
    )

    response = _ask_new_link(client, " Nina.Perrin@Exemple.fr ", django_capture_on_commit_callbacks)

    assert response["Location"] == "/bienvenue/nouveau-lien/envoye/"
    assert len(mail.outbox) == 2
    assert mail.outbox[-1].to == [INVITED_EMAIL]
    assert client.get(old_link).context["problem"] == TokenProblem.SUPERSEDED
    assert client.get(link_in(mail.outbox[-1])).status_code == 200


@pytest.mark.parametrize(
    "email",
    ["inconnu@exemple.fr", "ambassadrice@exemple.fr", INVITED_EMAIL],
    ids=["unknown", "already-active", "invited-moments-ago"],
)
def test_asking_for_a_new_link_answers_the_same_and_sends_nothing_otherwise(
    client, invite, ambassador, django_capture_on_commit_callbacks, email
):
    invite()  # moments ago: the link just sent is still the one to use
    sent_before = len(mail.outbox)

    response = _ask_new_link(client, email, django_capture_on_commit_callbacks)

    assert response["Location"] == "/bienvenue/nouveau-lien/envoye/"
    assert len(mail.outbox) == sent_before
    answer = client.get(response["Location"])
    assert answer.status_code == 200
    assert email not in answer.content.decode()


def test_asking_for_a_new_link_with_a_bad_address_shows_the_error(client, db):
    response = client.post("/bienvenue/nouveau-lien/", {"email": "pas-une-adresse"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert 'class="form-errors"' in response.content.decode()

"""Sign in and out, password reset and change, session lifetime."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail

from home.forms import SignInForm
from home.middleware import SessionAbsoluteTimeoutMiddleware
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


def _sign_in(client, email, password=PASSWORD, next_url=None):
    data = {"username": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/connexion/", data)


def test_ambassador_signs_in_with_email_and_lands_in_mon_espace(client, ambassador):
    response = _sign_in(client, "Ambassadrice@Exemple.fr ")

    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"
    assert client.session[SESSION_KEY] == str(ambassador.pk)


def test_staff_sign_in_and_land_in_the_admin(client, staff):
    response = _sign_in(client, staff.email)

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_sign_in_goes_back_to_the_page_asked_for(client, ambassador):
    response = _sign_in(client, ambassador.email, next_url="/mon-espace/?onglet=badges")

    assert response["Location"] == "/mon-espace/?onglet=badges"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "/admin/pages/"])
def test_sign_in_ignores_a_next_that_is_foreign_or_out_of_reach(client, ambassador, next_url):
    response = _sign_in(client, ambassador.email, next_url=next_url)

    assert response["Location"] == "/mon-espace/"


def test_wrong_password_shows_a_clear_message_and_signs_nobody_in(client, ambassador):
    response = _sign_in(client, ambassador.email, password="pas-le-bon")

    assert response.status_code == 200
    assert str(SignInForm.error_messages["invalid_login"]) in response.content.decode()
    assert SESSION_KEY not in client.session


def test_sign_out_needs_a_post_and_signs_out(client, ambassador):
    client.force_login(ambassador)

    assert client.get("/deconnexion/").status_code == 405
    assert SESSION_KEY in client.session

    response = client.post("/deconnexion/")

    assert response["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_password_reset_by_email_sets_a_new_password_and_signs_in(
    client, ambassador, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mot-de-passe/oubli/", {"email": "ambassadrice@exemple.fr"})

    assert response["Location"] == "/mot-de-passe/oubli/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ambassadrice@exemple.fr"]
    assert message.alternatives[0][1] == "text/html"
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "un-nouveau-secret-2027", "new_password2": "un-nouveau-secret-2027"},
    )

    assert response["Location"] == "/mon-espace/"
    ambassador.refresh_from_db()
    assert ambassador.check_password("un-nouveau-secret-2027")
    assert client.session[SESSION_KEY] == str(ambassador.pk)

    reused = client.get(link, follow=True)
    assert reused.context["validlink"] is False


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mot-de-passe/oubli/", {"email": "inconnu@exemple.fr"})

    assert response["Location"] == "/mot-de-passe/oubli/envoye/"
    assert mail.outbox == []


def test_tampered_reset_link_says_so_and_offers_a_new_one(client, ambassador):
    response = client.get("/mot-de-passe/nouveau/MQ/mauvais-jeton/")

    assert response.context["validlink"] is False
    assert 'href="/mot-de-passe/oubli/"' in response.content.decode()


def test_password_change_requires_the_old_password(client, ambassador):
    client.force_login(ambassador)

    refused = client.post(
        "/mot-de-passe/modifier/",
        {
            "old_password": "faux",
            "new_password1": "autre-secret-2027",
            "new_password2": "autre-secret-2027",
        },
    )
    assert refused.status_code == 200
    ambassador.refresh_from_db()
    assert ambassador.check_password(PASSWORD)

    accepted = client.post(
        "/mot-de-passe/modifier/",
        {
            "old_password": PASSWORD,
            "new_password1": "autre-secret-2027",
            "new_password2": "autre-secret-2027",
        },
    )
    assert accepted["Location"] == "/mon-espace/"
    ambassador.refresh_from_db()
    assert ambassador.check_password("autre-secret-2027")
    assert client.session[SESSION_KEY] == str(ambassador.pk)  # still signed in


def test_password_change_needs_sign_in(client, db):
    response = client.get("/mot-de-passe/modifier/")

    assert response["Location"] == "/connexion/?next=/mot-de-passe/modifier/"


def test_session_older_than_the_absolute_timeout_is_signed_out(client, ambassador, settings):
    client.force_login(ambassador)
    assert client.get("/mon-espace/").status_code == 200
    session = client.session
    session[SessionAbsoluteTimeoutMiddleware.SESSION_KEY] = int(time.time()) - (
        settings.SESSION_ABSOLUTE_TIMEOUT + 60
    )
    session.save()

    response = client.get("/mon-espace/")

    assert response["Location"] == "/connexion/?next=/mon-espace/"
    assert SESSION_KEY not in client.session


def test_emails_are_unique_whatever_their_case(db, ambassador):
    from django.db import IntegrityError, transaction

    from home.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="AMBASSADRICE@exemple.fr")
    assert User.objects.create_user("Nouveau@Exemple.FR", "x").email == "nouveau@exemple.fr"


def test_signing_in_from_the_home_page_lands_in_mon_espace(client, ambassador):
    response = _sign_in(client, ambassador.email, next_url="/")

    assert response["Location"] == "/mon-espace/"


def test_staff_asked_to_sign_in_by_the_admin_go_back_there(client, staff):
    form = client.get("/connexion/?next=/admin/pages/").content.decode()
    assert 'name="next" value="/admin/pages/"' in form  # kept for the visitor

    response = _sign_in(client, staff.email, next_url="/admin/pages/")

    assert response["Location"] == "/admin/pages/"

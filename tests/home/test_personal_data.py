""" "Mes données": what is kept and why, the JSON download (every app's part through its
hook), leaving the club, and deleting the account (every app anonymises through its hook)."""

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from wagtail import hooks
from wagtail.log_actions import log

from home import hooks as home_hooks
from home.forms import ERROR_WRONG_PASSWORD
from home.models import AmbassadorProfile, MembershipStatus, User
from home.selectors import MEMBERSHIP_REASONS, membership_history
from home.services import ERROR_TRANSITION
from home.views import ACCOUNT_DELETED_MESSAGE, MEMBERSHIP_LEFT_MESSAGE
from tests.factories import PASSWORD, AmbassadorProfileFactory


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


def shows(response, text) -> bool:
    return escape(str(text)) in response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class Recorder:
    """A hook function that records how it was called."""

    def __init__(self, result=None):
        self.calls = []
        self.result = result

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.result


# --- The page -----------------------------------------------------------------------


def test_mes_donnees_explains_what_is_kept_and_offers_download_leave_and_delete(client, ambassador):
    client.force_login(ambassador)

    response = client.get("/mes-donnees/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<dl" in html
    assert 'href="/mes-donnees/telecharger/"' in html
    assert 'href="/mes-donnees/quitter/"' in html
    assert 'href="/mes-donnees/supprimer/"' in html
    assert 'href="/mon-profil/"' in html


@pytest.mark.parametrize("status", [MembershipStatus.LEFT, MembershipStatus.DECLINED])
def test_leaving_is_not_offered_to_someone_who_is_not_a_member(client, status):
    client.force_login(AmbassadorProfileFactory(status=status).user)

    html = client.get("/mes-donnees/").content.decode()

    assert 'href="/mes-donnees/quitter/"' not in html
    assert 'href="/mes-donnees/supprimer/"' in html


# --- Download -----------------------------------------------------------------------


def test_download_holds_the_account_profile_history_and_each_apps_part(client, db):
    profile = AmbassadorProfileFactory(
        user__email="eloise@exemple.fr",
        user__first_name="Éloïse",
        user__last_name="Lefèvre",
        city="Évreux",
        languages=["fr", "de"],
    )
    user = profile.user
    AmbassadorProfileFactory(user__email="autre@exemple.fr", city="Alençon")
    log(instance=profile, action="home.invite", user=None, data={"to": "invited"})
    part = Recorder(("briefings", {"signups": [{"mission": "Salon SIMA", "status": "attended"}]}))
    client.force_login(user)

    with hooks.register_temporarily(home_hooks.PERSONAL_DATA_EXPORT, part):
        response = client.get("/mes-donnees/telecharger/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="mes-donnees-{today}.json"'
    body = response.content.decode("utf-8")
    assert body.startswith('{\n  "exported_at": ')  # pretty-printed
    assert "Éloïse" in body  # not \u00c9lo\u00efse
    data = json.loads(body)
    assert data["account"] == {
        "email": "eloise@exemple.fr",
        "first_name": "Éloïse",
        "last_name": "Lefèvre",
        "date_joined": user.date_joined.isoformat(),
        "last_login": User.objects.get(pk=user.pk).last_login.isoformat(),
    }
    assert data["profile"]["city"] == "Évreux"
    assert data["profile"]["country"] == "FR"
    assert data["profile"]["languages"] == ["fr", "de"]
    assert data["profile"]["status"] == "active"
    assert [entry["action"] for entry in data["membership_history"]] == ["home.invite"]
    assert data["briefings"] == {"signups": [{"mission": "Salon SIMA", "status": "attended"}]}
    assert [args for args, _kwargs in part.calls] == [(user,)]
    assert "Alençon" not in body
    assert "no-cache" in response["Cache-Control"]


# --- Leaving the club ---------------------------------------------------------------


def test_leaving_asks_for_confirmation_then_runs_each_apps_membership_ended_part(
    client, ambassador
):
    profile = ambassador.ambassador_profile
    ended = Recorder()
    client.force_login(ambassador)

    with hooks.register_temporarily(home_hooks.MEMBERSHIP_ENDED, ended):
        confirmation = client.get("/mes-donnees/quitter/")
        assert confirmation.status_code == 200
        assert ended.calls == []
        assert AmbassadorProfile.objects.get(pk=profile.pk).status == MembershipStatus.ACTIVE

        response = client.post("/mes-donnees/quitter/")

    assert response["Location"] == "/mes-donnees/"
    assert messages_of(response) == [str(MEMBERSHIP_LEFT_MESSAGE)]
    profile.refresh_from_db()
    assert profile.status == MembershipStatus.LEFT
    assert [(args[0].pk, kwargs["status"], kwargs["actor"].pk) for args, kwargs in ended.calls] == [
        (ambassador.pk, MembershipStatus.LEFT, ambassador.pk)
    ]
    entry = membership_history(profile)[0]
    assert (entry.action, entry.user, entry.data["from"], entry.data["to"]) == (
        "home.leave",
        ambassador,
        "active",
        "left",
    )
    # Still signed in, with the history kept and the status explained.
    mon_espace = client.get("/mon-espace/")
    assert mon_espace.context["membership_reason"] == str(MEMBERSHIP_REASONS["left"])


@pytest.mark.parametrize("status", [MembershipStatus.LEFT, MembershipStatus.DECLINED])
def test_leaving_is_refused_with_a_reason_when_not_a_member(client, status):
    profile = AmbassadorProfileFactory(status=status)
    ended = Recorder()
    client.force_login(profile.user)

    with hooks.register_temporarily(home_hooks.MEMBERSHIP_ENDED, ended):
        response = client.post("/mes-donnees/quitter/")

    assert response["Location"] == "/mes-donnees/"
    assert messages_of(response) == [
        str(ERROR_TRANSITION % {"status": profile.get_status_display()})
    ]
    assert AmbassadorProfile.objects.get(pk=profile.pk).status == status
    assert ended.calls == []


# --- Deleting the account -----------------------------------------------------------


def test_account_deletion_anonymises_through_each_apps_hook_and_signs_out(client, ambassador):
    profile = ambassador.ambassador_profile
    log(instance=profile, action="home.accept", user=ambassador, data={"to": "active"})
    deleted, ended = Recorder(), Recorder()
    client.force_login(ambassador)
    assert client.get("/mes-donnees/supprimer/").status_code == 200

    with (
        hooks.register_temporarily(home_hooks.ACCOUNT_DELETION, deleted),
        hooks.register_temporarily(home_hooks.MEMBERSHIP_ENDED, ended),
    ):
        response = client.post("/mes-donnees/supprimer/", {"password": PASSWORD, "confirm": "on"})

    assert response["Location"] == "/"
    assert SESSION_KEY not in client.session
    assert messages_of(response) == [str(ACCOUNT_DELETED_MESSAGE)]
    home = client.get("/")
    assert shows(home, ACCOUNT_DELETED_MESSAGE)
    assert [args[0].pk for args, _kwargs in deleted.calls] == [ambassador.pk]
    assert [kwargs["status"] for _args, kwargs in ended.calls] == [MembershipStatus.LEFT]

    user = User.objects.get(pk=ambassador.pk)
    assert user.email == f"compte-supprime-{user.pk}@invalid.example"
    assert user.first_name == ""
    assert not user.is_active
    assert not user.has_usable_password()
    profile = AmbassadorProfile.objects.get(pk=profile.pk)
    assert profile.status == MembershipStatus.LEFT
    assert {name: getattr(profile, name) for name in AmbassadorProfile.COMPLETENESS_FIELDS} == {
        "territory_link": "",
        "organisation": "",
        "role": "",
        "sector": "",
        "city": "",
        "country": "",
        "languages": [],
        "phone": "",
    }
    assert (profile.consent_contact, profile.consent_directory) == (False, False)
    # The log stays, without the person.
    assert [entry.action for entry in membership_history(profile)] == [
        "home.delete_account",
        "home.accept",
    ]
    assert not User.objects.filter(email="ambassadrice@exemple.fr").exists()
    refused = client.post(
        "/connexion/", {"username": "ambassadrice@exemple.fr", "password": PASSWORD}
    )
    assert refused.status_code == 200
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"password": PASSWORD}, "confirm", None),
        ({"password": "pas-le-bon", "confirm": "on"}, "password", ERROR_WRONG_PASSWORD),
        ({"confirm": "on"}, "password", None),
    ],
    ids=["unticked", "wrong-password", "no-password"],
)
def test_account_deletion_needs_the_password_and_the_checkbox(
    client, ambassador, data, field, error
):
    before = AmbassadorProfile.objects.values().get(user=ambassador)
    deleted = Recorder()
    client.force_login(ambassador)

    with hooks.register_temporarily(home_hooks.ACCOUNT_DELETION, deleted):
        response = client.post("/mes-donnees/supprimer/", data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    if error:
        assert shows(response, error)
    assert deleted.calls == []
    assert AmbassadorProfile.objects.values().get(user=ambassador) == before
    assert User.objects.get(pk=ambassador.pk).email == "ambassadrice@exemple.fr"
    assert SESSION_KEY in client.session


def test_an_old_session_of_a_deleted_account_is_signed_out(client, ambassador):
    other_device = Client()
    other_device.force_login(ambassador)
    client.force_login(ambassador)
    client.post("/mes-donnees/supprimer/", {"password": PASSWORD, "confirm": "on"})

    response = other_device.get("/mon-profil/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")

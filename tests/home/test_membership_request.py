""" "Devenir ambassadeur": the public request, its approval (a link to choose a password)
or its decline; and what each membership status opens or closes (the gate, Mon espace)."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.http import HttpResponse
from django.urls import include, path
from django.utils.html import escape

from home import services
from home.decorators import active_ambassador_required
from home.forms import MembershipRequestForm
from home.models import AmbassadorProfile, MembershipStatus, Sector, TerritoryLink, User
from home.selectors import MEMBERSHIP_REASONS, NO_PROFILE_REASON, membership_history
from tests.factories import PASSWORD, AmbassadorProfileFactory, UserFactory

NEW_PASSWORD = "Porto-et-le-Mans-2027"


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


def shows(response, text) -> bool:
    return escape(str(text)) in response.content.decode()


def request_data(**overrides) -> dict:
    """The full POST of the request form, as a browser sends it."""
    data = {
        "first_name": "Sofia",
        "last_name": "Martins",
        "email": " Sofia.Martins@Exemple.PT ",
        "phone": "+351 912 345 678",
        "organisation": "Martins Export Lda",
        "role": "Directrice commerciale",
        "sector": Sector.AGRIFOOD,
        "territory_link": TerritoryLink.HEART,
        "city": "Porto",
        "country": "PT",
        "languages": ["pt", "fr", "en"],
        "motivation": "J'ai étudié au Mans ; je veux faire connaître la Sarthe au Portugal.",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def send_request(client, capture, **overrides):
    with capture(execute=True):
        return client.post("/devenir-ambassadeur/", request_data(**overrides))


# --- The request form ---------------------------------------------------------------


def test_request_creates_a_requested_profile_without_a_password(
    client, db, django_capture_on_commit_callbacks
):
    assert not User.objects.filter(email="sofia.martins@exemple.pt").exists()

    response = send_request(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/devenir-ambassadeur/merci/"
    user = User.objects.get(email="sofia.martins@exemple.pt")
    assert (user.first_name, user.last_name) == ("Sofia", "Martins")
    assert not user.has_usable_password()
    profile = user.ambassador_profile
    assert profile.status == MembershipStatus.REQUESTED
    assert {
        name: getattr(profile, name)
        for name in ("territory_link", "organisation", "role", "sector", "city", "phone")
    } == {
        "territory_link": TerritoryLink.HEART,
        "organisation": "Martins Export Lda",
        "role": "Directrice commerciale",
        "sector": Sector.AGRIFOOD,
        "city": "Porto",
        "phone": "+351 912 345 678",
    }
    assert profile.country.code == "PT"
    assert profile.languages == ["pt", "fr", "en"]
    assert profile.request_message.startswith("J'ai étudié au Mans")
    assert profile.data_consent_at is not None
    assert [entry.action for entry in membership_history(profile)] == ["home.request"]
    assert [message.to for message in mail.outbox] == [["sofia.martins@exemple.pt"]]
    assert client.get(response["Location"]).status_code == 200
    assert SESSION_KEY not in client.session


def test_request_for_an_address_that_has_an_account_answers_the_same_and_creates_nothing(
    client, ambassador, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()
    profile_before = AmbassadorProfile.objects.values().get(user=ambassador)

    response = send_request(
        client, django_capture_on_commit_callbacks, email="Ambassadrice@Exemple.fr"
    )

    assert response["Location"] == "/devenir-ambassadeur/merci/"
    assert User.objects.count() == users_before
    assert AmbassadorProfile.objects.values().get(user=ambassador) == profile_before
    assert [message.to for message in mail.outbox] == [["ambassadrice@exemple.fr"]]
    assert "/connexion/" in mail.outbox[0].body  # tells the owner to sign in instead


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": None}, "consent"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"languages": None}, "languages"),
        ({"languages": ["fr", "klingon"]}, "languages"),
        ({"sector": "astrologie"}, "sector"),
        ({"territory_link": None}, "territory_link"),
        ({"country": "XX"}, "country"),
        ({"phone": "appelez-moi"}, "phone"),
        ({"first_name": ""}, "first_name"),
        ({"motivation": ""}, "motivation"),
    ],
)
def test_request_form_shows_what_is_wrong_keeps_what_was_typed_and_creates_nothing(
    client, db, django_capture_on_commit_callbacks, overrides, field
):
    response = send_request(client, django_capture_on_commit_callbacks, **overrides)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert 'class="form-errors"' in html
    assert f'id="id_{field}_error"' in html
    assert 'value="Martins Export Lda"' in html
    assert not User.objects.filter(last_name="Martins").exists()
    assert mail.outbox == []


def test_request_form_says_what_is_kept_and_why_and_offers_the_usual_languages(client, db):
    response = client.get("/devenir-ambassadeur/")

    html = response.content.decode()
    assert response.status_code == 200
    assert shows(response, MembershipRequestForm.base_fields["consent"].help_text)
    codes = [code for code, _name in response.context["form"].fields["languages"].choices]
    assert {"fr", "en", "de", "es", "it", "pt", "nl", "ar", "zh", "ja", "ru", "pl"} <= set(codes)
    # Names are translated (Django's catalogue) and sorted in the reader's language.
    assert ">Allemand</label>" in html
    assert ">Japonais</label>" in html
    names = [name for _code, name in response.context["form"].fields["languages"].choices]
    assert names.index("Allemand") < names.index("Anglais") < names.index("Français")
    assert html.count("<fieldset") >= 4
    assert "<legend>" in html


def test_request_page_is_linked_from_the_header_and_the_sign_in_page(client, ambassador):
    assert 'href="/devenir-ambassadeur/"' in client.get("/").content.decode()
    assert 'href="/devenir-ambassadeur/"' in client.get("/connexion/").content.decode()

    client.force_login(ambassador)
    assert 'href="/devenir-ambassadeur/"' not in client.get("/").content.decode()


def test_signed_in_people_are_sent_to_mon_espace(client, ambassador):
    client.force_login(ambassador)

    assert client.get("/devenir-ambassadeur/")["Location"] == "/mon-espace/"
    response = client.post("/devenir-ambassadeur/", request_data())
    assert response["Location"] == "/mon-espace/"
    assert not User.objects.filter(last_name="Martins").exists()


# --- Approval and decline -----------------------------------------------------------


def test_request_then_approval_then_the_link_then_sign_in(
    client, staff, django_capture_on_commit_callbacks
):
    send_request(client, django_capture_on_commit_callbacks)
    profile = AmbassadorProfile.objects.get(user__email="sofia.martins@exemple.pt")

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(profile=profile, actor=staff)

    invitation = mail.outbox[-1]
    assert invitation.to == ["sofia.martins@exemple.pt"]
    link = re.search(r"http://testserver(/bienvenue/[^/\s]+/)", invitation.body).group(1)
    response = client.post(
        link,
        {
            "username": "sofia.martins@exemple.pt",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == "/mon-profil/"

    client.post("/deconnexion/")
    response = client.post(
        "/connexion/", {"username": "Sofia.Martins@exemple.pt", "password": NEW_PASSWORD}
    )
    assert response["Location"] == "/mon-espace/"
    profile.refresh_from_db()
    assert profile.status == MembershipStatus.ACTIVE
    assert [entry.action for entry in membership_history(profile)] == [
        "home.accept",
        "home.approve",
        "home.request",
    ]
    assert client.get("/mon-espace/").context["membership_reason"] == ""


def test_declined_request_leaves_nothing_to_sign_in_with(
    client, staff, django_capture_on_commit_callbacks
):
    send_request(client, django_capture_on_commit_callbacks)
    profile = AmbassadorProfile.objects.get(user__email="sofia.martins@exemple.pt")

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_decline(
            profile=profile, actor=staff, message="Le club est complet pour le Portugal."
        )

    declined = mail.outbox[-1]
    assert declined.to == ["sofia.martins@exemple.pt"]
    assert "Le club est complet pour le Portugal." in declined.body
    assert not any("/bienvenue/" in message.body for message in mail.outbox)
    profile.refresh_from_db()
    assert profile.status == MembershipStatus.DECLINED
    assert not profile.user.has_usable_password()

    # No password works, and no reset link is sent for an account without one.
    response = client.post(
        "/connexion/", {"username": "sofia.martins@exemple.pt", "password": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/mot-de-passe/oubli/", {"email": "sofia.martins@exemple.pt"})
    assert len(mail.outbox) == sent


# --- The membership gate ------------------------------------------------------------


@active_ambassador_required
def reserved_view(request):
    return HttpResponse("réservé aux ambassadeurs actifs")


urlpatterns = [
    path("reserve/", reserved_view),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("home.urls")),
]

NOT_ACTIVE = [
    MembershipStatus.INVITED,
    MembershipStatus.REQUESTED,
    MembershipStatus.DECLINED,
    MembershipStatus.SUSPENDED,
    MembershipStatus.LEFT,
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("status", NOT_ACTIVE)
def test_gate_shows_each_inactive_status_its_reason_with_a_403(client, status):
    user = AmbassadorProfileFactory(status=status).user
    client.force_login(user)

    response = client.get("/reserve/")

    assert response.status_code == 403
    assert response.context["reason"] == str(MEMBERSHIP_REASONS[status])
    assert shows(response, MEMBERSHIP_REASONS[status])
    assert f"status--{status}" in response.content.decode()
    assert "réservé aux ambassadeurs actifs" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_gate_lets_an_active_ambassador_through(client, ambassador):
    client.force_login(ambassador)

    response = client.get("/reserve/")

    assert response.status_code == 200
    assert response.content.decode() == "réservé aux ambassadeurs actifs"


@pytest.mark.urls(__name__)
def test_gate_explains_an_account_without_a_profile(client, db):
    client.force_login(UserFactory())

    response = client.get("/reserve/")

    assert response.status_code == 403
    assert shows(response, NO_PROFILE_REASON)


@pytest.mark.urls(__name__)
def test_gate_sends_anonymous_visitors_to_sign_in_and_back(client, db):
    assert client.get("/reserve/")["Location"] == "/connexion/?next=/reserve/"


@pytest.mark.parametrize("status", NOT_ACTIVE)
def test_mon_espace_explains_each_inactive_status(client, status):
    client.force_login(AmbassadorProfileFactory(status=status).user)

    response = client.get("/mon-espace/")

    assert response.status_code == 200
    assert response.context["membership_reason"] == str(MEMBERSHIP_REASONS[status])
    assert shows(response, MEMBERSHIP_REASONS[status])
    assert response.context["panels"] == []


def test_suspended_ambassador_is_refused_then_let_in_once_reactivated(
    client, manager, django_capture_on_commit_callbacks, settings
):
    settings.ROOT_URLCONF = __name__
    profile = AmbassadorProfileFactory(user__email="marc@exemple.fr")
    client.post("/connexion/", {"username": "marc@exemple.fr", "password": PASSWORD})

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_suspend(profile=profile, actor=manager, reason="Coordonnées à revoir.")
    assert client.get("/reserve/").status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_reactivate(profile=profile, actor=manager)
    assert client.get("/reserve/").status_code == 200
    assert [message.to for message in mail.outbox] == [["marc@exemple.fr"]] * 2

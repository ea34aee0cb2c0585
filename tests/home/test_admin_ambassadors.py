"""The staff's ambassador pages in the Wagtail admin: the list (search, filters,
export), the *fiche ambassadeur*, the membership actions, inviting one person, and who
may do what."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail import hooks
from wagtail.models import ModelLogEntry

from home import hooks as home_hooks
from home import services
from home.admin_forms import ERROR_STAFF_ACCOUNT
from home.admin_views import (
    ERROR_ACTION_FORM,
    EXPORT_HEADINGS,
    MEMBERSHIP_ACTIONS,
    MESSAGE_ALREADY_THERE,
    MESSAGE_INVITED,
    NO,
    YES,
)
from home.models import AmbassadorProfile, MembershipStatus, Sector, User
from tests.factories import AmbassadorProfileFactory, UserFactory

S = MembershipStatus


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


def fr(text) -> str:
    """A translatable string as the admin shows it (in French)."""
    with translation.override("fr"):
        return str(text)


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def fiche_url(profile) -> str:
    return reverse("ambassadors:inspect", args=[profile.pk])


def action_url(name, profile) -> str:
    return reverse(f"ambassadors:{name}", args=[profile.pk])


def admin_user(email, *codenames):
    """A staff member with admin access and only the given `home` permissions."""
    user = UserFactory(email=email, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="home", codename__in=codenames),
    )
    return user


@pytest.fixture
def editor(db):
    """Reaches the admin but has no permission on ambassadors."""
    return admin_user("redacteur@exemple.fr")


@pytest.fixture
def viewer(db):
    """May see ambassadors, not act on them."""
    return admin_user("lecteur@exemple.fr", "view_ambassadorprofile")


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True)


@pytest.fixture
def club(db):
    """Three ambassadors that differ on every filter."""
    return {
        "alice": AmbassadorProfileFactory(
            user__email="alice.martin@exemple.fr",
            user__first_name="Alice",
            user__last_name="Martin",
            status=S.ACTIVE,
            sector=Sector.INDUSTRY,
            country="FR",
            city="Le Mans",
            organisation="Forges du Maine",
            languages=["fr", "en"],
        ),
        "bruno": AmbassadorProfileFactory(
            user__email="bruno.schmidt@exemple.de",
            user__first_name="Bruno",
            user__last_name="Schmidt",
            status=S.SUSPENDED,
            sector=Sector.DIGITAL,
            country="DE",
            city="Berlin",
            organisation="Code Werk",
            languages=["de"],
        ),
        "chloe": AmbassadorProfileFactory(
            user__email="chloe.abel@exemple.fr",
            user__first_name="Chloé",
            user__last_name="Abel",
            status=S.INVITED,
            sector=Sector.HEALTH,
            country="FR",
            city="Laval",
            organisation="Clinique du Parc",
            languages=["fr", "es"],
        ),
    }


def listed(response) -> list[str]:
    return [profile.user.email for profile in response.context["object_list"]]


# --- The list -------------------------------------------------------------------------


def test_admin_menu_offers_ambassadors_only_to_those_who_may_see_them(client, staff, editor):
    client.force_login(staff)
    assert '"/admin/ambassadeurs/"' in client.get("/admin/").content.decode()

    client.force_login(editor)
    assert "/admin/ambassadeurs/" not in client.get("/admin/").content.decode()


def test_list_shows_each_ambassador_by_name_with_status_sector_and_place(client, staff, club):
    client.force_login(staff)

    response = client.get("/admin/ambassadeurs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == [
        "chloe.abel@exemple.fr",
        "alice.martin@exemple.fr",
        "bruno.schmidt@exemple.de",
    ]  # by last name
    for profile in club.values():
        assert fiche_url(profile) in html
        assert profile.user.email in html
        assert fr(profile.get_status_display()) in html
        assert fr(profile.get_sector_display()) in html
        assert profile.city in html
    assert "Allemagne" in html  # the country's name, in French


# Session (1), user (1), the user's permissions (2), their admin profile (1), the page's
# count and rows (2: profiles joined to their users), the admin's furniture (locales,
# page, collection and site permissions, the explorer's root: 5), and the session saved
# again (3: SESSION_SAVE_EVERY_REQUEST, in a savepoint). Whatever the number of rows.
LIST_QUERIES = 15


def test_list_query_count_does_not_grow_with_the_number_of_ambassadors(
    client, staff, django_assert_num_queries
):
    AmbassadorProfileFactory.create_batch(2)
    client.force_login(staff)
    client.get("/admin/ambassadeurs/")  # warm the per-process caches (content types…)

    with django_assert_num_queries(LIST_QUERIES):
        few = client.get("/admin/ambassadeurs/")
    AmbassadorProfileFactory.create_batch(25)
    with django_assert_num_queries(LIST_QUERIES):
        many = client.get("/admin/ambassadeurs/")

    assert len(few.context["object_list"]) == 2
    assert len(many.context["object_list"]) == 27


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "suspended"}, ["bruno.schmidt@exemple.de"]),
        ({"sector": "health"}, ["chloe.abel@exemple.fr"]),
        ({"country": "FR"}, ["chloe.abel@exemple.fr", "alice.martin@exemple.fr"]),
        ({"language": "en"}, ["alice.martin@exemple.fr"]),
        ({"language": "es"}, ["chloe.abel@exemple.fr"]),
        ({"language": "it"}, []),
        ({"country": "FR", "language": "fr", "status": "active"}, ["alice.martin@exemple.fr"]),
    ],
)
def test_list_filters_by_status_sector_country_and_language(client, staff, club, query, expected):
    client.force_login(staff)

    response = client.get("/admin/ambassadeurs/", query)

    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("martin", ["alice.martin@exemple.fr"]),
        ("Alice Martin", ["alice.martin@exemple.fr"]),
        ("exemple.de", ["bruno.schmidt@exemple.de"]),
        ("clinique", ["chloe.abel@exemple.fr"]),
        ("le mans", ["alice.martin@exemple.fr"]),
        ("laval chloé", ["chloe.abel@exemple.fr"]),
        ("personne", []),
    ],
)
def test_list_search_matches_every_word_in_email_names_organisation_or_city(
    client, staff, club, q, expected
):
    client.force_login(staff)

    response = client.get("/admin/ambassadeurs/", {"q": q})

    assert listed(response) == expected


def test_search_as_you_type_refreshes_only_the_results(client, staff, club):
    client.force_login(staff)

    response = client.get("/admin/ambassadeurs/results/", {"q": "berlin"})

    assert response.status_code == 200
    assert listed(response) == ["bruno.schmidt@exemple.de"]
    assert "<html" not in response.content.decode()


def test_list_exports_a_csv_with_clear_headings_languages_and_consents(client, staff, club):
    alice = club["alice"]
    alice.consent_contact = True
    alice.save(update_fields=["consent_contact"])
    client.force_login(staff)

    response = client.get("/admin/ambassadeurs/", {"export": "csv", "country": "FR"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert 'filename="ambassadeurs.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [fr(heading) for heading in EXPORT_HEADINGS.values()]
    records = [dict(zip(EXPORT_HEADINGS, row, strict=True)) for row in rows[1:]]
    assert [record["email"] for record in records] == [
        "chloe.abel@exemple.fr",
        "alice.martin@exemple.fr",
    ]
    alice_row = records[1]
    assert alice_row["first_name"] == "Alice"
    assert alice_row["last_name"] == "Martin"
    assert alice_row["status"] == fr(S.ACTIVE.label)
    assert alice_row["sector"] == fr(Sector.INDUSTRY.label)
    assert alice_row["country"] == "France"
    assert alice_row["languages"] == "fr en"
    assert alice_row["consent_contact"] == fr(YES)
    assert alice_row["consent_directory"] == fr(NO)
    assert alice_row["organisation"] == "Forges du Maine"


def test_list_exports_xlsx_too(client, staff, club):
    client.force_login(staff)

    response = client.get("/admin/ambassadeurs/", {"export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_list_offers_invite_and_import_only_to_those_who_may_invite(client, staff, viewer):
    invite, import_ = reverse("ambassadors:invite"), reverse("ambassadors:import")

    client.force_login(staff)
    html = client.get("/admin/ambassadeurs/").content.decode()
    assert f'href="{invite}"' in html
    assert f'href="{import_}"' in html

    client.force_login(viewer)
    html = client.get("/admin/ambassadeurs/").content.decode()
    assert f'href="{invite}"' not in html
    assert f'href="{import_}"' not in html


def test_generic_create_edit_and_delete_views_do_not_exist_even_for_superusers(
    client, superuser, ambassador
):
    """The ambassador owns their profile; status moves only through the services."""
    client.force_login(superuser)
    profile = ambassador.ambassador_profile

    html = client.get("/admin/ambassadeurs/").content.decode()
    fiche = client.get(fiche_url(profile)).content.decode()

    for path in ("new/", f"edit/{profile.pk}/", f"delete/{profile.pk}/", f"copy/{profile.pk}/"):
        assert client.get(f"/admin/ambassadeurs/{path}").status_code == 404
        assert f"/admin/ambassadeurs/{path}" not in html + fiche


# --- Who may do what ------------------------------------------------------------------

ROUTES = {
    # name: (method, permission needed, status of the profile it is used on)
    "index": ("get", "view", S.ACTIVE),
    "inspect": ("get", "view", S.ACTIVE),
    "invite": ("get", "invite", S.ACTIVE),
    "import": ("get", "invite", S.ACTIVE),
    "import_sample": ("get", "invite", S.ACTIVE),
    "resend": ("post", "invite", S.INVITED),
    "approve": ("post", "invite", S.REQUESTED),
    "decline": ("post", "invite", S.REQUESTED),
    "suspend": ("post", "suspend", S.ACTIVE),
    "reactivate": ("post", "suspend", S.SUSPENDED),
    "import_confirm": ("post", "invite", S.ACTIVE),
}
WITHOUT_PROFILE = {"index", "invite", "import", "import_sample", "import_confirm"}
PERSONAS = {
    "anonymous": set(),
    "ambassador": set(),
    "editor": set(),
    "viewer": {"view"},
    "staff": {"view", "invite"},
    "manager": {"view", "invite", "suspend"},
    "superuser": {"view", "invite", "suspend"},
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_view_is_reached_only_with_its_permission(
    request, client, django_capture_on_commit_callbacks, persona, route
):
    method, needed, status = ROUTES[route]
    profile = AmbassadorProfileFactory(status=status)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    if route in WITHOUT_PROFILE:
        url = reverse(f"ambassadors:{route}")
    else:
        url = reverse(f"ambassadors:{route}", args=[profile.pk])
    data = {"reason": "Motif", "message": ""} if method == "post" else {}

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(url, data)

    profile.refresh_from_db()
    allowed = needed in PERSONAS[persona]
    if allowed and method == "get":
        assert response.status_code == 200
    elif allowed and route == "import_confirm":  # no preview to confirm: back to upload
        assert response["Location"] == reverse("ambassadors:import")
    elif allowed:
        assert response["Location"] == fiche_url(profile)
        assert [message.to for message in mail.outbox] == [[profile.user.email]]
    else:
        assert response.status_code == 302
        if persona in ("anonymous", "ambassador"):
            assert response["Location"].startswith("/connexion/?next=")
        else:
            assert response["Location"] == "/admin/"
        assert profile.status == status
        assert mail.outbox == []


def test_actions_need_the_csrf_token_of_the_fiches_form(
    manager, ambassador, django_capture_on_commit_callbacks
):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)
    profile = ambassador.ambassador_profile
    fiche = browser.get(fiche_url(profile)).content.decode()
    form = re.search(
        rf'<form method="post" action="{action_url("suspend", profile)}".*?</form>', fiche, re.S
    ).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    forged = browser.post(action_url("suspend", profile), {"reason": "Motif"})
    profile.refresh_from_db()
    assert forged.status_code == 403
    assert profile.status == S.ACTIVE

    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(
            action_url("suspend", profile),
            {"csrfmiddlewaretoken": token, "reason": "Motif", "action": "suspend"},
        )
    profile.refresh_from_db()
    assert sent["Location"] == fiche_url(profile)
    assert profile.status == S.SUSPENDED


def test_actions_are_post_only(client, manager, ambassador):
    client.force_login(manager)

    response = client.get(action_url("suspend", ambassador.ambassador_profile))

    assert response.status_code == 405


# --- The fiche ------------------------------------------------------------------------


def example_section(request, ambassador):
    return home_hooks.Panel(
        title="Progression",
        template_name="tests/example_panel.html",
        context={"message": f"2 parcours pour {ambassador.first_name}"},
        slug="progression",
    )


def test_fiche_shows_profile_completeness_history_and_registered_sections(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.membership_request_create(
            email="nadia.roux@exemple.fr",
            first_name="Nadia",
            last_name="Roux",
            profile_fields={"organisation": "Roux & Fils", "city": "Alençon", "languages": ["fr"]},
            message="Je connais bien le tissu industriel ornais.",
        )
        services.membership_approve(profile=profile, actor=staff)
    client.force_login(staff)

    with hooks.register_temporarily(home_hooks.AMBASSADOR_SECTIONS, example_section):
        response = client.get(fiche_url(profile))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nadia Roux" in html
    assert "Roux &amp; Fils" in html
    assert "Je connais bien le tissu industriel ornais." in html
    assert "38 %" in html  # 3 of the 8 fields that matter for missions
    history = re.findall(r'<tr class="ambassador-history-entry">(.*?)</tr>', html, re.S)
    assert len(history) == 2
    assert fr(services.LOG_ACTIONS["home.approve"]) in history[0]  # newest first
    assert staff.get_full_name() in history[0]
    assert fr(services.LOG_ACTIONS["home.request"]) in history[1]
    assert "Nadia Roux" in history[1]
    assert "2 parcours pour Nadia — Progression — equipe@exemple.fr" in html


def test_fiche_shows_the_status_reason_and_who_suspended(
    client, manager, ambassador, django_capture_on_commit_callbacks
):
    profile = ambassador.ambassador_profile
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_suspend(profile=profile, actor=manager, reason="Absent du salon.")
    client.force_login(manager)

    html = client.get(fiche_url(profile)).content.decode()

    assert fr(S.SUSPENDED.label) in html
    assert "Absent du salon." in html
    (entry,) = re.findall(r'<tr class="ambassador-history-entry">(.*?)</tr>', html, re.S)
    assert fr(services.LOG_ACTIONS["home.suspend"]) in entry
    assert manager.get_full_name() in entry
    assert "Absent du salon." in entry


# The fiche: session, user, permissions (2), admin profile (5 with the list's), the
# profile with its user (1), its history with who acted (1, however long), the admin's
# furniture (5) and the session saved (3) = 15; + 1 for lms's "Progress" section and
# + 1 for quizzes' "Quizzes" section and + 1 for the badges' section (no badge defined)
# and + 1 for the missions' section (no sign-up) and + 1 for the reports' section (no
# report), of someone who started nothing. A section adds only what its own selector
# costs (nothing for the example).
FICHE_QUERIES = 20


def test_fiche_query_count_is_pinned_with_and_without_sections(
    client, staff, ambassador, django_assert_num_queries
):
    profile = ambassador.ambassador_profile
    for reason in ("Un", "Deux", "Trois"):
        ModelLogEntry.objects.log_action(
            profile, "home.suspend", user=staff, data={"reason": reason}
        )
    client.force_login(staff)
    client.get(fiche_url(profile))  # warm the per-process caches

    with django_assert_num_queries(FICHE_QUERIES):
        client.get(fiche_url(profile))
    with (
        hooks.register_temporarily(home_hooks.AMBASSADOR_SECTIONS, example_section),
        django_assert_num_queries(FICHE_QUERIES),
    ):
        response = client.get(fiche_url(profile))

    assert "Progression" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status", "buttons"),
    [
        ("staff", S.INVITED, ["resend"]),
        ("staff", S.REQUESTED, ["approve", "decline"]),
        ("staff", S.ACTIVE, []),
        ("staff", S.SUSPENDED, []),
        ("manager", S.ACTIVE, ["suspend"]),
        ("manager", S.SUSPENDED, ["reactivate"]),
        ("manager", S.DECLINED, []),
        ("manager", S.LEFT, []),
        ("viewer", S.REQUESTED, []),
    ],
)
def test_fiche_offers_the_actions_of_the_status_that_the_viewer_may_take(
    request, client, persona, status, buttons
):
    profile = AmbassadorProfileFactory(status=status)
    client.force_login(request.getfixturevalue(persona))

    html = client.get(fiche_url(profile)).content.decode()

    shown = [name for name in MEMBERSHIP_ACTIONS if f'action="{action_url(name, profile)}"' in html]
    assert shown == buttons


# --- Membership actions ---------------------------------------------------------------


def last_log(profile):
    return ModelLogEntry.objects.for_instance(profile).order_by("-pk").first()


def test_resending_an_invitation_emails_a_new_link_and_records_who(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile, _sent = services.ambassador_invite(email="ines@exemple.fr", actor=None)
    mail.outbox.clear()
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url("resend", profile))

    assert response["Location"] == fiche_url(profile)
    assert messages_of(response) == [
        fr(MEMBERSHIP_ACTIONS["resend"].success_message) % {"email": "ines@exemple.fr"}
    ]
    (message,) = mail.outbox
    assert message.to == ["ines@exemple.fr"]
    assert "http://testserver/bienvenue/" in message.body
    entry = last_log(profile)
    assert (entry.action, entry.user, entry.data["resent"]) == ("home.invite", staff, True)


def test_approving_a_request_invites_the_person(client, staff, django_capture_on_commit_callbacks):
    profile = AmbassadorProfileFactory(
        status=S.REQUESTED, user__first_name="Yann", user__last_name="Le Goff"
    )
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url("approve", profile))

    profile.refresh_from_db()
    assert profile.status == S.INVITED
    assert response["Location"] == fiche_url(profile)
    assert messages_of(response) == [
        fr(MEMBERSHIP_ACTIONS["approve"].success_message)
        % {"name": "Yann Le Goff", "email": profile.user.email}
    ]
    (message,) = mail.outbox
    assert message.to == [profile.user.email]
    assert "http://testserver/bienvenue/" in message.body
    entry = last_log(profile)
    assert (entry.action, entry.user, entry.data["to"]) == ("home.approve", staff, S.INVITED)


@pytest.mark.parametrize("text", ["Le club est complet pour cette année.", ""])
def test_declining_a_request_tells_the_person_with_the_optional_message(
    client, staff, django_capture_on_commit_callbacks, text
):
    profile = AmbassadorProfileFactory(status=S.REQUESTED)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url("decline", profile), {"message": text})

    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (S.DECLINED, text)
    assert response["Location"] == fiche_url(profile)
    (message,) = mail.outbox
    assert message.to == [profile.user.email]
    assert text in message.body
    entry = last_log(profile)
    assert (entry.action, entry.user, entry.data["reason"]) == ("home.decline", staff, text)


def test_suspending_needs_a_reason_runs_each_apps_release_and_tells_the_person(
    client, manager, ambassador, django_capture_on_commit_callbacks
):
    profile = ambassador.ambassador_profile
    released = []

    def free_seats(user, *, status, actor):
        released.append((user.pk, status, actor.pk))

    client.force_login(manager)
    with (
        hooks.register_temporarily(home_hooks.MEMBERSHIP_ENDED, free_seats),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(action_url("suspend", profile), {"reason": "  Propos déplacés. "})

    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (S.SUSPENDED, "Propos déplacés.")
    assert released == [(ambassador.pk, S.SUSPENDED, manager.pk)]
    assert response["Location"] == fiche_url(profile)
    assert messages_of(response) == [
        fr(MEMBERSHIP_ACTIONS["suspend"].success_message)
        % {"name": "Camille " + ambassador.last_name, "email": ambassador.email}
    ]
    (message,) = mail.outbox
    assert message.to == ["ambassadrice@exemple.fr"]
    assert "Propos déplacés." in message.body
    entry = last_log(profile)
    assert (entry.action, entry.user, entry.data["reason"]) == (
        "home.suspend",
        manager,
        "Propos déplacés.",
    )


def test_suspending_without_a_reason_changes_nothing_and_says_why(
    client, manager, ambassador, django_capture_on_commit_callbacks
):
    profile = ambassador.ambassador_profile
    released = []
    client.force_login(manager)

    with (
        hooks.register_temporarily(
            home_hooks.MEMBERSHIP_ENDED, lambda user, **kwargs: released.append(user)
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(action_url("suspend", profile), {"reason": "   "})

    html = response.content.decode()
    assert response.status_code == 200
    assert fr(services.ERROR_REASON_REQUIRED) in html
    assert messages_of(response) == [fr(ERROR_ACTION_FORM)]
    profile.refresh_from_db()
    assert profile.status == S.ACTIVE
    assert released == []
    assert mail.outbox == []
    assert last_log(profile) is None


def test_reactivating_makes_the_ambassador_active_again(
    client, manager, django_capture_on_commit_callbacks
):
    profile = AmbassadorProfileFactory(status=S.SUSPENDED, status_reason="Absent.")
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url("reactivate", profile))

    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (S.ACTIVE, "")
    assert response["Location"] == fiche_url(profile)
    (message,) = mail.outbox
    assert message.to == [profile.user.email]
    entry = last_log(profile)
    assert (entry.action, entry.user) == ("home.reactivate", manager)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", S.ACTIVE),
        ("approve", S.DECLINED),  # the state machine would let declined → invited pass
        ("decline", S.DECLINED),
        ("resend", S.ACTIVE),
        ("suspend", S.SUSPENDED),
        ("reactivate", S.INVITED),  # the state machine would let invited → active pass
        ("reactivate", S.LEFT),
    ],
)
def test_an_action_in_the_wrong_state_is_refused_with_a_message(
    client, manager, django_capture_on_commit_callbacks, action, status
):
    profile = AmbassadorProfileFactory(status=status)
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(action, profile), {"reason": "Motif", "message": ""})

    assert response["Location"] == fiche_url(profile)
    with translation.override("fr"):
        expected = services.ERROR_TRANSITION % {"status": status.label}
    assert messages_of(response) == [expected]
    profile.refresh_from_db()
    assert profile.status == status
    assert mail.outbox == []
    assert last_log(profile) is None


def test_a_refusal_from_the_service_is_shown_not_raised(client, manager, ambassador, monkeypatch):
    def refuse(**kwargs):
        raise services.MembershipError("Refusé par le service.")

    monkeypatch.setattr(services, "membership_suspend", refuse)
    client.force_login(manager)

    response = client.post(action_url("suspend", ambassador.ambassador_profile), {"reason": "x"})

    assert response["Location"] == fiche_url(ambassador.ambassador_profile)
    assert messages_of(response) == ["Refusé par le service."]


# --- Inviting one person --------------------------------------------------------------

INVITE_POST = {
    "email": " Louise.Perrin@Exemple.FR ",
    "first_name": "Louise",
    "last_name": "Perrin",
    "organisation": "Perrin Biotech",
    "sector": "health",
    "city": "Angers",
    "country": "FR",
    "languages": ["fr", "en"],
}


def test_inviting_one_person_creates_an_invited_profile_and_emails_a_link(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert client.get(reverse("ambassadors:invite")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ambassadors:invite"), INVITE_POST)

    profile = AmbassadorProfile.objects.select_related("user").get(
        user__email="louise.perrin@exemple.fr"
    )
    assert response["Location"] == fiche_url(profile)
    assert messages_of(response) == [fr(MESSAGE_INVITED) % {"email": "louise.perrin@exemple.fr"}]
    assert (profile.user.first_name, profile.user.last_name) == ("Louise", "Perrin")
    assert not profile.user.has_usable_password()
    assert profile.status == S.INVITED
    assert (profile.organisation, profile.sector, profile.city) == (
        "Perrin Biotech",
        "health",
        "Angers",
    )
    assert (profile.country.code, profile.languages) == ("FR", ["fr", "en"])
    assert profile.role == ""
    (message,) = mail.outbox
    assert message.to == ["louise.perrin@exemple.fr"]
    assert "http://testserver/bienvenue/" in message.body
    entry = last_log(profile)
    assert (entry.action, entry.user) == ("home.invite", staff)


def test_inviting_someone_who_already_has_a_profile_sends_nothing_and_says_so(
    client, staff, ambassador, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ambassadors:invite"),
            {**INVITE_POST, "email": "ambassadrice@exemple.fr", "city": "Tours"},
        )

    assert response["Location"] == fiche_url(ambassador.ambassador_profile)
    assert messages_of(response) == [
        fr(MESSAGE_ALREADY_THERE) % {"email": ambassador.email, "status": fr(S.ACTIVE.label)}
    ]
    assert mail.outbox == []
    assert AmbassadorProfile.objects.get(user=ambassador).city == "Le Mans"


def test_a_staff_address_cannot_be_invited(client, staff, manager):
    client.force_login(staff)

    response = client.post(reverse("ambassadors:invite"), {**INVITE_POST, "email": manager.email})

    assert response.status_code == 200
    assert fr(ERROR_STAFF_ACCOUNT) in response.content.decode()
    assert not AmbassadorProfile.objects.filter(user=manager).exists()
    manager.refresh_from_db()
    assert manager.has_usable_password()


def test_an_invalid_invitation_form_is_shown_again_with_its_errors(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("ambassadors:invite"), {**INVITE_POST, "email": "pas-une-adresse", "sector": "x"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "sector"}
    assert messages_of(response) == [fr(ERROR_ACTION_FORM)]
    assert not User.objects.filter(first_name="Louise").exists()

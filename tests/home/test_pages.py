"""Mon espace, the health check, the groups, translated error pages and the language."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import GroupPagePermission, Page

from home.groups import EQUIPE, RESPONSABLES
from home.models import AmbassadorProfile, MembershipStatus, SiteSettings
from tests.factories import AmbassadorProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


# --- Mon espace ---------------------------------------------------------------------


def test_mon_espace_sends_anonymous_visitors_to_sign_in_and_back(client):
    response = client.get("/mon-espace/")

    assert response["Location"] == "/connexion/?next=/mon-espace/"


def test_mon_espace_shows_status_and_what_the_profile_lacks(client):
    user = AmbassadorProfileFactory(
        user__first_name="Léa", phone="", languages=[], organisation=""
    ).user
    client.force_login(user)

    response = client.get("/mon-espace/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["completeness"].percent == 62  # 5 of 8 fields
    assert [str(m) for m in response.context["completeness"].missing] == [
        "organisation",
        "langues parlées",
        "téléphone",
    ]
    assert "Bonjour Léa" in html
    assert 'value="62"' in html
    assert "status--active" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_mon_espace_tells_an_inactive_member_what_is_closed(client):
    user = AmbassadorProfileFactory(status=MembershipStatus.SUSPENDED).user
    client.force_login(user)

    response = client.get("/mon-espace/")

    assert "status--suspended" in response.content.decode()
    assert response.context["panels"] == []


def test_staff_without_a_profile_are_sent_to_the_admin(client, staff):
    client.force_login(staff)

    assert client.get("/mon-espace/")["Location"] == "/admin/"


@pytest.mark.parametrize("others", [0, 30])
def test_mon_espace_query_count_is_pinned(client, django_assert_num_queries, others):
    user = AmbassadorProfileFactory().user
    AmbassadorProfileFactory.create_batch(others)
    client.force_login(user)
    client.get("/mon-espace/")  # the first request of a site creates its settings row
    # 9 = session, user with its profile (one query, home.backends), site + site
    # settings, the userbar's permission check (user and group permissions), and the
    # idle-timeout session save (savepoint, update, release); + 2 for lms's "My courses"
    # panel with no course published (courses, completion dates); + 1 for the badges'
    # "My badges" panel with no badge defined; + 2 for the missions' "My missions" panel
    # (sign-ups, calendar feed); + 1 for the reports' "My reports" panel with no report.
    # No query per profile field or per ambassador.
    with django_assert_num_queries(15):
        client.get("/mon-espace/")


def test_ambassadors_never_reach_the_admin(client, ambassador):
    client.force_login(ambassador)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert client.get(response["Location"])["Location"] == "/mon-espace/"


# --- Health check -------------------------------------------------------------------


def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.allow_error_logs  # Django logs every 5xx response
def test_healthz_reports_503_when_the_database_is_unreachable(client):
    with mock.patch(
        "home.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


# --- Groups -------------------------------------------------------------------------


def test_staff_groups_hold_the_wagtail_permissions_they_need(db):
    from django.contrib.auth.models import Group

    equipe = Group.objects.get(name=EQUIPE)
    responsables = Group.objects.get(name=RESPONSABLES)
    root = Page.objects.get(depth=1)

    def page_perms(group):
        return set(
            GroupPagePermission.objects.filter(group=group, page=root).values_list(
                "permission__codename", flat=True
            )
        )

    assert page_perms(equipe) == {"add_page", "change_page", "publish_page"}
    assert page_perms(responsables) >= {"add_page", "change_page", "publish_page", "lock_page"}
    equipe_perms = set(equipe.permissions.values_list("codename", flat=True))
    assert "access_admin" in equipe_perms
    assert "change_sitesettings" not in equipe_perms
    assert "change_sitesettings" in set(responsables.permissions.values_list("codename", flat=True))
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


def test_only_responsables_edit_the_site_settings(client, staff, manager, home_page):
    settings_url = f"/admin/settings/home/sitesettings/{home_page.get_site().pk}/"

    client.force_login(staff)
    assert client.get("/admin/pages/").status_code == 200
    assert client.get(settings_url).status_code in (302, 403)

    client.force_login(manager)
    assert client.get(settings_url).status_code == 200


def test_equipe_can_edit_the_home_page(client, staff, home_page):
    client.force_login(staff)

    assert client.get(f"/admin/pages/{home_page.pk}/edit/").status_code == 200


# --- Site settings, error pages, language -------------------------------------------


def test_site_settings_name_the_club_in_every_page(client, home_page):
    SiteSettings.objects.update_or_create(
        site=home_page.get_site(),
        defaults={
            "club_name": "Les Ambassadeurs de la Sarthe",
            "contact_email": "club@sarthe.example",
        },
    )

    html = client.get("/").content.decode()

    assert "Les Ambassadeurs de la Sarthe" in html
    assert 'href="mailto:club@sarthe.example"' in html


def test_not_found_page_is_translated_and_keeps_the_site_shell(client):
    response = client.get("/cette-page-n-existe-pas/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html
    assert 'href="#main-content"' in html


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Une erreur est survenue"), ("en", "Something went wrong")]
)
def test_server_error_page_is_translated(language, title):
    with translation.override(language):
        html = render_to_string("500.html")

    assert title in html
    assert f'<html lang="{language}">' in html


def test_french_by_default_and_english_with_set_language(client):
    # An English-speaking browser still gets French until the person chooses English.
    french = client.get(
        "/connexion/", headers={"accept-language": "en-GB,en;q=0.9"}
    ).content.decode()
    assert '<html lang="fr">' in french
    assert "Se connecter" in french

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/connexion/"})
    assert response["Location"] == "/connexion/"

    english = client.get("/connexion/").content.decode()
    assert '<html lang="en">' in english
    assert "Sign in" in english
    assert "Forgot your password?" in english


def test_profile_status_choices_are_the_membership_states_of_the_design():
    assert [value for value, _label in MembershipStatus.choices] == [
        "invited",
        "requested",
        "active",
        "declined",
        "suspended",
        "left",
    ]
    assert AmbassadorProfile._meta.get_field("status").default == MembershipStatus.INVITED


def test_staff_factory_personas_belong_to_their_group(staff, manager):
    assert list(staff.groups.values_list("name", flat=True)) == [EQUIPE]
    assert list(manager.groups.values_list("name", flat=True)) == [RESPONSABLES]
    assert UserFactory().has_perm("wagtailadmin.access_admin") is False


def test_a_superuser_creates_an_account_by_email_in_the_wagtail_admin(client, db):
    from home.models import User

    admin = User.objects.create_superuser("admin@exemple.fr", "secret")
    client.force_login(admin)

    response = client.post(
        "/admin/users/new/",
        {
            "email": "Nouvel.Equipier@Exemple.fr",
            "first_name": "Noé",
            "last_name": "Martin",
            "password1": "un-secret-assez-long-42",
            "password2": "un-secret-assez-long-42",
            "is_active": "on",
        },
    )

    assert response["Location"] == "/admin/users/"
    created = User.objects.get(first_name="Noé")
    assert created.email.lower() == "nouvel.equipier@exemple.fr"
    assert created.check_password("un-secret-assez-long-42")


@pytest.mark.parametrize("signed_in_as_ambassador", [False, True])
def test_home_page_query_count_is_pinned(
    client, django_assert_num_queries, signed_in_as_ambassador
):
    if signed_in_as_ambassador:
        client.force_login(AmbassadorProfileFactory().user)
    AmbassadorProfileFactory.create_batch(20)  # ambassadors do not change the home page's cost
    client.get("/")  # the first request of a site creates its settings row
    # Anonymous: site, page, Wagtail's view-restriction check (ancestors, restrictions),
    # site settings = 5 (the userbar needs no query without a user). Signed in: + session,
    # user, the userbar's two permission queries and the idle-timeout session save
    # (savepoint, update, release) = 12.
    with django_assert_num_queries(12 if signed_in_as_ambassador else 5):
        response = client.get("/")
    assert response.status_code == 200


def test_the_club_logo_from_site_settings_is_shown_in_the_header(
    client, home_page, settings, tmp_path
):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = tmp_path
    logo = Image.objects.create(title="Logo du club", file=get_test_image_file())
    SiteSettings.objects.update_or_create(site=home_page.get_site(), defaults={"logo": logo})

    html = client.get("/").content.decode()

    assert 'class="brand__logo"' in html
    assert 'alt=""' in html  # the club's name follows as text: the logo is decorative

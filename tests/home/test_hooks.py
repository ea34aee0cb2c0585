"""Each extension point of `home`, exercised with a registered example, as a later app
would plug in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from wagtail import hooks

from home import hooks as home_hooks
from home.models import MembershipStatus
from tests.factories import AmbassadorProfileFactory


@pytest.fixture(autouse=True)
def _only_the_example_hooks(monkeypatch):
    """Each test registers its own example; the apps' real hooks (lms, quizzes…) are
    set aside so these tests say what `home` does, whatever apps are installed."""
    from wagtail import hooks as registry

    for name in (
        home_hooks.MON_ESPACE_PANELS,
        home_hooks.AMBASSADOR_SECTIONS,
        home_hooks.PERSONAL_DATA_EXPORT,
        home_hooks.ACCOUNT_DELETION,
        home_hooks.MEMBERSHIP_ENDED,
        home_hooks.MAIN_MENU_ITEMS,
        home_hooks.DEMO_DATA,
        home_hooks.DAILY_WORK,
    ):
        monkeypatch.setitem(registry._hooks, name, [])


def example_panel(title, message, slug=""):
    def panel(request, profile):
        return home_hooks.Panel(
            title=title,
            template_name="tests/example_panel.html",
            context={"message": message, "status": profile.status},
            slug=slug,
        )

    return panel


def test_mon_espace_shows_registered_panels_in_their_order(client, home_page, ambassador):
    client.force_login(ambassador)
    with (
        hooks.register_temporarily(
            home_hooks.MON_ESPACE_PANELS, example_panel("Mes parcours", "deux cours"), order=20
        ),
        hooks.register_temporarily(
            home_hooks.MON_ESPACE_PANELS, example_panel("Mes badges", "un badge"), order=10
        ),
        hooks.register_temporarily(home_hooks.MON_ESPACE_PANELS, lambda request, profile: None),
    ):
        response = client.get("/mon-espace/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "un badge — Mes badges — ambassadrice@exemple.fr" in html
    assert "deux cours — Mes parcours — ambassadrice@exemple.fr" in html
    assert html.index("Mes badges") < html.index("Mes parcours")
    assert html.count('class="example-panel"') == 2  # the hook returning None adds nothing


def test_mon_espace_panels_are_not_shown_to_a_suspended_ambassador(client, home_page):
    user = AmbassadorProfileFactory(status=MembershipStatus.SUSPENDED).user
    client.force_login(user)
    with hooks.register_temporarily(
        home_hooks.MON_ESPACE_PANELS, example_panel("Mes parcours", "deux cours")
    ):
        response = client.get("/mon-espace/")

    assert response.status_code == 200
    assert "example-panel" not in response.content.decode()


def test_main_menu_shows_registered_items_and_marks_the_current_one(client, home_page):
    def parcours(request):
        return home_hooks.MenuItem(label="Parcours", url="/parcours/")

    def hidden(request):
        return None

    with (
        hooks.register_temporarily(home_hooks.MAIN_MENU_ITEMS, parcours),
        hooks.register_temporarily(home_hooks.MAIN_MENU_ITEMS, hidden),
    ):
        home = client.get("/").content.decode()
        on_parcours = client.get("/parcours/").content.decode()

    assert '<a href="/parcours/">Parcours</a>' in home
    assert '<a href="/parcours/" aria-current="page">Parcours</a>' in on_parcours


def test_ambassador_sections_gather_each_apps_section(db, staff, ambassador):
    seen = []

    def progress_section(request, person):
        seen.append((request.user, person))
        return home_hooks.Panel(title="Progression", template_name="tests/example_panel.html")

    request = RequestFactory().get("/admin/")
    request.user = staff
    with (
        hooks.register_temporarily(home_hooks.AMBASSADOR_SECTIONS, progress_section),
        hooks.register_temporarily(home_hooks.AMBASSADOR_SECTIONS, lambda request, person: None),
    ):
        sections = home_hooks.ambassador_sections(request, ambassador)

    assert [section.title for section in sections] == ["Progression"]
    assert seen == [(staff, ambassador)]


def test_personal_data_export_gathers_each_apps_part(db, ambassador):
    with (
        hooks.register_temporarily(
            home_hooks.PERSONAL_DATA_EXPORT, lambda user: ("lms", {"courses": [user.email]})
        ),
        hooks.register_temporarily(
            home_hooks.PERSONAL_DATA_EXPORT, lambda user: ("briefings", {"signups": []})
        ),
    ):
        parts = home_hooks.personal_data_parts(ambassador)

    assert parts == {"lms": {"courses": ["ambassadrice@exemple.fr"]}, "briefings": {"signups": []}}


def test_account_deletion_runs_each_apps_anonymisation(db, ambassador):
    anonymised = []
    with hooks.register_temporarily(
        home_hooks.ACCOUNT_DELETION, lambda user: anonymised.append(user.pk)
    ):
        home_hooks.delete_account_parts(ambassador)

    assert anonymised == [ambassador.pk]


def test_membership_ended_runs_each_apps_release_with_status_and_actor(db, ambassador, staff):
    released = []

    def free_seats(user, *, status, actor):
        released.append((user.pk, status, actor.pk))

    with hooks.register_temporarily(home_hooks.MEMBERSHIP_ENDED, free_seats):
        home_hooks.end_membership_parts(ambassador, status=MembershipStatus.SUSPENDED, actor=staff)

    assert released == [(ambassador.pk, MembershipStatus.SUSPENDED, staff.pk)]


@pytest.mark.django_db
def test_seed_demo_hands_named_and_generated_ambassadors_to_each_apps_demo_data(settings):
    settings.DEBUG = True
    received = []
    with hooks.register_temporarily(home_hooks.DEMO_DATA, received.append):
        call_command("seed_demo", "--scale", "3", stdout=StringIO())

    (demo,) = received
    assert demo.scale == 3
    assert len(demo.generated_ids) == 3
    assert {"admin", "responsable", "equipe", "nouvelle", "camille", "certifie"} <= set(demo.named)
    assert demo.named["camille"].email == "camille@ambassadeurs.example"


def test_daily_work_runs_each_hook_with_the_date_and_reports_counts(db):
    import datetime

    days = []

    def reminders(*, today):
        days.append(today)
        return 2

    with hooks.register_temporarily(home_hooks.DAILY_WORK, reminders):
        results = home_hooks.daily_work(today=datetime.date(2027, 3, 1))

    assert days == [datetime.date(2027, 3, 1)]
    assert results == [(f"{__name__}.reminders", 2)]

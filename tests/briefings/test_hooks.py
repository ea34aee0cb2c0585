"""Missions in `home`'s extension points: the main menu's entry, Mon espace's “My
missions” (content and pinned query count), the fiche's “Missions” section (content,
permission, pinned query count), the personal-data export, account deletion, and the
suspension that frees seats and promotes the waiting list."""

import datetime
import json

import pytest
from django.test import RequestFactory
from django.urls import include, path
from django.utils import timezone
from wagtail.models import PageLogEntry

import config.urls
from briefings import ambassador_hooks, services
from briefings.models import CalendarFeed, SelectionMode, Signup, SignupStatus
from home import hooks as home_hooks
from home.services import account_delete, membership_suspend, personal_data_export
from tests.briefings.builders import DAY, add_mission, certified
from tests.factories import AmbassadorProfileFactory, UserFactory

# `briefings`'s own URLs (the calendar feed and its renewal) are mounted here too, whether
# or not config/urls.py includes them yet (Wagtail's page serving stays last).
if any(getattr(p, "namespace", None) == "briefings" for p in config.urls.urlpatterns):
    urlpatterns = config.urls.urlpatterns
else:
    urlpatterns = [path("", include("briefings.urls")), *config.urls.urlpatterns]
pytestmark = pytest.mark.urls(__name__)


def _signup(mission, user, status, number=None, **fields) -> Signup:
    number = number or Signup.objects.filter(mission=mission).count() + 1
    return Signup.objects.create(
        mission=mission, user=user, status=status, queue_number=number, **fields
    )


def _past(index, title, days_ago=10):
    return add_mission(index, title, starts_at=timezone.now() - days_ago * DAY)


def fiche_url(user) -> str:
    return f"/admin/ambassadeurs/{user.ambassador_profile.pk}/"


@pytest.fixture
def journey(index, badge, certifie):
    """`certifie` confirmed for one mission, second on the waiting list of another,
    pending on a third, and two past missions (attended, did not come)."""
    confirmed = add_mission(index, "Salon SIMA", badges=[badge])
    full = add_mission(index, "Salon complet", seats=1, badges=[badge])
    selected = add_mission(index, "Délégation", selection_mode=SelectionMode.STAFF)
    came = _past(index, "Salon de l'an passé")
    absent = _past(index, "Webinaire manqué", days_ago=20)
    first, other = certified(badge, 2)
    _signup(confirmed, certifie, SignupStatus.CONFIRMED)
    _signup(full, other, SignupStatus.CONFIRMED)
    _signup(full, first, SignupStatus.WAITLISTED)
    _signup(full, certifie, SignupStatus.WAITLISTED)
    _signup(selected, certifie, SignupStatus.PENDING)
    _signup(came, certifie, SignupStatus.ATTENDED)
    _signup(absent, certifie, SignupStatus.NO_SHOW)
    return {
        "confirmed": confirmed,
        "full": full,
        "selected": selected,
        "came": came,
        "absent": absent,
    }


# --- Main menu --------------------------------------------------------------------------


def test_the_main_menu_has_missions_without_a_query(db, rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        item = ambassador_hooks.missions_menu_item(rf.get("/"))

    assert (item.url, item.match) == ("/missions/", "/missions/")
    assert item in home_hooks.main_menu_items(rf.get("/"))


# --- Mon espace -------------------------------------------------------------------------


def test_my_missions_shows_each_standing_with_pack_ics_position_and_attendance(
    client, certifie, journey
):
    client.force_login(certifie)

    response = client.get("/mon-espace/")

    html = response.content.decode()
    (panel,) = [p for p in response.context["panels"] if p.slug == "my-missions"]
    context = panel.context
    assert [line.mission.title for line in context["upcoming"]] == ["Salon SIMA"]
    assert [(line.mission.title, line.position) for line in context["waitlisted"]] == [
        ("Salon complet", 2)
    ]
    assert [line.mission.title for line in context["pending"]] == ["Délégation"]
    assert [(line.mission.title, line.status) for line in context["past"]] == [
        ("Salon de l'an passé", SignupStatus.ATTENDED),
        ("Webinaire manqué", SignupStatus.NO_SHOW),
    ]
    confirmed_url = journey["confirmed"].url
    assert 'id="my-missions"' in html
    assert f'href="{confirmed_url}dossier.pdf"' in html
    assert f'href="{confirmed_url}mission.ics"' in html
    assert f'href="{journey["full"].url}dossier.pdf"' not in html  # no seat, no pack
    assert 'data-position="2"' in html
    assert 'data-attendance="attended"' in html and 'data-attendance="no_show"' in html
    assert 'href="/missions/?open=1"' in html
    feed = CalendarFeed.objects.get(user=certifie)
    assert f"http://testserver/calendrier/{feed.token}.ics" in html
    assert 'action="/mon-espace/calendrier/renouveler/"' in html


def test_my_missions_invites_someone_with_no_sign_up_to_the_missions_open_to_them(
    client, ambassador, index
):
    client.force_login(ambassador)

    response = client.get("/mon-espace/")

    (panel,) = [p for p in response.context["panels"] if p.slug == "my-missions"]
    assert not panel.context["missions"]
    html = response.content.decode()
    assert 'class="button button--primary" href="/missions/?open=1"' in html


# Mes missions costs: the sign-ups (1), their missions (1), the waiting-list positions
# (1, as someone waits) and the calendar feed (1) = 4, however many sign-ups; someone
# without any sign-up pays 2 (the sign-ups, the feed).
MY_MISSIONS_QUERIES = 4


@pytest.mark.parametrize("rounds", [1, 4])
def test_my_missions_query_count_does_not_grow_with_sign_ups(
    rf, certifie, index, badge, django_assert_num_queries, rounds
):
    for n in range(rounds):
        _signup(add_mission(index, f"Salon {n}", badges=[badge]), certifie, "confirmed")
        full = add_mission(index, f"Complet {n}", seats=1)
        _signup(full, AmbassadorProfileFactory().user, "confirmed")
        _signup(full, certifie, "waitlisted")
        _signup(add_mission(index, f"Sélection {n}"), certifie, "pending")
        _signup(_past(index, f"Passé {n}"), certifie, "attended")
    request = rf.get("/mon-espace/")
    request.user = certifie
    ambassador_hooks.my_missions_panel(request, certifie.ambassador_profile)  # the feed made

    with django_assert_num_queries(MY_MISSIONS_QUERIES):
        panel = ambassador_hooks.my_missions_panel(request, certifie.ambassador_profile)

    context = panel.context
    assert [len(context[name]) for name in ("upcoming", "waitlisted", "pending", "past")] == [
        rounds
    ] * 4


# --- Fiche ambassadeur ------------------------------------------------------------------


def test_the_fiche_shows_every_sign_up_declined_and_cancelled_included_with_admin_links(
    client, staff, certifie, journey, index
):
    declined = add_mission(index, "Refusé", selection_mode=SelectionMode.STAFF)
    _signup(declined, certifie, SignupStatus.DECLINED, status_note="Profil anglophone requis.")
    cancelled = add_mission(index, "Annulé")
    _signup(cancelled, certifie, SignupStatus.CANCELLED)
    client.force_login(staff)

    response = client.get(fiche_url(certifie))

    html = response.content.decode()
    (section,) = [s for s in response.context["sections"] if s["panel"].slug == "missions"]
    history = section["panel"].context["history"]
    assert sorted(line.mission.title for line in history.withdrawn) == ["Annulé", "Refusé"]
    assert [(line.mission.title, line.position) for line in history.waitlisted] == [
        ("Salon complet", 2)
    ]
    assert 'id="ambassador-section-missions-section"' in html
    for mission in (*journey.values(), declined, cancelled):
        assert f'href="/admin/pages/{mission.pk}/edit/"' in html
    assert "Profil anglophone requis." in html
    assert html.count('class="ambassador-missions__row"') == 7


def test_the_fiche_section_is_only_for_staff_who_may_see_ambassadors(certifie, journey):
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True)  # no group: may not see ambassadors

    assert ambassador_hooks.missions_section(request, certifie) is None


# The section costs the sign-ups with their missions (1) and the waiting-list positions
# (1, as someone waits), however many sign-ups.
SECTION_QUERIES = 2


@pytest.mark.parametrize("rounds", [1, 4])
def test_the_fiche_section_query_count_does_not_grow_with_sign_ups(
    rf, staff, certifie, index, django_assert_num_queries, rounds
):
    for n in range(rounds):
        _signup(add_mission(index, f"Salon {n}"), certifie, "confirmed")
        _signup(add_mission(index, f"Annulé {n}"), certifie, "cancelled")
        full = add_mission(index, f"Complet {n}", seats=1)
        _signup(full, AmbassadorProfileFactory().user, "confirmed")
        _signup(full, certifie, "waitlisted")
    request = rf.get("/")
    request.user = staff
    ambassador_hooks.missions_section(request, certifie)  # staff's permissions cached

    with django_assert_num_queries(SECTION_QUERIES):
        panel = ambassador_hooks.missions_section(request, certifie)

    history = panel.context["history"]
    assert (len(history.upcoming), len(history.withdrawn), len(history.waitlisted)) == (
        rounds,
        rounds,
        rounds,
    )


# --- Personal data, deletion, suspension ---------------------------------------------------


def test_the_export_lists_every_sign_up_and_the_calendar_subscription_but_not_its_token(
    certifie, mission
):
    signup = services.signup_create(
        user=certifie, mission=mission, motivation="J'ai exposé en 2025.", listed=True
    )
    services.signup_cancel(signup=signup, actor=certifie)
    services.signup_create(user=certifie, mission=mission, motivation="Finalement libre.")
    feed = CalendarFeed.objects.create(user=certifie)

    data = personal_data_export(user=certifie)

    part = data["missions"]
    assert [(row["status"], row["motivation"], row["listed"]) for row in part["signups"]] == [
        ("cancelled", "J'ai exposé en 2025.", True),
        ("confirmed", "Finalement libre.", False),
    ]
    row = part["signups"][1]
    assert row["mission"] == mission.title
    assert row["starts_at"] == mission.starts_at.isoformat()
    assert row["ends_at"] == mission.ends_at.isoformat()
    assert {"briefing_acknowledged_at", "created_at", "status_changed_at"} <= set(row)
    assert part["calendar_subscription"]["exists"] is True
    assert feed.token not in json.dumps(data)


def test_deleting_the_account_keeps_the_attendance_history_without_what_is_personal(
    certifie, index, mission, staff
):
    past = _past(index, "Salon de l'an passé")
    kept = _signup(past, certifie, "attended", motivation="Je connais ce salon.", listed=True)
    upcoming = services.signup_create(user=certifie, mission=mission, motivation="Disponible.")
    CalendarFeed.objects.create(user=certifie)

    account_delete(user=certifie)

    kept.refresh_from_db()
    upcoming.refresh_from_db()
    assert (kept.status, kept.motivation, kept.listed) == ("attended", "", False)
    assert (upcoming.status, upcoming.motivation) == ("cancelled", "")  # the seat freed
    assert not CalendarFeed.objects.filter(user=certifie).exists()
    names = {
        entry.data.get("ambassador_name")
        for entry in PageLogEntry.objects.filter(action__startswith="briefings.")
    }
    assert names and "Camille" not in str(names)


def test_suspending_an_ambassador_frees_their_seat_for_the_first_waitlisted_who_is_emailed(
    mission, badge, staff, mailoutbox, django_capture_on_commit_callbacks
):
    holder, other, first, second = certified(badge, 4)
    for person in (holder, other, first, second):
        services.signup_create(user=person, mission=mission)

    with django_capture_on_commit_callbacks(execute=True):
        membership_suspend(profile=holder.ambassador_profile, actor=staff, reason="Absences.")

    statuses = dict(Signup.objects.filter(mission=mission).values_list("user_id", "status"))
    assert statuses == {
        holder.pk: "cancelled",
        other.pk: "confirmed",
        first.pk: "confirmed",
        second.pk: "waitlisted",
    }
    promoted = [email for email in mailoutbox if email.to == [first.email]]
    assert len(promoted) == 1 and mission.title in promoted[0].subject
    assert second.email not in str([email.to for email in mailoutbox])


def test_a_suspension_keeps_past_sign_ups(certifie, index, staff):
    past = _past(index, "Salon de l'an passé")
    signup = _signup(past, certifie, "attended")

    membership_suspend(profile=certifie.ambassador_profile, actor=staff, reason="Pause.")

    signup.refresh_from_db()
    assert signup.status == "attended"
    assert past.starts_at < timezone.now() - datetime.timedelta(days=1)

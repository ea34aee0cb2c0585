"""The staff's side of missions in the Wagtail admin: the “Missions” list with its
counts, each mission's roster (sections, waiting-list positions, the people's details),
its actions through the services (confirm, waiting list, decline, cancel, add,
attendance, email), each logged with who acted, the CSV export, who may see and do
what, and pinned query counts."""

import csv
import datetime
import io
from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import GroupPagePermission, Page, PageLogEntry

from briefings import admin_views, services
from briefings.models import MissionKind, Roster, SelectionMode, Signup, SignupStatus
from home.models import MembershipStatus
from lms.models import Badge, BadgeAward, BadgeCriterion
from tests.briefings.builders import DAY, add_mission, give_badge
from tests.factories import AmbassadorProfileFactory, UserFactory

MISSIONS_URL = "/admin/missions/"


def roster_url(mission) -> str:
    return f"{MISSIONS_URL}{mission.pk}/participants/"


def fr(message) -> str:
    """A translatable string (or msgid) as the admin shows it (in French)."""
    with translation.override("fr"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def text(response) -> str:
    return unescape(response.content.decode())


def person(email, first_name, last_name, **profile):
    return AmbassadorProfileFactory(
        user__email=email, user__first_name=first_name, user__last_name=last_name, **profile
    ).user


def enrol(mission, user, status=SignupStatus.CONFIRMED, **fields) -> Signup:
    """A sign-up in `status`, at the back of the mission's queue (as the services
    number it), without emails: the state a roster starts from."""
    roster, _ = Roster.objects.get_or_create(mission=mission)
    roster.last_queue_number += 1
    roster.save(update_fields=["last_queue_number"])
    return Signup.objects.create(
        mission=mission, user=user, status=status, queue_number=roster.last_queue_number, **fields
    )


def entries(response, status) -> list[str]:
    """The emails of a roster section's people, in order."""
    (section,) = [s for s in response.context["sections"] if s.status == status]
    return [entry.signup.user.email for entry in section.entries]


def log_entries(mission, action=None):
    entries = PageLogEntry.objects.filter(page=mission, action__startswith="briefings.")
    if action:
        entries = entries.filter(action=action)
    return list(entries.order_by("pk"))


@pytest.fixture
def people():
    return {
        "alice": person("alice.martin@exemple.fr", "Alice", "Martin", organisation="Valeo"),
        "bruno": person("bruno.schmidt@exemple.de", "Bruno", "Schmidt", organisation="BASF"),
        "chloe": person("chloe.abel@exemple.fr", "Chloé", "Abel", organisation="Abel & fils"),
        "dan": person("dan.roux@exemple.fr", "Dan", "Roux", organisation="Roux SA"),
        "eve": person("eve.noel@exemple.fr", "Ève", "Noël", organisation="Noël SARL"),
    }


@pytest.fixture
def roster(mission, badge, people):
    """The 2-seat mission (requiring `badge`, which they all hold): Alice and Bruno
    confirmed, Chloé then Dan on the waiting list, Ève pending (added by hand to a
    first-come mission)."""
    for user in people.values():
        give_badge(user, badge)
    return {
        "alice": enrol(
            mission,
            people["alice"],
            motivation="J'ai exposé en 2024.",
            listed=True,
            briefing_acknowledged_at=timezone.now(),
        ),
        "bruno": enrol(mission, people["bruno"]),
        "chloe": enrol(mission, people["chloe"], SignupStatus.WAITLISTED),
        "dan": enrol(mission, people["dan"], SignupStatus.WAITLISTED),
        "eve": enrol(mission, people["eve"], SignupStatus.PENDING),
    }


@pytest.fixture
def selection(index, people):
    """A mission whose participants the staff select: Alice and Bruno pending."""
    mission = add_mission(
        index, "Délégation d'investisseurs", seats=1, selection_mode=SelectionMode.STAFF
    )
    return mission, {
        "alice": enrol(mission, people["alice"], SignupStatus.PENDING),
        "bruno": enrol(mission, people["bruno"], SignupStatus.PENDING),
    }


# --- The roster -----------------------------------------------------------------------


def test_roster_shows_each_section_with_the_people_and_waitlist_positions(
    client, staff, mission, roster
):
    client.force_login(staff)

    response = client.get(roster_url(mission))

    html = text(response)
    assert response.status_code == 200
    assert entries(response, "confirmed") == ["alice.martin@exemple.fr", "bruno.schmidt@exemple.de"]
    assert entries(response, "waitlisted") == ["chloe.abel@exemple.fr", "dan.roux@exemple.fr"]
    assert entries(response, "pending") == ["eve.noel@exemple.fr"]
    assert entries(response, "declined") == entries(response, "cancelled") == []
    statuses = [section.status for section in response.context["sections"]]
    assert "attended" not in statuses  # not before the mission
    (waiting,) = [s for s in response.context["sections"] if s.status == "waitlisted"]
    assert [entry.position for entry in waiting.entries] == [1, 2]
    profile = roster["alice"].user.ambassador_profile
    assert f'href="/admin/ambassadeurs/{profile.pk}/"' in html  # the fiche
    assert "Valeo" in html and "J'ai exposé en 2024." in html
    assert "Alice Martin" in html and "bruno.schmidt@exemple.de" in html
    counts = response.context["counts"]
    assert (counts.seated, counts.waitlisted, counts.pending, counts.free) == (2, 2, 1, 0)
    # Each status offers its actions.
    actions = {
        s.status: {e.signup.user.first_name: [a["name"] for a in e.actions] for e in s.entries}
        for s in response.context["sections"]
    }
    assert actions["confirmed"]["Alice"] == ["cancel"]
    assert actions["waitlisted"]["Chloé"] == ["confirm", "decline", "cancel"]
    assert actions["pending"]["Ève"] == ["confirm", "waitlist", "decline"]
    assert f'action="{roster_url(mission)}{roster["eve"].pk}/attente/"' in html


def test_roster_after_the_mission_shows_attended_and_no_show_and_the_attendance_form(
    client, staff, index, people
):
    mission = add_mission(index, "Salon passé", starts_in=-2 * DAY, seats=3)
    came = enrol(mission, people["alice"], SignupStatus.ATTENDED)
    enrol(mission, people["bruno"], SignupStatus.NO_SHOW)
    enrol(mission, people["chloe"])
    client.force_login(staff)

    response = client.get(roster_url(mission))

    assert entries(response, "attended") == ["alice.martin@exemple.fr"]
    assert entries(response, "no_show") == ["bruno.schmidt@exemple.de"]
    rows = response.context["attendance_rows"]
    assert [signup.user.first_name for signup, _ in rows] == ["Alice", "Bruno", "Chloé"]
    assert rows[0][1].value() == "attended" and rows[1][1].value() == "no_show"
    assert rows[2][1].value() is None
    assert f'name="signup-{came.pk}"' in text(response)


def test_roster_of_an_unknown_page_or_not_a_mission_is_a_404(client, staff, home_page):
    client.force_login(staff)

    assert client.get(f"{MISSIONS_URL}999999/participants/").status_code == 404
    assert client.get(f"{MISSIONS_URL}{home_page.pk}/participants/").status_code == 404


def test_roster_shows_its_latest_history_with_who_acted(client, staff, selection):
    mission, signups = selection
    client.force_login(staff)
    client.post(f"{roster_url(mission)}{signups['alice'].pk}/confirmer/")

    response = client.get(roster_url(mission))

    (entry,) = response.context["history"]
    assert entry["what"] == str(services.LOG_ACTIONS["briefings.confirm"])
    assert entry["who"] == staff.get_full_name()
    assert entry["about"] == "Alice Martin"
    assert response.context["history_url"] == f"/admin/pages/{mission.pk}/history/"
    # The mission's own history in the admin names the change too.
    history = text(client.get(f"/admin/pages/{mission.pk}/history/"))
    assert fr(services.LOG_ACTIONS["briefings.confirm"]) in history


# --- Actions --------------------------------------------------------------------------


def test_staff_confirm_a_pending_sign_up_who_is_told(
    client, staff, selection, mailoutbox, django_capture_on_commit_callbacks
):
    mission, signups = selection
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{roster_url(mission)}{signups['alice'].pk}/confirmer/", follow=True
        )

    assert response.redirect_chain == [(roster_url(mission), 302)]
    alice = Signup.objects.get(pk=signups["alice"].pk)
    assert alice.status == SignupStatus.CONFIRMED
    assert Signup.objects.get(pk=signups["bruno"].pk).status == SignupStatus.PENDING
    (entry,) = log_entries(mission)
    assert (entry.action, entry.user, entry.data["ambassador"]) == (
        "briefings.confirm",
        staff,
        alice.user_id,
    )
    assert fr(admin_views.SIGNUP_ACTIONS["confirm"].success_message) % {
        "name": "Alice Martin"
    } in text(response)
    (email,) = mailoutbox
    assert email.to == ["alice.martin@exemple.fr"]
    assert mission.title in email.subject  # “Your seat for … is confirmed”


def test_confirming_when_full_is_refused_with_the_reason(client, staff, selection):
    mission, signups = selection
    client.force_login(staff)
    client.post(f"{roster_url(mission)}{signups['alice'].pk}/confirmer/")  # the one seat

    response = client.post(f"{roster_url(mission)}{signups['bruno'].pk}/confirmer/", follow=True)

    assert response.status_code == 200
    assert fr(services.ERROR_NO_SEAT) in text(response)
    assert Signup.objects.get(pk=signups["bruno"].pk).status == SignupStatus.PENDING
    assert [e.action for e in log_entries(mission)] == ["briefings.confirm"]


def test_confirming_from_the_waiting_list_is_a_promotion(client, staff, mission, roster):
    client.force_login(staff)
    client.post(f"{roster_url(mission)}{roster['bruno'].pk}/annuler/", {"note": ""})
    # The freed seat went to Chloé at once (before the deadline); Dan is confirmed by hand
    # once a second seat is added.
    mission.seats = 3
    mission.save_revision().publish()

    client.post(f"{roster_url(mission)}{roster['dan'].pk}/confirmer/")

    statuses = dict(Signup.objects.values_list("user__first_name", "status"))
    assert statuses == {
        "Alice": "confirmed",
        "Bruno": "cancelled",
        "Chloé": "confirmed",
        "Dan": "confirmed",
        "Ève": "pending",
    }
    assert [(e.action, e.user, e.data["ambassador_name"]) for e in log_entries(mission)] == [
        ("briefings.cancel", staff, "Bruno Schmidt"),
        # Promoted automatically, in the staff's request: Wagtail's log names them.
        ("briefings.promote", staff, "Chloé Abel"),
        ("briefings.promote", staff, "Dan Roux"),
    ]


def test_staff_put_a_pending_sign_up_on_the_waiting_list(client, staff, selection):
    mission, signups = selection
    client.force_login(staff)

    client.post(f"{roster_url(mission)}{signups['bruno'].pk}/attente/")

    bruno = Signup.objects.get(pk=signups["bruno"].pk)
    assert bruno.status == SignupStatus.WAITLISTED
    # Its own action, not a second "sign-up" on the mission's history.
    (entry,) = log_entries(mission)
    assert (entry.action, entry.user, entry.data["before"], entry.data["status"]) == (
        "briefings.waitlist",
        staff,
        "pending",
        "waitlisted",
    )
    (row,) = client.get(roster_url(mission)).context["history"]
    assert (row["what"], row["who"], row["about"]) == (
        str(services.LOG_ACTIONS["briefings.waitlist"]),
        staff.get_full_name(),
        "Bruno Schmidt",
    )
    history = text(client.get(f"/admin/pages/{mission.pk}/history/"))
    assert fr(services.LOG_ACTIONS["briefings.waitlist"]) in history


def test_staff_decline_with_a_note_told_to_the_person(
    client, staff, selection, mailoutbox, django_capture_on_commit_callbacks
):
    mission, signups = selection
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{roster_url(mission)}{signups['alice'].pk}/refuser/",
            {"note": "  Profil industrie attendu.  "},
        )

    alice = Signup.objects.get(pk=signups["alice"].pk)
    assert (alice.status, alice.status_note) == (SignupStatus.DECLINED, "Profil industrie attendu.")
    (entry,) = log_entries(mission, "briefings.decline")
    assert (entry.user, entry.data["note"]) == (staff, "Profil industrie attendu.")
    (email,) = mailoutbox
    assert email.to == ["alice.martin@exemple.fr"]
    assert "Profil industrie attendu." in email.body


def test_staff_cancel_a_confirmed_participant_and_the_first_waiting_is_promoted(
    client, staff, mission, roster, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{roster_url(mission)}{roster['alice'].pk}/annuler/",
            {"note": "Indisponible"},
            follow=True,
        )

    assert Signup.objects.get(pk=roster["alice"].pk).status == SignupStatus.CANCELLED
    assert Signup.objects.get(pk=roster["chloe"].pk).status == SignupStatus.CONFIRMED
    assert Signup.objects.get(pk=roster["dan"].pk).status == SignupStatus.WAITLISTED
    cancel = log_entries(mission, "briefings.cancel")[0]
    assert (cancel.user, cancel.data["note"]) == (staff, "Indisponible")
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice.martin@exemple.fr",
        "chloe.abel@exemple.fr",
    ]
    told = {m.to[0]: m for m in mailoutbox}
    assert fr("The staff cancelled your sign-up for this mission: do not go.") in (
        told["alice.martin@exemple.fr"].body
    )
    assert entries(response, "waitlisted") == ["dan.roux@exemple.fr"]
    assert response.context["sections"][1].entries[0].position == 1  # Dan moved up


def test_an_action_that_no_longer_applies_says_why_and_changes_nothing(
    client, staff, mission, roster
):
    client.force_login(staff)

    response = client.post(f"{roster_url(mission)}{roster['alice'].pk}/refuser/", follow=True)

    assert fr(services.ERROR_NOT_DECLINABLE) in text(response)
    assert Signup.objects.get(pk=roster["alice"].pk).status == SignupStatus.CONFIRMED
    assert log_entries(mission) == []


def test_a_sign_up_of_another_mission_is_a_404(client, staff, index, mission, roster):
    other = add_mission(index, "Autre salon")
    client.force_login(staff)

    response = client.post(f"{roster_url(other)}{roster['eve'].pk}/confirmer/")

    assert response.status_code == 404
    assert Signup.objects.get(pk=roster["eve"].pk).status == SignupStatus.PENDING


def test_add_participant_offers_active_ambassadors_not_signed_up_then_adds(
    client, staff, mission, roster, badge, people, mailoutbox, django_capture_on_commit_callbacks
):
    fanny = person("fanny.blanc@exemple.fr", "Fanny", "Blanc", organisation="Blanc")
    person("gus.suspendu@exemple.fr", "Gus", "Suspendu", status=MembershipStatus.SUSPENDED)
    cancelled = person("hugo.parti@exemple.fr", "Hugo", "Parti")
    enrol(mission, cancelled, SignupStatus.CANCELLED)  # may sign up again
    client.force_login(staff)

    page = client.get(roster_url(mission))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{roster_url(mission)}ajouter/", {"user": fanny.pk}, follow=True)

    choices = dict(page.context["add_form"].fields["user"].choices)
    offered = {value for value in choices if value}
    assert offered == {fanny.pk, cancelled.pk}  # not the signed-up, nor the suspended
    with translation.override("fr"):  # the staff's call, said in the label
        warning = gettext("%(label)s — without the required badges") % {"label": ""}
    assert str(choices[fanny.pk]).endswith(warning)
    signup = Signup.objects.get(mission=mission, user=fanny)
    assert signup.status == SignupStatus.WAITLISTED  # both seats are taken
    (entry,) = log_entries(mission, "briefings.add")
    assert (entry.user, entry.data["ambassador"]) == (staff, fanny.pk)
    assert [m.to for m in mailoutbox] == [["fanny.blanc@exemple.fr"]]
    assert entries(response, "waitlisted")[-1] == "fanny.blanc@exemple.fr"


def test_adding_someone_already_signed_up_is_refused_by_the_form(client, staff, mission, roster):
    client.force_login(staff)

    response = client.post(f"{roster_url(mission)}ajouter/", {"user": roster["eve"].user_id})

    assert response.status_code == 200
    assert response.context["add_form"].errors["user"]
    assert fr(admin_views.ERROR_FORM) in text(response)
    assert Signup.objects.filter(mission=mission).count() == 5
    assert log_entries(mission) == []


@pytest.fixture
def past(index, people):
    """A trade fair that started yesterday: Alice, Bruno and Chloé confirmed, Dan
    waitlisted."""
    mission = add_mission(index, "Salon d'hier", starts_in=-DAY, seats=3)
    signups = {name: enrol(mission, people[name]) for name in ("alice", "bruno", "chloe")}
    signups["dan"] = enrol(mission, people["dan"], SignupStatus.WAITLISTED)
    return mission, signups


def test_attendance_is_marked_in_one_form_and_earns_the_mission_badge(
    client, staff, past, mailoutbox, django_capture_on_commit_callbacks
):
    mission, signups = past
    salon = Badge.objects.create(
        name="Ambassadeur de terrain",
        slug="terrain",
        description="Description.",
        criteria_narrative="Avoir tenu un stand.",
    )
    BadgeCriterion.objects.create(
        badge=salon, kind="mission_attended", mission_kind=MissionKind.TRADE_FAIR
    )
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{roster_url(mission)}presences/",
            {
                f"signup-{signups['alice'].pk}": "attended",
                f"signup-{signups['bruno'].pk}": "no_show",
                f"signup-{signups['dan'].pk}": "attended",  # not seated: ignored
            },
            follow=True,
        )

    statuses = dict(
        Signup.objects.filter(mission=mission).values_list("user__first_name", "status")
    )
    assert statuses == {
        "Alice": "attended",
        "Bruno": "no_show",
        "Chloé": "confirmed",  # left unanswered
        "Dan": "waitlisted",
    }
    assert [
        (e.user, e.data["ambassador_name"], e.data["status"]) for e in log_entries(mission)
    ] == [
        (staff, "Alice Martin", "attended"),
        (staff, "Bruno Schmidt", "no_show"),
    ]
    (award,) = BadgeAward.objects.filter(badge=salon)
    assert award.user == signups["alice"].user
    assert "alice.martin@exemple.fr" in [m.to[0] for m in mailoutbox]  # the badge's email
    assert fr(admin_views.MESSAGE_ATTENDANCE) in text(response)


def test_attendance_can_be_corrected(client, staff, past):
    mission, signups = past
    client.force_login(staff)
    url = f"{roster_url(mission)}presences/"
    client.post(url, {f"signup-{signups['bruno'].pk}": "no_show"})

    client.post(url, {f"signup-{signups['bruno'].pk}": "attended"})

    assert Signup.objects.get(pk=signups["bruno"].pk).status == SignupStatus.ATTENDED
    assert [e.data["before"] for e in log_entries(mission)] == ["confirmed", "no_show"]


def test_attendance_before_the_mission_is_refused(client, staff, mission, roster):
    client.force_login(staff)

    page = client.get(roster_url(mission))
    response = client.post(
        f"{roster_url(mission)}presences/",
        {f"signup-{roster['alice'].pk}": "attended"},
        follow=True,
    )

    assert page.context["attendance_rows"] == []
    assert "presences/" not in text(page)
    assert fr(services.ERROR_NOT_STARTED) in text(response)
    assert Signup.objects.get(pk=roster["alice"].pk).status == SignupStatus.CONFIRMED


def test_attendance_with_a_wrong_value_changes_nothing(client, staff, past):
    mission, signups = past
    client.force_login(staff)

    response = client.post(
        f"{roster_url(mission)}presences/", {f"signup-{signups['alice'].pk}": "peut-être"}
    )

    assert response.status_code == 200
    assert response.context["attendance_form"].errors
    assert Signup.objects.get(pk=signups["alice"].pk).status == SignupStatus.CONFIRMED


def test_staff_email_the_confirmed_participants(
    client, staff, mission, roster, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{roster_url(mission)}message/",
            {
                "statuses": ["confirmed"],
                "subject": "Rendez-vous au hall 5",
                "message": "Rendez-vous à 8 h 30 devant le hall 5.",
            },
            follow=True,
        )

    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice.martin@exemple.fr",
        "bruno.schmidt@exemple.de",
    ]
    assert all(m.subject == "Rendez-vous au hall 5" for m in mailoutbox)
    assert all("Rendez-vous à 8 h 30 devant le hall 5." in m.body for m in mailoutbox)
    (entry,) = log_entries(mission, "briefings.message")
    assert (entry.user, entry.data["count"], entry.data["statuses"]) == (staff, 2, ["confirmed"])
    with translation.override("fr"):
        sent = translation.ngettext(
            "Email sent to %(count)s participant.", "Email sent to %(count)s participants.", 2
        ) % {"count": 2}
    assert sent in text(response)


def test_staff_email_the_waiting_list(
    client, staff, mission, roster, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{roster_url(mission)}message/",
            {"statuses": ["waitlisted"], "subject": "Liste d'attente", "message": "Patience !"},
        )

    assert sorted(m.to[0] for m in mailoutbox) == ["chloe.abel@exemple.fr", "dan.roux@exemple.fr"]


def test_an_email_without_subject_is_not_sent(client, staff, mission, roster, mailoutbox):
    client.force_login(staff)

    response = client.post(
        f"{roster_url(mission)}message/", {"statuses": ["confirmed"], "message": "Bonjour"}
    )

    assert response.status_code == 200
    assert "subject" in response.context["email_form"].errors
    assert response.context["email_form"]["message"].value() == "Bonjour"  # kept
    assert mailoutbox == []
    assert log_entries(mission) == []


# --- CSV ------------------------------------------------------------------------------


def test_roster_csv_lists_everyone_with_status_position_and_dates(client, staff, mission, roster):
    Signup.objects.filter(pk=roster["alice"].pk).update(
        created_at=datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    )
    client.force_login(staff)

    response = client.get(f"{roster_url(mission)}?export=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="participants-{mission.slug}-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [fr(heading) for heading in admin_views.CSV_HEADINGS.values()]
    assert [(r[2], r[4], r[5]) for r in rows[1:]] == [
        ("alice.martin@exemple.fr", fr("Confirmed"), ""),
        ("bruno.schmidt@exemple.de", fr("Confirmed"), ""),
        ("chloe.abel@exemple.fr", fr("Waiting list"), "1"),
        ("dan.roux@exemple.fr", fr("Waiting list"), "2"),
        ("eve.noel@exemple.fr", fr("Pending selection"), ""),
    ]
    alice = rows[1]
    assert alice[:4] == ["Martin", "Alice", "alice.martin@exemple.fr", "Valeo"]
    assert alice[6:8] == ["J'ai exposé en 2024.", fr("Yes")]
    assert alice[8] != "" and rows[2][8] == ""  # briefing acknowledged
    assert alice[9] == "2026-03-02 10:30:00"  # Paris time


# --- Who may see and do what ----------------------------------------------------------


@pytest.fixture
def editor(db):
    """Staff who edit pages but may not manage rosters."""
    group = Group.objects.create(name="Rédaction")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group,
        page=Page.objects.get(depth=1),
        permission=Permission.objects.get(codename="change_page"),
    )
    return UserFactory(email="redaction@exemple.fr", is_staff=True, groups=["Rédaction"])


@pytest.fixture
def other_branch(db):
    """Staff with `manage_roster` but permissions on no page of the missions."""
    group = Group.objects.create(name="Autre branche")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="manage_roster"),
    )
    return UserFactory(email="branche@exemple.fr", is_staff=True, groups=["Autre branche"])


def roster_urls(mission, signup) -> list[tuple[str, str]]:
    base = roster_url(mission)
    return [
        ("get", MISSIONS_URL),
        ("get", base),
        ("get", f"{base}?export=csv"),
        ("post", f"{base}{signup.pk}/confirmer/"),
        ("post", f"{base}{signup.pk}/attente/"),
        ("post", f"{base}{signup.pk}/refuser/"),
        ("post", f"{base}{signup.pk}/annuler/"),
        ("post", f"{base}ajouter/"),
        ("post", f"{base}presences/"),
        ("post", f"{base}message/"),
    ]


@pytest.mark.parametrize("persona", ["staff", "manager"])
def test_equipe_and_responsables_manage_rosters_from_the_menu(client, request, mission, persona):
    client.force_login(request.getfixturevalue(persona))

    admin_home = text(client.get("/admin/"))

    assert client.get(MISSIONS_URL).status_code == 200
    assert client.get(roster_url(mission)).status_code == 200
    assert MISSIONS_URL in admin_home  # the menu (rendered from JSON)


def test_visitors_and_ambassadors_never_reach_rosters(client, mission, roster, ambassador):
    before = list(Signup.objects.order_by("pk").values())
    urls = roster_urls(mission, roster["eve"])

    anonymous = [getattr(client, method)(url) for method, url in urls]
    client.force_login(ambassador)
    member = [getattr(client, method)(url) for method, url in urls]

    for response in anonymous + member:
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")
    assert list(Signup.objects.order_by("pk").values()) == before
    assert log_entries(mission) == []


@pytest.mark.parametrize("persona", ["editor", "other_branch"])
def test_staff_without_the_permission_are_refused(client, request, mission, roster, persona):
    user = request.getfixturevalue(persona)
    before = list(Signup.objects.order_by("pk").values())
    client.force_login(user)

    responses = [
        (method, getattr(client, method)(url))
        for method, url in roster_urls(mission, roster["eve"])
    ]
    edit = text(client.get(f"/admin/pages/{mission.pk}/edit/")) if persona == "editor" else ""

    # Wagtail's admin answers a refusal with a redirect to its dashboard and a message.
    expected = [(302, "/admin/")] * len(responses)
    if persona == "other_branch":
        expected[0] = (200, None)  # the list, empty: no mission of theirs
    assert [(r.status_code, r.get("Location")) for _m, r in responses] == expected
    assert list(Signup.objects.order_by("pk").values()) == before
    assert log_entries(mission) == []
    assert roster_url(mission) not in edit
    if persona == "other_branch":
        assert responses[0][1].context["upcoming"] == []


def test_a_mission_page_offers_its_participants_in_the_admin(client, staff, index, mission):
    client.force_login(staff)

    edit = text(client.get(f"/admin/pages/{mission.pk}/edit/"))
    listing = text(client.get(f"/admin/pages/{index.pk}/"))
    index_edit = text(client.get(f"/admin/pages/{index.pk}/edit/"))

    assert f'href="{roster_url(mission)}"' in edit
    assert f'href="{roster_url(mission)}"' in listing
    assert "/participants/" not in index_edit


# --- The missions list ----------------------------------------------------------------


def test_missions_list_shows_upcoming_and_recent_missions_with_their_counts(
    client, staff, index, mission, roster
):
    draft = add_mission(index, "Opération brouillon", starts_in=60 * DAY, live=False)
    recent = add_mission(index, "Salon récent", starts_in=-10 * DAY, seats=5)
    enrol(recent, roster["alice"].user, SignupStatus.ATTENDED)
    add_mission(index, "Salon ancien", starts_in=-200 * DAY)
    client.force_login(staff)

    response = client.get(MISSIONS_URL)

    upcoming = [
        (r.mission.title, r.seats.seats, r.seats.seated, r.seats.waitlisted, r.seats.pending)
        for r in response.context["upcoming"]
    ]
    assert upcoming == [
        (mission.title, 2, 2, 2, 1),
        (draft.title, 10, 0, 0, 0),
    ]
    assert [(r.mission.title, r.seats.seated) for r in response.context["recent"]] == [
        ("Salon récent", 1)
    ]
    html = text(response)
    assert f'href="{roster_url(mission)}"' in html
    assert "Salon ancien" not in html


# --- Cost -----------------------------------------------------------------------------


def fill(mission, count, start=0):
    """`count` more sign-ups in every status."""
    statuses = list(SignupStatus)
    for number in range(start, start + count):
        user = AmbassadorProfileFactory(user__email=f"personne{number}@exemple.fr").user
        enrol(mission, user, statuses[number % len(statuses)], motivation="Motivé")


# Session and user (2), the user's own and group permissions for the admin access and
# `manage_roster` (2), the admin's user profile (1); the mission (1) and the page
# permissions deciding on it (1, cached for the admin's menus); the roster: its sign-ups
# with people and profiles (1), the ambassadors who may be added (1) and whether they
# hold the required badges (3: active profiles, the mission's badges, their awards), the
# history (1); the admin's furniture: locales, collection and site permissions, the
# explorer's root (4); the idle-timeout session save (savepoint, update, release: 3).
# The same for 3 or 30 sign-ups.
ROSTER_QUERIES = 20


def test_roster_query_count_does_not_grow_with_sign_ups(
    client, staff, mission, django_assert_num_queries
):
    fill(mission, 3)
    outside = AmbassadorProfileFactory.create_batch(2)  # not signed up: may be added
    client.force_login(staff)
    client.get(roster_url(mission))  # warm the per-process caches

    with django_assert_num_queries(ROSTER_QUERIES):
        few = client.get(roster_url(mission))
    fill(mission, 27, start=3)
    with django_assert_num_queries(ROSTER_QUERIES):
        many = client.get(roster_url(mission))

    assert sum(len(s.entries) for s in few.context["sections"]) == 3
    assert sum(len(s.entries) for s in many.context["sections"]) == 30
    offered = {value for value, _label in many.context["add_form"].fields["user"].choices}
    assert {profile.user_id for profile in outside} <= offered


# Session, user, permissions, admin profile (5); the missions (1), the page permissions
# deciding which the user manages (1, cached for the admin's menus) and their counts
# (1); the admin's furniture (4) and the session save (3). The same for 1 or 6 missions.
MISSIONS_QUERIES = 15


@pytest.mark.parametrize("missions", [1, 6])
def test_missions_list_query_count_does_not_grow_with_missions(
    client, staff, index, django_assert_num_queries, missions
):
    for number in range(missions):
        fill(add_mission(index, f"Salon {number}"), 5, start=number * 5)
    client.force_login(staff)
    client.get(MISSIONS_URL)

    with django_assert_num_queries(MISSIONS_QUERIES):
        response = client.get(MISSIONS_URL)

    assert len(response.context["upcoming"]) == missions


def test_a_post_without_the_csrf_token_is_refused(staff, selection):
    from django.test import Client

    mission, signups = selection
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(f"{roster_url(mission)}{signups['alice'].pk}/confirmer/")

    assert response.status_code == 403
    assert Signup.objects.get(pk=signups["alice"].pk).status == SignupStatus.PENDING

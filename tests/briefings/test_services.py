"""The services of missions, one outcome each: the queue, cancellations and the waiting
list's promotions (who is skipped and why), the staff's decisions (never past the
seats), attendance and the badges it earns, the release of seats when a membership
ends, and the log of who did what."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation
from wagtail.models import PageLogEntry

from briefings import criteria as mission_criteria
from briefings import services
from briefings.models import MissionKind, SelectionMode, Signup, SignupStatus
from lms.models import Badge, BadgeAward, BadgeCriterion
from tests.briefings.builders import DAY, add_mission, add_signup, certified


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    """Emails are tested in test_notifications; here, what they are told about."""
    sent = []
    monkeypatch.setattr(
        services, "notify", lambda signup, event, **extra: sent.append((signup.user_id, event))
    )
    with translation.override("en"):
        yield sent


def statuses(mission):
    return list(
        Signup.objects.filter(mission=mission)
        .order_by("queue_number")
        .values_list("user_id", "status")
    )


def log_of(mission):
    return list(
        PageLogEntry.objects.filter(page=mission, action__startswith="briefings.")
        .order_by("pk")
        .values_list("action", "user_id", "data__ambassador", "data__status")
    )


@pytest.fixture
def full(mission, badge):
    """`mission` (2 seats) with two confirmed and two waitlisted people, in that order."""
    people = certified(badge, 4)
    for person in people:
        services.signup_create(user=person, mission=mission)
    return people


def test_a_cancelled_seat_goes_at_once_to_the_first_waiting(full, mission, _quiet):
    first, second, third, fourth = full
    services.signup_cancel(signup=Signup.objects.get(user=first), actor=first)

    assert statuses(mission) == [
        (first.pk, "cancelled"),
        (second.pk, "confirmed"),
        (third.pk, "confirmed"),
        (fourth.pk, "waitlisted"),
    ]
    assert _quiet[-2:] == [(first.pk, "cancelled"), (third.pk, "promoted")]
    assert log_of(mission)[-2:] == [
        ("briefings.cancel", first.pk, first.pk, "cancelled"),
        ("briefings.promote", None, third.pk, "confirmed"),
    ]


def test_the_first_waiting_who_no_longer_passes_the_gate_is_skipped(full, mission):
    first, _second, third, fourth = full
    third.badge_awards.update(expires_at=timezone.now() - DAY)

    services.signup_cancel(signup=Signup.objects.get(user=first), actor=first)

    assert dict(statuses(mission))[third.pk] == "waitlisted"  # keeps their place
    assert dict(statuses(mission))[fourth.pk] == "confirmed"


def test_after_the_deadline_the_ambassador_cannot_cancel_and_is_told_whom_to_write(full, mission):
    mission.cancellation_deadline = timezone.now() - DAY
    mission.contact_email = "salons@agence.fr"
    mission.save()
    first = full[0]

    with pytest.raises(services.SignupRefused) as refused:
        services.signup_cancel(signup=Signup.objects.get(user=first), actor=first)

    assert "salons@agence.fr" in refused.value.reason
    assert dict(statuses(mission))[first.pk] == "confirmed"


def test_after_the_deadline_staff_cancel_and_promote_by_hand(full, mission, staff):
    mission.cancellation_deadline = timezone.now() - DAY
    mission.save()
    first, _second, third, _fourth = full

    services.signup_cancel(signup=Signup.objects.get(user=first), actor=staff, note="Malade")
    assert dict(statuses(mission))[third.pk] == "waitlisted"  # no automatic promotion

    services.signup_confirm(signup=Signup.objects.get(user=third), actor=staff)
    assert dict(statuses(mission))[third.pk] == "confirmed"
    assert log_of(mission)[-2:] == [
        ("briefings.cancel", staff.pk, first.pk, "cancelled"),
        ("briefings.promote", staff.pk, third.pk, "confirmed"),
    ]


def test_staff_never_confirm_past_the_seats(full, mission, staff):
    with pytest.raises(services.SignupRefused) as refused:
        services.signup_confirm(signup=Signup.objects.get(user=full[2]), actor=staff)
    assert "No seat is free" in refused.value.reason
    assert dict(statuses(mission))[full[2].pk] == "waitlisted"


def test_staff_selection_pending_then_confirmed_waitlisted_or_declined(index, badge, staff, _quiet):
    mission = add_mission(index, seats=1, badges=[badge], selection_mode=SelectionMode.STAFF)
    one, two, three = certified(badge, 3)
    for person in (one, two, three):
        assert services.signup_create(user=person, mission=mission).status == "pending"

    services.signup_confirm(signup=Signup.objects.get(user=one), actor=staff)
    services.signup_waitlist(signup=Signup.objects.get(user=two), actor=staff)
    services.signup_decline(signup=Signup.objects.get(user=three), actor=staff, note="Profil")

    assert statuses(mission) == [
        (one.pk, "confirmed"),
        (two.pk, "waitlisted"),
        (three.pk, "declined"),
    ]
    assert Signup.objects.get(user=three).status_note == "Profil"
    assert _quiet[-3:] == [(one.pk, "confirmed"), (two.pk, "waitlisted"), (three.pk, "declined")]
    assert log_of(mission)[-3:] == [
        ("briefings.confirm", staff.pk, one.pk, "confirmed"),
        ("briefings.waitlist", staff.pk, two.pk, "waitlisted"),
        ("briefings.decline", staff.pk, three.pk, "declined"),
    ]
    # Staff selection: a freed seat waits for the staff's choice.
    services.signup_cancel(signup=Signup.objects.get(user=one), actor=one)
    assert dict(statuses(mission))[two.pk] == "waitlisted"


def test_a_declined_person_cannot_sign_up_again_but_a_cancelled_one_can(full, mission, staff):
    fourth = full[3]
    services.signup_decline(signup=Signup.objects.get(user=fourth), actor=staff)
    with pytest.raises(services.SignupRefused):
        services.signup_create(user=fourth, mission=mission)
    second = full[1]
    services.signup_cancel(signup=Signup.objects.get(user=second), actor=second)
    again = services.signup_create(user=second, mission=mission)
    assert again.status == "waitlisted"  # at the back of the queue
    assert again.queue_number == 5


def test_staff_add_an_active_ambassador_confirmed_or_waitlisted(mission, badge, staff, ambassador):
    (first,) = certified(badge, 1)
    added = services.participant_add(mission=mission, user=ambassador, actor=staff)
    assert added.status == "confirmed"  # badges are the staff's call
    services.signup_create(user=first, mission=mission)
    late = certified(None, 1)[0]
    assert services.participant_add(mission=mission, user=late, actor=staff).status == "waitlisted"
    with pytest.raises(services.SignupRefused):
        services.participant_add(mission=mission, user=ambassador, actor=staff)
    assert log_of(mission)[0] == ("briefings.add", staff.pk, ambassador.pk, "confirmed")


def test_attendance_is_marked_after_the_start_and_earns_a_mission_badge(index, badge, staff):
    mission = add_mission(index, seats=3, kind=MissionKind.BRIEFING_SESSION, starts_in=DAY)
    came, absent = certified(badge, 2)
    for person in (came, absent):
        services.signup_create(user=person, mission=mission)
    earned = Badge.objects.create(
        name="Ambassadeur briefé", slug="briefe", description="D.", criteria_narrative="C."
    )
    BadgeCriterion.objects.create(
        badge=earned,
        kind=mission_criteria.MISSION_ATTENDED,
        mission_kind=MissionKind.BRIEFING_SESSION,
    )
    marks = {s.pk: s.user_id == came.pk for s in Signup.objects.filter(mission=mission)}

    with pytest.raises(services.SignupRefused):
        services.attendance_mark(mission=mission, attended=marks, actor=staff)
    after = timezone.now() + 2 * DAY
    assert services.attendance_mark(mission=mission, attended=marks, actor=staff, now=after) == 2

    assert dict(statuses(mission)) == {came.pk: "attended", absent.pk: "no_show"}
    award = BadgeAward.objects.get(badge=earned)
    assert award.user == came
    assert award.evidence[0]["mission"] == mission.pk
    # Marking the same again changes nothing.
    assert services.attendance_mark(mission=mission, attended=marks, actor=staff, now=after) == 0


def test_the_mission_criterion_counts_missions_of_its_kind(index, badge, ambassador):
    criterion = BadgeCriterion(
        kind=mission_criteria.MISSION_ATTENDED, mission_kind=MissionKind.TRADE_FAIR, number=2
    )
    criterion.pk = 1
    fairs = [add_mission(index, kind=MissionKind.TRADE_FAIR) for _ in range(2)]
    webinar = add_mission(index, kind=MissionKind.WEBINAR)
    add_signup(ambassador, fairs[0], "attended")
    add_signup(ambassador, webinar, "attended")
    add_signup(ambassador, fairs[1], "no_show")
    evaluate = mission_criteria._evaluate
    assert evaluate([criterion], [ambassador.pk], None) == {}
    Signup.objects.filter(mission=fairs[1]).update(status="attended")
    met = evaluate([criterion], [ambassador.pk], None)
    assert met[(1, ambassador.pk)]["count"] == 2
    # A renewal counts only what was marked from its window on.
    assert evaluate([criterion], [ambassador.pk], timezone.now() + DAY) == {}
    assert mission_criteria._validate(BadgeCriterion(kind="mission_attended")) == {
        "mission_kind": "Choose the kind of mission to attend."
    }
    assert mission_criteria._describe(criterion) == "Take part in 2 missions: trade fair"


def test_a_suspension_frees_upcoming_seats_and_keeps_the_past(full, mission, index, badge, staff):
    from home.services import membership_suspend

    first = full[0]
    past = add_mission(index, starts_in=-10 * DAY)
    add_signup(first, past, "attended")

    with translation.override("fr"):
        membership_suspend(profile=first.ambassador_profile, actor=staff, reason="Absences")

    assert dict(statuses(mission))[first.pk] == "cancelled"
    assert dict(statuses(mission))[full[2].pk] == "confirmed"  # promoted
    assert Signup.objects.get(mission=past).status == "attended"


def test_signing_up_is_logged_with_who_and_what(certifie, mission):
    services.signup_create(user=certifie, mission=mission, motivation="  Je parle japonais ")
    signup = Signup.objects.get()
    assert signup.motivation == "Je parle japonais"
    assert log_of(mission) == [("briefings.signup", certifie.pk, certifie.pk, "confirmed")]


def test_emailing_participants_reaches_only_the_chosen_statuses(
    full, mission, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.participants_email(
            mission=mission,
            statuses=[SignupStatus.WAITLISTED],
            subject="Point d'étape",
            message="Le stand est monté.",
            actor=staff,
        )
    assert sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in full[2:])
    assert "Le stand est monté." in mailoutbox[0].body

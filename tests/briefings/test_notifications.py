"""The missions' emails: sign-up news (confirmed, waitlisted with the position, pending,
promoted, declined, cancelled) with the mission's local dates and absolute links, the
opt-outs, the staff's message to participants, and the daily work — announcements of
new missions (a scheduled one included), reminders 7 days and 1 day before, the
thank-you the day after — each sent once however often the daily work runs."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from briefings import notifications, services
from briefings.models import Roster, SelectionMode, Signup, SignupStatus
from home.models import MembershipStatus
from tests.briefings.builders import DAY, add_mission, certified, give_badge
from tests.factories import AmbassadorProfileFactory

BASE = "http://testserver"


def tr(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


def french_date(mission, moment, fmt="DATE_FORMAT") -> str:
    with translation.override("fr"):
        return date_format(mission.local(moment), fmt)


def page_url(mission) -> str:
    return f"{BASE}{mission.url}"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """`send(fn, **kwargs)`: call `fn` and deliver the emails it queued on commit."""

    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


def bodies(email) -> tuple[str, str]:
    return email.body, email.alternatives[0][0]


def _signup(mission, user, status, number) -> Signup:
    return Signup.objects.create(mission=mission, user=user, status=status, queue_number=number)


# --- Sign-up news -----------------------------------------------------------------------


def test_confirmed_email_gives_the_local_dates_and_the_mission_pack_and_ics_links(
    mission, certifie, send, mailoutbox
):
    with translation.override("en"):  # the person browses in English: the email is French
        send(services.signup_create, user=certifie, mission=mission)

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [certifie.email]
    assert mission.title in email.subject
    for body in bodies(email):
        assert page_url(mission) in body
        assert f"{page_url(mission)}mission.ics" in body
        assert f"{page_url(mission)}dossier.pdf" in body
        assert french_date(mission, mission.starts_at) in body  # “12 mars 2027”
        assert "Camille" in body
        assert "(Europe/Paris" not in body  # the agency's zone is not named
    assert tr("Your sign-up is confirmed: a seat is yours for this mission.") in email.body


def test_a_mission_abroad_shows_its_own_local_time_and_names_the_zone(
    index, badge, certifie, send, mailoutbox
):
    starts = datetime.datetime(2031, 3, 12, 14, 0, tzinfo=datetime.UTC)  # 10:00 in New York
    fair = add_mission(
        index, "Salon SelectUSA", starts_at=starts, badges=[badge], time_zone="America/New_York"
    )

    send(services.signup_create, user=certifie, mission=fair)

    (email,) = mailoutbox
    assert "10:00" in email.body and "18:00" in email.body  # 8 hours, local
    assert "America/New York" in email.body
    assert french_date(fair, fair.starts_at) in email.body


def test_the_waitlisted_email_gives_the_position(mission, badge, send, mailoutbox):
    first, second, third, fourth = certified(badge, 4)
    for person in (first, second, third):
        services.signup_create(user=person, mission=mission)  # nothing sent: not committed

    send(services.signup_create, user=fourth, mission=mission)

    (email,) = mailoutbox
    assert email.to == [fourth.email]
    assert mission.title in email.subject
    expected = tr(
        "Every seat of this mission is taken: you are on the waiting list, in position "
        "%(position)s."
    ) % {"position": 2}
    assert expected in email.body


def test_a_staff_selected_mission_says_the_sign_up_is_pending(
    index, badge, certifie, send, mailoutbox
):
    selected = add_mission(
        index, "Délégation d'investisseurs", badges=[badge], selection_mode=SelectionMode.STAFF
    )

    send(services.signup_create, user=certifie, mission=selected)

    (email,) = mailoutbox
    assert "Délégation d'investisseurs" in email.subject
    assert (
        tr(
            "Your sign-up is received. The staff select this mission's participants: we will "
            "email you their decision."
        )
        in email.body
    )


def test_a_freed_seat_promotes_the_first_waitlisted_who_is_emailed(
    mission, badge, send, mailoutbox
):
    first, second, third = certified(badge, 3)
    signups = [services.signup_create(user=p, mission=mission) for p in (first, second, third)]

    send(services.signup_cancel, signup=signups[0], actor=first)

    promoted = [email for email in mailoutbox if email.to == [third.email]]
    assert len(promoted) == 1
    assert mission.title in promoted[0].subject
    assert f"{page_url(mission)}dossier.pdf" in promoted[0].body
    assert [email.to for email in mailoutbox] == [[first.email], [third.email]]


def test_a_declined_sign_up_is_told_with_the_staffs_note(
    index, badge, certifie, staff, send, mailoutbox
):
    selected = add_mission(index, "Opération Londres", badges=[badge], selection_mode="staff")
    signup = services.signup_create(user=certifie, mission=selected)

    send(services.signup_decline, signup=signup, actor=staff, note="Profil anglophone requis.")

    (email,) = mailoutbox
    assert "Opération Londres" in email.subject
    for body in bodies(email):
        assert "Profil anglophone requis." in body
        assert f"{BASE}/missions/?open=1" in body


def test_cancelled_by_the_staff_or_by_oneself_says_who_cancelled(
    mission, badge, staff, send, mailoutbox
):
    mine, theirs = certified(badge, 2)
    own = services.signup_create(user=mine, mission=mission)
    other = services.signup_create(user=theirs, mission=mission)

    send(services.signup_cancel, signup=own, actor=mine)
    send(services.signup_cancel, signup=other, actor=staff, note="Stand réduit.")

    by_self, by_staff = mailoutbox
    assert by_self.to == [mine.email] and by_staff.to == [theirs.email]
    assert by_self.subject != by_staff.subject
    assert mission.title in by_self.subject and mission.title in by_staff.subject
    assert tr("The staff cancelled your sign-up for this mission: do not go.") in by_staff.body
    assert "Stand réduit." in by_staff.body
    assert tr("You cancelled your sign-up for this mission. Thank you for letting us know.") in (
        by_self.body
    )


def test_sign_up_news_respects_the_opt_out_but_not_for_decisions_made_for_the_person(
    index, badge, staff, send, mailoutbox
):
    quiet, waiting, other = certified(badge, 3, notify_signups=False)
    fair = add_mission(index, "Salon du Mans", seats=1, badges=[badge])
    selected = add_mission(index, "Sélection", badges=[badge], selection_mode="staff")

    send(services.signup_create, user=quiet, mission=fair)  # confirmed: opted out
    waitlisted = send(services.signup_create, user=waiting, mission=fair)  # waitlisted: opted out
    pending = send(services.signup_create, user=other, mission=selected)  # pending: opted out
    assert mailoutbox == []

    first = Signup.objects.get(mission=fair, user=quiet)
    send(services.signup_cancel, signup=first, actor=quiet)  # by oneself: opted out
    assert [email.to for email in mailoutbox] == [[waiting.email]]  # promoted: always
    send(services.signup_decline, signup=pending, actor=staff)  # declined: always
    send(services.signup_cancel, signup=waitlisted, actor=staff)  # by the staff: always

    assert [email.to for email in mailoutbox] == [[waiting.email], [other.email], [waiting.email]]


def test_the_staffs_message_to_participants_keeps_their_words(
    mission, certifie, staff, send, mailoutbox
):
    services.signup_create(user=certifie, mission=mission)

    sent = send(
        services.participants_email,
        mission=mission,
        statuses=[SignupStatus.CONFIRMED],
        subject="Changement de hall",
        message="Rendez-vous hall 6, stand C4.\nMerci !",
        actor=staff,
    )

    assert sent == 1
    (email,) = mailoutbox
    assert email.subject == "Changement de hall"
    assert "Rendez-vous hall 6, stand C4.\nMerci !" in email.body
    assert "Rendez-vous hall 6, stand C4.<br>Merci !" in email.alternatives[0][0]
    assert page_url(mission) in email.body
    assert mission.title in email.body


# --- Daily: announcements ---------------------------------------------------------------


def daily(send, today=None) -> int:
    return send(notifications.daily_send, today=today or timezone.localdate())


def test_a_new_mission_is_announced_once_to_the_active_ambassadors_it_is_open_to(
    mission, badge, certifie, send, mailoutbox
):
    others = certified(badge, 2)
    quiet = certified(badge, 1, notify_missions=False)[0]
    suspended = certified(badge, 1, status=MembershipStatus.SUSPENDED)[0]
    AmbassadorProfileFactory()  # no badge: not open to them
    expired = AmbassadorProfileFactory().user
    give_badge(expired, badge, expires=timezone.now() - DAY)

    assert daily(send) == 3
    assert daily(send) == 0  # twice the same day: nothing more

    assert sorted(email.to[0] for email in mailoutbox) == sorted(
        [certifie.email, *(person.email for person in others)]
    )
    assert quiet.email not in str([e.to for e in mailoutbox])
    assert suspended.email not in str([e.to for e in mailoutbox])
    email = mailoutbox[0]
    assert mission.title in email.subject
    assert page_url(mission) in email.body
    assert french_date(mission, mission.starts_at) in email.body
    assert Roster.objects.get(mission=mission).announced_at is not None


def test_the_announcement_skips_those_already_signed_up_and_closed_missions(
    index, badge, certifie, send, mailoutbox
):
    fair = add_mission(index, "Salon déjà rempli", badges=[badge])
    services.signup_create(user=certifie, mission=fair)
    add_mission(  # sign-up closed already: not news any more
        index,
        "Clos",
        signup_closes_at=timezone.now() - DAY,
        signup_opens_at=timezone.now() - 3 * DAY,
    )

    assert daily(send) == 0
    assert mailoutbox == []


def test_a_mission_whose_sign_up_opens_later_is_announced_with_the_opening_date(
    index, certifie, send, mailoutbox
):
    opens = timezone.now() + 10 * DAY
    later = add_mission(index, "Salon à venir", signup_opens_at=opens)

    assert daily(send) == 1

    (email,) = mailoutbox
    assert "Salon à venir" in email.subject
    assert french_date(later, opens, "DATETIME_FORMAT") in email.body


def test_a_scheduled_mission_is_announced_by_the_first_run_after_it_went_live(
    index, badge, certifie, send, mailoutbox
):
    scheduled = add_mission(index, "Salon programmé", badges=[badge], live=False)
    scheduled.save_revision(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))

    assert daily(send) == 0  # not live yet

    call_command("publish_scheduled", stdout=io.StringIO())
    assert daily(send) == 1
    assert daily(send) == 0
    assert "Salon programmé" in mailoutbox[0].subject


def test_announcements_cost_a_fixed_number_of_reads_however_many_people(
    mission, badge, send, mailoutbox
):
    def reads(people: int) -> int:
        certified(badge, people)
        Roster.objects.filter(mission=mission).update(announced_at=None)
        with CaptureQueriesContext(connection) as queries:
            daily(send)
        return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("SELECT"))

    daily(send)  # the first run of a site creates its settings row
    # The missions (2: view restrictions, pages), the people who want the news (1),
    # `still_eligible` (3), who signed up (1), the site and its settings for the staff
    # contact (2), the roster (1), then the reminders' and the thanks' sign-ups (2) = 12;
    # one insert per email sent.
    assert reads(1) == reads(6) == 12


# --- Daily: reminders and thanks -----------------------------------------------------------


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_reminders_go_a_week_and_a_day_before_once_each_to_confirmed_participants(
    index, badge, send, mailoutbox
):
    today = timezone.localdate()
    fair = add_mission(
        index,
        "Salon SIMA",
        seats=2,
        badges=[badge],
        starts_at=at(today + datetime.timedelta(days=7), 9),
        address="1 avenue de la Porte de Versailles",
    )
    Roster.objects.filter(mission=fair).update(announced_at=timezone.now())
    going, quiet, waiting = certified(badge, 3)
    quiet.ambassador_profile.notify_reminders = False
    quiet.ambassador_profile.save(update_fields=["notify_reminders"])
    for person in (going, quiet, waiting):
        services.signup_create(user=person, mission=fair)

    assert daily(send, today) == 1
    assert daily(send, today) == 0
    assert daily(send, today + datetime.timedelta(days=1)) == 0  # the week's: sent already
    assert daily(send, today + datetime.timedelta(days=6)) == 1  # the eve
    assert daily(send, today + datetime.timedelta(days=6)) == 0

    week, eve = mailoutbox
    assert week.to == eve.to == [going.email]
    assert week.subject != eve.subject
    assert "Salon SIMA" in week.subject and "Salon SIMA" in eve.subject
    for body in (*bodies(week), *bodies(eve)):
        assert f"{page_url(fair)}mission.ics" in body
        assert f"{page_url(fair)}dossier.pdf" in body
        assert "1 avenue de la Porte de Versailles" in body
    assert tr("A reminder: your mission is tomorrow.") in eve.body


def test_the_day_after_attendees_are_thanked_once_with_a_link_to_my_missions(
    index, send, mailoutbox
):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    past = add_mission(index, "Salon d'hier", starts_at=at(yesterday, 9))
    Roster.objects.filter(mission=past).update(announced_at=timezone.now())
    came, unmarked, absent, cancelled, quiet = (AmbassadorProfileFactory().user for _ in range(5))
    quiet.ambassador_profile.notify_signups = False
    quiet.ambassador_profile.save(update_fields=["notify_signups"])
    for number, (person, status) in enumerate(
        [
            (came, SignupStatus.ATTENDED),
            (unmarked, SignupStatus.CONFIRMED),
            (absent, SignupStatus.NO_SHOW),
            (cancelled, SignupStatus.CANCELLED),
            (quiet, SignupStatus.ATTENDED),
        ],
        start=1,
    ):
        _signup(past, person, status, number)

    assert daily(send, yesterday) == 0  # the mission day itself
    assert daily(send, today) == 2
    assert daily(send, today) == 0
    assert daily(send, today + datetime.timedelta(days=1)) == 0

    assert sorted(email.to[0] for email in mailoutbox) == sorted([came.email, unmarked.email])
    for body in bodies(mailoutbox[0]):
        assert f"{BASE}/mon-espace/#my-missions" in body
        assert "Salon d'hier" in body or "Salon d&#x27;hier" in body
        assert f"{BASE}/debrief/{past.pk}/" in body  # where to debrief and report projects


def test_run_daily_includes_the_missions_emails(mission, certifie, send, mailoutbox):
    send(call_command, command_name="run_daily", stdout=io.StringIO())

    assert [email.to for email in mailoutbox] == [[certifie.email]]
    assert mission.title in mailoutbox[0].subject

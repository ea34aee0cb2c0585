"""`seed_demo`'s missions (briefings/demo.py): the list at /missions/, five believable
missions with French briefings, a full trade fair with a waiting list, a past mission
with its attendance, certifie free to sign up for SIMA and camille locked out of it by
the badge she lacks; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry

from briefings import demo as briefings_demo  # noqa: F401  (registers its DEMO_DATA hook)
from briefings import selectors, services
from briefings.models import (
    MissionIndexPage,
    MissionKind,
    MissionPage,
    Roster,
    Signup,
    SignupStatus,
)
from home.models import User
from lms.models import BadgeAward

pytestmark = pytest.mark.django_db

SCALE = "60"
SIMA = "salon-sima-2027-stand-de-la-sarthe"
PAST = "rencontres-business-sarthe-a-paris"
MISSIONS = 5 + len(briefings_demo.HISTORY)  # at scale, the year of history too


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    return _seed("--scale", SCALE)


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@ambassadeurs.example")


def _mission(slug: str) -> MissionPage:
    return MissionPage.objects.get(slug=slug)


def _counts() -> dict[str, int]:
    return {
        "missions": MissionPage.objects.count(),
        "signups": Signup.objects.count(),
        "users": User.objects.count(),
        "awards": BadgeAward.objects.count(),
        "logs": PageLogEntry.objects.filter(action__startswith="briefings.").count(),
        "last queue numbers": sum(Roster.objects.values_list("last_queue_number", flat=True)),
    }


def _demo_slugs() -> set[str]:
    return {data["slug"] for data in briefings_demo._missions(timezone.localdate())}


def test_the_list_and_five_live_missions_of_every_promised_kind(demo, client):
    index = MissionIndexPage.objects.get()
    missions = {
        m.slug: m for m in MissionPage.objects.child_of(index).live().filter(slug__in=_demo_slugs())
    }
    now = timezone.now()

    assert index.slug == "missions" and index.url == "/missions/"
    assert len(missions) == 5
    assert {m.kind for m in missions.values()} >= {
        MissionKind.TRADE_FAIR,
        MissionKind.INVESTOR_WELCOME,
        MissionKind.PROMOTION,
        MissionKind.BRIEFING_SESSION,
    }
    sima = missions[SIMA]
    assert sima.title == "Salon SIMA 2027 — stand de la Sarthe"
    assert "Villepinte" in sima.place + sima.city
    assert [b.slug for b in sima.required_badges.all()] == ["ambassadeur-salon"]
    abroad = next(m for m in missions.values() if m.country == "CA")
    assert abroad.time_zone == "America/Montreal" and "en" in abroad.languages
    assert abroad.local(abroad.starts_at).hour == 17  # local time, not Paris's
    session = next(m for m in missions.values() if m.kind == MissionKind.BRIEFING_SESSION)
    assert not session.required_badges.exists()
    assert sum(m.ends_at < now for m in missions.values()) == 1
    for mission in missions.values():
        mission.full_clean()
        kinds = {block.block_type for block in mission.briefing}
        assert {"objectives", "key_messages", "logistics", "contact"} <= kinds, mission.slug
    assert {"pitch_card", "key_figure"} <= {b.block_type for b in sima.briefing}


def test_sima_is_full_with_a_waiting_list_in_queue_order(demo):
    sima = _mission(SIMA)
    seats = selectors.seat_counts([sima.pk], {sima.pk: sima.seats})[sima.pk]
    waiting = list(Signup.objects.waitlisted().filter(mission=sima))

    assert seats.full and seats.seated == sima.seats
    assert len(waiting) >= 2
    seated_numbers = (
        Signup.objects.seated().filter(mission=sima).values_list("queue_number", flat=True)
    )
    assert max(seated_numbers) < waiting[0].queue_number
    assert sima.roster.last_queue_number == Signup.objects.filter(mission=sima).count()
    assert [selectors.waitlist_position(s) for s in waiting] == list(range(1, len(waiting) + 1))
    # Everyone signed up holds the badge: a freed seat would go to the first waiting.
    assert selectors.still_eligible(
        user_ids=[s.user_id for s in waiting], mission=sima, now=timezone.now()
    ) == {s.user_id for s in waiting}
    # Each sign-up is on the mission's history.
    assert (
        PageLogEntry.objects.filter(action="briefings.signup", page=sima).count()
        == Signup.objects.filter(mission=sima).count()
    )


def test_the_past_mission_has_its_attendance_certifie_attended_and_one_no_show(demo):
    past = _mission(PAST)
    assert past.ends_at < timezone.now()
    statuses = dict(Signup.objects.filter(mission=past).values_list("user__email", "status"))

    assert statuses["certifie@ambassadeurs.example"] == SignupStatus.ATTENDED
    assert list(statuses.values()).count(SignupStatus.NO_SHOW) == 1
    assert list(statuses.values()).count(SignupStatus.ATTENDED) >= 2
    assert set(statuses.values()) <= {SignupStatus.ATTENDED, SignupStatus.NO_SHOW}
    mine = selectors.my_missions(user=_user("certifie"))
    assert [s.mission_id for s in mine.past] == [past.pk]


def test_certifie_may_sign_up_for_sima_and_camille_is_locked_by_the_badge(demo):
    sima = _mission(SIMA)

    gate = selectors.signup_gate(user=_user("certifie"), mission=sima)
    assert gate.allowed, gate.reasons
    assert gate.outcome == SignupStatus.WAITLISTED  # full: she would join the queue

    locked = selectors.signup_gate(user=_user("camille"), mission=sima)
    assert not locked.allowed and locked.locked_by_badges
    assert [lack.badge.slug for lack in locked.lacks] == ["ambassadeur-salon"]
    assert locked.lacks[0].steps, "the courses that lead to the badge are shown"

    # The services agree with the gate: certifie goes to the back of the queue.
    signup = services.signup_create(user=_user("certifie"), mission=sima, acknowledged=True)
    assert signup.status == SignupStatus.WAITLISTED
    with pytest.raises(services.SignupRefused):
        services.signup_create(user=_user("camille"), mission=sima, acknowledged=True)


def test_the_pages_answer(demo, client):
    client.force_login(_user("certifie"))
    assert client.get("/missions/").status_code == 200
    assert client.get(_mission(SIMA).url).status_code == 200


def test_running_it_twice_creates_nothing_more(demo):
    before = _counts()

    again = _seed("--scale", SCALE)

    assert _counts() == before
    assert f"missions: {MISSIONS} missions (0 created); 0 sign-ups" in again


def test_at_scale_generated_ambassadors_nearly_fill_the_briefing_session(demo):
    session = _mission("seance-de-briefing-saison-des-salons")
    seats = selectors.seat_counts([session.pk], {session.pk: session.seats})[session.pk]

    assert seats.free == briefings_demo.FREE_SEATS_LEFT
    assert Signup.objects.filter(mission=session, user__email__startswith="ambassadeur-").exists()


# --- The year of history, at scale -----------------------------------------------------

HISTORY_SCALE = "200"


@pytest.fixture
def history(settings):
    settings.DEBUG = True
    return _seed("--scale", HISTORY_SCALE)


def _history_missions():
    return MissionPage.objects.filter(slug__in=[entry[0] for entry in briefings_demo.HISTORY])


def test_at_scale_a_year_of_missions_one_or_two_a_month(history):
    now = timezone.now()
    missions = list(_history_missions())
    past = [m for m in missions if m.ends_at < now]
    upcoming = [m for m in missions if m.starts_at > now]

    assert len(missions) == len(briefings_demo.HISTORY) and len(upcoming) == 2
    assert all(now - timezone.timedelta(days=366) < m.starts_at for m in past)
    months = {timezone.localtime(m.starts_at).strftime("%Y-%m") for m in past}
    assert len(months) >= 11  # about one or two a month over the last twelve months
    assert {m.kind for m in past} == {
        MissionKind.TRADE_FAIR,
        MissionKind.INVESTOR_WELCOME,
        MissionKind.PROMOTION,
        MissionKind.BRIEFING_SESSION,
        MissionKind.WEBINAR,
    }
    for mission in missions:
        mission.full_clean()
        assert mission.live and mission.briefing
        assert mission.roster.announced_at is not None  # run_daily announces none of them


def test_past_missions_show_attendance_no_shows_and_cancellations(history):
    now = timezone.now()
    signups = Signup.objects.filter(mission__in=_history_missions()).select_related("mission")
    past = [s for s in signups if s.mission.ends_at < now]
    upcoming = [s for s in signups if s.mission.starts_at > now]
    statuses = [s.status for s in past]

    assert statuses.count(SignupStatus.ATTENDED) > len(statuses) / 2  # attended, mostly
    assert SignupStatus.NO_SHOW in statuses and SignupStatus.CANCELLED in statuses
    assert SignupStatus.DECLINED in statuses  # where the staff select
    assert set(statuses) <= {
        SignupStatus.ATTENDED,
        SignupStatus.NO_SHOW,
        SignupStatus.CANCELLED,
        SignupStatus.DECLINED,
    }
    coming = {s.status for s in upcoming}
    assert {SignupStatus.CONFIRMED, SignupStatus.WAITLISTED} <= coming
    assert coming <= {SignupStatus.CONFIRMED, SignupStatus.WAITLISTED, SignupStatus.CANCELLED}
    assert all(s.user.email.startswith("ambassadeur-") for s in signups)
    assert all(s.created_at < s.mission.starts_at and s.created_at < now for s in signups)
    assert all(s.status_changed_at >= s.created_at for s in signups)
    for mission in _history_missions():
        mine = [s for s in signups if s.mission_id == mission.pk]
        seated = [s for s in mine if s.status in (SignupStatus.ATTENDED, SignupStatus.NO_SHOW,
                                                   SignupStatus.CONFIRMED)]  # fmt: skip
        assert len(seated) <= mission.seats
        numbers = sorted(s.queue_number for s in mine)
        assert numbers == list(range(1, len(mine) + 1))
        assert mission.roster.last_queue_number == len(mine)
        # First come, first served: the waiting list comes after every confirmed seat.
        waiting = [s.queue_number for s in mine if s.status == SignupStatus.WAITLISTED]
        if waiting:
            assert len(seated) == mission.seats
            assert max(s.queue_number for s in seated) < min(waiting)
    assert Signup.objects.filter(mission__in=_history_missions()).count() >= 150


def test_only_holders_of_the_required_badge_signed_up(history):
    checked = 0
    for mission in _history_missions().prefetch_related("required_badges"):
        badges = list(mission.required_badges.all())
        if not badges:
            continue
        for signup in Signup.objects.filter(mission=mission):
            for badge in badges:
                held = BadgeAward.objects.filter(
                    user_id=signup.user_id,
                    badge=badge,
                    revoked_at__isnull=True,
                    issued_at__lt=signup.created_at,
                ).exclude(expires_at__lte=mission.starts_at)
                assert held.exists(), (mission.slug, signup.user_id)
                checked += 1
    assert checked >= 10


def test_history_is_made_once_also_at_a_larger_scale(history):
    before = Signup.objects.filter(mission__in=_history_missions()).count()

    _seed("--scale", HISTORY_SCALE)
    out = _seed("--scale", "260")

    assert f"missions: {MISSIONS} missions (0 created)" in out
    assert Signup.objects.filter(mission__in=_history_missions()).count() == before
    live = Signup.objects.live().values("mission", "user")
    assert live.count() == live.distinct().count()

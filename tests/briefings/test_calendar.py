"""Calendars: a mission's `.ics` (local times in the mission's own time zone, with its
VTIMEZONE; place, summary and link; nothing secret) and the personal subscription feed
(`/calendrier/<token>.ics`: only my seated missions, links on the configured base URL,
404 for an unknown token, empty once I am suspended, a constant number of queries), and
renewing its secret address. Every file is parsed back with `icalendar`."""

import datetime
import itertools
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from briefings import calendar_views, calendars
from briefings.models import CalendarFeed, MissionKind, Signup, SignupStatus
from home.models import MembershipStatus
from tests.briefings.builders import DAY, add_mission
from tests.factories import AmbassadorProfileFactory

UTC = datetime.UTC
MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
_queue = itertools.count(1)


def seat(user, mission, status=SignupStatus.CONFIRMED) -> Signup:
    """A sign-up in `status` (the services that lead there are tested elsewhere)."""
    return Signup.objects.create(
        mission=mission, user=user, status=status, queue_number=next(_queue)
    )


def parse(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def ics_url(mission) -> str:
    return mission.url + mission.reverse_subpage("ics")


@pytest.fixture
def montreal_fair(index):
    """A trade fair in Montreal, 10 March 2027 from 9:00 to 17:00 local time (EST,
    UTC−5, before the switch to summer time on 14 March)."""
    return add_mission(
        index,
        "Salon SIAL Canada",
        starts_at=datetime.datetime(2027, 3, 10, 14, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 3, 10, 22, 0, tzinfo=UTC),
        time_zone="America/Montreal",
        place="Palais des congrès, stand 412",
        address="1001 place Jean-Paul-Riopelle",
        city="Montréal",
        country="CA",
        summary="Le stand de la Sarthe au SIAL.",
        online_url="https://visio.exemple.fr/secret-salle",
    )


@pytest.fixture
def paris_fair(index):
    """A fair in Paris, 15 June 2027, 9:00–18:00 Paris time (CEST, UTC+2)."""
    return add_mission(
        index,
        "Salon SIMA",
        starts_at=datetime.datetime(2027, 6, 15, 7, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 6, 15, 16, 0, tzinfo=UTC),
        time_zone="Europe/Paris",
        place="Paris Nord Villepinte, hall 5",
        city="Villepinte",
    )


# --- One mission's .ics --------------------------------------------------------------


@pytest.mark.django_db
def test_a_fair_abroad_carries_its_local_times_and_time_zone(client, montreal_fair):
    response = client.get(ics_url(montreal_fair))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="salon-sial-canada.ics"'
    calendar = parse(response)
    [event] = calendar.events
    assert event.start == datetime.datetime(2027, 3, 10, 9, 0, tzinfo=MONTREAL)
    assert event.end == datetime.datetime(2027, 3, 10, 17, 0, tzinfo=MONTREAL)
    assert event["DTSTART"].params["TZID"] == "America/Montreal"
    assert b"DTSTART;TZID=America/Montreal:20270310T090000" in response.content
    assert [tz.tz_name for tz in calendar.timezones] == ["America/Montreal"]
    assert calendar.get_missing_tzids() == set()


@pytest.mark.django_db
def test_the_event_names_the_mission_its_place_and_links_to_it(client, montreal_fair):
    calendar = parse(client.get(ics_url(montreal_fair)))

    [event] = calendar.events
    url = f"http://testserver{montreal_fair.url}"
    assert str(event["UID"]) == f"mission-{montreal_fair.pk}@testserver"
    assert str(event["SUMMARY"]) == "Salon SIAL Canada"
    assert str(event["URL"]) == url
    assert str(event["DESCRIPTION"]) == f"Le stand de la Sarthe au SIAL.\n\n{url}"
    location = str(event["LOCATION"])
    assert location.startswith(
        "Palais des congrès, stand 412, 1001 place Jean-Paul-Riopelle, Montréal, "
    )
    assert "Canada" in location
    assert event["DTSTAMP"].dt.tzinfo is not None


@pytest.mark.django_db
def test_the_ics_never_holds_the_online_meeting_link(client, montreal_fair):
    response = client.get(ics_url(montreal_fair))

    assert b"secret-salle" not in response.content


@pytest.mark.django_db
def test_a_fair_in_paris_in_summer_is_in_paris_summer_time(client, paris_fair):
    response = client.get(ics_url(paris_fair))

    calendar = parse(response)
    [event] = calendar.events
    assert event.start == datetime.datetime(2027, 6, 15, 9, 0, tzinfo=PARIS)
    assert event.end == datetime.datetime(2027, 6, 15, 18, 0, tzinfo=PARIS)
    assert b"DTSTART;TZID=Europe/Paris:20270615T090000" in response.content
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]


@pytest.mark.django_db
def test_a_webinar_without_a_place_is_online(client, index):
    webinar = add_mission(index, "Webinaire", kind=MissionKind.WEBINAR, city="")

    [event] = parse(client.get(ics_url(webinar))).events

    assert str(event["LOCATION"]) == str(calendars.ONLINE)


@pytest.mark.django_db
def test_a_draft_mission_has_no_ics(client, index):
    draft = add_mission(index, "Brouillon", live=False)

    assert client.get(f"/missions/{draft.slug}/mission.ics").status_code == 404


# --- The personal feed ---------------------------------------------------------------


@pytest.fixture
def me(db):
    return AmbassadorProfileFactory(user__email="moi@exemple.fr").user


def feed_get(client, user, **extra):
    return client.get(f"/calendrier/{calendars.calendar_feed_for(user).token}.ics", **extra)


def uids(calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.events}


@pytest.mark.django_db
def test_the_feed_holds_only_my_seated_missions(client, index, me, montreal_fair, paris_fair):
    someone = AmbassadorProfileFactory().user
    waitlisted = add_mission(index, "Liste d'attente")
    cancelled = add_mission(index, "Annulée")
    pending = add_mission(index, "En attente")
    others = add_mission(index, "Celle d'un autre")
    attended = add_mission(index, "Passée", starts_in=-30 * DAY)
    long_ago = add_mission(index, "Il y a longtemps", starts_in=-200 * DAY)
    seat(me, montreal_fair)
    seat(me, paris_fair)
    seat(me, attended, SignupStatus.ATTENDED)
    seat(me, long_ago, SignupStatus.ATTENDED)
    seat(me, waitlisted, SignupStatus.WAITLISTED)
    seat(me, cancelled, SignupStatus.CANCELLED)
    seat(me, pending, SignupStatus.PENDING)
    seat(someone, others)
    seat(someone, montreal_fair)

    response = feed_get(client, me)

    assert response.status_code == 200
    calendar = parse(response)
    assert uids(calendar) == {
        f"mission-{mission.pk}@testserver" for mission in (montreal_fair, paris_fair, attended)
    }
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["America/Montreal", "Europe/Paris"]
    starts = {str(event["SUMMARY"]): event.start for event in calendar.events}
    assert starts["Salon SIAL Canada"] == datetime.datetime(2027, 3, 10, 9, tzinfo=MONTREAL)
    assert str(calendar["X-WR-CALNAME"]) == str(calendars.FEED_NAME)


@pytest.mark.django_db
def test_the_feed_and_the_download_share_the_event_uid(client, me, montreal_fair):
    seat(me, montreal_fair)

    [from_feed] = parse(feed_get(client, me)).events
    [downloaded] = parse(client.get(ics_url(montreal_fair))).events

    assert from_feed["UID"] == downloaded["UID"]


@pytest.mark.django_db
@override_settings(BASE_URL="https://ambassadeurs.exemple.fr")
def test_the_feed_links_to_the_configured_base_url_not_the_requests_host(client, me, montreal_fair):
    seat(me, montreal_fair)

    [event] = parse(feed_get(client, me, HTTP_HOST="localhost")).events

    assert str(event["URL"]) == f"https://ambassadeurs.exemple.fr{montreal_fair.url}"


@pytest.mark.django_db
def test_the_feed_is_never_cached_nor_indexed(client, me):
    response = feed_get(client, me)

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.django_db
def test_an_unknown_token_is_not_found(client, me):
    calendars.calendar_feed_for(me)

    assert client.get("/calendrier/nimporte-quoi.ics").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("status", [MembershipStatus.SUSPENDED, MembershipStatus.LEFT])
def test_the_feed_of_a_member_who_is_no_longer_active_is_empty(client, me, montreal_fair, status):
    seat(me, montreal_fair, SignupStatus.ATTENDED)
    me.ambassador_profile.status = status
    me.ambassador_profile.save(update_fields=["status"])

    response = feed_get(client, me)

    assert response.status_code == 200
    assert parse(response).events == []


@pytest.mark.django_db
def test_the_feed_runs_a_fixed_number_of_queries(
    client, index, me, montreal_fair, django_assert_num_queries
):
    """Two queries: the feed with its owner and profile, then the missions (Wagtail's
    site root paths are cached after the first request) — whatever their number."""
    seat(me, montreal_fair)
    url = f"/calendrier/{calendars.calendar_feed_for(me).token}.ics"
    client.get(url)  # fills Wagtail's cache of site root paths

    with django_assert_num_queries(2):
        assert len(parse(client.get(url)).events) == 1

    for number in range(5):
        seat(me, add_mission(index, f"Mission {number}", starts_in=(number + 2) * DAY))
    with django_assert_num_queries(2):
        assert len(parse(client.get(url)).events) == 6


# --- The feed's address and its renewal ----------------------------------------------


@pytest.mark.django_db
def test_the_feed_address_is_created_once_and_absolute(me, rf):
    url = calendars.calendar_feed_url(me)

    feed = CalendarFeed.objects.get(user=me)
    assert url == f"http://testserver/calendrier/{feed.token}.ics"
    assert calendars.calendar_feed_url(me) == url
    assert CalendarFeed.objects.filter(user=me).count() == 1
    request = rf.get("/mon-espace/", HTTP_HOST="localhost")
    assert (
        calendars.calendar_feed_url(me, request) == f"http://localhost/calendrier/{feed.token}.ics"
    )
    assert calendars.webcal_url(url) == f"webcal://testserver/calendrier/{feed.token}.ics"


@pytest.mark.django_db
def test_renewing_the_address_cuts_off_the_old_one(client, signed_in, me, montreal_fair):
    seat(me, montreal_fair)
    old = calendars.calendar_feed_for(me).token

    response = signed_in(me).post(reverse("briefings:calendar_renew"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home:mon_espace")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        str(calendar_views.MESSAGE_RENEWED)
    ]
    new = CalendarFeed.objects.get(user=me).token
    assert new != old
    assert client.get(f"/calendrier/{old}.ics").status_code == 404
    assert len(parse(client.get(f"/calendrier/{new}.ics")).events) == 1


@pytest.mark.django_db
def test_renewal_is_a_post_for_signed_in_people_with_a_csrf_token(client, signed_in, me):
    old = calendars.calendar_feed_for(me).token
    url = reverse("briefings:calendar_renew")

    anonymous = client.post(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(resolve_url(settings.LOGIN_URL))

    assert signed_in(me).get(url).status_code == 405

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(me)
    assert strict.post(url).status_code == 403

    assert CalendarFeed.objects.get(user=me).token == old


@pytest.mark.django_db
def test_a_mission_restricted_to_signed_in_people_keeps_its_ics_for_them(
    client, signed_in, me, montreal_fair
):
    PageViewRestriction.objects.create(
        page=montreal_fair, restriction_type=PageViewRestriction.LOGIN
    )

    anonymous = client.get(ics_url(montreal_fair))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert len(parse(signed_in(me).get(ics_url(montreal_fair))).events) == 1


@pytest.mark.django_db
def test_only_the_missions_own_address_has_files(client, montreal_fair):
    assert client.get(f"{montreal_fair.url}inscription/mission.ics").status_code == 404
    assert client.get("/missions/mission.ics").status_code == 404
    assert client.get("/missions/inconnue/mission.ics").status_code == 404

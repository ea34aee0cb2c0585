"""Missions as iCalendar data (RFC 5545), built with the `icalendar` library.

- `mission_calendar` is one mission's `.ics` download (`<mission>/mission.ics`);
- `feed_calendar` is a person's subscription feed (`/calendrier/<token>.ics`): the
  missions they hold a seat at (confirmed, attended, no-show), from 90 days ago on;
- `calendar_feed_for` creates the secret token on first use, `calendar_feed_renew`
  replaces it (the old address stops working), `calendar_feed_url` is the address to
  show in Mon espace.

Times are written in the mission's own time zone (`DTSTART;TZID=America/Montreal:…`)
with its `VTIMEZONE`, so a fair abroad shows its local hours in any calendar. An event
carries nothing a stranger should not read: the title, summary, place and the mission's
public address; never the online meeting link nor the participants, because a feed's
address ends up in calendar apps, shared calendars and their logs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event

from home.services import absolute_url

from .models import CalendarFeed, MissionKind, MissionPage

PRODID = "-//Ambassadeurs//Missions//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8"

FEED_HISTORY = datetime.timedelta(days=90)
"""How far back the feed goes: recent missions stay in the calendar after they end."""

FEED_REFRESH = datetime.timedelta(hours=6)
"""How often calendar apps are asked to refresh the feed (a hint; each app decides)."""

FEED_NAME = _("My missions")
ONLINE = _("Online")


def _uid(mission: MissionPage) -> str:
    """Stable per mission (whoever downloads it, from the page or the feed), so that a
    calendar updates the event it already has instead of adding a second one."""
    host = settings.BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "ambassadeurs"
    return f"mission-{mission.pk}@{host}"


def mission_path(mission: MissionPage) -> str:
    """The mission page's path (without host), whether or not the site has several
    hosts."""
    parts = mission.get_url_parts()
    return parts[2] if parts else "/"


def location(mission: MissionPage) -> str:
    """Place, address, city and country, as one line; "Online" for a webinar with no
    place."""
    parts = [mission.place, mission.address, mission.city]
    if not any(parts) and mission.kind == MissionKind.WEBINAR:
        return str(ONLINE)
    if mission.country:
        parts.append(str(mission.country.name))
    return ", ".join(part for part in parts if part)


def mission_event(mission: MissionPage, *, url: str, stamp: datetime.datetime) -> Event:
    """One VEVENT: local times in the mission's own time zone, the summary and the
    page's address in the description."""
    description = f"{mission.summary}\n\n{url}" if mission.summary else url
    event = Event.new(
        uid=_uid(mission),
        summary=mission.title,
        start=mission.local(mission.starts_at),
        end=mission.local(mission.ends_at),
        location=location(mission) or None,
        description=description,
        url=url,
        stamp=stamp,
        categories=[str(mission.get_kind_display())],
        status="CONFIRMED",
    )
    if mission.last_published_at:
        event.last_modified = mission.last_published_at
    return event


def _calendar(missions: Iterable[MissionPage], url_of, *, name: str = "", refresh=None) -> Calendar:
    missions = list(missions)
    calendar = Calendar.new(prodid=PRODID, name=name or None, refresh_interval=refresh)
    stamp = timezone.now()
    for mission in missions:
        calendar.add_component(mission_event(mission, url=url_of(mission), stamp=stamp))
    if missions:
        # VTIMEZONE rules only for the years the events need, not 1970–2038.
        first = min(mission.local(mission.starts_at) for mission in missions)
        last = max(mission.local(mission.ends_at) for mission in missions)
        calendar.add_missing_timezones(
            first_date=datetime.date(first.year - 1, 1, 1),
            last_date=datetime.date(last.year + 2, 1, 1),
        )
    return calendar


def mission_calendar(mission: MissionPage, *, request=None) -> Calendar:
    """The `.ics` download of one mission; links on the request's host when there is
    one."""
    return _calendar(
        [mission], lambda m: absolute_url(mission_path(m), request=request), name=mission.title
    )


def feed_calendar(user, *, now=None) -> Calendar:
    """A person's subscription feed: the missions they hold a seat at, from
    `FEED_HISTORY` ago on, soonest first; links on the configured `BASE_URL` (the
    request comes from a calendar app, whose host header proves nothing).

    Empty for someone who is no longer an active member (suspended, left) or whose
    account is disabled: calendar apps then remove the events at the next refresh,
    where a 404 would leave the last copy in place in many of them.

    Queries: the missions (1), plus Wagtail's site root paths when not cached yet —
    the same whatever the number of missions."""
    from home.selectors import membership_gate

    from .selectors import confirmed_missions

    if not user.is_active or not membership_gate(user).allowed:
        missions = []
    else:
        now = now or timezone.now()
        missions = confirmed_missions(user=user, since=now - FEED_HISTORY)
    return _calendar(
        missions,
        lambda m: absolute_url(mission_path(m)),
        name=str(FEED_NAME),
        refresh=FEED_REFRESH,
    )


def to_ical(calendar: Calendar) -> bytes:
    return calendar.to_ical()


def ics_filename(mission: MissionPage) -> str:
    """``<mission slug>.ics``, ASCII only."""
    return f"{slugify(mission.slug) or 'mission'}.ics"


# --- The subscription's secret address ---------------------------------------------------


def calendar_feed_for(user) -> CalendarFeed:
    """The person's feed, its secret token created on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret token: the old address stops working at once (for a leaked
    address, or a calendar shared by mistake)."""
    feed = calendar_feed_for(user)
    feed.renew()
    return feed


def feed_path(feed: CalendarFeed) -> str:
    return reverse("briefings:calendar_feed", kwargs={"token": feed.token})


def calendar_feed_url(user, request=None) -> str:
    """The absolute address of the person's feed, to paste into a calendar app (created
    on first use). Renewing it: POST to `reverse("briefings:calendar_renew")`."""
    return absolute_url(feed_path(calendar_feed_for(user)), request=request)


def webcal_url(url: str) -> str:
    """The `webcal://` form of a feed's address: a click opens the calendar app's
    "subscribe" dialog instead of downloading the file."""
    return "webcal://" + url.split("://", 1)[-1]

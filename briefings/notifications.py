"""The emails of missions, in the agency's language (French) whatever the caller's, each
with the mission's dates in its own time zone (named when it is not the agency's) and
absolute links.

- Sign-up news (`signup_email`, called by `services.notify` once per change): confirmed,
  waitlisted (with the position), pending selection, promoted from the waiting list,
  declined, cancelled.
- The daily work (`daily_send`): a new mission announced to the ambassadors it is open
  to, reminders 7 days and 1 day before, and a thank-you the day after. Each is sent
  once through `home.services.notification_send_once`, its key naming the message, the
  mission and the person, so a second run the same day sends nothing more.

**Opt-outs** (the profile's three switches):
- `notify_signups`: the news of what the person did themselves (confirmed, waitlisted,
  pending, cancelled by themselves) — the page already told them — and the thank-you.
- Always sent, whatever that switch says: *promoted*, *declined* and *cancelled by the
  staff*. Each changes the person's standing without them acting: a promoted person now
  holds a seat and is expected (or must cancel to free it for the next one), a pending
  person would otherwise wait for a decision forever, and someone cancelled by the staff
  must not turn up. They are operational messages, not news.
- `notify_reminders`: the reminders 7 days and 1 day before.
- `notify_missions`: the announcement of a new mission open to me.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from home.models import MembershipStatus
from home.services import absolute_url, email_send, notification_send_once

from . import selectors
from .models import INDEX_SLUG, MissionPage, Roster, Signup, SignupStatus

EVENTS = ("confirmed", "waitlisted", "pending", "promoted", "declined", "cancelled")

TEMPLATE_SIGNUP = "briefings/signup_{event}"
TEMPLATE_ANNOUNCED = "briefings/mission_announced"
TEMPLATE_REMINDER = "briefings/mission_reminder"
TEMPLATE_THANKS = "briefings/mission_thanks"

WEEK_REMINDER_DAYS = 7
"""The first reminder goes when the mission is this many days away, or fewer (a missed
run, or a mission published or joined later, is caught up) — but not on the eve, when the
day-before reminder goes instead."""

THANKS_CATCH_UP = 3
"""The thank-you goes the day after the mission ended; a run missed is caught up this
many days after, no later (it would no longer be a thank-you)."""

MY_MISSIONS_FRAGMENT = "#my-missions"


# --- Dates and links ----------------------------------------------------------------------


def _zone_note(mission: MissionPage, text: str) -> str:
    if mission.time_zone == settings.TIME_ZONE:
        return text
    return _("%(dates)s (%(zone)s time)") % {
        "dates": text,
        "zone": mission.time_zone.replace("_", " "),
    }


def mission_moment(mission: MissionPage, moment: datetime.datetime | None) -> str:
    """One moment of the mission (sign-up opening, cancellation deadline) in its own time
    zone, the zone named when it is not the agency's."""
    if moment is None:
        return ""
    return _zone_note(mission, date_format(mission.local(moment), "DATETIME_FORMAT"))


def mission_when(mission: MissionPage) -> str:
    """The mission's dates in its own time zone: “12 March 2027, 09:00 – 17:00”, or both
    dates when it spans several days; the zone named when it is not the agency's."""
    start, end = mission.local(mission.starts_at), mission.local(mission.ends_at)
    if start.date() == end.date():
        text = _("%(date)s, %(start)s – %(end)s") % {
            "date": date_format(start, "DATE_FORMAT"),
            "start": time_format(start, "TIME_FORMAT"),
            "end": time_format(end, "TIME_FORMAT"),
        }
    else:
        text = _("%(start)s – %(end)s") % {
            "start": date_format(start, "DATETIME_FORMAT"),
            "end": date_format(end, "DATETIME_FORMAT"),
        }
    return _zone_note(mission, text)


def mission_where(mission: MissionPage) -> str:
    """The place, city and country on one line (empty parts left out)."""
    parts = [mission.place, mission.city, mission.country.name if mission.country else ""]
    return ", ".join(str(part) for part in parts if part)


def missions_path(*, open_to_me: bool = False) -> str:
    """The list of missions' path, at its fixed slug under the site's root (no query);
    with `open_to_me`, filtered to the missions I may sign up for now."""
    return f"{get_script_prefix()}{INDEX_SLUG}/" + ("?open=1" if open_to_me else "")


def _page_url(mission: MissionPage) -> str:
    url = mission.get_url() or ""
    return url if url.startswith(("http://", "https://")) else absolute_url(url)


def mission_links(mission: MissionPage) -> dict[str, str]:
    """The mission's absolute links: its page, its .ics and its briefing pack."""
    url = _page_url(mission)
    return {
        "mission_url": url,
        "ics_url": url + mission.reverse_subpage("ics"),
        "pack_url": url + mission.reverse_subpage("pack"),
    }


def _mission_context(mission: MissionPage, user) -> dict:
    from .services import contact_of

    return {
        "mission": mission,
        "user": user,
        "when": mission_when(mission),
        "where": mission_where(mission),
        "contact": contact_of(mission),
        "missions_url": absolute_url(missions_path()),
        "open_missions_url": absolute_url(missions_path(open_to_me=True)),
        "my_missions_url": absolute_url(reverse("home:mon_espace")) + MY_MISSIONS_FRAGMENT,
        "profile_url": absolute_url(reverse("home:profile")),
        **mission_links(mission),
    }


def _profile(user):
    return getattr(user, "ambassador_profile", None)


def _wants(user, switch: str) -> bool:
    profile = _profile(user)
    return profile is None or getattr(profile, switch, True)


# --- Sign-up news ---------------------------------------------------------------------


def signup_wanted(signup: Signup, event: str, *, by_staff: bool = False) -> bool:
    """Does this news go to the person? See the module's docstring for the opt-out."""
    if not signup.user.is_active:
        return False
    if event in ("promoted", "declined") or (event == "cancelled" and by_staff):
        return True
    return _wants(signup.user, "notify_signups")


def signup_email(signup: Signup, event: str, **extra) -> None:
    """Email the person about their sign-up, once the current transaction commits.

    `event` is one of `EVENTS`; extras: `note` (declined, cancelled: the staff's words)
    and `by_staff` (cancelled)."""
    if event not in EVENTS:
        raise ValueError(f"Unknown sign-up event: {event}")
    by_staff = bool(extra.get("by_staff"))
    if not signup_wanted(signup, event, by_staff=by_staff):
        return
    mission = signup.mission
    with translation.override(settings.LANGUAGE_CODE):
        context = _mission_context(mission, signup.user)
        context.update(
            signup=signup,
            event=event,
            note=extra.get("note", "") or "",
            by_staff=by_staff,
            position=selectors.waitlist_position(signup) if event == "waitlisted" else None,
            cancellable_until=(
                mission_moment(mission, mission.cancellable_until)
                if mission.cancellable_until > timezone.now()
                else ""
            ),
        )
    email_send(
        to=signup.user.email,
        template=TEMPLATE_SIGNUP.format(event=event),
        context=context,
        language=settings.LANGUAGE_CODE,
    )


# --- The daily work -------------------------------------------------------------------


def key_announced(mission: MissionPage, user) -> str:
    return f"mission-announced:mission-{mission.pk}:user-{user.pk}"


def key_reminder(mission: MissionPage, user, days: int) -> str:
    return f"mission-reminder-{days}:mission-{mission.pk}:user-{user.pk}"


def key_thanks(mission: MissionPage, user) -> str:
    return f"mission-thanks:mission-{mission.pk}:user-{user.pk}"


def _send(key: str, user, template: str, context: dict) -> bool:
    # In the agency's language (French) whatever the caller's: daily jobs have none.
    with translation.override(settings.LANGUAGE_CODE):
        return notification_send_once(key=key, recipient=user, template=template, context=context)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def daily_send(*, today: datetime.date) -> int:
    """The missions' daily emails: announcements, reminders, thanks. Returns how many
    were sent now (none a second time)."""
    return announcements_send(today=today) + reminders_send(today=today) + thanks_send(today=today)


def missions_to_announce(*, now: datetime.datetime) -> list[MissionPage]:
    """Live, public missions not yet announced whose sign-up is open or opens later
    (not closed): one query. A mission published on a schedule is found by the first
    run after it went live."""
    return list(
        MissionPage.objects.live()
        .public()
        .filter(roster__announced_at__isnull=True)
        .filter(Q(signup_closes_at__gt=now) | Q(signup_closes_at__isnull=True, starts_at__gt=now))
        .order_by("starts_at", "pk")
    )


def announcements_send(*, today: datetime.date, now: datetime.datetime | None = None) -> int:
    """Tell every active ambassador a new mission is open to (every required badge held
    and valid) that it exists, unless they opted out or already signed up; then mark it
    announced, so later runs leave it alone (someone certified later finds it on
    /missions/, under “open to me”). Queries: the missions (1), the ambassadors who want
    the news (1), then per mission `selectors.still_eligible` (at most 3) and who signed
    up (1) — constant in the number of people — and one insert per email sent."""
    now = now or timezone.now()
    missions = missions_to_announce(now=now)
    if not missions:
        return 0
    people = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(
            is_active=True,
            ambassador_profile__status=MembershipStatus.ACTIVE,
            ambassador_profile__notify_missions=True,
        )
        .select_related("ambassador_profile")
    }
    sent = 0
    for mission in missions:
        eligible = selectors.still_eligible(user_ids=list(people), mission=mission, now=now)
        if eligible:
            eligible -= set(
                Signup.objects.live()
                .filter(mission=mission, user_id__in=eligible)
                .values_list("user_id", flat=True)
            )
        with translation.override(settings.LANGUAGE_CODE):
            shared = {
                "opens_at": (
                    mission_moment(mission, mission.signup_opens_at)
                    if mission.signup_opens_at and mission.signup_opens_at > now
                    else ""
                ),
                "closes_at": mission_moment(mission, mission.signup_closes),
            }
            shared.update(_mission_context(mission, None))
        for user_id in sorted(eligible):
            user = people[user_id]
            context = {**shared, "user": user}
            sent += _send(key_announced(mission, user), user, TEMPLATE_ANNOUNCED, context)
        Roster.objects.update_or_create(mission_id=mission.pk, defaults={"announced_at": now})
    return sent


def _signups(statuses: Iterable[str], starts=None, ends=None, switch: str = ""):
    qs = Signup.objects.filter(
        status__in=list(statuses), mission__live=True, user__is_active=True
    ).select_related("mission", "user", "user__ambassador_profile")
    if starts:
        qs = qs.filter(mission__starts_at__gte=starts[0], mission__starts_at__lt=starts[1])
    if ends:
        qs = qs.filter(mission__ends_at__gte=ends[0], mission__ends_at__lt=ends[1])
    if switch:
        qs = qs.exclude(**{f"user__ambassador_profile__{switch}": False})
    return qs.order_by("mission__starts_at", "pk")


def reminders_send(*, today: datetime.date) -> int:
    """Remind confirmed participants (who want reminders) a week before — when the
    mission is 2 to 7 days away in its own calendar — and the day before, each once,
    with the briefing pack and the .ics. One query for the sign-ups, whatever their
    number, then one insert per email sent."""
    # Wide enough for any time zone; the mission's own calendar decides below.
    window = (_start_of(today), _start_of(today + datetime.timedelta(days=WEEK_REMINDER_DAYS + 2)))
    sent = 0
    for signup in _signups([SignupStatus.CONFIRMED], starts=window, switch="notify_reminders"):
        mission = signup.mission
        days = (mission.local(mission.starts_at).date() - today).days
        if days == 1:
            key = key_reminder(mission, signup.user, 1)
        elif 1 < days <= WEEK_REMINDER_DAYS:
            key = key_reminder(mission, signup.user, WEEK_REMINDER_DAYS)
        else:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                **_mission_context(mission, signup.user),
                "signup": signup,
                "days": days,
                "cancellable_until": (
                    mission_moment(mission, mission.cancellable_until)
                    if mission.cancellable_until > timezone.now()
                    else ""
                ),
            }
        sent += _send(key, signup.user, TEMPLATE_REMINDER, context)
    return sent


def thanks_send(*, today: datetime.date) -> int:
    """Thank those who came (attended, or confirmed while attendance is not marked yet)
    the day after the mission ended in its own calendar, once, with the link to debrief
    it (and report the projects detected there). Under `notify_signups`. One query for the sign-ups,
    then one insert per email sent."""
    window = (
        _start_of(today - datetime.timedelta(days=THANKS_CATCH_UP + 1)),
        _start_of(today + datetime.timedelta(days=1)),
    )
    sent = 0
    statuses = [SignupStatus.ATTENDED, SignupStatus.CONFIRMED]
    for signup in _signups(statuses, ends=window, switch="notify_signups"):
        mission = signup.mission
        days = (today - mission.local(mission.ends_at).date()).days
        if not 1 <= days <= THANKS_CATCH_UP or mission.ends_at > timezone.now():
            continue
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                **_mission_context(mission, signup.user),
                "signup": signup,
                "debrief_url": absolute_url(reverse("reports:debrief", args=[mission.pk])),
            }
        sent += _send(key_thanks(mission, signup.user), signup.user, TEMPLATE_THANKS, context)
    return sent

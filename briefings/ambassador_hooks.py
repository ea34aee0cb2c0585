"""Missions in `home`'s extension points: the main menu's “Missions”, Mon espace's “My
missions” panel, the *fiche ambassadeur*'s “Missions” section, the personal-data
export's “missions” part, account deletion, suspension or leaving (seats freed, the
waiting list promoted) and the daily emails. Imported by `briefings.wagtail_hooks`,
which registers them with Wagtail's hooks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import PageLogEntry

from home import hooks as home_hooks
from home.admin_views import Action, staff_may

from . import notifications, selectors, services
from .models import CalendarFeed, MissionPage, Signup, SignupStatus

# --- The lines the panel and the section show ------------------------------------------


@dataclass(frozen=True)
class MissionLine:
    """One sign-up as Mes missions and the fiche show it: the mission's dates in its own
    time zone, its links (page, .ics, briefing pack; the admin's page for staff), the
    waiting-list position."""

    signup: Signup
    mission: MissionPage
    when: str
    where: str
    url: str
    ics_url: str = ""
    pack_url: str = ""
    admin_url: str = ""
    position: int | None = None

    @property
    def status(self) -> str:
        return self.signup.status

    @property
    def attendance_unmarked(self) -> bool:
        """Over, but the staff have not marked who came yet."""
        return self.signup.status == SignupStatus.CONFIRMED


def _line(
    signup: Signup, request, positions: dict[int, int], *, admin: bool = False
) -> MissionLine:
    mission = signup.mission
    url = mission.get_url(request) or ""
    seated = signup.status in (SignupStatus.CONFIRMED, SignupStatus.ATTENDED)
    return MissionLine(
        signup=signup,
        mission=mission,
        when=notifications.mission_when(mission),
        where=notifications.mission_where(mission),
        url=url,
        ics_url=url + mission.reverse_subpage("ics") if seated and url else "",
        pack_url=url + mission.reverse_subpage("pack") if seated and url else "",
        admin_url=reverse("wagtailadmin_pages:edit", args=[mission.pk]) if admin else "",
        position=positions.get(signup.pk),
    )


def _lines(signups, request, positions, *, admin: bool = False) -> list[MissionLine]:
    return [_line(signup, request, positions, admin=admin) for signup in signups]


# --- Main menu ------------------------------------------------------------------------


@hooks.register(home_hooks.MAIN_MENU_ITEMS, order=30)
def missions_menu_item(request):
    """The “Missions” entry, for everyone: the list is public (each mission says who may
    sign up). No query: the list lives at its fixed slug."""
    return home_hooks.MenuItem(
        label=_("Missions"), url=notifications.missions_path(), match=notifications.missions_path()
    )


# --- Mon espace ------------------------------------------------------------------------


@hooks.register(home_hooks.MON_ESPACE_PANELS, order=30)
def my_missions_panel(request, profile):
    """Mon espace's “My missions”: upcoming confirmed missions (with the briefing pack and
    the .ics), waitlisted ones with the position, pending ones, past ones with the
    attendance; the missions open to me; my calendar subscription (its address and a
    button to renew it). Shown even with no sign-up, as an invitation to the missions
    open to the person. Queries: `selectors.my_missions` (1, + 1 for the positions when
    waiting) and the calendar feed (1), whatever the number of sign-ups."""
    from .calendars import calendar_feed_url, webcal_url

    feed_url = calendar_feed_url(request.user, request=request)
    missions = selectors.my_missions(user=request.user)
    positions = missions.positions
    return home_hooks.Panel(
        title=_("My missions"),
        template_name="briefings/panels/my_missions.html",
        context={
            "missions": missions,
            "upcoming": _lines(missions.upcoming, request, positions),
            "waitlisted": _lines(missions.waitlisted, request, positions),
            "pending": _lines(missions.pending, request, positions),
            "past": _lines(missions.past, request, positions),
            "open_missions_url": notifications.missions_path(open_to_me=True),
            "feed_url": feed_url,
            "webcal_url": webcal_url(feed_url),
        },
        slug="my-missions",
    )


# --- Fiche ambassadeur -----------------------------------------------------------------


@dataclass
class MissionHistory:
    """Everything a person signed up for, by standing, for the staff."""

    upcoming: list[MissionLine]
    waitlisted: list[MissionLine]
    pending: list[MissionLine]
    past: list[MissionLine]
    withdrawn: list[MissionLine]  # declined or cancelled

    def __bool__(self) -> bool:
        return bool(self.upcoming or self.waitlisted or self.pending or self.past or self.withdrawn)


def mission_history(*, user, request=None, now=None) -> MissionHistory:
    """Every sign-up of `user`, published mission or not, sorted as Mes missions sorts
    them, plus the declined and cancelled ones, each linking to the mission's admin
    page. Two queries at most (the sign-ups with their missions; the waiting-list
    positions when waiting), whatever their number."""
    now = now or timezone.now()
    signups = list(
        Signup.objects.filter(user=user)
        .select_related("mission")
        .order_by("-mission__starts_at", "-pk")
    )
    groups: dict[str, list[Signup]] = {
        "upcoming": [],
        "waitlisted": [],
        "pending": [],
        "past": [],
        "withdrawn": [],
    }
    for signup in signups:
        status = signup.status
        if status in (SignupStatus.DECLINED, SignupStatus.CANCELLED):
            groups["withdrawn"].append(signup)
        elif (
            status in (SignupStatus.ATTENDED, SignupStatus.NO_SHOW) or signup.mission.ends_at <= now
        ):
            groups["past"].append(signup)
        elif status == SignupStatus.CONFIRMED:
            groups["upcoming"].append(signup)
        elif status == SignupStatus.WAITLISTED:
            groups["waitlisted"].append(signup)
        else:
            groups["pending"].append(signup)
    for name in ("upcoming", "waitlisted", "pending"):
        groups[name].reverse()  # soonest first; past and withdrawn latest first
    positions = selectors.waitlist_positions(
        list({s.mission_id for s in groups["waitlisted"]}), groups["waitlisted"]
    )
    return MissionHistory(
        **{name: _lines(items, request, positions, admin=True) for name, items in groups.items()}
    )


@hooks.register(home_hooks.AMBASSADOR_SECTIONS, order=30)
def missions_section(request, ambassador):
    """The fiche's “Missions”: what the person sees in Mon espace, plus the sign-ups
    declined or cancelled, each mission linking to its page in the admin. For staff who
    may see ambassadors."""
    if not staff_may(request.user, Action.VIEW):
        return None
    return home_hooks.Panel(
        title=_("Missions"),
        template_name="briefings/panels/ambassador_missions.html",
        context={
            "history": mission_history(user=ambassador, request=request),
            "person": ambassador,
        },
        slug="missions",
    )


# --- Personal data, deletion, membership ended -----------------------------------------


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@hooks.register(home_hooks.PERSONAL_DATA_EXPORT, order=30)
def personal_data_part(user):
    """Each sign-up (mission, dates, status, motivation, listed in the pack, briefing
    acknowledged, when made and changed, the staff's note) and whether a calendar
    subscription exists — never its secret address."""
    signups = (
        Signup.objects.filter(user=user).select_related("mission").order_by("created_at", "pk")
    )
    feed = CalendarFeed.objects.filter(user=user).first()
    return "missions", {
        "signups": [
            {
                "mission": signup.mission.title,
                "starts_at": _iso(signup.mission.starts_at),
                "ends_at": _iso(signup.mission.ends_at),
                "time_zone": signup.mission.time_zone,
                "status": signup.status,
                "motivation": signup.motivation,
                "listed": signup.listed,
                "briefing_acknowledged_at": _iso(signup.briefing_acknowledged_at),
                "created_at": _iso(signup.created_at),
                "status_changed_at": _iso(signup.status_changed_at),
                "note": signup.status_note,
            }
            for signup in signups
        ],
        "calendar_subscription": {
            "exists": feed is not None,
            "created_at": _iso(feed.created_at) if feed else None,
        },
    }


@hooks.register(home_hooks.ACCOUNT_DELETION, order=30)
def account_deletion_part(user):
    """Keep the sign-ups, clear what is purely the person's.

    A sign-up is the agency's attendance history (who went where, seats, the waiting
    list's order) and stays, attached to the anonymised account. What the person wrote
    or chose for themselves goes: the motivation is cleared, they are no longer listed in
    briefing packs, and their calendar subscription is deleted (its address stops
    working). The missions' histories copied their name into each log entry: it is
    replaced by the anonymised account's label. Live sign-ups were already cancelled
    (seats freed) by `MEMBERSHIP_ENDED`, which account deletion runs first.
    """
    Signup.objects.filter(user=user).update(motivation="", listed=False)
    CalendarFeed.objects.filter(user=user).delete()
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Deleted account")
    entries = list(
        PageLogEntry.objects.filter(action__startswith="briefings.", data__ambassador=user.pk)
    )
    for entry in entries:
        entry.data = {**entry.data, "ambassador_name": label}
    PageLogEntry.objects.bulk_update(entries, ["data"])


@hooks.register(home_hooks.MEMBERSHIP_ENDED, order=30)
def membership_ended_part(user, *, status, actor):
    """Suspension or leaving: cancel the person's sign-ups for missions not started; each
    freed seat goes to the first on the waiting list, who is emailed. Past sign-ups stay."""
    services.signups_release(user=user, actor=actor)


# --- Daily work ------------------------------------------------------------------------


@hooks.register(home_hooks.DAILY_WORK, order=30)
def missions_daily_emails(*, today):
    """Announce new missions to those they are open to, remind participants 7 days and 1
    day before, thank them the day after; each once. Returns how many emails were sent."""
    return notifications.daily_send(today=today)

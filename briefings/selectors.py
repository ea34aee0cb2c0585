"""Reads of missions: who may sign up and why not (`signup_gate`, the one gate the page,
the form and the services ask), the list of missions with their state for a person,
waiting-list positions, a person's missions, and the staff's rosters (the missions to
manage, a roster's sign-ups, whom to add, the roster's history).

Every function that lists things runs a fixed number of queries whatever the number of
missions, badges and sign-ups: it loads the missions, then everything it needs about
them in one query per kind of thing (`GateContext`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageLogEntry

from home.models import AmbassadorProfile, MembershipStatus, User
from home.selectors import membership_gate
from lms import criteria
from lms.models import Badge, BadgeAward, BadgeCriterion

from .models import (
    LIVE_STATUSES,
    SEATED_STATUSES,
    MissionIndexPage,
    MissionPage,
    SelectionMode,
    Signup,
    SignupStatus,
)


class Code:
    """Why a sign-up is refused (or how it would end), for templates and tests."""

    SIGN_IN = "sign_in"
    MEMBERSHIP = "membership"
    STARTED = "started"
    SIGNED_UP = "signed_up"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    BADGES = "badges"


REASON_SIGN_IN = _("Sign in to sign up for this mission.")
REASON_STARTED = _("This mission has started: sign-ups are closed.")
REASON_SIGNED_UP = _("You are already signed up for this mission.")
REASON_DECLINED = _("The staff did not select you for this mission.")
REASON_NOT_OPEN = _("Sign-ups open on %(date)s.")
REASON_CLOSED = _("Sign-ups closed on %(date)s.")
REASON_MISSING_BADGE = _("You need the badge “%(badge)s”.")
REASON_EXPIRED_BADGE = _("Your badge “%(badge)s” expired on %(date)s: renew it to sign up.")


def _date(moment: datetime.datetime, mission: MissionPage | None = None) -> str:
    local = mission.local(moment) if mission else timezone.localtime(moment)
    return date_format(local, "DATETIME_FORMAT")


@dataclass(frozen=True)
class Step:
    """Something to do to earn a missing badge: a criterion's description and link."""

    description: str
    link: str


@dataclass(frozen=True)
class BadgeLack:
    badge: Badge
    reason: str
    expired_at: datetime.datetime | None = None
    revoked: bool = False
    steps: tuple[Step, ...] = ()


@dataclass
class MissionGate:
    """May this person sign up for this mission now, and if not, exactly why.

    `allowed` with an `outcome` (confirmed, waitlisted or pending selection), or refused
    with every `reasons` that apply (`codes` for tests, `lacks` for the badges to earn,
    with what leads to them). `signup` is the person's live sign-up, if any."""

    allowed: bool
    outcome: str = ""
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    lacks: list[BadgeLack] = field(default_factory=list)
    signup: Signup | None = None

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def locked_by_badges(self) -> bool:
        return Code.BADGES in self.codes


@dataclass
class Seats:
    seats: int
    seated: int = 0
    waitlisted: int = 0
    pending: int = 0

    @property
    def free(self) -> int:
        return max(self.seats - self.seated, 0)

    @property
    def full(self) -> bool:
        return self.free == 0


@dataclass
class GateContext:
    """What the gate needs about a person and some missions, loaded once: their
    membership, their current badge awards, each mission's required badges (with the
    criteria that lead to them), their sign-ups and each mission's seat counts."""

    user: object
    now: datetime.datetime
    membership: object = None
    awards: dict[int, BadgeAward] = field(default_factory=dict)
    badges: dict[int, list[Badge]] = field(default_factory=dict)
    signups: dict[int, Signup] = field(default_factory=dict)
    seats: dict[int, Seats] = field(default_factory=dict)


def seat_counts(mission_ids: list[int], seats: dict[int, int]) -> dict[int, Seats]:
    """Seated, waitlisted and pending counts per mission: one query."""
    counts = {pk: Seats(seats=seats.get(pk, 0)) for pk in mission_ids}
    rows = (
        Signup.objects.filter(mission_id__in=mission_ids)
        .values("mission_id")
        .annotate(
            seated=Count("pk", filter=Q(status__in=SEATED_STATUSES)),
            waitlisted=Count("pk", filter=Q(status=SignupStatus.WAITLISTED)),
            pending=Count("pk", filter=Q(status=SignupStatus.PENDING)),
        )
    )
    for row in rows:
        entry = counts[row["mission_id"]]
        entry.seated, entry.waitlisted, entry.pending = (
            row["seated"],
            row["waitlisted"],
            row["pending"],
        )
    return counts


def required_badges(mission_ids: list[int]) -> dict[int, list[Badge]]:
    """Each mission's required badges, with their criteria and target pages: two
    queries (the badges through the link table, then their criteria)."""
    through = MissionPage.required_badges.through
    links = list(
        through.objects.filter(missionpage_id__in=mission_ids).values_list(
            "missionpage_id", "badge_id"
        )
    )
    by_mission: dict[int, list[Badge]] = defaultdict(list)
    if not links:
        return by_mission
    badges = {
        badge.pk: badge
        for badge in Badge.objects.filter(pk__in={b for _m, b in links}).prefetch_related(
            Prefetch(
                "criteria",
                queryset=BadgeCriterion.objects.select_related("target_page").order_by(
                    "sort_order", "pk"
                ),
            )
        )
    }
    for mission_id, badge_id in links:
        by_mission[mission_id].append(badges[badge_id])
    for items in by_mission.values():
        items.sort(key=lambda badge: badge.name)
    return by_mission


def gate_context(*, user, missions: list[MissionPage], now=None) -> GateContext:
    """Load what `signup_gate` needs for `user` and `missions`, in a fixed number of
    queries (none about the person when signed out)."""
    now = now or timezone.now()
    ids = [mission.pk for mission in missions]
    context = GateContext(user=user, now=now)
    context.badges = required_badges(ids)
    context.seats = seat_counts(ids, {mission.pk: mission.seats for mission in missions})
    if user is None or not user.is_authenticated:
        return context
    context.membership = membership_gate(user)
    context.awards = {
        award.badge_id: award
        for award in BadgeAward.objects.current().filter(user=user).order_by("issued_at")
    }
    context.signups = {
        signup.mission_id: signup
        for signup in Signup.objects.live().filter(user=user, mission_id__in=ids)
    }
    return context


def badge_lacks(badges: list[Badge], awards: dict[int, BadgeAward], now) -> list[BadgeLack]:
    """The required badges a person does not validly hold, each with why and how to get
    it (its criteria's descriptions and links)."""
    lacks = []
    for badge in badges:
        award = awards.get(badge.pk)
        if award is not None and (award.expires_at is None or award.expires_at > now):
            continue
        steps = tuple(
            Step(criteria.describe(criterion), criteria.link(criterion))
            for criterion in badge.criteria.all()
        )
        if award is not None:
            reason = str(REASON_EXPIRED_BADGE) % {
                "badge": badge.name,
                "date": date_format(timezone.localtime(award.expires_at), "DATE_FORMAT"),
            }
            lacks.append(BadgeLack(badge, reason, expired_at=award.expires_at, steps=steps))
        else:
            lacks.append(
                BadgeLack(badge, str(REASON_MISSING_BADGE) % {"badge": badge.name}, steps=steps)
            )
    return lacks


def signup_gate(
    *, user, mission: MissionPage, now=None, context: GateContext | None = None
) -> MissionGate:
    """May `user` sign up for `mission` at `now`? The one rule the mission page, the
    form and `services.signup_create` (under the mission's lock) all ask: an active
    member, every required badge valid at that moment, the sign-up window open, not
    already signed up. Languages and sectors are hints, not conditions.

    When allowed, `outcome` says how the sign-up would end: pending the staff's
    selection, confirmed while seats remain (and nobody waits), or waitlisted."""
    context = context or gate_context(user=user, missions=[mission], now=now)
    now = context.now
    if user is None or not user.is_authenticated:
        return MissionGate(False, reasons=[str(REASON_SIGN_IN)], codes=[Code.SIGN_IN])
    gate = MissionGate(False, signup=context.signups.get(mission.pk))
    if not context.membership.allowed:
        gate.reasons.append(context.membership.reason)
        gate.codes.append(Code.MEMBERSHIP)
    if now >= mission.starts_at:
        gate.reasons.append(str(REASON_STARTED))
        gate.codes.append(Code.STARTED)
    elif gate.signup is not None:
        declined = gate.signup.status == SignupStatus.DECLINED
        gate.reasons.append(str(REASON_DECLINED if declined else REASON_SIGNED_UP))
        gate.codes.append(Code.SIGNED_UP)
    elif mission.signup_opens_at and now < mission.signup_opens_at:
        gate.reasons.append(
            str(REASON_NOT_OPEN) % {"date": _date(mission.signup_opens_at, mission)}
        )
        gate.codes.append(Code.NOT_OPEN)
    elif now >= mission.signup_closes:
        gate.reasons.append(str(REASON_CLOSED) % {"date": _date(mission.signup_closes, mission)})
        gate.codes.append(Code.CLOSED)
    gate.lacks = badge_lacks(context.badges.get(mission.pk, []), context.awards, now)
    if gate.lacks:
        gate.reasons.extend(lack.reason for lack in gate.lacks)
        gate.codes.append(Code.BADGES)
    if gate.codes:
        return gate
    gate.allowed = True
    seats = context.seats.get(mission.pk) or Seats(seats=mission.seats)
    if mission.selection_mode == SelectionMode.STAFF:
        gate.outcome = SignupStatus.PENDING
    elif seats.full or seats.waitlisted:
        gate.outcome = SignupStatus.WAITLISTED
    else:
        gate.outcome = SignupStatus.CONFIRMED
    return gate


def still_eligible(*, user_ids: list[int], mission: MissionPage, now) -> set[int]:
    """Of `user_ids` (people on the waiting list), those who still pass the gate's
    lasting conditions — active membership and every required badge valid — and so may
    take a freed seat. Three queries whatever the number of people."""
    if not user_ids:
        return set()
    active = set(
        AmbassadorProfile.objects.filter(
            user_id__in=user_ids, status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )
    badge_ids = list(
        MissionPage.required_badges.through.objects.filter(missionpage_id=mission.pk).values_list(
            "badge_id", flat=True
        )
    )
    if not badge_ids or not active:
        return active
    held: dict[int, set[int]] = defaultdict(set)
    for user_id, badge_id in (
        BadgeAward.objects.valid(now)
        .filter(user_id__in=active, badge_id__in=badge_ids)
        .values_list("user_id", "badge_id")
    ):
        held[user_id].add(badge_id)
    return {user_id for user_id in active if held[user_id] >= set(badge_ids)}


def waitlist_positions(mission_ids: list[int], signups: list[Signup]) -> dict[int, int]:
    """The waiting-list position (1 = next) of each of `signups`, by sign-up id: one
    query whatever their number."""
    waiting = [s for s in signups if s.status == SignupStatus.WAITLISTED]
    if not waiting:
        return {}
    queues: dict[int, list[int]] = defaultdict(list)
    for mission_id, queue_number in (
        Signup.objects.filter(mission_id__in=mission_ids, status=SignupStatus.WAITLISTED)
        .order_by("queue_number")
        .values_list("mission_id", "queue_number")
    ):
        queues[mission_id].append(queue_number)
    return {
        s.pk: queues[s.mission_id].index(s.queue_number) + 1
        for s in waiting
        if s.queue_number in queues[s.mission_id]
    }


def waitlist_position(signup: Signup) -> int | None:
    if signup.status != SignupStatus.WAITLISTED:
        return None
    return (
        Signup.objects.filter(
            mission_id=signup.mission_id,
            status=SignupStatus.WAITLISTED,
            queue_number__lt=signup.queue_number,
        ).count()
        + 1
    )


# --- The list of missions ----------------------------------------------------------------


@dataclass
class MissionFilters:
    kind: str = ""
    month: str = ""  # "YYYY-MM"
    country: str = ""
    open_to_me: bool = False


@dataclass
class MissionCard:
    mission: MissionPage
    gate: MissionGate
    seats: Seats
    badges: list[Badge]


def upcoming_missions(index: MissionIndexPage | None = None, *, now=None):
    """Live missions that have not ended, soonest first."""
    now = now or timezone.now()
    missions = MissionPage.objects.live().public().filter(ends_at__gt=now)
    if index is not None:
        missions = missions.child_of(index)
    return missions.order_by("starts_at", "pk")


def month_range(month: str):
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime.datetime(year, number, 1, tzinfo=timezone.get_current_timezone())
    except (TypeError, ValueError):
        return None
    end = start.replace(year=year + 1, month=1) if number == 12 else start.replace(month=number + 1)
    return start, end


def mission_cards(
    *,
    user,
    index: MissionIndexPage | None = None,
    filters: MissionFilters | None = None,
    now=None,
    missions: list[MissionPage] | None = None,
) -> list[MissionCard]:
    """The upcoming missions (`missions` when the caller already loaded them), filtered
    (kind, month, country; "open to me": those the person may sign up for now), each with
    its gate for the person, its seats and its required badges. Queries: the missions
    (1, unless given), then `gate_context`'s — constant in the number of missions, badges
    and sign-ups."""
    now = now or timezone.now()
    filters = filters or MissionFilters()
    if missions is None:
        missions = list(upcoming_missions(index, now=now))
    span = month_range(filters.month) if filters.month else None
    missions = [
        mission
        for mission in missions
        if (not filters.kind or mission.kind == filters.kind)
        and (not filters.country or mission.country == filters.country)
        and (span is None or (mission.starts_at < span[1] and mission.ends_at >= span[0]))
    ]
    context = gate_context(user=user, missions=missions, now=now)
    cards = []
    for mission in missions:
        gate = signup_gate(user=user, mission=mission, context=context)
        if filters.open_to_me and not gate.allowed:
            continue
        cards.append(
            MissionCard(
                mission=mission,
                gate=gate,
                seats=context.seats[mission.pk],
                badges=context.badges.get(mission.pk, []),
            )
        )
    return cards


def filter_choices(missions: list[MissionPage]) -> dict[str, list]:
    """The months and countries that `missions` (the upcoming ones) have, for the
    filters: no query."""
    months = sorted({timezone.localtime(m.starts_at).strftime("%Y-%m") for m in missions})
    countries = sorted({str(m.country) for m in missions if m.country})
    return {"months": months, "countries": countries}


# --- A person's missions ----------------------------------------------------------------


@dataclass
class MyMissions:
    upcoming: list[Signup] = field(default_factory=list)  # confirmed
    waitlisted: list[Signup] = field(default_factory=list)
    pending: list[Signup] = field(default_factory=list)
    past: list[Signup] = field(default_factory=list)  # attended, no-show, or confirmed and over
    positions: dict[int, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.upcoming or self.waitlisted or self.pending or self.past)


def my_missions(*, user, now=None, past_limit: int = 10) -> MyMissions:
    """Mes missions: confirmed upcoming missions, waitlisted (with position), pending,
    and past ones with attendance. Queries, whatever the number of sign-ups: the
    person's sign-ups (1), then only if there are any, their live missions (1) and
    waiting-list positions (1). Mon espace runs it for everyone: most people have no
    sign-up, and they pay one light query, not a join on every page column."""
    now = now or timezone.now()
    result = MyMissions()
    signups = list(
        Signup.objects.filter(user=user, status__in=LIVE_STATUSES).exclude(
            status=SignupStatus.DECLINED
        )
    )
    if not signups:
        return result
    missions = MissionPage.objects.live().in_bulk({s.mission_id for s in signups})
    signups = [s for s in signups if s.mission_id in missions]
    for signup in signups:
        signup.mission = missions[signup.mission_id]
    signups.sort(key=lambda s: (s.mission.starts_at, s.pk))
    for signup in signups:
        mission = signup.mission
        if signup.status in (SignupStatus.ATTENDED, SignupStatus.NO_SHOW) or mission.ends_at <= now:
            result.past.append(signup)
        elif signup.status == SignupStatus.CONFIRMED:
            result.upcoming.append(signup)
        elif signup.status == SignupStatus.WAITLISTED:
            result.waitlisted.append(signup)
        elif signup.status == SignupStatus.PENDING:
            result.pending.append(signup)
    result.past = sorted(result.past, key=lambda s: s.mission.starts_at, reverse=True)[:past_limit]
    result.positions = waitlist_positions(
        list({s.mission_id for s in result.waitlisted}), result.waitlisted
    )
    return result


def confirmed_missions(*, user, since=None):
    """The missions `user` is confirmed for (or attended), for the calendar feed."""
    qs = MissionPage.objects.live().filter(signups__user=user, signups__status__in=SEATED_STATUSES)
    if since is not None:
        qs = qs.filter(ends_at__gte=since)
    return qs.order_by("starts_at").distinct()


def pack_participants(mission: MissionPage) -> list[Signup]:
    """The confirmed participants of a mission, with their profiles, for the briefing
    pack (only those who agreed to be listed show their name): one query."""
    return list(
        Signup.objects.filter(mission=mission, status__in=SEATED_STATUSES)
        .select_related("user", "user__ambassador_profile")
        .order_by("user__last_name", "user__first_name", "pk")
    )


# --- The staff's rosters ------------------------------------------------------------------


def roster_missions(*, ending_from: datetime.datetime) -> list[MissionPage]:
    """The missions that end at `ending_from` or later, drafts included, soonest first,
    without their body (the admin's missions list asks who may manage each): one query."""
    return list(
        MissionPage.objects.filter(ends_at__gte=ending_from)
        .defer_streamfields()
        .order_by("starts_at", "pk")
    )


def roster_signups(mission: MissionPage) -> list[Signup]:
    """Every sign-up of the mission with the person and their profile, in queue order:
    one query."""
    return list(
        Signup.objects.filter(mission=mission)
        .select_related("user", "user__ambassador_profile")
        .order_by("queue_number", "pk")
    )


def roster_candidates(*, mission: MissionPage, now) -> list[tuple[User, bool]]:
    """The active ambassadors not signed up (live) for the mission, by name, with their
    profile, each with whether they hold the required badges (`still_eligible`; the
    staff may add them anyway). Four queries at most, whatever their number."""
    people = list(
        User.objects.filter(is_active=True, ambassador_profile__status=MembershipStatus.ACTIVE)
        .exclude(pk__in=Signup.objects.live().filter(mission=mission).values("user_id"))
        .select_related("ambassador_profile")
        .order_by("last_name", "first_name", "email")
    )
    eligible = still_eligible(user_ids=[person.pk for person in people], mission=mission, now=now)
    return [(person, person.pk in eligible) for person in people]


def roster_log_entries(mission: MissionPage, *, limit: int) -> list[PageLogEntry]:
    """The roster's latest `limit` changes on the mission's history, newest first, with
    who acted: one query."""
    return list(
        PageLogEntry.objects.filter(page_id=mission.pk, action__startswith="briefings.")
        .select_related("user")
        .order_by("-timestamp", "-pk")[:limit]
    )

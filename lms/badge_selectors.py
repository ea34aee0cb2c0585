"""Reads of an ambassador's badges: "Mes badges" (Mon espace and the *fiche
ambassadeur*), the personal-data export, the awards the daily reminders are about, and
the public addresses of an award (certificate, verification page, Open Badge image).

`my_badges` runs a fixed number of queries whatever the number of badges, criteria and
awards (pinned in tests/lms/test_badges_ambassador.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone

from . import criteria
from .models import Badge, BadgeAward, BadgeCriterion
from .services import RENEWAL_WINDOW, renewal_since

EXPIRING_SOON = RENEWAL_WINDOW
"""An award expiring within this is "expiring soon": it may be renewed from then on."""


class AwardState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"


# --- An award's addresses ---------------------------------------------------------------


def certificate_path(award: BadgeAward) -> str:
    """The certificate's download (`lms.badge_urls`), or "" where those URLs are not
    routed, so that a page listing badges never breaks."""
    try:
        return reverse("lms_badges:certificate", kwargs={"uuid": award.uuid})
    except NoReverseMatch:
        return ""


def verification_path(award: BadgeAward) -> str:
    """The public verification page (built by the Open Badges part of the app)."""
    return f"{get_script_prefix()}verifier/{award.uuid}/"


def image_path(award: BadgeAward) -> str:
    """The baked Open Badge image, for a backpack."""
    return f"{get_script_prefix()}badges/assertions/{award.uuid}.png"


def verification_url(award: BadgeAward) -> str:
    """The verification page's absolute address: on certificates, QR codes, emails and
    the export, wherever they are read."""
    return f"{settings.BASE_URL}/verifier/{award.uuid}/"


def award_state(award: BadgeAward, now: datetime.datetime) -> str:
    if award.revoked_at is not None:
        return AwardState.REVOKED
    if award.expires_at is None or award.expires_at > now + EXPIRING_SOON:
        return AwardState.VALID
    if award.expires_at > now:
        return AwardState.EXPIRING
    return AwardState.EXPIRED


# --- Mes badges -------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardCard:
    """One earned badge, with its state and addresses."""

    award: BadgeAward
    state: str
    certificate_url: str
    verification_url: str
    image_url: str
    unlocks: tuple = ()  # (title, url) of what the badge opens (upcoming missions)

    @property
    def badge(self) -> Badge:
        return self.award.badge


@dataclass(frozen=True)
class CriterionLine:
    """One row of a badge's checklist: done (with its evidence) or to do (with where)."""

    criterion: BadgeCriterion
    description: str
    done: bool
    evidence: dict[str, Any] | None
    link: str


@dataclass(frozen=True)
class BadgeProgress:
    """A badge to earn, or to renew (`renewal`: the person's award expires soon or has
    expired, and only what they do from `since` on counts)."""

    badge: Badge
    lines: list[CriterionLine]
    renewal: bool = False
    since: datetime.datetime | None = None
    unlocks: tuple = ()

    @property
    def done(self) -> int:
        return sum(1 for line in self.lines if line.done)

    @property
    def total(self) -> int:
        return len(self.lines)


@dataclass
class MyBadges:
    valid: list[AwardCard] = field(default_factory=list)
    expiring: list[AwardCard] = field(default_factory=list)
    expired: list[AwardCard] = field(default_factory=list)
    revoked: list[AwardCard] = field(default_factory=list)
    in_progress: list[BadgeProgress] = field(default_factory=list)

    @property
    def earned(self) -> list[AwardCard]:
        return self.valid + self.expiring + self.expired + self.revoked

    def __bool__(self) -> bool:
        return bool(self.earned or self.in_progress)


def my_badges(*, user, now: datetime.datetime | None = None) -> MyBadges:
    """Everything "Mes badges" shows for `user`: their awards by state (a renewed award
    gives way to its renewal; revoked ones stay, with their date), then each badge they
    do not hold — or may renew — with its checklist.

    Queries: badges (1) with their competences (1) and criteria with their target pages
    (1), what each badge opens (1 per app that says so: missions), awards with their
    badge (1), then one per criterion kind present (the
    evaluators'): constant in the number of badges and awards; one in all while no
    badge is defined. A criterion's link reads
    Wagtail's cached site root paths (one query when that cache is cold).

    The checklist evaluates every criterion once, from the beginning of time, and a
    renewal's evidence must be dated from its window's opening: older evidence shows as
    "to do". It is a guide; `lms.services.badges_evaluate` decides the awards.
    """
    now = now or timezone.now()
    result = MyBadges()
    badges = list(
        Badge.objects.prefetch_related(
            "competences",
            Prefetch(
                "criteria",
                queryset=BadgeCriterion.objects.select_related("target_page").order_by(
                    "sort_order", "pk"
                ),
            ),
        )
    )
    if not badges:
        return result  # no badge defined yet: nothing held either (awards protect them)
    opens = criteria.unlocks([badge.pk for badge in badges])
    awards = list(
        BadgeAward.objects.filter(user=user, replaced_at__isnull=True)
        .select_related("badge")
        .order_by("-issued_at", "-pk")
    )
    current: dict[int, BadgeAward] = {}
    for award in awards:
        state = award_state(award, now)
        getattr(result, state).append(
            AwardCard(
                award=award,
                state=state,
                certificate_url=certificate_path(award),
                verification_url=verification_path(award),
                image_url=image_path(award),
                unlocks=tuple(opens.get(award.badge_id, ())),
            )
        )
        if award.revoked_at is None:
            current[award.badge_id] = award

    # Awards carry their badge from the first query; give them the prefetched one too,
    # so the cards show competences without a query each.
    by_pk = {badge.pk: badge for badge in badges}
    for award in awards:
        award.badge = by_pk.get(award.badge_id, award.badge)

    to_check = []
    for badge in badges:
        award = current.get(badge.pk)
        if not badge.criteria.all():
            continue
        if award is not None and award_state(award, now) == AwardState.VALID:
            continue  # held, not yet renewable
        to_check.append((badge, award))
    met = criteria.evaluate(
        [c for badge, _award in to_check for c in badge.criteria.all()], [user.pk], None
    )
    for badge, award in to_check:
        since = renewal_since(award)
        lines = []
        for criterion in badge.criteria.all():
            evidence = met.get((criterion.pk, user.pk))
            if evidence and since is not None and _dated_before(evidence, since):
                evidence = None
            lines.append(
                CriterionLine(
                    criterion=criterion,
                    description=criteria.describe(criterion),
                    done=bool(evidence),
                    evidence=evidence,
                    link="" if evidence else criteria.link(criterion),
                )
            )
        result.in_progress.append(
            BadgeProgress(
                badge=badge,
                lines=lines,
                renewal=award is not None,
                since=since,
                unlocks=tuple(opens.get(badge.pk, ())),
            )
        )
    # The closest to earned first, then by name.
    result.in_progress.sort(key=lambda p: (-(p.done / p.total), p.badge.name))
    return result


def _dated_before(evidence: dict, since: datetime.datetime) -> bool:
    at = evidence.get("at")
    if not at:
        return False
    try:
        return datetime.datetime.fromisoformat(at) < since
    except (TypeError, ValueError):
        return False


# --- Personal data ----------------------------------------------------------------------


def personal_data(*, user) -> list[dict[str, Any]]:
    """Each award the person holds or held (renewed and revoked included), with its
    evidence narratives, JSON-serialisable (1 query)."""
    now = timezone.now()
    rows = []
    awards = (
        BadgeAward.objects.filter(user=user).select_related("badge").order_by("issued_at", "pk")
    )
    for award in awards:
        state = award_state(award, now)
        status = "replaced" if award.replaced_at else state.replace(AwardState.EXPIRING, "valid")
        rows.append(
            {
                "badge": award.badge.name,
                "issued_at": award.issued_at.isoformat(),
                "expires_at": award.expires_at.isoformat() if award.expires_at else None,
                "status": status,
                "revoked_at": award.revoked_at.isoformat() if award.revoked_at else None,
                "revoked_reason": award.revoked_reason,
                "replaced_at": award.replaced_at.isoformat() if award.replaced_at else None,
                "verification_url": verification_url(award),
                "evidence": [item.get("narrative", "") for item in award.evidence or []],
                "note": award.note,
            }
        )
    return rows


# --- Reminders --------------------------------------------------------------------------


def awards_expiring(*, today: datetime.date, within: datetime.timedelta) -> Any:
    """Current awards of active accounts that expire after `today` and by `today +
    within` (in TIME_ZONE), with their badge and holder."""
    start = _day_start(today + datetime.timedelta(days=1))
    end = _day_start(today + within + datetime.timedelta(days=1))
    return (
        BadgeAward.objects.current()
        .filter(user__is_active=True, expires_at__gte=start, expires_at__lt=end)
        .select_related("badge", "user")
        .order_by("expires_at", "pk")
    )


def awards_expired(*, today: datetime.date, within: datetime.timedelta) -> Any:
    """Current awards of active accounts that expired on `today` or before (never later
    than now: an expiry is announced once it happened), at most `within` ago (older ones
    predate the reminders: no late news)."""
    start = _day_start(today - within)
    end = min(_day_start(today + datetime.timedelta(days=1)), timezone.now())
    return (
        BadgeAward.objects.current()
        .filter(user__is_active=True, expires_at__gte=start, expires_at__lt=end)
        .select_related("badge", "user")
        .order_by("expires_at", "pk")
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

"""Writes of `lms`. Other apps (quizzes) complete their steps through `step_complete`."""

from __future__ import annotations

import calendar
import datetime
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Page

from . import criteria
from .models import (
    Badge,
    BadgeAward,
    BadgeCriterion,
    CourseCompletion,
    CoursePage,
    StepCompletion,
)
from .selectors import course_for_step


class NotAStep(ValueError):
    """The page is not a step of a course."""


def step_complete(*, user, step: Page) -> tuple[StepCompletion, CourseCompletion | None]:
    """Record that `user` completed `step`, once: repeating it changes nothing, and two
    requests at once insert one row (the unique constraint decides). When every live step
    of the course is then completed, the course completion is recorded, once and for good.

    The caller has decided the person may complete the step (see `selectors.step_access`).
    Returns the step completion and the course completion recorded *now*, if any.
    """
    course = course_for_step(step)
    if course is None:
        raise NotAStep(step.pk)
    completion = _create_once(
        StepCompletion,
        lookup={"user": user, "step_id": step.pk},
        defaults={"course": course, "completed_at": timezone.now()},
    )
    course_completion = course_completion_record(user=user, course=course)
    if course_completion is not None:
        badges_evaluate(user=user)  # a course completed may earn a badge
    return completion, course_completion


def course_completion_record(*, user, course: CoursePage) -> CourseCompletion | None:
    """Record the course as completed if every live step is; return it if recorded now.

    Safe under concurrent requests: outside an enclosing transaction, each request checks
    after its own step completion is committed, so the last of them sees every step
    done; the unique constraint lets only one of them insert the course completion."""
    live = set(course.get_children().live().values_list("pk", flat=True))
    if not live:
        return None
    done = set(
        StepCompletion.objects.filter(user=user, step_id__in=live).values_list("step_id", flat=True)
    )
    if live - done:
        return None
    if CourseCompletion.objects.filter(user=user, course=course).exists():
        return None
    try:
        with transaction.atomic():
            return CourseCompletion.objects.create(
                user=user, course=course, completed_at=timezone.now()
            )
    except IntegrityError:
        return None  # a concurrent request recorded it first


def _create_once(model, *, lookup, defaults):
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **defaults)
    except IntegrityError:
        return model.objects.get(**lookup)


# --- Badges ------------------------------------------------------------------------------------

RENEWAL_WINDOW = datetime.timedelta(days=30)
"""From this long before an award expires, it may be renewed: only evidence dated from
then on counts for the renewal."""

LOG_AWARD = "lms.badge_award"
LOG_REVOKE = "lms.badge_revoke"
LOG_ACTIONS = {LOG_AWARD: _("Badge awarded"), LOG_REVOKE: _("Badge revoked")}

ERROR_REVOKE_REASON = _("Say why the badge is revoked.")
ERROR_ALREADY_HELD = _("This ambassador already holds this badge.")


class BadgeAwardRefused(ValueError):
    """The award cannot be made; `message` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def recipient_identity(email: str, salt: str) -> str:
    """The Open Badges recipient identity: ``sha256$`` + hex(SHA-256(email + salt))."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _expiry(badge: Badge, issued_at) -> datetime.datetime | None:
    if not badge.validity_months:
        return None
    local = timezone.localtime(issued_at)
    month = local.month - 1 + badge.validity_months
    year, month = local.year + month // 12, month % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def renewal_since(award: BadgeAward | None) -> datetime.datetime | None:
    """From when evidence counts for this person's next award of the badge: None when
    they hold none (everything counts), the renewal window's opening otherwise."""
    if award is None or award.expires_at is None:
        return None
    return award.expires_at - RENEWAL_WINDOW


def badges_evaluate(*, user, now=None) -> list[BadgeAward]:
    """Award this person every badge whose criteria they now all meet, at once: those
    they do not hold, and those whose award is in its renewal window (or expired), with
    evidence dated from the window's opening. An explicit call from every service that
    may change a criterion (a course completed, a quiz passed). Returns the awards made
    now. A fixed number of queries, plus those of each award made."""
    now = now or timezone.now()
    badges = list(Badge.objects.prefetch_related(_criteria_prefetch()))
    if not badges:
        return []
    current, revoked_at = {}, {}
    for award in BadgeAward.objects.filter(user=user, replaced_at__isnull=True):
        if award.revoked_at is None:
            current[award.badge_id] = award
        else:
            latest = revoked_at.get(award.badge_id)
            revoked_at[award.badge_id] = max(award.revoked_at, latest or award.revoked_at)
    awarded = []
    by_since: dict = {}
    for badge in badges:
        award = current.get(badge.pk)
        if not badge.criteria.all():
            continue
        if award is not None and (
            award.expires_at is None or award.expires_at - RENEWAL_WINDOW > now
        ):
            continue  # held, and not yet renewable
        # A revoked badge is earned again only with what was done after the revocation.
        moments = [m for m in (renewal_since(award), revoked_at.get(badge.pk)) if m]
        by_since.setdefault(max(moments, default=None), []).append(badge)
    for since, group in by_since.items():
        met = criteria.evaluate(
            [c for badge in group for c in badge.criteria.all()], [user.pk], since
        )
        for badge in group:
            evidence = [met.get((c.pk, user.pk)) for c in badge.criteria.all()]
            if all(evidence) and _fresh_since(evidence, revoked_at.get(badge.pk)):
                made = _award(
                    badge=badge,
                    user=user,
                    evidence=evidence,
                    now=now,
                    previous=current.get(badge.pk),
                )
                if made is not None:
                    awarded.append(made)
    return awarded


def _fresh_since(evidence: list[dict], revoked_at) -> bool:
    """After a revocation, something must have been done since (a course completed
    before it keeps counting, but cannot alone earn the badge again)."""
    if revoked_at is None:
        return True
    return any(datetime.datetime.fromisoformat(item["at"]) >= revoked_at for item in evidence)


def _criteria_prefetch():
    from django.db.models import Prefetch

    return Prefetch("criteria", queryset=BadgeCriterion.objects.select_related("target_page"))


def _award(*, badge, user, evidence, now, previous=None, actor=None, note="") -> BadgeAward | None:
    """Create the award (replacing `previous`, the renewed one), once: a concurrent
    award of the same badge to the same person makes this one give way (the database
    constraint); returns None then."""
    salt = secrets.token_hex(16)
    try:
        with transaction.atomic():
            if previous is not None:
                replaced = BadgeAward.objects.filter(
                    pk=previous.pk, revoked_at__isnull=True, replaced_at__isnull=True
                ).update(replaced_at=now)
                if not replaced:
                    return None  # renewed or revoked meanwhile
            award = BadgeAward.objects.create(
                badge=badge,
                user=user,
                issued_at=now,
                expires_at=_expiry(badge, now),
                evidence=[item for item in evidence if item],
                recipient_salt=salt,
                recipient_hash=recipient_identity(user.email, salt),
                awarded_by=actor,
                note=note,
                previous=previous,
            )
            log(instance=award, action=LOG_AWARD, user=actor, data={"badge": badge.slug})
    except IntegrityError:
        return None
    from .badge_emails import award_notify  # badge_emails reads the selectors, which read us

    award_notify(award)  # once the transaction commits
    return award


def badge_award(*, badge: Badge, user, actor, note: str, now=None) -> BadgeAward:
    """Staff award a badge by hand, with an evidence note (recorded with who). Refused
    when the person already holds it (current award)."""
    now = now or timezone.now()
    if BadgeAward.objects.current().filter(user=user, badge=badge).exists():
        raise BadgeAwardRefused(ERROR_ALREADY_HELD)
    award = _award(
        badge=badge,
        user=user,
        evidence=[{"kind": "manual", "narrative": note, "at": now.isoformat()}],
        now=now,
        actor=actor,
        note=note,
    )
    if award is None:
        raise BadgeAwardRefused(ERROR_ALREADY_HELD)
    return award


def badge_revoke(*, award: BadgeAward, actor, reason: str, now=None) -> BadgeAward:
    """Revoke an award, with a reason (recorded with who). Revoking twice changes
    nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise BadgeAwardRefused(ERROR_REVOKE_REASON)
    now = now or timezone.now()
    with transaction.atomic():
        changed = BadgeAward.objects.filter(pk=award.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason, revoked_by=actor
        )
        if changed:
            log(instance=award, action=LOG_REVOKE, user=actor, data={"reason": reason})
    award.refresh_from_db()
    return award


def badges_evaluate_everyone(*, now=None) -> int:
    """Re-evaluate every active ambassador (after criteria changed): returns how many
    awards were made. Running it twice awards nothing twice."""
    from home.models import AmbassadorProfile, MembershipStatus

    user_model = BadgeAward._meta.get_field("user").related_model
    ids = AmbassadorProfile.objects.filter(status=MembershipStatus.ACTIVE).values_list(
        "user_id", flat=True
    )
    return sum(
        len(badges_evaluate(user=user, now=now))
        for user in user_model.objects.filter(pk__in=ids).iterator(chunk_size=500)
    )

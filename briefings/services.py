"""Writes of missions: sign up, cancel, the staff's roster decisions, attendance, and the
waiting list's promotions.

**No over-booking.** Every write that takes or frees a seat runs in one transaction that
first locks the mission's `Roster` row (`select_for_update` on PostgreSQL; on SQLite the
`IMMEDIATE` transactions serialise writers), then decides from fresh counts. The queue
number comes from the roster's counter under the same lock; constraints back both rules
(one live sign-up per person and mission, one queue number per mission).

**Who and when.** Each change is logged on the mission's history with Wagtail's
`log_action` (the actor, the ambassador, the statuses) and the person is emailed, once
the transaction commits, unless they opted out of sign-up news.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from home.services import absolute_url, email_send
from lms.services import badges_evaluate

from . import selectors
from .models import (
    SEATED_STATUSES,
    MissionPage,
    Roster,
    SelectionMode,
    Signup,
    SignupStatus,
)

LOG_ACTIONS = {
    "briefings.signup": _("Sign-up for the mission"),
    "briefings.cancel": _("Sign-up cancelled"),
    "briefings.confirm": _("Participant confirmed"),
    "briefings.decline": _("Sign-up declined"),
    "briefings.waitlist": _("Put on the waiting list by the staff"),
    "briefings.promote": _("Promoted from the waiting list"),
    "briefings.add": _("Participant added by the staff"),
    "briefings.attendance": _("Attendance marked"),
    "briefings.message": _("Email sent to participants"),
}

ERROR_ACKNOWLEDGE = _("Read the briefing and tick the box to sign up.")
ERROR_NOT_CANCELLABLE = _("This sign-up can no longer be cancelled.")
ERROR_DEADLINE = _(
    "The cancellation deadline has passed: write to %(contact)s to withdraw from this mission."
)
ERROR_NO_SEAT = _("No seat is free: raise the number of seats or cancel a participant first.")
ERROR_NOT_WAITING = _("Only a pending or waitlisted sign-up can be confirmed.")
ERROR_NOT_DECLINABLE = _("Only a pending or waitlisted sign-up can be declined.")
ERROR_NOT_STARTED = _("Attendance is marked once the mission has started.")
ERROR_ALREADY = _("This ambassador is already signed up for this mission.")
ERROR_NOT_MEMBER = _("Only an active ambassador can take part in a mission.")


# A sign-up in one of these still waits for the mission (it may be cancelled).
RELEASABLE = (SignupStatus.PENDING, SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


class SignupRefused(Exception):
    """The sign-up or change is refused; `reason` says why, in words for the person."""

    def __init__(self, reason: str, gate: selectors.MissionGate | None = None):
        super().__init__(str(reason))
        self.reason = str(reason)
        self.gate = gate


# --- The lock ---------------------------------------------------------------------------


def _lock(mission: MissionPage) -> Roster:
    """Lock the mission's roster for the rest of the transaction (create it once if the
    page was made without it)."""
    try:
        return Roster.objects.select_for_update().get(mission_id=mission.pk)
    except Roster.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            Roster.objects.create(mission_id=mission.pk)
    except IntegrityError:
        pass  # made at the same time by another request
    return Roster.objects.select_for_update().get(mission_id=mission.pk)


def _next_queue_number(roster: Roster) -> int:
    roster.last_queue_number += 1
    roster.save(update_fields=["last_queue_number"])
    return roster.last_queue_number


def _seated(mission: MissionPage) -> int:
    return Signup.objects.filter(mission_id=mission.pk, status__in=SEATED_STATUSES).count()


def _log(mission: MissionPage, action: str, *, actor, signup: Signup, before: str = "", **data):
    log(
        instance=mission,
        action=action,
        user=actor,
        data={
            "signup": signup.pk,
            "ambassador": signup.user_id,
            "ambassador_name": signup.user.get_full_name() or signup.user.email,
            "before": before,
            "status": signup.status,
            **data,
        },
    )


def _set_status(signup: Signup, status: str, *, now, note: str = "") -> str:
    before = signup.status
    signup.status = status
    signup.status_changed_at = now
    fields = ["status", "status_changed_at"]
    if note:
        signup.status_note = note
        fields.append("status_note")
    signup.save(update_fields=fields)
    return before


# --- Emails -----------------------------------------------------------------------------


def notify(signup: Signup, event: str, **extra) -> None:
    """Email the person about their sign-up (`event`: confirmed, waitlisted, pending,
    promoted, declined, cancelled), after the commit, unless they opted out."""
    from .notifications import signup_email

    signup_email(signup, event, **extra)


# --- Ambassadors ------------------------------------------------------------------------


def signup_create(
    *,
    user,
    mission: MissionPage,
    motivation: str = "",
    listed: bool = False,
    acknowledged: bool = False,
    now: datetime.datetime | None = None,
) -> Signup:
    """Sign `user` up for `mission`: confirmed while seats remain (and nobody waits),
    else waitlisted, or pending when the staff select. The gate is asked again under the
    mission's lock, so a forged or racing request gets the same answer as the page.
    Raises `SignupRefused` with the reason."""
    now = now or timezone.now()
    with transaction.atomic():
        roster = _lock(mission)
        gate = selectors.signup_gate(user=user, mission=mission, now=now)
        if not gate.allowed:
            raise SignupRefused(gate.reason, gate)
        if mission.briefing and not acknowledged:
            raise SignupRefused(ERROR_ACKNOWLEDGE, gate)
        signup = Signup.objects.create(
            mission=mission,
            user=user,
            status=gate.outcome,
            queue_number=_next_queue_number(roster),
            motivation=motivation.strip(),
            listed=listed,
            briefing_acknowledged_at=now if acknowledged else None,
            created_at=now,
            status_changed_at=now,
        )
        _log(mission, "briefings.signup", actor=user, signup=signup)
        notify(signup, str(gate.outcome))
    return signup


def signup_cancel(
    *, signup: Signup, actor, note: str = "", now: datetime.datetime | None = None
) -> Signup:
    """Cancel a live sign-up. The ambassador cancels their own until the cancellation
    deadline; staff (`actor` other than the person) at any time. A seat freed before the
    deadline goes at once to the first on the waiting list who still passes the gate."""
    now = now or timezone.now()
    mission = signup.mission
    with transaction.atomic():
        _lock(mission)
        signup = Signup.objects.select_related("user", "mission").get(pk=signup.pk)
        if signup.status not in RELEASABLE:
            raise SignupRefused(ERROR_NOT_CANCELLABLE)
        by_self = actor is not None and actor.pk == signup.user_id
        if by_self and now >= mission.cancellable_until:
            raise SignupRefused(str(ERROR_DEADLINE) % {"contact": contact_of(mission)})
        before = _set_status(signup, SignupStatus.CANCELLED, now=now, note=note)
        _log(mission, "briefings.cancel", actor=actor, signup=signup, before=before, note=note)
        notify(signup, "cancelled", by_staff=not by_self, note=note)
        if before == SignupStatus.CONFIRMED and now < mission.cancellable_until:
            waitlist_promote(mission=mission, actor=None, now=now)
    return signup


def contact_of(mission: MissionPage) -> str:
    from home.services import _staff_contact_email

    return mission.contact_email or _staff_contact_email() or str(_("the club's staff"))


def waitlist_promote(*, mission: MissionPage, actor, now=None) -> list[Signup]:
    """Give every free seat, in queue order, to those on the waiting list who still pass
    the gate (active, required badges valid); each is emailed. Call under the mission's
    lock (the services that free a seat do). Returns the promoted sign-ups."""
    now = now or timezone.now()
    if mission.selection_mode == SelectionMode.STAFF:
        return []  # the staff choose whom to confirm
    free = mission.seats - _seated(mission)
    if free <= 0:
        return []
    waiting = list(Signup.objects.waitlisted().filter(mission=mission).select_related("user"))
    eligible = selectors.still_eligible(
        user_ids=[s.user_id for s in waiting], mission=mission, now=now
    )
    promoted = []
    for signup in waiting:
        if free <= 0:
            break
        if signup.user_id not in eligible:
            continue
        before = _set_status(signup, SignupStatus.CONFIRMED, now=now)
        # Logged as automatic: Wagtail fills the user in from the request (the person
        # who freed the seat), which is who triggered it, not who chose.
        _log(
            mission, "briefings.promote", actor=actor, signup=signup, before=before, automatic=True
        )
        notify(signup, "promoted")
        promoted.append(signup)
        free -= 1
    return promoted


# --- Staff ------------------------------------------------------------------------------


def signup_confirm(*, signup: Signup, actor, now=None) -> Signup:
    """Staff confirm a pending or waitlisted sign-up, if a seat is free."""
    now = now or timezone.now()
    mission = signup.mission
    with transaction.atomic():
        _lock(mission)
        signup = Signup.objects.select_related("user", "mission").get(pk=signup.pk)
        if signup.status not in (SignupStatus.PENDING, SignupStatus.WAITLISTED):
            raise SignupRefused(ERROR_NOT_WAITING)
        if _seated(mission) >= mission.seats:
            raise SignupRefused(ERROR_NO_SEAT)
        before = _set_status(signup, SignupStatus.CONFIRMED, now=now)
        action = "briefings.promote" if before == SignupStatus.WAITLISTED else "briefings.confirm"
        _log(mission, action, actor=actor, signup=signup, before=before)
        notify(signup, "promoted" if before == SignupStatus.WAITLISTED else "confirmed")
    return signup


def signup_waitlist(*, signup: Signup, actor, now=None) -> Signup:
    """Staff put a pending sign-up on the waiting list (keeping its place in the queue)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(signup.mission)
        signup = Signup.objects.select_related("user", "mission").get(pk=signup.pk)
        if signup.status != SignupStatus.PENDING:
            raise SignupRefused(ERROR_NOT_WAITING)
        before = _set_status(signup, SignupStatus.WAITLISTED, now=now)
        _log(signup.mission, "briefings.waitlist", actor=actor, signup=signup, before=before)
        notify(signup, "waitlisted")
    return signup


def signup_decline(*, signup: Signup, actor, note: str = "", now=None) -> Signup:
    """Staff decline a pending or waitlisted sign-up, with an optional note to the
    person."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(signup.mission)
        signup = Signup.objects.select_related("user", "mission").get(pk=signup.pk)
        if signup.status not in (SignupStatus.PENDING, SignupStatus.WAITLISTED):
            raise SignupRefused(ERROR_NOT_DECLINABLE)
        before = _set_status(signup, SignupStatus.DECLINED, now=now, note=note)
        _log(
            signup.mission,
            "briefings.decline",
            actor=actor,
            signup=signup,
            before=before,
            note=note,
        )
        notify(signup, "declined", note=note)
    return signup


def participant_add(*, mission: MissionPage, user, actor, now=None) -> Signup:
    """Staff add an active ambassador: confirmed if a seat is free, else waitlisted.
    Badges are the staff's call here (the action is logged)."""
    from home.selectors import membership_gate

    now = now or timezone.now()
    if not membership_gate(user).allowed:
        raise SignupRefused(ERROR_NOT_MEMBER)
    with transaction.atomic():
        roster = _lock(mission)
        if Signup.objects.live().filter(mission=mission, user=user).exists():
            raise SignupRefused(ERROR_ALREADY)
        status = (
            SignupStatus.CONFIRMED if _seated(mission) < mission.seats else SignupStatus.WAITLISTED
        )
        signup = Signup.objects.create(
            mission=mission,
            user=user,
            status=status,
            queue_number=_next_queue_number(roster),
            created_at=now,
            status_changed_at=now,
        )
        _log(mission, "briefings.add", actor=actor, signup=signup)
        notify(signup, str(status))
    return signup


def attendance_mark(*, mission: MissionPage, attended: dict[int, bool], actor, now=None) -> int:
    """Mark the roster's attendance in one go: `attended` maps sign-up ids (confirmed,
    or already marked, to correct) to whether the person came. Each attendee's badges are
    evaluated (a mission attended may earn one). Returns how many changed."""
    now = now or timezone.now()
    if now < mission.starts_at:
        raise SignupRefused(ERROR_NOT_STARTED)
    changed = []
    with transaction.atomic():
        _lock(mission)
        signups = Signup.objects.filter(
            mission=mission, pk__in=list(attended), status__in=SEATED_STATUSES
        ).select_related("user")
        for signup in signups:
            status = SignupStatus.ATTENDED if attended[signup.pk] else SignupStatus.NO_SHOW
            if signup.status == status:
                continue
            before = _set_status(signup, status, now=now)
            _log(mission, "briefings.attendance", actor=actor, signup=signup, before=before)
            changed.append(signup)
    for signup in changed:
        if signup.status == SignupStatus.ATTENDED:
            badges_evaluate(user=signup.user, now=now)
    return len(changed)


def participants_email(
    *, mission: MissionPage, statuses: list[str], subject: str, message: str, actor
) -> int:
    """Email the mission's participants in `statuses` (confirmed, waitlisted…): one
    message each, in the staff's words. Logged. Returns how many were emailed."""
    recipients = list(
        Signup.objects.filter(mission=mission, status__in=statuses).select_related("user")
    )
    for signup in recipients:
        email_send(
            to=signup.user.email,
            template="briefings/participants_message",
            context={
                "subject": subject,
                "message": message,
                "mission": mission,
                "mission_url": absolute_url(mission.url or ""),
                "user": signup.user,
            },
        )
    log(
        instance=mission,
        action="briefings.message",
        user=actor,
        data={"statuses": list(statuses), "subject": subject, "count": len(recipients)},
    )
    return len(recipients)


# --- Membership ended, account deleted ---------------------------------------------------


def signups_release(*, user, actor, now=None) -> int:
    """Suspension or leaving: cancel the person's live sign-ups for missions that have
    not started (each freed seat goes to the waiting list the usual way); past sign-ups
    stay as history. Returns how many were cancelled."""
    now = now or timezone.now()
    open_signups = list(
        Signup.objects.filter(
            user=user,
            status__in=RELEASABLE,
            mission__starts_at__gt=now,
        ).select_related("mission", "user")
    )
    for signup in open_signups:
        with transaction.atomic():
            _lock(signup.mission)
            signup.refresh_from_db()
            if signup.status not in RELEASABLE:
                continue
            before = _set_status(signup, SignupStatus.CANCELLED, now=now)
            _log(signup.mission, "briefings.cancel", actor=actor, signup=signup, before=before)
            if before == SignupStatus.CONFIRMED and now < signup.mission.cancellable_until:
                waitlist_promote(mission=signup.mission, actor=None, now=now)
    return len(open_signups)

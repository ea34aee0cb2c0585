"""Reads of `home` that other apps and views rely on."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import AmbassadorProfile, MembershipStatus, User


@dataclass(frozen=True)
class Completeness:
    """How complete a profile is, and which fields (verbose names) are missing."""

    percent: int
    missing: list[str]

    @property
    def is_complete(self) -> bool:
        return not self.missing


def profile_completeness(profile: AmbassadorProfile) -> Completeness:
    fields = AmbassadorProfile.COMPLETENESS_FIELDS
    missing = [
        str(AmbassadorProfile._meta.get_field(name).verbose_name)
        for name in fields
        if not getattr(profile, name)
    ]
    percent = round(100 * (len(fields) - len(missing)) / len(fields))
    return Completeness(percent=percent, missing=missing)


def profile_for(user: User) -> AmbassadorProfile | None:
    """The user's ambassador profile, or None for staff who are not ambassadors."""
    if not user.is_authenticated:
        return None
    try:
        return user.ambassador_profile
    except AmbassadorProfile.DoesNotExist:
        return None


def is_staff_member(user: User) -> bool:
    """Staff reach the Wagtail admin; ambassadors never do."""
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def membership_history(profile: AmbassadorProfile):
    """The membership's recorded changes, newest first, with who acted."""
    from wagtail.models import ModelLogEntry

    return (
        ModelLogEntry.objects.for_instance(profile)
        .filter(action__startswith="home.")
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )


@dataclass(frozen=True)
class Gate:
    """A permission decision with the reason a person can read."""

    allowed: bool
    reason: str = ""


MEMBERSHIP_REASONS = {
    MembershipStatus.INVITED: _(
        "Your invitation has not been accepted yet: open the link we emailed you to choose "
        "your password."
    ),
    MembershipStatus.REQUESTED: _(
        "Your membership request is being reviewed by the club's staff. You will receive an "
        "email as soon as it is answered."
    ),
    MembershipStatus.DECLINED: _(
        "Your membership request was declined. You can write to the club's staff to know more."
    ),
    MembershipStatus.SUSPENDED: _(
        "Your membership is suspended. Courses, missions and project reports are closed "
        "until the staff reactivate it."
    ),
    MembershipStatus.LEFT: _(
        "You have left the club. Your history is kept; write to the staff to come back."
    ),
}
NO_PROFILE_REASON = _(
    "Your account has no ambassador profile. Contact the club's staff if you wish to "
    "become an ambassador."
)


def membership_gate(user: User) -> Gate:
    """May this person learn, sign up for missions and report projects? Only active
    ambassadors may. Every view of those features decides through this function."""
    profile = profile_for(user)
    if profile is None:
        return Gate(False, str(NO_PROFILE_REASON))
    if profile.status == MembershipStatus.ACTIVE:
        return Gate(True)
    return Gate(False, str(MEMBERSHIP_REASONS[profile.status]))

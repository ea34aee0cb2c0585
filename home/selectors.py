"""Reads of `home` that other apps and views rely on."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AmbassadorProfile, User


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

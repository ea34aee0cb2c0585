"""The emails of badges: earned (with the certificate and the verification page), 30 days
before expiry, and on expiry. Each is sent once per award, through
`home.services.notification_send_once` (its key names the message and the award), so a
second call or a second daily run sends nothing more.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from home.services import absolute_url, notification_send_once

from . import badge_selectors
from .models import BadgeAward

EXPIRY_NOTICE = datetime.timedelta(days=30)
"""How long before an award expires its holder is reminded (the renewal window)."""

EXPIRED_CATCH_UP = datetime.timedelta(days=7)
"""An expiry missed by the daily work (it did not run) is still announced this long
after; older expiries are not news any more."""

TEMPLATE_EARNED = "badge_earned"
TEMPLATE_EXPIRING = "badge_expiring"
TEMPLATE_EXPIRED = "badge_expired"


def key_earned(award: BadgeAward) -> str:
    return f"badge-earned:award-{award.pk}"


def key_expiring(award: BadgeAward) -> str:
    return f"badge-expiry-30:award-{award.pk}"


def key_expired(award: BadgeAward) -> str:
    return f"badge-expired:award-{award.pk}"


def award_notify(award: BadgeAward) -> None:
    """Tell the holder they earned `award`, once the current transaction commits (an
    award rolled back announces nothing). Call it right after an award is made."""
    transaction.on_commit(lambda: _send(award, key_earned(award), TEMPLATE_EARNED))


def expiry_reminders_send(*, today: datetime.date) -> int:
    """The daily reminders: 30 days before an award expires, and once it has expired.
    Returns how many emails were sent now (none a second time)."""
    sent = 0
    for award in badge_selectors.awards_expiring(today=today, within=EXPIRY_NOTICE):
        sent += _send(award, key_expiring(award), TEMPLATE_EXPIRING)
    for award in badge_selectors.awards_expired(today=today, within=EXPIRED_CATCH_UP):
        sent += _send(award, key_expired(award), TEMPLATE_EXPIRED)
    return sent


def email_context(award: BadgeAward) -> dict:
    """The links and French dates an award's emails show (absolute links)."""
    certificate = badge_selectors.certificate_path(award)
    with translation.override(settings.LANGUAGE_CODE):
        expires_on = (
            date_format(timezone.localtime(award.expires_at), "DATE_FORMAT")
            if award.expires_at
            else ""
        )
    return {
        "user": award.user,
        "award": award,
        "badge": award.badge,
        "expires_on": expires_on,
        "certificate_url": absolute_url(certificate) if certificate else "",
        "verification_url": badge_selectors.verification_url(award),
        "mon_espace_url": absolute_url(reverse("home:mon_espace")),
    }


def _send(award: BadgeAward, key: str, template: str) -> bool:
    # In the agency's language (French) whatever the caller's: daily jobs have none.
    with translation.override(settings.LANGUAGE_CODE):
        return notification_send_once(
            key=key, recipient=award.user, template=template, context=email_context(award)
        )

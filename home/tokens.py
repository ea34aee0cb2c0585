"""Signed, expiring, one-time links: the invitation to set a password, and the
confirmation of a new email address.

Each token carries a fingerprint of the state it may change (the password hash and last
sign-in for an invitation, the current email for an email change): once used, the state
has moved on and the token says so, distinctly from an expired or tampered one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import User

INVITATION_MAX_AGE = datetime.timedelta(days=7)
EMAIL_CHANGE_MAX_AGE = datetime.timedelta(days=2)

_INVITATION_SALT = "home.tokens.invitation"
_EMAIL_CHANGE_SALT = "home.tokens.email-change"


class TokenProblem(StrEnum):
    EXPIRED = "expired"
    USED = "used"  # the password was set (or the email changed) with it, or since
    SUPERSEDED = "superseded"  # a newer invitation replaced it
    INVALID = "invalid"


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking a token: the user it names (when it names one, even if
    expired or used, so a new link can be offered) and what is wrong, if anything."""

    user: User | None
    problem: TokenProblem | None = None
    data: dict | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and self.user is not None


def _fingerprint(purpose: str, value: str) -> str:
    return salted_hmac(purpose, value, algorithm="sha256").hexdigest()[:20]


def _invitation_state(user: User) -> str:
    return _fingerprint(_INVITATION_SALT, f"{user.password}|{user.last_login}")


def _email_state(user: User) -> str:
    return _fingerprint(_EMAIL_CHANGE_SALT, user.email)


def _check(token: str, *, salt: str, max_age: datetime.timedelta) -> tuple[dict | None, bool]:
    """The payload and whether it expired; (None, False) when tampered."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age), False
    except signing.SignatureExpired:
        return signing.loads(token, salt=salt), True
    except signing.BadSignature:
        return None, False


def _user(payload: dict | None) -> User | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    return User.objects.filter(pk=payload["u"]).first()


def invitation_token_make(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _invitation_state(user)}, salt=_INVITATION_SALT)


def invitation_token_check(token: str) -> TokenCheck:
    payload, expired = _check(token, salt=_INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    user = _user(payload)
    if user is None:
        return TokenCheck(user=None, problem=TokenProblem.INVALID)
    if not constant_time_compare(payload.get("s", ""), _invitation_state(user)):
        problem = TokenProblem.USED if user.has_usable_password() else TokenProblem.SUPERSEDED
        return TokenCheck(user=user, problem=problem)
    if expired:
        return TokenCheck(user=user, problem=TokenProblem.EXPIRED)
    return TokenCheck(user=user)


def email_change_token_make(user: User, new_email: str) -> str:
    return signing.dumps(
        {"u": user.pk, "e": new_email, "s": _email_state(user)}, salt=_EMAIL_CHANGE_SALT
    )


def email_change_token_check(token: str) -> TokenCheck:
    payload, expired = _check(token, salt=_EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    user = _user(payload)
    if user is None or not isinstance(payload.get("e"), str):
        return TokenCheck(user=None, problem=TokenProblem.INVALID)
    if not constant_time_compare(payload.get("s", ""), _email_state(user)):
        return TokenCheck(user=user, problem=TokenProblem.USED)
    if expired:
        return TokenCheck(user=user, problem=TokenProblem.EXPIRED)
    return TokenCheck(user=user, data={"email": payload["e"]})

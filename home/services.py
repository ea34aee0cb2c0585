"""Writes of `home`. Other apps call these rather than writing `home`'s models."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from . import hooks
from .models import (
    AmbassadorProfile,
    HomePage,
    MembershipStatus,
    NotificationLog,
    SiteSettings,
    User,
)
from .tasks import send_email


def absolute_url(path: str, *, request=None) -> str:
    """An absolute link to `path`: the request's own host when there is a request,
    otherwise the configured `BASE_URL` (emails sent by tasks, QR codes, .ics files)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.BASE_URL}{path}"


def email_send(
    *,
    to: str | list[str],
    template: str,
    context: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> None:
    """Render `templates/emails/<template>` (`_subject.txt`, `.txt`, `.html`) and send it
    through the task queue once the current transaction commits, so an email never
    announces something that was rolled back.

    The message is rendered now, in `language` (default: the active one), with
    ``base_url`` in its context for absolute links.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    full_context = {"base_url": settings.BASE_URL, **(context or {})}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", full_context)
        text_body = render_to_string(f"emails/{template}.txt", full_context)
        html_body = render_to_string(f"emails/{template}.html", full_context)
    subject = " ".join(subject.split())  # a header must be a single line
    transaction.on_commit(
        lambda: send_email.enqueue(
            to=recipients, subject=subject, text_body=text_body, html_body=html_body
        )
    )


def notification_send_once(
    *,
    key: str,
    recipient: User,
    template: str,
    context: Mapping[str, Any] | None = None,
) -> bool:
    """Send a dated notification unless one with the same `key` was already sent.

    `key` names the message and its date, e.g. ``badge-expiry-30:award-42``. The unique
    row in `NotificationLog` is the guarantee: two runs at once cannot both insert it.
    Returns whether the email was sent now.
    """
    try:
        with transaction.atomic():
            NotificationLog.objects.create(key=key, recipient=recipient)
            email_send(to=recipient.email, template=template, context=context)
    except IntegrityError:
        return False
    return True


def site_tree_ensure(*, title: str = "Accueil") -> HomePage:
    """Make sure the site has its page tree: the default locale, the root page and
    collection, one `HomePage` under the root, and the default `Site` serving it.

    Idempotent. `seed_demo` calls it, and so do the tests after a database flush
    (which deletes the tree the migrations created). Wagtail's placeholder welcome
    page, if still there, is removed once the home page replaces it.
    """
    from wagtail.models import Collection, Locale, Page, Site

    locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        root = Page.add_root(title="Root", slug="root", locale=locale)

    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title=title, slug="accueil", locale=locale))

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])

    placeholder = Page.objects.filter(
        depth=2, content_type__app_label="wagtailcore", content_type__model="page"
    ).exclude(pk=home.pk)
    for page in placeholder:
        page.delete()
    return home


# --- Membership ---------------------------------------------------------------------
#
# Every change of an ambassador's standing goes through `_status_move`, which refuses
# transitions the state machine does not allow and records who acted, when and why in
# Wagtail's log (shown as the membership history on the *fiche ambassadeur*).

MEMBERSHIP_TRANSITIONS: dict[str, set[str]] = {
    MembershipStatus.INVITED: {MembershipStatus.ACTIVE, MembershipStatus.INVITED},
    MembershipStatus.REQUESTED: {MembershipStatus.INVITED, MembershipStatus.DECLINED},
    MembershipStatus.ACTIVE: {MembershipStatus.SUSPENDED, MembershipStatus.LEFT},
    MembershipStatus.SUSPENDED: {MembershipStatus.ACTIVE, MembershipStatus.LEFT},
    MembershipStatus.DECLINED: {MembershipStatus.INVITED},
    MembershipStatus.LEFT: {MembershipStatus.INVITED},
}

LOG_ACTIONS = {
    "home.invite": _("Invited"),
    "home.request": _("Asked to join"),
    "home.approve": _("Membership request approved"),
    "home.decline": _("Membership request declined"),
    "home.accept": _("Invitation accepted"),
    "home.suspend": _("Suspended"),
    "home.reactivate": _("Reactivated"),
    "home.leave": _("Left the club"),
    "home.delete_account": _("Account deleted"),
    "home.email_change": _("Email address changed"),
}

ERROR_TRANSITION = _("This change is not possible: the membership is “%(status)s”.")
ERROR_REASON_REQUIRED = _("Give a reason: the ambassador will read it.")
ERROR_EMAIL_TAKEN = _("This email address is already used by another account.")
ERROR_ACCOUNT_WITHOUT_PROFILE = _(
    "This address already has an account without an ambassador profile. Ask an "
    "administrator to look at it."
)
ERROR_STAFF_ACCOUNT = _(
    "This address belongs to a staff account, which cannot be invited as an ambassador."
)


class MembershipError(ValueError):
    """A membership change that the rules refuse; its message is for the person acting."""


def _status_move(
    profile: AmbassadorProfile,
    *,
    to: str,
    action: str,
    actor: User | None,
    reason: str = "",
    only_from: Iterable[str] | None = None,
) -> AmbassadorProfile:
    """Move the membership to `to`, if the state machine allows it from where it stands
    (and, for actions that only make sense from some states, if it stands in `only_from`)."""
    allowed = to in MEMBERSHIP_TRANSITIONS[profile.status]
    if not allowed or (only_from is not None and profile.status not in only_from):
        raise MembershipError(ERROR_TRANSITION % {"status": profile.get_status_display()})
    previous = profile.status
    profile.status = to
    profile.status_changed_at = timezone.now()
    profile.status_reason = reason
    profile.save(update_fields=["status", "status_changed_at", "status_reason"])
    log(
        instance=profile,
        action=action,
        user=actor,
        data={"from": previous, "to": to, "reason": reason},
    )
    return profile


def _locked(profile: AmbassadorProfile) -> AmbassadorProfile:
    """The profile re-read under a row lock, so two staff acting at once cannot both move
    it from the same state (no-op on SQLite, where IMMEDIATE transactions serialise)."""
    return AmbassadorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)


def invitation_send(*, profile: AmbassadorProfile, actor: User | None) -> None:
    """Email a fresh one-time link to set a password (valid 7 days). Any earlier link of
    this person stops working: the unusable password is renewed."""
    from .tokens import INVITATION_MAX_AGE, invitation_token_make

    user = profile.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    profile.invited_at = timezone.now()
    profile.save(update_fields=["invited_at"])
    token = invitation_token_make(user)
    email_send(
        to=user.email,
        template="invitation",
        context={
            "user": user,
            "link": absolute_url(reverse("home:invitation", kwargs={"token": token})),
            "days": INVITATION_MAX_AGE.days,
            "inviter": actor,
        },
    )


@transaction.atomic
def ambassador_invite(
    *,
    email: str,
    actor: User | None,
    first_name: str = "",
    last_name: str = "",
    profile_fields: Mapping[str, Any] | None = None,
) -> tuple[AmbassadorProfile, bool]:
    """Invite a person by email: create the account (no usable password) and its profile
    as `invited`, and send the invitation. Inviting someone who already has a profile
    re-invites them only if they had declined or left; otherwise it changes nothing.
    Staff accounts are refused (`MembershipError`). Returns the profile and whether an
    invitation was sent."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    profile = AmbassadorProfile.objects.filter(user=user).first()
    if profile is None and (user.is_staff or user.is_superuser or user.groups.exists()):
        raise MembershipError(ERROR_STAFF_ACCOUNT)
    if profile is None and user.pk is not None and user.has_usable_password():
        # An account someone already signs in with: inviting would lock them out.
        raise MembershipError(ERROR_ACCOUNT_WITHOUT_PROFILE)
    if profile is None:
        profile = AmbassadorProfile(user=user, **(profile_fields or {}))
        profile.full_clean(exclude=["user"])
        profile.save()
        log(instance=profile, action="home.invite", user=actor, data={"to": profile.status})
    elif profile.status in (MembershipStatus.DECLINED, MembershipStatus.LEFT):
        _status_move(
            _locked(profile), to=MembershipStatus.INVITED, action="home.invite", actor=actor
        )
    else:
        return profile, False
    invitation_send(profile=profile, actor=actor)
    return profile, True


@transaction.atomic
def invitation_resend(*, profile: AmbassadorProfile, actor: User | None) -> None:
    profile = _locked(profile)
    if profile.status != MembershipStatus.INVITED:
        raise MembershipError(ERROR_TRANSITION % {"status": profile.get_status_display()})
    log(
        instance=profile,
        action="home.invite",
        user=actor,
        data={"to": profile.status, "resent": True},
    )
    invitation_send(profile=profile, actor=actor)


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> AmbassadorProfile:
    """The invited person chose a password: the account is theirs and they are active."""
    profile = _locked(user.ambassador_profile)
    user.set_password(password)
    user.save(update_fields=["password"])
    _status_move(
        profile,
        to=MembershipStatus.ACTIVE,
        action="home.accept",
        actor=user,
        only_from={MembershipStatus.INVITED},
    )
    return profile


@transaction.atomic
def membership_request_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    profile_fields: Mapping[str, Any],
    message: str = "",
) -> AmbassadorProfile | None:
    """A newcomer asks to join ("Devenir ambassadeur"). Creates the account without a
    password and the profile as `requested`, and tells the staff. If the address already
    has an account, nothing is created and the person is emailed instead (the form's
    answer stays the same, so it reveals nothing). Returns the new profile, if any."""
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        email_send(
            to=existing.email, template="membership_request_existing", context={"user": existing}
        )
        return None
    user = User(email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    profile = AmbassadorProfile(
        user=user,
        status=MembershipStatus.REQUESTED,
        request_message=message,
        data_consent_at=timezone.now(),
        **profile_fields,
    )
    profile.full_clean(exclude=["user"])
    profile.save()
    log(instance=profile, action="home.request", user=user, data={"to": profile.status})
    email_send(to=user.email, template="membership_request_received", context={"user": user})
    staff_email = _staff_contact_email()
    if staff_email:
        email_send(
            to=staff_email,
            template="membership_request_staff",
            context={
                "user": user,
                "profile": profile,
                "link": absolute_url(_admin_profile_path(profile)),
            },
        )
    return profile


@transaction.atomic
def membership_approve(*, profile: AmbassadorProfile, actor: User) -> AmbassadorProfile:
    """Staff accept a request: the person is invited to set their password."""
    profile = _locked(profile)
    _status_move(
        profile,
        to=MembershipStatus.INVITED,
        action="home.approve",
        actor=actor,
        only_from={MembershipStatus.REQUESTED},
    )
    invitation_send(profile=profile, actor=actor)
    return profile


@transaction.atomic
def membership_decline(
    *, profile: AmbassadorProfile, actor: User, message: str = ""
) -> AmbassadorProfile:
    """Staff decline a request; the person is told, with the staff's message if any."""
    profile = _locked(profile)
    _status_move(
        profile, to=MembershipStatus.DECLINED, action="home.decline", actor=actor, reason=message
    )
    email_send(
        to=profile.user.email,
        template="membership_declined",
        context={"user": profile.user, "message": message},
    )
    return profile


@transaction.atomic
def membership_suspend(
    *, profile: AmbassadorProfile, actor: User, reason: str
) -> AmbassadorProfile:
    """Suspend an active ambassador. Every app releases what they held (mission seats)
    through `MEMBERSHIP_ENDED`; their history stays. They are told why."""
    if not reason.strip():
        raise MembershipError(ERROR_REASON_REQUIRED)
    profile = _locked(profile)
    _status_move(
        profile,
        to=MembershipStatus.SUSPENDED,
        action="home.suspend",
        actor=actor,
        reason=reason.strip(),
    )
    hooks.end_membership_parts(profile.user, status=MembershipStatus.SUSPENDED, actor=actor)
    email_send(
        to=profile.user.email,
        template="membership_suspended",
        context={"user": profile.user, "reason": profile.status_reason},
    )
    return profile


@transaction.atomic
def membership_reactivate(*, profile: AmbassadorProfile, actor: User) -> AmbassadorProfile:
    profile = _locked(profile)
    _status_move(
        profile,
        to=MembershipStatus.ACTIVE,
        action="home.reactivate",
        actor=actor,
        only_from={MembershipStatus.SUSPENDED},
    )
    email_send(
        to=profile.user.email, template="membership_reactivated", context={"user": profile.user}
    )
    return profile


@transaction.atomic
def membership_leave(*, profile: AmbassadorProfile) -> AmbassadorProfile:
    """The ambassador leaves the club. Apps release what they held; history stays."""
    profile = _locked(profile)
    _status_move(profile, to=MembershipStatus.LEFT, action="home.leave", actor=profile.user)
    hooks.end_membership_parts(profile.user, status=MembershipStatus.LEFT, actor=profile.user)
    return profile


# --- The person's own account -------------------------------------------------------

PROFILE_EDITABLE_FIELDS = frozenset(
    AmbassadorProfile.COMPLETENESS_FIELDS
    + AmbassadorProfile.NOTIFICATION_FIELDS
    + AmbassadorProfile.CONSENT_FIELDS
)


@transaction.atomic
def profile_update(
    *, profile: AmbassadorProfile, first_name: str, last_name: str, fields: Mapping[str, Any]
) -> AmbassadorProfile:
    """The person updates their own profile. Only the fields they own are written
    (`update_fields`), so a status change made by staff meanwhile is never overwritten."""
    unknown = set(fields) - PROFILE_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable by the ambassador: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user"])
    user = profile.user
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    profile.save(update_fields=sorted(fields))
    return profile


def email_change_request(*, user: User, new_email: str) -> None:
    """Send a confirmation link to the new address; nothing changes until it is opened."""
    from .tokens import EMAIL_CHANGE_MAX_AGE, email_change_token_make

    new_email = User.objects.normalize_email(new_email).strip().lower()
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise MembershipError(ERROR_EMAIL_TAKEN)
    token = email_change_token_make(user, new_email)
    email_send(
        to=new_email,
        template="email_change",
        context={
            "user": user,
            "new_email": new_email,
            "link": absolute_url(reverse("home:email_change_confirm", kwargs={"token": token})),
            "days": EMAIL_CHANGE_MAX_AGE.days,
        },
    )


@transaction.atomic
def email_change_confirm(*, user: User, new_email: str) -> User:
    """Apply a confirmed email change; the old address is told."""
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise MembershipError(ERROR_EMAIL_TAKEN)
    old_email = user.email
    user.email = new_email
    user.save(update_fields=["email"])
    profile = AmbassadorProfile.objects.filter(user=user).first()
    if profile is not None:
        log(
            instance=profile,
            action="home.email_change",
            user=user,
            data={"from": old_email, "to": new_email},
        )
    email_send(
        to=old_email, template="email_changed", context={"user": user, "new_email": new_email}
    )
    return user


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the person, as JSON-serialisable data: the
    account, the profile and its history here, then each app's part
    (`PERSONAL_DATA_EXPORT`)."""
    from .selectors import membership_history

    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
    }
    profile = AmbassadorProfile.objects.filter(user=user).first()
    if profile is not None:
        data["profile"] = {
            field.name: _json_value(getattr(profile, field.name))
            for field in AmbassadorProfile._meta.concrete_fields
            if field.name not in {"id", "user"}
        }
        data["membership_history"] = [
            {"at": entry.timestamp.isoformat(), "action": entry.action, **(entry.data or {})}
            for entry in membership_history(profile)
        ]
    data.update(hooks.personal_data_parts(user))
    return data


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the person's account: each app anonymises what it holds
    (`ACCOUNT_DELETION`), then the account and profile lose everything personal. The
    agency's records (reports, attendance, the log) stay, without the person."""
    profile = AmbassadorProfile.objects.filter(user=user).first()
    if profile is not None and profile.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.SUSPENDED,
    ):
        hooks.end_membership_parts(user, status=MembershipStatus.LEFT, actor=user)
    hooks.delete_account_parts(user)
    if profile is not None:
        log(
            instance=profile,
            action="home.delete_account",
            user=None,
            data={"to": MembershipStatus.LEFT},
        )
        for name in AmbassadorProfile.COMPLETENESS_FIELDS + ("request_message", "status_reason"):
            field = AmbassadorProfile._meta.get_field(name)
            setattr(profile, name, field.get_default())
        profile.status = MembershipStatus.LEFT
        profile.status_changed_at = timezone.now()
        profile.consent_contact = profile.consent_directory = False
        profile.save()
    user.email = f"compte-supprime-{user.pk}@invalid.example"
    user.first_name = ""
    user.last_name = _("Deleted account")
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])


def _json_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "code"):  # django-countries' Country
        return value.code
    return value


def _staff_contact_email() -> str:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return SiteSettings.for_site(site).contact_email if site else ""


def _admin_profile_path(profile: AmbassadorProfile) -> str:
    return reverse("ambassadors:inspect", args=[profile.pk])

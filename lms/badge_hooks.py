"""Badges in `home`'s extension points: Mon espace's "My badges" panel, the *fiche
ambassadeur*'s "Badges" section (the same data), the personal-data export's "badges"
part, account deletion, and the daily expiry reminders. Imported by
`lms.wagtail_hooks`, which registers them with Wagtail's hooks."""

from django.utils.translation import gettext as _
from wagtail import hooks

from home import hooks as home_hooks
from home.admin_views import Action, staff_may

from . import badge_emails, badge_selectors


@hooks.register(home_hooks.MON_ESPACE_PANELS, order=12)
def my_badges_panel(request, profile):
    """Mon espace's "My badges": earned badges by state (valid, expiring soon, expired,
    revoked) with their certificate, verification page and Open Badge image; the badges
    to earn or renew with their checklist. Nothing when there are no badges at all."""
    badges = badge_selectors.my_badges(user=request.user)
    if not badges:
        return None
    return home_hooks.Panel(
        title=_("My badges"),
        template_name="lms/panels/my_badges.html",
        context={"badges": badges},
        slug="my-badges",
    )


@hooks.register(home_hooks.AMBASSADOR_SECTIONS, order=12)
def badges_section(request, ambassador):
    """The fiche's "Badges": what the person sees in Mon espace, for staff who may see
    ambassadors (the certificate links work for them too)."""
    if not staff_may(request.user, Action.VIEW):
        return None
    return home_hooks.Panel(
        title=_("Badges"),
        template_name="lms/panels/ambassador_badges.html",
        context={"badges": badge_selectors.my_badges(user=ambassador), "person": ambassador},
        slug="lms-badges",
    )


@hooks.register(home_hooks.PERSONAL_DATA_EXPORT, order=12)
def personal_data_part(user):
    """Each award: badge, issued, expires, status, verification URL, evidence."""
    return "badges", badge_selectors.personal_data(user=user)


@hooks.register(home_hooks.ACCOUNT_DELETION, order=12)
def account_deletion_part(user):
    """Keep the awards, attached to the anonymised account.

    An award is the agency's record (who earned what, when, on what evidence) and
    revoking it would misstate history. Once `home.services.account_delete` has removed
    the account's name and email, the public verification page and the Open Badges
    assertion name nobody: they show the anonymised account's name, and the recipient
    hash was made from an email address that is no longer stored. Nothing to do here,
    on purpose; this hook exists to record the choice.
    """


@hooks.register(home_hooks.DAILY_WORK, order=12)
def badge_expiry_reminders(*, today):
    """Email each holder 30 days before their award expires and once it has expired,
    each once; returns how many emails were sent."""
    return badge_emails.expiry_reminders_send(today=today)

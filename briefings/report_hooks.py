"""Project reports in `home`'s extension points: the daily removal of old contact
details (retention) and account deletion. Imported by `briefings.wagtail_hooks`."""

from wagtail import hooks

from home import hooks as home_hooks

from . import report_services
from .report_services import REPORT_LOG_ACTIONS


@hooks.register("register_log_actions")
def register_report_log_actions(actions):
    for action, label in REPORT_LOG_ACTIONS.items():
        actions.register_action(action, label, label)


@hooks.register(home_hooks.DAILY_WORK, order=31)
def report_contacts_retention(*, today):
    """Clear the contact details of reports closed longer ago than the retention period."""
    return report_services.contacts_anonymise(today=today)


@hooks.register(home_hooks.ACCOUNT_DELETION, order=31)
def report_author_forget(user):
    """Drafts go; sent reports stay for the agency, by the anonymised account."""
    report_services.author_forget(user=user)


@hooks.register("before_delete_user")
def keep_reporters(request, user):
    """A person who reported projects is not deleted from the admin's user list (their
    reports are the agency's and name their author): the page says to delete the account
    instead, which keeps the reports with the author anonymised."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from .models import ProjectReport

    if ProjectReport.objects.filter(author=user).exists():
        messages.error(
            request,
            _(
                "%(name)s reported projects to the agency: their account cannot be deleted "
                "from here. Ask them to delete it from “My data” (their reports stay, "
                "anonymised), or deactivate it."
            )
            % {"name": user.get_full_name() or user.email},
        )
        return redirect("wagtailusers_users:edit", user.pk)
    return None

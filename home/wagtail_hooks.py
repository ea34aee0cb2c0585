"""`home` in the Wagtail admin: the ambassadors (list, *fiche ambassadeur*, invitations,
CSV import — see `admin_views`) and the log actions of their membership history."""

from wagtail import hooks

from . import imports
from .admin_views import AmbassadorViewSet
from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    for action, label in (LOG_ACTIONS | imports.LOG_ACTIONS).items():
        actions.register_action(action, label, label)


@hooks.register("register_admin_viewset")
def register_ambassador_viewset():
    return AmbassadorViewSet()

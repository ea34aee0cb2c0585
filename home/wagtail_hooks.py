"""`home` in the Wagtail admin: membership log actions (more below as the admin grows)."""

from wagtail import hooks

from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)

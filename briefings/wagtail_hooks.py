"""`briefings` in the Wagtail admin and in `home`'s extension points.

Wagtail loads this module; the hooks live in two modules by audience:
- `admin_hooks`: the staff's side (roster views, buttons, menu entries);
- `ambassador_hooks`: `home.hooks` (Mon espace's "Mes missions", the *fiche*'s section,
  the personal-data export, account deletion, suspension or leaving, the daily work and
  the main menu).
"""

from wagtail import hooks

from . import admin_hooks, ambassador_hooks, demo  # noqa: F401  (they register their hooks)
from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_mission_log_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)

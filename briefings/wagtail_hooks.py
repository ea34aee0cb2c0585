"""`briefings` in the Wagtail admin and in `home`'s extension points.

Wagtail loads this module; the hooks live in modules by subject and audience:
- `admin_hooks`: the staff's side of missions (roster views, buttons, menu entries);
- `ambassador_hooks`: missions in `home.hooks` (Mon espace's "Mes missions", the
  *fiche*'s section, the personal-data export, account deletion, suspension or leaving,
  the daily work and the main menu);
- `report_admin_hooks`, `report_ambassador_hooks`, `report_hooks`: the same for project
  reports (the pipeline; "Signaler un projet", Mes signalements, the fiche, the export;
  retention and account deletion);
- `demo`, `report_demo`: `seed_demo`'s missions and reports.
"""

from wagtail import hooks

from . import (  # noqa: F401  (they register their hooks)
    admin_hooks,
    ambassador_hooks,
    dashboard_hooks,
    demo,
    report_admin_hooks,
    report_ambassador_hooks,
    report_demo,
    report_hooks,
)
from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_mission_log_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)

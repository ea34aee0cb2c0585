"""`home` in the Wagtail admin: the ambassadors (list, *fiche ambassadeur*, invitations,
CSV import — see `admin_views`), the log actions of their membership history, and the
staff dashboard (the admin home's panels and /admin/tableau-de-bord/, see
`dashboard_views`)."""

from django.urls import include, path
from wagtail import hooks

from . import dashboard_views, imports
from .admin_views import AmbassadorViewSet
from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    for action, label in (LOG_ACTIONS | imports.LOG_ACTIONS).items():
        actions.register_action(action, label, label)


@hooks.register("register_admin_viewset")
def register_ambassador_viewset():
    return AmbassadorViewSet()


# --- The staff dashboard (home.dashboard_views) ---------------------------------------


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [
        path(
            "tableau-de-bord/",
            include((dashboard_views.urlpatterns, "dashboard"), namespace="dashboard"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return dashboard_views.menu_item()


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    dashboard_views.homepage_panels(request, panels)

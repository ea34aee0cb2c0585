"""Missions in the Wagtail admin: the “Missions” menu entry (upcoming and recent missions
with their counts), each mission's roster and its actions under /admin/missions/, and a
“Participants” entry in a mission page's menus (its edit view's header and the page
listing). See `admin_views`; who sees them is decided by `admin_views.roster_staff_may`.
"""

from django.urls import include, path
from wagtail import hooks

from . import admin_views


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [
        path(
            "missions/",
            include((admin_views.urlpatterns, "mission_rosters"), namespace="mission_rosters"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_missions_menu_item():
    return admin_views.menu_item()


@hooks.register("register_page_header_buttons")
def participants_header_button(page, user, view_name, next_url=None):
    yield admin_views.ParticipantsButton(page=page, priority=80)


@hooks.register("register_page_listing_more_buttons")
def participants_listing_button(page, user, next_url=None):
    yield admin_views.ParticipantsButton(page=page, priority=55)

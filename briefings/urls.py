"""`briefings`'s own URLs (the missions themselves are Wagtail pages with routes).
Mounted at the site's root by `config/urls.py`, before Wagtail's page serving."""

from django.urls import path, re_path

from . import calendar_views

app_name = "briefings"

urlpatterns = [
    # A mission's files (see `calendar_views.mission_file`): "/missions/<slug>/mission.ics".
    re_path(
        r"^(?P<path>(?:[\w\-]+/)+)(?P<filename>mission\.ics|dossier\.pdf)$",
        calendar_views.mission_file,
        name="mission_file",
    ),
    path("calendrier/<slug:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path(
        "mon-espace/calendrier/renouveler/",
        calendar_views.calendar_renew,
        name="calendar_renew",
    ),
]

"""The ambassador's badge URLs (the public verification and Open Badges ones live
apart). Mounted at the site's root by `config/urls.py`."""

from django.urls import path

from . import badge_views

app_name = "lms_badges"

urlpatterns = [
    path(
        "mon-espace/badges/<uuid:uuid>/certificat.pdf",
        badge_views.certificate,
        name="certificate",
    ),
]

"""The site's URLs plus the bench's bare form POST (`views.bare_form_post`), before
Wagtail's page serving, which answers every other URL. Used by `bench.settings` only."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

from . import views

BARE_FORM_PATH = "/banc-d-essai/formulaire/"

urlpatterns = [
    path(BARE_FORM_PATH.strip("/") + "/", views.bare_form_post, name="bench_bare_form_post"),
    *site_urlpatterns,
]

"""The public badge URLs: the verification page and the Open Badges 2.0 documents and
images (`lms.verification_views`). Included at the site's root by `config/urls.py`."""

from django.urls import path

from . import verification_views as views

app_name = "openbadges"

urlpatterns = [
    # Identifiers are matched as text and checked by the views, so a malformed one gets
    # the same clear 404 as an unknown one.
    path("verifier/<str:uuid>/", views.verify, name="verify"),
    path("badges/issuer.json", views.issuer, name="issuer"),
    # Before the assertions: a badge whose slug is "assertions" keeps its class, and no
    # assertion's identifier is "class".
    path("badges/<slug:slug>/class.json", views.badge_class, name="badge_class"),
    path("badges/<slug:slug>/image.png", views.badge_image, name="badge_image"),
    path("badges/assertions/<str:uuid>.json", views.assertion, name="assertion"),
    path("badges/assertions/<str:uuid>.png", views.baked_image, name="baked_image"),
]

"""`lms`'s own URLs (the pages themselves are served by Wagtail)."""

from django.urls import path

from . import search

app_name = "lms"

urlpatterns = [
    path("recherche/", search.search, name="search"),
]

"""Shared fixtures: personas, the page tree, and the rule that a test fails if it logs an
error (mark it `allow_error_logs` when the error is the point)."""

import logging

import pytest
from django.test import Client

from home.groups import EQUIPE, RESPONSABLES
from home.services import site_tree_ensure

from .factories import PASSWORD, AmbassadorProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def _fail_on_logged_errors(request, caplog):
    """A test fails if anything logs at ERROR or above during it."""
    caplog.set_level(logging.WARNING)
    yield
    if request.node.get_closest_marker("allow_error_logs"):
        return
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    if errors:
        pytest.fail(
            "The test logged errors:\n" + "\n".join(f"{r.name}: {r.getMessage()}" for r in errors)
        )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: page ids and publication times repeat from
    one test's database to the next, so a fragment or an outline cached by one test must
    not be read by another."""
    from django.core.cache import caches

    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _page_tree(request):
    """`transactional_db` and `live_server` flush the database after each test, deleting
    the root page, locale, site and groups that migrations created. Rebuild them before
    every such test (a no-op when they are there)."""
    names = set(request.fixturenames)
    if not names & {"transactional_db", "live_server"}:
        return
    request.getfixturevalue("transactional_db")
    _rebuild_tree()


def _rebuild_tree():
    from django.apps import apps

    from home.groups import ensure_groups

    site_tree_ensure()
    ensure_groups(apps)


@pytest.fixture
def home_page(db):
    """The site's home page, serving the default site."""
    return site_tree_ensure()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def ambassador(db):
    """An active ambassador with a complete profile."""
    return AmbassadorProfileFactory(
        user__email="ambassadrice@exemple.fr", user__first_name="Camille"
    ).user


@pytest.fixture
def staff(db):
    """A member of *Équipe*."""
    return UserFactory(email="equipe@exemple.fr", is_staff=True, groups=[EQUIPE])


@pytest.fixture
def manager(db):
    """A member of *Responsables*."""
    return UserFactory(email="responsable@exemple.fr", is_staff=True, groups=[RESPONSABLES])


@pytest.fixture
def signed_in(client):
    """`signed_in(user)` returns a client signed in as `user`."""

    def sign_in(user) -> Client:
        client.force_login(user)
        return client

    return sign_in

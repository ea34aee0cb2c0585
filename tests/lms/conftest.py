"""Fixtures shared by the lms tests (the builders are in `test_progress.py`)."""

import pytest

from tests.lms.test_progress import add_catalogue, add_course


@pytest.fixture
def catalogue(home_page):
    """The catalogue at /parcours/ under the home page."""
    return add_catalogue(home_page)


@pytest.fixture
def course(catalogue):
    """A live course of three live lessons."""
    return add_course(catalogue, "Détecter un projet d'implantation", lessons=3)

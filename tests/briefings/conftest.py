"""Fixtures of the missions tests (builders in `builders.py`)."""

import pytest

from tests.briefings.builders import add_badge, add_index, add_mission, give_badge


@pytest.fixture
def index(home_page):
    """The list of missions at /missions/."""
    return add_index(home_page)


@pytest.fixture
def badge(home_page):
    """ "Ambassadeur salon", earned by completing a one-lesson course."""
    return add_badge(home_page)


@pytest.fixture
def mission(index, badge):
    """A first-come trade fair in 30 days, 2 seats, requiring `badge`."""
    return add_mission(index, "Salon SIMA 2027 — stand de la Sarthe", seats=2, badges=[badge])


@pytest.fixture
def certifie(ambassador, badge):
    """The `ambassador` persona holding a valid `badge`."""
    give_badge(ambassador, badge)
    return ambassador

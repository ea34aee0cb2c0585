"""Fixtures of the quizzes tests: a course whose only lesson the ambassador finished,
then a quiz with one question of each type (see `builders.py`)."""

import pytest

from tests.lms.test_progress import add_catalogue, add_course, complete, lessons_of
from tests.quizzes.builders import add_quiz


@pytest.fixture
def catalogue(home_page):
    return add_catalogue(home_page)


@pytest.fixture
def course(catalogue):
    """A live course: one lesson, then the quiz (`quiz`)."""
    return add_course(catalogue, "Détecter un projet d'implantation", lessons=1)


@pytest.fixture
def quiz(course):
    """The course's quiz: every question type, 7 points, pass mark 70 %, no limits."""
    return add_quiz(course)


@pytest.fixture
def ready(ambassador, course, quiz):
    """The ambassador finished the lesson: the quiz is their current step."""
    complete(ambassador, *lessons_of(course))
    return ambassador

"""Search (/recherche/): courses for everyone, lessons for active ambassadors, never a
draft or a restricted page; the form, empty queries, pagination and the query count."""

import pytest
from django.utils import translation
from django.utils.html import escape
from wagtail.models import PageViewRestriction

from home.models import MembershipStatus
from lms.models import CourseIndexPage, CoursePage, LessonPage
from lms.search import RESULTS_PER_PAGE
from tests.factories import AmbassadorProfileFactory

URL = "/recherche/"


def fr(text) -> str:
    with translation.override("fr"):
        return translation.gettext(text)


def course(index, title: str, summary: str = "", **kwargs) -> CoursePage:
    return index.add_child(
        instance=CoursePage(
            title=title, summary=summary or f"{title}.", duration_minutes=30, **kwargs
        )
    )


def lesson(parent, title: str, text: str, **kwargs) -> LessonPage:
    return parent.add_child(
        instance=LessonPage(title=title, body=[("text", f"<p>{text}</p>")], **kwargs)
    )


@pytest.fixture
def catalogue(home_page):
    return home_page.add_child(instance=CourseIndexPage(title="Parcours", slug="parcours"))


@pytest.fixture
def pages(catalogue):
    """One published course about *implantation* with a lesson that mentions it, and
    every kind of page that must never be found."""
    detecter = course(
        catalogue,
        "Détecter un projet",
        "Repérer les signaux d'une implantation avant tout le monde.",
    )
    signaux = lesson(
        detecter,
        "Les vagues d'embauche",
        "Une vague d'embauche annonce souvent une implantation ou une extension de site.",
    )
    lesson(detecter, "Brouillon de leçon", "Implantation en brouillon.", live=False)
    course(catalogue, "Parcours brouillon", "Une implantation à venir.", live=False)
    hidden = course(catalogue, "Parcours dépublié", "Pas d'implantation ici.")
    lesson(hidden, "Leçon d'un parcours dépublié", "Implantation cachée.")
    hidden.unpublish()  # its lessons stay live, as the admin allows
    private = course(catalogue, "Parcours réservé", "Implantation réservée.")
    lesson(private, "Leçon réservée", "Implantation réservée aussi.")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    return {"course": detecter, "lesson": signaux}


def found(response) -> list[str]:
    return sorted(hit.page.title for hit in response.context["hits"])


def test_anonymous_visitors_find_courses_but_not_lessons(client, pages):
    response = client.get(URL, {"q": "implantation"})

    assert response.status_code == 200
    assert found(response) == ["Détecter un projet"]
    (hit,) = response.context["hits"]
    assert hit.snippet == "Repérer les signaux d'une implantation avant tout le monde."
    assert hit.course is None
    html = response.content.decode()
    assert f'href="{pages["course"].url}"' in html
    assert (
        escape(
            fr(
                "Lessons appear in the results for signed-in active ambassadors; courses for everyone."
            )
        )
        in html
    )


def test_active_ambassadors_find_lessons_marked_with_their_course(client, ambassador, pages):
    client.force_login(ambassador)

    response = client.get(URL, {"q": "embauche"})

    assert found(response) == ["Les vagues d'embauche"]
    (hit,) = response.context["hits"]
    assert hit.type == "lessonpage"
    assert hit.course.pk == pages["course"].pk
    assert hit.snippet.startswith("Une vague d'embauche annonce souvent")
    html = response.content.decode()
    assert f'href="{pages["lesson"].url}"' in html
    assert f'href="{pages["course"].url}">Détecter un projet</a>' in html


def test_a_lessons_search_description_is_its_snippet(client, ambassador, pages):
    lesson(
        pages["course"],
        "Le site saturé",
        "Un site saturé cherche à s'étendre.",
        search_description="Quand une usine manque de place.",
    )
    client.force_login(ambassador)

    (hit,) = client.get(URL, {"q": "saturé"}).context["hits"]

    assert hit.snippet == "Quand une usine manque de place."


def test_active_ambassadors_find_courses_and_lessons_together(client, ambassador, pages):
    client.force_login(ambassador)

    response = client.get(URL, {"q": "implantation"})

    assert found(response) == ["Détecter un projet", "Les vagues d'embauche"]


@pytest.mark.parametrize(
    "status", [MembershipStatus.SUSPENDED, MembershipStatus.LEFT, MembershipStatus.REQUESTED]
)
def test_members_who_are_not_active_do_not_find_lessons(client, pages, status):
    client.force_login(AmbassadorProfileFactory(status=status).user)

    response = client.get(URL, {"q": "implantation"})

    assert found(response) == ["Détecter un projet"]


def test_staff_without_a_profile_do_not_find_lessons(client, staff, pages):
    client.force_login(staff)

    assert found(client.get(URL, {"q": "implantation"})) == ["Détecter un projet"]


@pytest.mark.parametrize(
    "words",
    ["brouillon", "dépublié", "cachée", "réservé", "réservée"],
)
def test_drafts_pages_under_drafts_and_restricted_pages_are_never_found(
    client, ambassador, pages, words
):
    client.force_login(ambassador)

    response = client.get(URL, {"q": words})

    assert response.context["hits"] == []
    assert response.context["page_obj"].paginator.count == 0
    assert (
        escape(
            fr("No course or lesson matches your search. Try other words, or browse the courses.")
        )
        in response.content.decode()
    )


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "   "}])
def test_an_empty_query_shows_the_accessible_form_and_no_results(client, pages, query):
    response = client.get(URL, query)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert 'role="search"' in html
    assert '<label for="id_q">' in html
    assert 'type="search" name="q"' in html
    assert "search-results" not in html
    assert html.count("<h1") == 1


def test_results_are_paginated_ten_per_page(client, catalogue):
    for n in range(1, 13):
        course(catalogue, f"Salon numéro {n}", "Représenter le territoire sur un salon.")

    first = client.get(URL, {"q": "salon"})
    second = client.get(URL, {"q": "salon", "page": 2})
    beyond = client.get(URL, {"q": "salon", "page": 99})

    assert RESULTS_PER_PAGE == 10
    assert len(first.context["hits"]) == 10
    assert len(second.context["hits"]) == 2
    assert first.context["page_obj"].paginator.count == 12
    titles = {hit.page.title for hit in first.context["hits"] + second.context["hits"]}
    assert len(titles) == 12
    assert 'href="?q=salon&amp;page=2"' in first.content.decode()
    assert 'href="?q=salon&amp;page=1"' in second.content.decode()
    assert beyond.context["page_obj"].number == 2


def test_the_query_is_kept_in_the_form_and_escaped(client, pages):
    response = client.get(URL, {"q": "<script>implantation"})

    html = response.content.decode()
    assert "<script>implantation" not in html
    assert 'value="&lt;script&gt;implantation"' in html


def test_search_answers_get_only(client, pages):
    assert client.post(URL, {"q": "implantation"}).status_code == 405


# Anonymous: the view restrictions and the unpublished catalogues and courses (2), the
# results' count and their page (2 search queries), the page's results as specific pages
# (1 per page type found: courses), site and site settings (2) = 7, however many results.
SEARCH_QUERIES = 7


@pytest.mark.parametrize("courses", [1, 10])
def test_search_query_count_does_not_grow_with_the_results(
    client, catalogue, django_assert_num_queries, courses
):
    for n in range(courses):
        course(catalogue, f"Salon numéro {n}", "Représenter le territoire sur un salon.")
    client.get(URL, {"q": "salon"})  # warm the per-process caches (site settings, root paths)

    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(URL, {"q": "salon"})

    assert len(response.context["hits"]) == courses


# An active ambassador, courses and lessons found: session, user with profile (2), the 7
# above with one more page type made specific (8), the lessons' courses (1), the userbar's
# permission checks (2) and the idle-timeout session save (savepoint, update, release:
# 3) = 16, however many lessons.
AMBASSADOR_SEARCH_QUERIES = 16


@pytest.mark.parametrize("lessons", [1, 9])  # with the course: 2 results, or a full page
def test_ambassador_search_query_count_does_not_grow_with_the_results(
    client, catalogue, ambassador, django_assert_num_queries, lessons
):
    salon = course(catalogue, "Salon", "Représenter le territoire sur un salon.")
    for n in range(lessons):
        lesson(salon, f"Leçon {n}", "Sur le salon, accueillir les visiteurs.")
    client.force_login(ambassador)
    client.get(URL, {"q": "salon"})

    with django_assert_num_queries(AMBASSADOR_SEARCH_QUERIES):
        response = client.get(URL, {"q": "salon"})

    assert len(response.context["hits"]) == lessons + 1

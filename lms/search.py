"""Search over courses and lessons, at ``/recherche/`` (``lms:search``).

Who finds what is decided in one place, `searchable_pages`: published courses for
everyone (the catalogue is public), and published lessons for active ambassadors
(`home.selectors.membership_gate`), each shown with its course. Never a draft, never a
page under a draft catalogue or course, never a page behind a view restriction. A lesson
found here may still be locked for the person (prerequisites, steps in order): the lesson
page itself says why.

Wagtail's search backend (the database backend here) keeps its index up to date when
pages are saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.models import Page
from wagtail.query import PageQuerySet

from home.selectors import membership_gate

from .models import CourseIndexPage, CoursePage, LessonPage

RESULTS_PER_PAGE = 10
SNIPPET_WORDS = 30


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search courses and lessons"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )


def may_search_lessons(user) -> bool:
    """Lessons are for active ambassadors; courses are for everyone."""
    return membership_gate(user).allowed


def searchable_pages(user) -> PageQuerySet:
    """The pages this person may find, before the query: live and public courses, and
    live and public lessons for active ambassadors, none under an unpublished catalogue
    or course (2 queries: view restrictions and unpublished containers)."""
    types = [CoursePage, LessonPage] if may_search_lessons(user) else [CoursePage]
    pages = Page.objects.live().public().type(*types)
    unpublished = Page.objects.type(CourseIndexPage, CoursePage).not_live()
    hidden = Q()
    for path in unpublished.values_list("path", flat=True):
        hidden |= Q(path__startswith=path)
    if hidden:
        pages = pages.exclude(hidden)
    return pages.specific()


@dataclass(frozen=True)
class SearchHit:
    page: Page
    type: str  # the page type's model name: "coursepage", "lessonpage"
    kind: str  # the page type's name, for people
    course: CoursePage | None
    snippet: str


def _snippet(page: Page) -> str:
    if isinstance(page, CoursePage) and page.summary:
        return page.summary
    if page.search_description:
        return page.search_description
    if isinstance(page, LessonPage):
        text = " ".join(page.body.stream_block.get_searchable_content(page.body))
        return Truncator(text).words(SNIPPET_WORDS)
    return ""


def search_hits(pages: list[Page]) -> list[SearchHit]:
    """The results of one page of search, each with its type, its course (for lessons)
    and a snippet; the lessons' courses in one query."""
    parent_paths = {
        page.path[: -Page.steplen] for page in pages if not isinstance(page, CoursePage)
    }
    courses = (
        {course.path: course for course in CoursePage.objects.filter(path__in=parent_paths)}
        if parent_paths
        else {}
    )

    def course_of(page: Page) -> CoursePage | None:
        return None if isinstance(page, CoursePage) else courses.get(page.path[: -Page.steplen])

    return [
        SearchHit(
            page=page,
            type=page._meta.model_name,
            kind=capfirst(page._meta.verbose_name),
            course=course_of(page),
            snippet=_snippet(page),
        )
        for page in pages
    ]


@require_GET
def search(request):
    """The search form and, for a query, one page of results (10 per page), most
    relevant first."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page_obj, hits = None, []
    if query:
        results = searchable_pages(request.user).search(query)
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        hits = search_hits(list(page_obj.object_list))
    return render(
        request,
        "lms/search.html",
        {
            "form": form,
            "query": query,
            "page_obj": page_obj,
            "hits": hits,
            "lessons_included": may_search_lessons(request.user),
        },
    )

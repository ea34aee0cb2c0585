"""What the course and lesson pages keep in the cache never outlives what it shows.

A course's outline (live steps, live prerequisites) is cached for every reader
(`selectors.course_outline`), and so are a lesson's body and a course's introduction
(`{% wagtailpagecache %}`). Each test shows a page, changes what it shows the way staff
do (publish, unpublish, rename, add, move, delete), and shows it again: the change is
there at once. Per-person progress is never cached.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from lms import selectors
from lms.models import CoursePage
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_course, add_lesson, complete, lessons_of

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step_titles(response) -> list[str]:
    return [step.page.title for step in response.context["progress"].steps]


def publish(page, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_the_outline_is_read_from_the_cache_once_loaded(course, django_assert_num_queries):
    loaded = selectors.course_outline(course)
    with django_assert_num_queries(0):
        outline = selectors.course_outline(course)
    assert [step.title for step in outline.steps] == [step.title for step in loaded.steps]
    assert [step.title for step in outline.steps] == [page.title for page in lessons_of(course)]


def test_a_lesson_published_later_appears_at_once(ambassador, course):
    client = signed_in(ambassador)
    assert len(step_titles(client.get(course.url))) == 3

    draft = add_lesson(course, "Une leçon de plus", live=False)
    assert len(step_titles(client.get(course.url))) == 3  # a draft is not a step
    publish(draft)

    response = client.get(course.url)
    assert step_titles(response)[-1] == "Une leçon de plus"
    assert response.context["progress"].total == 4


def test_an_unpublished_renamed_moved_or_deleted_lesson_is_shown_as_it_is_now(
    ambassador, catalogue, course
):
    client = signed_in(ambassador)
    first, second, third = lessons_of(course)
    client.get(course.url)

    publish(first, title="Les signaux faibles")
    assert step_titles(client.get(course.url)) == ["Les signaux faibles", second.title, third.title]

    second.unpublish()
    assert step_titles(client.get(course.url)) == ["Les signaux faibles", third.title]

    other = add_course(catalogue, "Pitcher", lessons=1)
    client.get(other.url)
    first.move(other, pos="last-child")
    assert step_titles(client.get(course.url)) == [third.title]
    assert step_titles(client.get(other.url)) == ["Pitcher — leçon 1", "Les signaux faibles"]

    lessons_of(other)[0].delete()
    assert step_titles(client.get(other.url)) == ["Les signaux faibles"]


def test_a_prerequisite_added_to_a_viewed_course_locks_it_at_once(ambassador, catalogue, course):
    client = signed_in(ambassador)
    lesson = lessons_of(course)[0]
    assert client.get(lesson.url).status_code == 200

    basics = add_course(catalogue, "Les bases", lessons=1)
    course = CoursePage.objects.get(pk=course.pk)
    course.prerequisites.set([basics])
    course.save_revision().publish()

    response = client.get(lesson.url)
    assert response.status_code == 403
    assert "Les bases" in response.content.decode()

    complete(ambassador, *lessons_of(basics))
    assert client.get(lesson.url).status_code == 200


def test_a_lesson_body_published_anew_is_shown_at_once(ambassador, course):
    client = signed_in(ambassador)
    lesson = lessons_of(course)[0]
    assert "Texte de Détecter" in client.get(lesson.url).content.decode()

    publish(lesson, body=[{"type": "text", "value": "<p>Un tout autre texte.</p>"}])

    html = client.get(lesson.url).content.decode()
    assert "Un tout autre texte." in html
    assert "Texte de Détecter" not in html


def test_a_lesson_body_is_cached_per_language(ambassador, course):
    lesson = lessons_of(course)[0]
    publish(
        lesson,
        body=[{"type": "callout", "value": {"tone": "tip", "title": "", "text": "<p>Astuce</p>"}}],
    )
    client = signed_in(ambassador)
    french = client.get(lesson.url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(lesson.url).content.decode()
    assert french != english


def test_each_person_sees_their_own_progress_through_the_cached_outline(course):
    first, second = (profile.user for profile in AmbassadorProfileFactory.create_batch(2))
    complete(first, *lessons_of(course))

    assert signed_in(first).get(course.url).context["progress"].done == 3
    assert signed_in(second).get(course.url).context["progress"].done == 0


def test_previews_never_read_or_fill_the_fragment_cache(admin_client, ambassador, course):
    lesson = lessons_of(course)[0]
    signed_in(ambassador).get(lesson.url)  # the live body is cached
    data = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "estimated_minutes": 5,
            "body": streamfield([("text", rich_text("<p>Brouillon pas encore publié.</p>"))]),
        }
    )
    preview_url = f"/admin/pages/{lesson.pk}/edit/preview/"
    assert admin_client.post(preview_url, data).json()["is_valid"] is True

    preview = admin_client.get(preview_url, {"mode": ""})

    assert "Brouillon pas encore publié." in preview.content.decode()
    assert "Brouillon" not in signed_in(ambassador).get(lesson.url).content.decode()


def test_an_empty_cache_changes_nothing_but_the_queries(ambassador, course):
    client = signed_in(ambassador)
    warm = client.get(course.url)
    cache.clear()
    cold = client.get(course.url)
    assert step_titles(warm) == step_titles(cold)
    assert warm.context["progress"].done == cold.context["progress"].done

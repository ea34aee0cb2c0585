"""The ambassador-facing pages of `lms`: the catalogue, the course page and the lesson
page. The Wagtail page battery for each type (tree rules, creation through the admin
with real block names and what was stored, rendering, editing, previewing); who may read
and complete what (decided on the server); and pinned query counts.
"""

import datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, pgettext
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import HomePage, MembershipStatus, User
from home.selectors import MEMBERSHIP_REASONS, NO_PROFILE_REASON
from home.services import site_tree_ensure
from lms import selectors, views
from lms.models import (
    Competence,
    CompetenceIcon,
    CourseCompletion,
    CourseIndexPage,
    CourseLevel,
    CoursePage,
    LessonPage,
    StepCompletion,
)
from quizzes.models import QuizPage
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_catalogue, add_course, add_lesson, complete, lessons_of

VIDEO_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def text(response) -> str:
    return unescape(response.content.decode())


def assert_sign_in_then_back_to(response, url):
    location = urlsplit(response["Location"])
    assert location.path == "/connexion/"
    assert parse_qs(location.query) == {"next": [url]}


def lesson_label(number, total) -> str:
    with translation.override("fr"):
        return gettext("Lesson %(number)s of %(total)s") % {"number": number, "total": total}


def steps_label(done, total) -> str:
    with translation.override("fr"):
        return ngettext(
            "%(done)s of %(total)s step done", "%(done)s of %(total)s steps done", total
        ) % {"done": done, "total": total}


def tr(msgid: str, *, context: str = "") -> str:
    """`msgid` as the site shows it (French, once the catalogue is complete)."""
    with translation.override("fr"):
        return pgettext(context, msgid) if context else gettext(msgid)


def fr(message) -> str:
    with translation.override("fr"):
        return str(message)


def _clear_caches():
    for each in caches.all():
        each.clear()


# --- The Wagtail page battery ---------------------------------------------------------


def every_block_form_data(image, document):
    """The admin's form data for a lesson body using every block type, by real name."""
    return streamfield(
        [
            ("text", rich_text("<p>Les entreprises parlent de leurs projets.</p>")),
            ("heading", {"text": "Les signaux à repérer", "level": "h3"}),
            (
                "image",
                {
                    "image": {"image": image.pk, "decorative": "", "alt_text": "Un stand"},
                    "caption": "Le stand de la Sarthe au SIMA",
                },
            ),
            ("video", {"video": VIDEO_URL, "title": "Pitcher en 3 min", "transcript": "Bonjour."}),
            (
                "key_figure",
                {
                    "value": "54 min",
                    "label": "de Paris en TGV",
                    "source": "SNCF",
                    "date": "2025-01-01",
                    "illustrative": "on",
                },
            ),
            (
                "pitch_card",
                {"argument": "Paris à moins d'une heure", "proof": "54 min", "audience": "DG"},
            ),
            ("signal", {"sign": "Recrutements", "why": "Manque de place", "ask": "Où ?"}),
            (
                "case_study",
                {
                    "title": "Le sous-traitant",
                    "situation": rich_text("<p>Un site saturé.</p>"),
                    "question": "Que feriez-vous ?",
                    "reveal": rich_text("<p>80 emplois.</p>"),
                },
            ),
            ("document", {"document": document.pk, "label": "Le guide"}),
            (
                "callout",
                {"tone": "warning", "title": "", "text": rich_text("<p>Restez discret.</p>")},
            ),
        ]
    )


BLOCK_NAMES = [
    "text",
    "heading",
    "image",
    "video",
    "key_figure",
    "pitch_card",
    "signal",
    "case_study",
    "document",
    "callout",
]


class LmsPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = site_tree_ensure()
        cls.admin = User.objects.create_superuser("admin@exemple.fr", "secret")
        cls.catalogue = add_catalogue(cls.home)
        cls.competence = Competence.objects.create(
            name="Détecter un projet", icon=CompetenceIcon.TARGET
        )
        cls.basics = add_course(cls.catalogue, "Les bases", lessons=1)
        cls.course = add_course(cls.catalogue, "Détecter un projet", lessons=2)
        cls.lesson = lessons_of(cls.course)[0]
        cls.ambassador = AmbassadorProfileFactory().user
        cls.image = Image.objects.create(title="Stand", file=get_test_image_file())
        cls.document = Document.objects.create(
            title="Guide", file=ContentFile(b"%PDF-1.4 guide", name="guide.pdf")
        )

    def setUp(self):
        self.client.force_login(self.admin)
        self.addCleanup(_clear_caches)  # renditions of images whose ids will be reused

    def test_tree_rules_on_both_ends(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        # A course's steps: its lessons, and the quizzes app's quizzes.
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage, QuizPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)

    def test_only_one_catalogue(self):
        self.assertFalse(CourseIndexPage.can_create_at(self.home))

    def test_catalogue_created_through_the_admin_at_parcours(self):
        self.catalogue.delete()
        self.assertCanCreate(
            self.home,
            CourseIndexPage,
            nested_form_data(
                {
                    "title": "Nos parcours",
                    "slug": "parcours",
                    "introduction": rich_text("<p>Formez-vous.</p>"),
                }
            ),
        )
        catalogue = CourseIndexPage.objects.get()
        self.assertEqual((catalogue.title, catalogue.url), ("Nos parcours", "/parcours/"))
        self.assertIn("Formez-vous.", catalogue.introduction)
        self.assertTrue(catalogue.live)

    def test_the_catalogue_must_live_at_parcours(self):
        self.catalogue.delete()
        data = nested_form_data({"title": "Formations", "slug": "formations"})
        data["action-publish"] = "publish"

        response = self.client.post(f"/admin/pages/add/lms/courseindexpage/{self.home.pk}/", data)

        self.assertEqual(response.status_code, 200)
        self.assertFalse(CourseIndexPage.objects.exists())
        with translation.override("fr"):
            error = gettext("The catalogue's address must be “%(slug)s”.") % {"slug": "parcours"}
        self.assertContains(response, escape(error))

    def test_course_created_through_the_admin_with_its_introduction(self):
        data = nested_form_data(
            {
                "title": "Pitcher le territoire",
                "slug": "pitcher",
                "summary": "Trois minutes pour convaincre.",
                "cover": self.image.pk,
                "level": CourseLevel.INTERMEDIATE,
                "duration_minutes": 50,
                "introduction": streamfield(
                    [
                        ("text", rich_text("<p>Pourquoi pitcher.</p>")),
                        ("signal", {"sign": "Un salon", "why": "Des décideurs", "ask": "Qui ?"}),
                    ]
                ),
            }
        )
        # Multiple choices are lists of values (nested_form_data would flatten them).
        data["competences"] = [self.competence.pk]
        data["prerequisites"] = [self.basics.pk]
        self.assertCanCreate(self.catalogue, CoursePage, data)
        course = CoursePage.objects.get(slug="pitcher")
        self.assertEqual(
            (course.summary, course.cover, course.level, course.duration_minutes),
            ("Trois minutes pour convaincre.", self.image, "intermediate", 50),
        )
        self.assertEqual(list(course.competences.all()), [self.competence])
        self.assertEqual(list(course.prerequisites.all()), [self.basics])
        self.assertEqual([b.block_type for b in course.introduction], ["text", "signal"])
        self.assertEqual(course.introduction[1].value["ask"], "Qui ?")

    def test_lesson_created_through_the_admin_with_every_block(self):
        self.assertCanCreate(
            self.course,
            LessonPage,
            nested_form_data(
                {
                    "title": "Les signaux faibles",
                    "slug": "signaux",
                    "estimated_minutes": 8,
                    "body": every_block_form_data(self.image, self.document),
                }
            ),
        )
        lesson = LessonPage.objects.get(slug="signaux")
        body = lesson.body
        # Unknown block names would be dropped silently: check each one was stored.
        self.assertEqual([block.block_type for block in body], BLOCK_NAMES)
        self.assertEqual(lesson.estimated_minutes, 8)
        self.assertIn("Les entreprises parlent", str(body[0].value))
        self.assertEqual(dict(body[1].value), {"text": "Les signaux à repérer", "level": "h3"})
        self.assertEqual(body[2].value["image"].pk, self.image.pk)
        self.assertEqual(body[2].value["image"].contextual_alt_text, "Un stand")
        self.assertEqual(body[2].value["caption"], "Le stand de la Sarthe au SIMA")
        self.assertEqual(body[3].value["video"].url, VIDEO_URL)
        self.assertEqual(body[3].value["transcript"], "Bonjour.")
        self.assertEqual(
            (body[4].value["value"], body[4].value["date"], body[4].value["illustrative"]),
            ("54 min", datetime.date(2025, 1, 1), True),
        )
        self.assertEqual(body[5].value["audience"], "DG")
        self.assertEqual(body[6].value["ask"], "Où ?")
        self.assertIn("80 emplois.", str(body[7].value["reveal"]))
        self.assertEqual(body[8].value["document"], self.document)
        self.assertEqual(body[9].value["tone"], "warning")

    def test_every_page_type_renders(self):
        self.assertPageIsRenderable(self.catalogue)
        self.assertPageIsRenderable(self.course)
        # A lesson is for its readers: an active ambassador at that step.
        self.assertPageIsRenderable(self.lesson, user=self.ambassador)
        self.assertPageIsRenderable(
            self.lesson,
            route_path="/terminer/",
            post_data={},
            user=self.ambassador,
            accept_redirect=True,
        )

    def test_every_page_type_is_editable_and_previewable(self):
        for page, data in [
            (self.catalogue, {"title": "Parcours", "slug": "parcours"}),
            (
                self.course,
                {
                    "title": "Détecter un projet",
                    "slug": self.course.slug,
                    "summary": "Résumé.",
                    "level": "discovery",
                    "duration_minutes": 30,
                    "introduction": streamfield([("text", rich_text("<p>Intro.</p>"))]),
                },
            ),
            (
                self.lesson,
                {
                    "title": "Première leçon",
                    "slug": self.lesson.slug,
                    "estimated_minutes": 5,
                    "body": every_block_form_data(self.image, self.document),
                },
            ),
        ]:
            with self.subTest(page=type(page).__name__):
                post_data = nested_form_data(data)
                self.assertPageIsEditable(page, post_data=post_data)
                self.assertPageIsPreviewable(page, post_data=post_data)

    def test_lesson_preview_shows_it_as_ambassadors_see_it_without_gates(self):
        data = nested_form_data(
            {
                "title": "Première leçon, revue",
                "slug": self.lesson.slug,
                "estimated_minutes": 7,
                "body": every_block_form_data(self.image, self.document),
            }
        )
        preview_url = f"/admin/pages/{self.lesson.pk}/edit/preview/"
        self.assertEqual(self.client.post(preview_url, data).json()["is_valid"], True)

        response = self.client.get(preview_url, {"mode": ""})

        html = text(response)
        self.assertEqual(response.status_code, 200)  # the superuser is no ambassador
        self.assertIn("<h1>Première leçon, revue</h1>", html)
        self.assertIn(lesson_label(1, 2), html)
        self.assertIn("Pitcher en 3 min", html)
        self.assertIn("youtube-nocookie.com/embed/dQw4w9WgXcQ", html)
        # The same button, acting on nothing: no form posts to the completion route.
        self.assertIn('type="button"', html)
        self.assertNotIn("terminer/", html)
        self.assertIn("no-cache", response["Cache-Control"])

    def test_preview_of_a_new_lesson_places_it_after_the_live_ones(self):
        data = nested_form_data(
            {
                "title": "Leçon en cours d'écriture",
                "slug": "",
                "estimated_minutes": 3,
                "body": streamfield([("text", rich_text("<p>Brouillon.</p>"))]),
            }
        )
        preview_url = f"/admin/pages/add/lms/lessonpage/{self.course.pk}/preview/"
        self.assertEqual(self.client.post(preview_url, data).json()["is_valid"], True)

        html = text(self.client.get(preview_url, {"mode": ""}))

        self.assertIn(lesson_label(3, 3), html)
        self.assertIn("Brouillon.", html)

    def test_course_preview_shows_the_course_as_a_new_ambassador_sees_it(self):
        data = nested_form_data(
            {
                "title": "Détecter un projet",
                "slug": self.course.slug,
                "summary": "Résumé revu.",
                "level": "discovery",
                "duration_minutes": 30,
                "introduction": streamfield([]),
            }
        )
        preview_url = f"/admin/pages/{self.course.pk}/edit/preview/"
        self.assertEqual(self.client.post(preview_url, data).json()["is_valid"], True)

        response = self.client.get(preview_url, {"mode": ""})

        html = text(response)
        self.assertIn("Résumé revu.", html)
        self.assertIn(tr("Start"), html)
        self.assertEqual(response.context["progress"].current.number, 1)


# --- Visitors -------------------------------------------------------------------------


@pytest.fixture
def catalogue(home_page):
    return add_catalogue(home_page)


@pytest.fixture
def course(catalogue):
    course = add_course(
        catalogue, "Détecter un projet", summary="Repérer les signaux.", duration_minutes=90
    )
    course.competences.set(
        [
            Competence.objects.create(name="Détecter", icon=CompetenceIcon.TARGET),
            Competence.objects.create(name="Convaincre", icon=CompetenceIcon.MEGAPHONE),
        ]
    )
    course.save()
    for number, minutes in enumerate([5, 10, 15], start=1):
        add_lesson(course, f"Leçon {number}", minutes=minutes)
    return course


def test_catalogue_is_visible_to_visitors_and_invites_them_to_join(client, course):
    response = client.get("/parcours/")

    html = text(response)
    assert response.status_code == 200
    assert "Détecter un projet" in html and "Repérer les signaux." in html
    assert "1 h 30 min" in html  # the duration
    assert 'href="/connexion/?next=/parcours/"' in html
    assert 'href="/devenir-ambassadeur/"' in html
    assert "<progress" not in html
    # Competences with their icon, decorative: the name says it.
    assert '<use href="/static/img/icons.svg#target"></use>' in html
    assert html.count('aria-hidden="true" focusable="false"') >= 2
    assert html.count("<h1") == 1


def test_catalogue_shows_an_ambassador_progress_and_what_locks_a_course(
    client, ambassador, catalogue, course
):
    advanced = add_course(catalogue, "Pitcher le territoire", lessons=2, prerequisites=[course])
    complete(ambassador, lessons_of(course)[0])
    client.force_login(ambassador)

    response = client.get("/parcours/")

    html = text(response)
    assert f'<progress id="course-progress-{course.pk}" max="3" value="1">' in html
    assert f'<label for="course-progress-{course.pk}">' in html
    assert steps_label(1, 3) in html
    assert f'<progress id="course-progress-{advanced.pk}"' not in html
    assert f'<a href="{course.url}">Détecter un projet</a>' in html  # finish it first
    assert "/devenir-ambassadeur/" not in html.split("<main")[1]
    assert "no-cache" in response["Cache-Control"]  # personal: never cached


def test_catalogue_tells_a_suspended_member_why_nothing_is_open(client, course):
    user = AmbassadorProfileFactory(status=MembershipStatus.SUSPENDED).user
    client.force_login(user)

    html = text(client.get("/parcours/"))

    assert fr(MEMBERSHIP_REASONS[MembershipStatus.SUSPENDED]) in html
    assert "<progress" not in html


def test_course_page_is_visible_to_visitors_without_links_to_lessons(client, course):
    response = client.get(course.url)

    html = text(response)
    assert response.status_code == 200
    assert "Repérer les signaux." in html
    assert all(f"Leçon {n}" in html for n in (1, 2, 3))
    assert all(lesson.url not in html for lesson in lessons_of(course))
    action = response.context["progress"].next_action
    assert action.label == tr("Sign in to start")
    assert f'href="{action.url}"' in html
    assert "/devenir-ambassadeur/" in html
    assert "Convaincre" in html and "#megaphone" in html


def test_course_page_shows_steps_states_progress_time_left_and_one_next_action(
    client, ambassador, course
):
    first, second, third = lessons_of(course)
    complete(ambassador, first)
    client.force_login(ambassador)

    response = client.get(course.url)

    html = text(response)
    assert '<progress id="course-progress" max="3" value="1">33 %</progress>' in html
    assert steps_label(1, 3) in html
    assert "25 min" in html  # 10 + 15 left
    steps = html.split('<ol class="steps"')[1].split("</ol>")[0]
    assert steps.count('class="step step--done"') == 1
    assert steps.count('class="step step--current" aria-current="step"') == 1
    assert steps.count('class="step step--locked"') == 1
    for label in ("Done", "Up next", "Locked"):  # states in words, not colour alone
        assert tr(label, context="step state") in steps
    assert f'<a href="{first.url}">' in steps and f'<a href="{second.url}">' in steps
    assert f'<a href="{third.url}">' not in steps
    assert html.count("data-next-action") == 1
    assert f'href="{second.url}" data-next-action>{tr("Resume")}' in html
    assert "no-cache" in response["Cache-Control"]


def test_a_completed_course_says_when_and_offers_a_review(client, ambassador, course):
    complete(ambassador, *lessons_of(course))
    CourseCompletion.objects.update(
        completed_at=datetime.datetime(2026, 3, 14, 10, 0, tzinfo=datetime.UTC)
    )
    client.force_login(ambassador)

    html = text(client.get(course.url))

    assert "14 mars 2026" in html
    assert f"data-next-action>{tr('Review')}" in html


def test_course_locked_by_prerequisites_names_the_courses_to_finish_first(
    client, ambassador, catalogue, course
):
    advanced = add_course(catalogue, "Pitcher le territoire", lessons=2, prerequisites=[course])
    client.force_login(ambassador)

    response = client.get(advanced.url)

    html = text(response)
    assert f'<li><a href="{course.url}">Détecter un projet</a></li>' in html
    assert "data-next-action" not in html
    assert all(lesson.url not in html for lesson in lessons_of(advanced))


# --- Lessons: who may read them -------------------------------------------------------


def test_lesson_sends_visitors_to_sign_in_and_back(client, course):
    lesson = lessons_of(course)[0]

    response = client.get(lesson.url)

    assert response.status_code == 302
    assert_sign_in_then_back_to(response, lesson.url)


@pytest.mark.parametrize(
    "status",
    [
        MembershipStatus.INVITED,
        MembershipStatus.REQUESTED,
        MembershipStatus.DECLINED,
        MembershipStatus.SUSPENDED,
        MembershipStatus.LEFT,
    ],
)
def test_lesson_is_refused_with_the_reason_to_members_who_are_not_active(client, course, status):
    user = AmbassadorProfileFactory(status=status).user
    client.force_login(user)

    response = client.get(lessons_of(course)[0].url)

    assert response.status_code == 403
    assert response.context["reason"] == fr(MEMBERSHIP_REASONS[status])
    assert fr(MEMBERSHIP_REASONS[status]) in text(response)
    assert "Texte de Leçon 1." not in text(response)  # nothing of the lesson itself
    assert "no-cache" in response["Cache-Control"]


def test_lesson_is_refused_to_staff_without_an_ambassador_profile(client, staff, course):
    client.force_login(staff)

    response = client.get(lessons_of(course)[0].url)

    assert response.status_code == 403
    assert response.context["reason"] == fr(NO_PROFILE_REASON)


def test_lesson_is_refused_until_prerequisites_are_completed(client, ambassador, catalogue, course):
    advanced = add_course(catalogue, "Pitcher le territoire", lessons=2, prerequisites=[course])
    lesson = lessons_of(advanced)[0]
    client.force_login(ambassador)

    response = client.get(lesson.url)

    html = text(response)
    assert response.status_code == 403
    assert response.context["kind"] == "prerequisites"
    assert response.context["reason"] == selectors.prerequisites_reason([course])
    assert f'<li><a href="{course.url}">Détecter un projet</a></li>' in html
    assert "Texte de" not in html
    assert client.post(lesson.url + "terminer/").status_code == 403
    assert not StepCompletion.objects.exists()

    complete(ambassador, *lessons_of(course))
    assert client.get(lesson.url).status_code == 200


def test_a_step_after_the_current_one_is_refused_with_a_link_to_the_current_step(
    client, ambassador, course
):
    first, second, third = lessons_of(course)
    complete(ambassador, first)
    client.force_login(ambassador)

    response = client.get(third.url)

    assert response.status_code == 403
    assert response.context["reason"] == fr(selectors.ERROR_STEP_LOCKED)
    assert f'href="{second.url}"' in text(response)
    assert client.get(first.url).status_code == 200  # done: open to review
    assert client.get(second.url).status_code == 200  # current


# --- Lessons: reading and completing ----------------------------------------------------


def test_lesson_shows_its_place_its_body_navigation_and_the_completion_form(
    client, ambassador, course
):
    first, second, third = lessons_of(course)
    complete(ambassador, first)
    client.force_login(ambassador)

    response = client.get(second.url)

    html = text(response)
    assert response.status_code == 200
    assert lesson_label(2, 3) in html
    assert "<h1>Leçon 2</h1>" in html and "Texte de Leçon 2." in html
    assert f'href="{first.url}" rel="prev"' in html
    assert f'href="{third.url}"' not in html  # opens once this lesson is finished
    assert "Leçon 3" in html.split('class="lesson-nav"')[1]
    assert f'<form method="post" action="{second.url}terminer/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert tr("I have finished this lesson") in html
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_finishing_a_lesson_records_it_and_goes_to_the_next_one(client, ambassador, course):
    first, second, _third = lessons_of(course)
    client.force_login(ambassador)

    response = client.post(f"{first.url}terminer/")

    assert response.status_code == 302 and response["Location"] == second.url
    assert list(StepCompletion.objects.values_list("user", "step", "course")) == [
        (ambassador.pk, first.pk, course.pk)
    ]
    following = client.get(second.url)
    assert fr(views.MESSAGE_STEP_COMPLETED) in text(following)
    assert '<progress id="course-progress" max="3" value="1">' in text(following)


def test_finishing_the_last_lesson_completes_the_course_with_a_message(client, ambassador, course):
    first, second, third = lessons_of(course)
    complete(ambassador, first, second)
    client.force_login(ambassador)

    response = client.post(f"{third.url}terminer/", follow=True)

    assert response.redirect_chain == [(course.url, 302)]
    assert fr(views.MESSAGE_COURSE_COMPLETED) in text(response)
    completion = CourseCompletion.objects.get()
    assert (completion.user, completion.course_id) == (ambassador, course.pk)
    assert timezone.now() - completion.completed_at < datetime.timedelta(minutes=1)


def test_finishing_a_lesson_again_changes_nothing(client, ambassador, course):
    first, second, _third = lessons_of(course)
    complete(ambassador, first)
    before = list(StepCompletion.objects.values())
    client.force_login(ambassador)

    page = text(client.get(first.url))
    response = client.post(f"{first.url}terminer/")

    assert tr("Lesson finished ✓ — continue") in page
    assert response["Location"] == second.url
    assert list(StepCompletion.objects.values()) == before
    assert fr(views.MESSAGE_STEP_COMPLETED) not in text(client.get(second.url))


def test_the_completion_route_accepts_post_only(client, ambassador, course):
    client.force_login(ambassador)

    response = client.get(f"{lessons_of(course)[0].url}terminer/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not StepCompletion.objects.exists()


def test_the_completion_form_needs_its_csrf_token(ambassador, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ambassador)

    response = client.post(f"{lessons_of(course)[0].url}terminer/")

    assert response.status_code == 403
    assert not StepCompletion.objects.exists()


def test_a_visitor_posting_a_completion_is_sent_to_sign_in(client, course):
    lesson = lessons_of(course)[0]

    response = client.post(f"{lesson.url}terminer/")

    assert_sign_in_then_back_to(response, lesson.url)
    assert not StepCompletion.objects.exists()


def test_a_locked_step_cannot_be_completed_by_posting_to_it(client, ambassador, course):
    third = lessons_of(course)[2]
    client.force_login(ambassador)

    response = client.post(f"{third.url}terminer/")

    assert response.status_code == 403
    assert response.context["reason"] == fr(selectors.ERROR_STEP_LOCKED)
    assert not StepCompletion.objects.exists()


def test_one_ambassador_never_sees_nor_changes_another_ones_progress(client, course):
    first, second, _third = lessons_of(course)
    alice = AmbassadorProfileFactory(user__email="alice@exemple.fr").user
    bob = AmbassadorProfileFactory(user__email="bob@exemple.fr").user
    complete(alice, first, second)
    alice_rows = list(StepCompletion.objects.filter(user=alice).values())
    client.force_login(bob)

    course_page = client.get(course.url)
    refused = client.get(second.url)
    client.post(f"{first.url}terminer/")

    assert course_page.context["progress"].done == 0
    assert '<progress id="course-progress" max="3" value="0">' in text(course_page)
    assert refused.status_code == 403  # Alice's progress opens nothing for Bob
    assert list(StepCompletion.objects.filter(user=alice).values()) == alice_rows
    assert list(StepCompletion.objects.filter(user=bob).values_list("step", flat=True)) == [
        first.pk
    ]


def test_unpublished_lessons_never_appear_in_the_steps_or_the_navigation(
    client, ambassador, catalogue
):
    course = add_course(catalogue, "Salons")
    first = add_lesson(course, "Avant le salon")
    draft = add_lesson(course, "Brouillon secret", live=False)
    third = add_lesson(course, "Pendant le salon")
    withdrawn = add_lesson(course, "Leçon retirée")
    withdrawn.unpublish()
    complete(ambassador, first)
    client.force_login(ambassador)

    course_html = text(client.get(course.url))
    first_html = text(client.get(first.url))
    third_html = text(client.get(third.url))

    for html in (course_html, first_html, third_html):
        assert "Brouillon secret" not in html and "Leçon retirée" not in html
    assert '<progress id="course-progress" max="2" value="1">' in course_html
    assert f'href="{third.url}" rel="next"' in first_html
    assert lesson_label(2, 2) in third_html
    assert client.get(draft.url).status_code == 404


# --- Pinned query counts --------------------------------------------------------------


def _cover(number):
    return Image.objects.create(
        title=f"Couverture {number}", file=get_test_image_file(size=(48, 27))
    )


@pytest.fixture
def media(settings, tmp_path):
    """Image and document files in a temporary folder, and no rendition cached by an
    earlier test (image ids are reused once its rows are rolled back)."""
    settings.MEDIA_ROOT = tmp_path
    _clear_caches()
    return tmp_path


@pytest.mark.parametrize("n", [1, 10, 50])
def test_catalogue_query_count_does_not_grow_with_courses_or_ambassadors(
    client, django_assert_num_queries, media, ambassador, catalogue, n
):
    competences = [
        Competence.objects.create(name=f"Compétence {i}", icon=icon)
        for i, icon in enumerate(CompetenceIcon.values)
    ]
    courses, previous = [], None
    for number in range(n):
        course = add_course(
            catalogue,
            f"Parcours {number}",
            lessons=2,
            cover=_cover(number),
            prerequisites=[previous] if previous else (),
        )
        course.competences.set(competences[:3])
        course.save()
        courses.append(course)
        previous = course
    for other in AmbassadorProfileFactory.create_batch(n):
        complete(other.user, lessons_of(courses[0])[0])
    complete(ambassador, *lessons_of(courses[0]))
    client.force_login(ambassador)
    client.get("/parcours/")  # creates the site settings row and the cover renditions

    # 21 = session, user with profile (2); Wagtail's serving: the site, the route (home page,
    # catalogue, its specific page), the view restrictions (ancestors, restrictions) (6);
    # the catalogue: courses with their covers, then prefetched competences,
    # prerequisites and cover renditions, live steps per course, this ambassador's
    # completed steps and courses (7); the site settings, the userbar's permission check
    # (user, groups) (3); the idle-timeout session save (savepoint, update, release) (3).
    # Nothing per course, cover, competence or ambassador.
    with django_assert_num_queries(21):
        response = client.get("/parcours/")
    assert response.status_code == 200
    assert len(response.context["catalogue"]) == n


@pytest.mark.parametrize("n", [1, 10, 50])
def test_course_page_query_count_does_not_grow_with_lessons_or_ambassadors(
    client, django_assert_num_queries, ambassador, catalogue, n
):
    basics = add_course(catalogue, "Les bases", lessons=1)
    complete(ambassador, *lessons_of(basics))
    course = add_course(catalogue, "Détecter", lessons=n, prerequisites=[basics])
    course.competences.set([Competence.objects.create(name="Détecter")])
    course.save()
    lessons = lessons_of(course)
    complete(ambassador, *lessons[: n // 2])
    for other in AmbassadorProfileFactory.create_batch(n):
        complete(other.user, lessons[0])
    client.force_login(ambassador)
    client.get(course.url)  # creates the site settings row

    # 18 = session, user with profile (2); the site, the route (home page and its
    # specific page, the catalogue, the course: one query each, see
    # SpecificChildRouteMixin), the view restrictions (2) (7); the progress: the course's
    # outline (live steps, prerequisites) comes from the cache (`course_outline`), then
    # this ambassador's completed steps, and their completions of the course and its
    # prerequisites (2); competences, site settings, the userbar (2) (4); the
    # introduction comes from the fragment cache; the session save (3). Nothing per
    # lesson, prerequisite or ambassador.
    with django_assert_num_queries(18):
        response = client.get(course.url)
    assert len(response.context["progress"].steps) == n
    # With nothing cached (after a publication, say): the outline's live steps (the
    # steps, then the lessons as their type: quizzes are steps too) and prerequisites
    # (3) and Wagtail's site root paths (1) come on top. Still constant.
    cache.clear()
    with django_assert_num_queries(22):
        response = client.get(course.url)
    assert len(response.context["progress"].steps) == n


@pytest.mark.parametrize("n", [1, 10, 50])
def test_lesson_page_query_count_does_not_grow_with_lessons_or_ambassadors(
    client, django_assert_num_queries, media, ambassador, catalogue, n
):
    image = Image.objects.create(title="Stand", file=get_test_image_file(size=(64, 48)))
    document = Document.objects.create(
        title="Guide", file=ContentFile(b"%PDF-1.4", name="guide.pdf")
    )
    course = add_course(catalogue, "Détecter", lessons=n)
    body = [
        {"type": "heading", "value": {"text": "Repérer", "level": "h2"}},
        {"type": "image", "value": {"image": {"image": image.pk, "alt_text": "Stand"}}},
        {"type": "video", "value": {"video": VIDEO_URL, "title": "Pitch", "transcript": ""}},
        {"type": "document", "value": {"document": document.pk, "label": ""}},
    ]
    lesson = add_lesson(course, "La leçon mesurée", body=body)
    complete(ambassador, *lessons_of(course)[:n])
    for other in AmbassadorProfileFactory.create_batch(n):
        complete(other.user, lessons_of(course)[0])
    client.force_login(ambassador)
    client.get(lesson.url)  # creates the site settings row, the rendition and the embed

    # 18 = session, user with profile (2); the site, the route (home page and its
    # specific page, then the catalogue, the course, the lesson in one query each: the
    # lesson's type and id come from the course's cached outline, see
    # CoursePage.child_route_hint), the view restrictions (2) (8); step access: the course
    # comes from the route, its outline (live steps, prerequisites) from the cache
    # (`course_outline`); this ambassador's completed steps and course completions (2);
    # site settings, the userbar (2) (3); the body comes from the fragment cache
    # (`wagtailpagecache`), so neither its image nor its document is read; the session
    # save (3). Nothing per lesson or ambassador.
    with django_assert_num_queries(18):
        response = client.get(lesson.url)
    assert response.status_code == 200
    # With nothing cached: the outline (3), Wagtail's site root paths (1), and the body's
    # image with its rendition and its document (3) — the video's player is computed by
    # the local finder, no embed lookup. Still constant.
    cache.clear()
    with django_assert_num_queries(25):
        response = client.get(lesson.url)
    assert response.status_code == 200
    assert response.context["step"].number == n + 1

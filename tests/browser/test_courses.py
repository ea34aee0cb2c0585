"""An ambassador follows a course in a real browser: starts it, reads and finishes two
lessons, sees the progress bar move, leaves, comes back and resumes at the right lesson.
axe-core checks the catalogue, the course page and a lesson using every block."""

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from playwright.sync_api import expect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from lms.models import Competence, CompetenceIcon, CourseIndexPage, CoursePage, LessonPage
from tests.factories import AmbassadorProfileFactory

EMAIL = "camille@exemple.fr"


def tr(msgid: str, *, context: str = "") -> str:
    with translation.override("fr"):
        return pgettext(context, msgid) if context else gettext(msgid)


def lesson_label(number: int, total: int) -> str:
    return tr("Lesson %(number)s of %(total)s") % {"number": number, "total": total}


def steps_label(done: int, total: int) -> str:
    with translation.override("fr"):
        return ngettext(
            "%(done)s of %(total)s step done", "%(done)s of %(total)s steps done", total
        ) % {"done": done, "total": total}


def build_course(*, lessons: int = 3, body=None) -> tuple[CoursePage, list[LessonPage]]:
    from home.models import HomePage

    home = HomePage.objects.get()
    catalogue = home.add_child(instance=CourseIndexPage(title="Parcours", slug="parcours"))
    course = catalogue.add_child(
        instance=CoursePage(
            title="Pitcher le territoire",
            slug="pitcher",
            summary="Trois minutes pour convaincre un investisseur.",
            duration_minutes=40,
        )
    )
    course.competences.set(
        [Competence.objects.create(name="Convaincre", icon=CompetenceIcon.MEGAPHONE)]
    )
    course.save()
    pages = [
        course.add_child(
            instance=LessonPage(
                title=f"Leçon {number}",
                slug=f"lecon-{number}",
                estimated_minutes=5 * number,
                body=body or [{"type": "text", "value": f"<p>Contenu de la leçon {number}.</p>"}],
            )
        )
        for number in range(1, lessons + 1)
    ]
    return course, pages


def test_an_ambassador_starts_a_course_finishes_two_lessons_and_resumes_at_the_third(
    page, live_server, sign_in, csp_violations
):
    course, lessons = build_course()
    AmbassadorProfileFactory(user__email=EMAIL, user__first_name="Camille")
    sign_in(EMAIL)
    progress = page.locator("#course-progress")

    page.goto(live_server.url + course.url)
    expect(progress).to_have_attribute("value", "0")
    expect(page.get_by_text(steps_label(0, 3))).to_be_visible()
    page.get_by_role("link", name=tr("Start")).click()

    for number in (1, 2):
        expect(page).to_have_url(live_server.url + lessons[number - 1].url)
        expect(page.locator("h1")).to_have_text(f"Leçon {number}")
        expect(page.get_by_text(lesson_label(number, 3))).to_be_visible()
        expect(progress).to_have_attribute("value", str(number - 1))
        with page.expect_navigation():
            page.get_by_role("button", name=tr("I have finished this lesson")).click()
        # On to the next lesson, the bar one step further.
        expect(page).to_have_url(live_server.url + lessons[number].url)
        expect(progress).to_have_attribute("value", str(number))

    page.goto(live_server.url + "/mon-espace/")  # the ambassador goes away…
    expect(page).to_have_url(live_server.url + "/mon-espace/")
    page.goto(live_server.url + course.url)  # …and comes back to the course.

    expect(progress).to_have_attribute("value", "2")
    expect(page.get_by_text(steps_label(2, 3))).to_be_visible()
    steps = page.locator("ol.steps > li")
    expect(steps.nth(0)).to_contain_text(tr("Done", context="step state"))
    expect(steps.nth(1)).to_contain_text(tr("Done", context="step state"))
    expect(steps.nth(2)).to_contain_text(tr("Up next", context="step state"))
    expect(steps.nth(2)).to_have_attribute("aria-current", "step")
    page.get_by_role("link", name=tr("Resume")).click()
    expect(page).to_have_url(live_server.url + lessons[2].url)
    expect(page.get_by_text(lesson_label(3, 3))).to_be_visible()
    assert not csp_violations, "\n".join(csp_violations)


def every_block_body():
    image = Image.objects.create(title="Stand", file=get_test_image_file(size=(800, 450)))
    document = Document.objects.create(
        title="Guide du salon", file=ContentFile(b"%PDF-1.4", name="guide.pdf"), file_size=8
    )
    return [
        {"type": "text", "value": "<p>Sur un salon, tout se joue en trois minutes.</p>"},
        {"type": "heading", "value": {"text": "Avant le salon", "level": "h2"}},
        {"type": "heading", "value": {"text": "Préparer son pitch", "level": "h3"}},
        {
            "type": "image",
            "value": {
                "image": {"image": image.pk, "alt_text": "Le stand de la Sarthe"},
                "caption": "Le stand au SIMA",
            },
        },
        {
            "type": "video",
            "value": {
                "video": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "title": "Pitcher en trois minutes",
                "transcript": "Bonjour, je représente la Sarthe.",
            },
        },
        {
            "type": "key_figure",
            "value": {
                "value": "54 min",
                "label": "de Paris en TGV",
                "source": "SNCF",
                "date": "2025-01-01",
                "illustrative": True,
            },
        },
        {
            "type": "pitch_card",
            "value": {
                "argument": "Paris à moins d'une heure",
                "proof": "54 minutes en TGV.",
                "audience": "un dirigeant parisien",
            },
        },
        {
            "type": "signal",
            "value": {
                "sign": "Une vague de recrutements",
                "why": "Une entreprise qui recrute manque souvent de place.",
                "ask": "Où installerez-vous ces équipes ?",
            },
        },
        {
            "type": "case_study",
            "value": {
                "title": "Le sous-traitant",
                "situation": "<p>Un dirigeant évoque un site saturé.</p>",
                "question": "Que feriez-vous ?",
                "reveal": "<p>Le contact a été transmis : 80 emplois.</p>",
            },
        },
        {"type": "document", "value": {"document": document.pk, "label": ""}},
        {"type": "callout", "value": {"tone": "tip", "title": "", "text": "<p>Souriez.</p>"}},
        {"type": "callout", "value": {"tone": "warning", "title": "", "text": "<p>Discret.</p>"}},
        {"type": "callout", "value": {"tone": "info", "title": "", "text": "<p>Bon à savoir.</p>"}},
    ]


@pytest.fixture
def media(settings, tmp_path):
    """Image and document files in a temporary folder, and no rendition cached by an
    earlier test (image ids are reused once its rows are rolled back)."""
    from django.core.cache import caches

    settings.MEDIA_ROOT = tmp_path
    for cache in caches.all():
        cache.clear()
    return tmp_path


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "ambassador"])
def test_catalogue_and_course_pages_pass_axe_core(
    page, live_server, sign_in, axe_check, csp_violations, signed_in
):
    course, lessons = build_course()
    if signed_in:
        AmbassadorProfileFactory(user__email=EMAIL)
        sign_in(EMAIL)

    for path in ("/parcours/", course.url):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_have_count(1)
        axe_check(page)
    assert not csp_violations, "\n".join(csp_violations)


def test_a_lesson_using_every_block_passes_axe_core(
    page, live_server, sign_in, axe_check, csp_violations, media
):
    course, lessons = build_course(lessons=2, body=every_block_body())
    AmbassadorProfileFactory(user__email=EMAIL)
    sign_in(EMAIL)

    page.goto(live_server.url + lessons[0].url)

    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("iframe[title='Pitcher en trois minutes']")).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    reveal = page.locator(".case-study__answer")
    expect(reveal).to_be_hidden()
    page.get_by_text(tr("See what happened")).click()  # works without JavaScript
    expect(reveal).to_be_visible()
    page.get_by_text(tr("Read the transcript")).click()
    axe_check(page)
    assert not csp_violations, "\n".join(csp_violations)

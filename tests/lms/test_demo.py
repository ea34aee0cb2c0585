"""`seed_demo`'s courses (lms/demo.py): three real courses whose lessons use every block,
the demo ambassadors' progress, the generated ambassadors' history; idempotent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from home.demo import GENERATED_PREFIX
from home.models import AmbassadorProfile, MembershipStatus, User
from lms.models import (
    Competence,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    StepCompletion,
)

pytestmark = pytest.mark.django_db

SCALE = "20"
COURSES = {
    "detecter-un-projet": "Détecter un projet d'implantation",
    "pitcher-le-territoire": "Pitcher le territoire en trois minutes",
    "representer-sur-un-salon": "Représenter le territoire sur un salon",
}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--scale", SCALE, stdout=out)
    return out.getvalue()


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@ambassadeurs.example")


def _courses() -> list[CoursePage]:
    return list(CoursePage.objects.live().order_by("path"))


def _lessons(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def _counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "competences": Competence.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "step completions": StepCompletion.objects.count(),
        "course completions": CourseCompletion.objects.count(),
    }


def test_running_it_twice_creates_nothing_twice(demo, settings):
    before = _counts()
    out = StringIO()
    call_command("seed_demo", "--scale", SCALE, stdout=out)

    assert _counts() == before
    assert "lms: 3 courses, 11 lessons" in demo
    assert "(0 step and 0 course completions)" in out.getvalue()


def test_three_live_courses_in_the_catalogue_each_with_three_to_five_lessons(demo):
    catalogue = CourseIndexPage.objects.get()
    assert catalogue.live and catalogue.url == "/parcours/"
    assert "parcours" in catalogue.introduction

    courses = _courses()
    assert {course.slug: course.title for course in courses} == COURSES
    for course in courses:
        lessons = _lessons(course)
        assert course.url == f"/parcours/{course.slug}/"
        assert 3 <= len(lessons) <= 5
        assert course.duration_minutes == sum(lesson.estimated_minutes for lesson in lessons)
        assert course.summary and course.introduction and course.cover
        assert course.competences.exists()
        assert course.has_unpublished_changes is False
        for lesson in lessons:
            assert lesson.url.startswith(course.url)
            assert lesson.live and lesson.latest_revision_id
            assert lesson.estimated_minutes > 0

    by_slug = {course.slug: course for course in courses}
    salon = by_slug["representer-sur-un-salon"]
    assert list(salon.prerequisites.all()) == [by_slug["pitcher-le-territoire"]]
    assert not by_slug["detecter-un-projet"].prerequisites.exists()
    assert set(Competence.objects.values_list("name", flat=True)) >= {
        "Détecter un projet",
        "Pitcher le territoire",
        "Représenter le territoire sur un salon",
    }
    assert all(c.description and c.icon for c in Competence.objects.all())


def test_the_lessons_use_every_block_type(demo):
    blocks = [block for lesson in LessonPage.objects.all() for block in lesson.body]
    used = {block.block_type for block in blocks}

    assert used == set(LessonPage.body.field.stream_block.child_blocks)
    assert {b.value["level"] for b in blocks if b.block_type == "heading"} == {"h2", "h3"}

    figures = [b.value for b in blocks if b.block_type == "key_figure"]
    assert all(figure["source"] for figure in figures)
    assert any(figure["illustrative"] for figure in figures)
    population = next(f for f in figures if f["label"] == "habitants en Sarthe")
    assert population["source"].startswith("INSEE") and not population["illustrative"]

    for block in blocks:
        if block.block_type == "image":
            image = block.value["image"]
            assert image.contextual_alt_text and image.file.size < 50_000
        elif block.block_type == "document":
            with block.value["document"].file.open("rb") as pdf:
                assert pdf.read(5) == b"%PDF-"
        elif block.block_type == "video":
            assert block.value["video"].url.startswith("https://www.youtube.com/watch?v=")


def test_camille_is_half_way_certifie_has_completed_all_three_nouvelle_nothing(demo):
    detect = CoursePage.objects.get(slug="detecter-un-projet")
    lessons = _lessons(detect)
    camille, certifie, nouvelle = _user("camille"), _user("certifie"), _user("nouvelle")

    # (camille also read "Pitcher le territoire" before failing its quiz: quizzes' demo)
    done = StepCompletion.objects.filter(user=camille, course=detect).order_by("step__path")
    assert [c.step_id for c in done] == [lesson.pk for lesson in lessons[: len(lessons) // 2]]
    assert 0 < done.count() < len(lessons)
    assert not CourseCompletion.objects.filter(user=camille).exists()

    assert set(CourseCompletion.objects.filter(user=certifie).values_list("course", flat=True)) == {
        course.pk for course in _courses()
    }
    lessons_done = StepCompletion.objects.filter(
        user=certifie, step__in=LessonPage.objects.values("pk")
    )
    assert lessons_done.count() == LessonPage.objects.count()

    # Dated back, in order: camille these last weeks, certifie one course after another.
    now = timezone.now()
    assert all(now - timedelta(days=30) < c.completed_at < now - timedelta(days=1) for c in done)
    finished = CourseCompletion.objects.filter(user=certifie).order_by("course__path")
    dates = [completion.completed_at for completion in finished]
    assert dates == sorted(dates) and dates[-1] < now - timedelta(days=30)

    assert not StepCompletion.objects.filter(user=nouvelle).exists()
    assert not CourseCompletion.objects.filter(user=nouvelle).exists()


def test_generated_ambassadors_have_a_believable_history(demo):
    generated = User.objects.filter(email__startswith=GENERATED_PREFIX)
    steps = StepCompletion.objects.filter(user__in=generated)
    completions = CourseCompletion.objects.filter(user__in=generated)
    assert generated.count() == int(SCALE)
    assert steps.exists() and completions.exists()

    invited = AmbassadorProfile.objects.filter(
        user__in=generated, status=MembershipStatus.INVITED
    ).values("user")
    assert not steps.filter(user__in=invited).exists()

    now = timezone.now()
    for completion in [*steps, *completions]:
        assert now - timedelta(days=400) < completion.completed_at <= now

    lessons = {course.pk: [lesson.pk for lesson in _lessons(course)] for course in _courses()}
    for user in generated:
        done = set(steps.filter(user=user).values_list("step_id", flat=True))
        finished = set(completions.filter(user=user).values_list("course_id", flat=True))
        for course_id, steps_ids in lessons.items():
            mine = [step for step in steps_ids if step in done]
            # Lessons are followed in order; a course is completed when all its steps are.
            assert mine == steps_ids[: len(mine)]
            assert (course_id in finished) == (len(mine) == len(steps_ids))
    salon = CoursePage.objects.get(slug="representer-sur-un-salon")
    pitch = CoursePage.objects.get(slug="pitcher-le-territoire")
    started_salon = set(steps.filter(course=salon).values_list("user", flat=True))
    finished_pitch = set(completions.filter(course=pitch).values_list("user", flat=True))
    assert started_salon <= finished_pitch


def test_the_catalogue_a_course_and_a_lesson_answer(demo, client):
    assert client.get("/parcours/").status_code == 200

    client.force_login(_user("camille"))
    catalogue = client.get("/parcours/")
    course = client.get("/parcours/detecter-un-projet/")
    first_lesson = _lessons(CoursePage.objects.get(slug="detecter-un-projet"))[0]
    lesson = client.get(first_lesson.url)

    assert catalogue.status_code == 200
    for title in COURSES.values():
        assert title.replace("'", "&#x27;") in catalogue.content.decode()
    assert course.status_code == 200
    assert lesson.status_code == 200
    html = lesson.content.decode()
    assert "youtube-nocookie.com/embed/Signaux2026" in html
    assert "<img" in html


def test_every_demo_page_and_document_answers_to_an_ambassador_who_completed_them(demo, client):
    client.force_login(_user("certifie"))
    for course in _courses():
        assert client.get(course.url).status_code == 200
        for lesson in _lessons(course):
            response = client.get(lesson.url)
            assert response.status_code == 200, lesson.url
            assert "<h1" in response.content.decode()
    for document in get_document_model().objects.all():
        response = client.get(document.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"


def test_first_starts_fall_within_the_year_following_the_seasons():
    import random

    from lms.demo import _first_start

    now = timezone.now()
    rng = random.Random(1)
    starts = [_first_start(rng, now) for _ in range(20000)]
    months = {}
    for start in starts:
        assert now - timedelta(days=366) < start <= now
        month = timezone.localtime(start).month
        months[month] = months.get(month, 0) + 1

    assert months[8] < months[9] / 2  # the summer break, then the rentrée
    assert _first_start(random.Random(7), now) == _first_start(random.Random(7), now)

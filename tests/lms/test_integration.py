"""`lms` plugged into `home`: the main menu, Mon espace's "My courses", the fiche
ambassadeur's "Progress", the personal-data export and account deletion."""

import datetime
import json

import pytest
from django.test import RequestFactory
from django.utils import formats, timezone, translation
from django.utils.html import escape

from home import hooks as home_hooks
from home import services as home_services
from lms import report_selectors
from lms.models import CourseCompletion, CourseIndexPage, CoursePage, LessonPage, StepCompletion
from lms.services import step_complete
from lms.wagtail_hooks import progress_section
from tests.factories import AmbassadorProfileFactory, UserFactory

PARIS = datetime.timezone(datetime.timedelta(hours=1))  # Europe/Paris in winter
JANUARY = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=PARIS)


def fr(text) -> str:
    """A translatable string (or msgid) as the site shows it (in French)."""
    with translation.override("fr"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def add_course(index, title: str, lessons: int, **kwargs) -> tuple[CoursePage, list[LessonPage]]:
    course = index.add_child(
        instance=CoursePage(
            title=title, summary=f"Résumé de {title}.", duration_minutes=20, **kwargs
        )
    )
    steps = [
        course.add_child(
            instance=LessonPage(title=f"{title} — leçon {n}", body=[("text", "<p>Texte.</p>")])
        )
        for n in range(1, lessons + 1)
    ]
    return course, steps


def complete(user, steps, *, at: datetime.datetime | None = None) -> None:
    for step in steps:
        step_complete(user=user, step=step)
        if at is not None:
            StepCompletion.objects.filter(user=user, step=step).update(completed_at=at)
            CourseCompletion.objects.filter(user=user, course_id=step.get_parent().pk).update(
                completed_at=at
            )


@pytest.fixture
def catalogue(home_page):
    return home_page.add_child(instance=CourseIndexPage(title="Parcours", slug="parcours"))


def shows(html: str, text) -> bool:
    return escape(str(text)) in html


# --- Main menu ------------------------------------------------------------------------


def test_main_menu_offers_courses_then_search_to_everyone(client, home_page):
    html = client.get("/").content.decode()

    courses = f'<a href="/parcours/">{fr("Courses")}</a>'
    search = f'<a href="/recherche/">{fr("Search")}</a>'
    assert courses in html
    assert search in html
    assert html.index(courses) < html.index(search)


def test_main_menu_marks_search_current_on_the_search_page(client, home_page):
    html = client.get("/recherche/").content.decode()

    assert f'<a href="/recherche/" aria-current="page">{fr("Search")}</a>' in html


def test_main_menu_entries_run_no_query(db, rf, django_assert_num_queries):
    request = rf.get("/")
    with django_assert_num_queries(0):
        items = [
            item
            for item in home_hooks.main_menu_items(request)
            if item.url in ("/parcours/", "/recherche/")
        ]
    assert [item.url for item in items] == ["/parcours/", "/recherche/"]


# --- Mon espace: My courses -----------------------------------------------------------


@pytest.fixture
def learner(catalogue):
    """Camille completed “Détecter” on 10 January 2026, did 1 of 4 lessons of “Pitcher”,
    and has not started the four other courses (three are suggested)."""
    user = AmbassadorProfileFactory(
        user__email="camille@exemple.fr", user__first_name="Camille"
    ).user
    detecter, detecter_steps = add_course(catalogue, "Détecter un projet", 2)
    pitcher, pitcher_steps = add_course(catalogue, "Pitcher le territoire", 4)
    others = [add_course(catalogue, f"Parcours {n}", 1)[0] for n in range(1, 5)]
    complete(user, detecter_steps, at=JANUARY)
    complete(user, pitcher_steps[:1])
    return {"user": user, "detecter": detecter, "pitcher": pitcher, "others": others}


def test_my_courses_shows_progress_bars_and_resume_links_for_courses_in_progress(client, learner):
    client.force_login(learner["user"])

    response = client.get("/mon-espace/")

    html = response.content.decode()
    (panel,) = [p for p in response.context["panels"] if p.slug == "my-courses"]
    assert panel.title == fr("My courses")
    assert [c.course.title for c in panel.context["courses"].in_progress] == [
        "Pitcher le territoire"
    ]
    pitcher = learner["pitcher"]
    progress_id = f"my-course-{pitcher.pk}-progress"
    assert f'<label for="{progress_id}"' in html
    assert f'<progress id="{progress_id}"' in html
    assert 'max="100" value="25"' in html
    assert 'href="/parcours/pitcher-le-territoire/"' in html
    assert (
        f'href="{pitcher.url}" aria-describedby="my-course-{pitcher.pk}-title">{fr("Resume")}</a>'
        in html
    )


def test_my_courses_shows_completed_courses_with_their_date(client, learner):
    client.force_login(learner["user"])

    response = client.get("/mon-espace/")

    (panel,) = [p for p in response.context["panels"] if p.slug == "my-courses"]
    ((card, completed_at),) = panel.context["completed"]
    assert card.course.title == "Détecter un projet"
    assert completed_at == JANUARY
    with translation.override("fr"):
        date = formats.date_format(timezone.localtime(completed_at), "DATE_FORMAT")
    assert date in response.content.decode()


def test_my_courses_suggests_up_to_three_courses_not_started(client, learner):
    client.force_login(learner["user"])

    response = client.get("/mon-espace/")

    (panel,) = [p for p in response.context["panels"] if p.slug == "my-courses"]
    suggested = [c.course.title for c in panel.context["courses"].suggested]
    assert suggested == ["Parcours 1", "Parcours 2", "Parcours 3"]
    html = response.content.decode()
    assert shows(html, "Résumé de Parcours 1.")
    assert not shows(html, "Résumé de Parcours 4.")


def test_my_courses_invites_to_the_catalogue_when_no_course_is_open(client, home_page):
    user = AmbassadorProfileFactory().user
    client.force_login(user)

    html = client.get("/mon-espace/").content.decode()

    assert shows(html, fr("My courses"))
    assert shows(html, fr("Browse the courses"))
    assert 'href="/parcours/"' in html
    assert '<progress id="my-course-' not in html


def test_a_newcomer_is_invited_to_start_a_course(client, catalogue):
    course, _steps = add_course(catalogue, "Pitcher le territoire", 2)
    client.force_login(AmbassadorProfileFactory().user)

    html = client.get("/mon-espace/").content.decode()

    assert shows(html, fr("Start with a course"))
    assert 'href="/parcours/pitcher-le-territoire/"' in html


def test_my_courses_is_not_shown_to_a_suspended_ambassador(client, learner):
    profile = learner["user"].ambassador_profile
    profile.status = "suspended"
    profile.save(update_fields=["status"])
    client.force_login(learner["user"])

    response = client.get("/mon-espace/")

    assert response.context["panels"] == []


# Mon espace's own 9 queries (see tests/home/test_pages.py) + My courses: the live
# courses (1), their competences and prerequisites (2), their live steps (1), the
# person's completed steps and completed courses (2), the completion dates (1), + the
# badges' "My badges" panel with no badge defined (1), + the missions' "My missions"
# panel with no sign-up (its sign-ups, its calendar feed: 2), + the reports' "My
# reports" panel with no report (1) = 20, however many courses.
MON_ESPACE_QUERIES = 20


@pytest.mark.parametrize("courses", [1, 10])
def test_mon_espace_query_count_with_my_courses_does_not_grow_with_courses(
    client, catalogue, django_assert_num_queries, courses
):
    user = AmbassadorProfileFactory().user
    created = [add_course(catalogue, f"Parcours {n}", 2) for n in range(courses)]
    complete(user, created[0][1][:1])  # one course in progress
    if courses > 1:
        complete(user, created[1][1])  # one completed
    client.force_login(user)
    client.get("/mon-espace/")  # warm the per-process caches (site settings, root paths)

    with django_assert_num_queries(MON_ESPACE_QUERIES):
        response = client.get("/mon-espace/")

    (panel,) = [p for p in response.context["panels"] if p.slug == "my-courses"]
    assert len(panel.context["courses"].in_progress) == 1


# --- Fiche ambassadeur: Progress ------------------------------------------------------


def test_fiche_shows_each_started_course_with_steps_percent_and_dates(client, staff, learner):
    profile = learner["user"].ambassador_profile
    client.force_login(staff)

    response = client.get(f"/admin/ambassadeurs/{profile.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="ambassador-section-lms-progress-section"' in html
    rows = [
        (row.course, row.steps, row.percent, row.is_completed)
        for section in response.context["sections"]
        if section["panel"].slug == "lms-progress"
        for row in section["panel"].context["rows"]
    ]
    assert rows == [
        ("Pitcher le territoire", "1 / 4", 25, False),
        ("Détecter un projet", "2 / 2", 100, True),
    ]
    assert html.count('class="ambassador-progress__row"') == 2
    with translation.override("fr"):
        completed = formats.date_format(
            timezone.localtime(JANUARY),
            "DATETIME_FORMAT",
        )
    assert completed in html
    assert "/admin/rapports/progression-parcours/?ambassador=camille%40exemple.fr" in html


# The fiche's own 15 queries (see tests/home/test_admin_ambassadors.py) + Progress: the
# person's progress aggregated per course (1) and the courses' live steps (1), + the
# quizzes' section of someone who took none (1), + the badges' section with no badge
# defined (1), + the missions' section with no sign-up (1), + the reports' section with
# no report (1) = 21, however many courses they started.
FICHE_QUERIES = 21


@pytest.mark.parametrize("started", [1, 6])
def test_fiche_query_count_with_progress_does_not_grow_with_courses(
    client, staff, catalogue, django_assert_num_queries, started
):
    user = AmbassadorProfileFactory().user
    for n in range(started):
        _course, steps = add_course(catalogue, f"Parcours {n}", 2)
        complete(user, steps[: 1 + n % 2])
    client.force_login(staff)
    url = f"/admin/ambassadeurs/{user.ambassador_profile.pk}/"
    client.get(url)  # warm the per-process caches

    with django_assert_num_queries(FICHE_QUERIES):
        response = client.get(url)

    (section,) = [s for s in response.context["sections"] if s["panel"].slug == "lms-progress"]
    assert len(section["panel"].context["rows"]) == started


def test_fiche_says_when_no_course_was_started(client, staff, ambassador, home_page):
    client.force_login(staff)

    html = client.get(f"/admin/ambassadeurs/{ambassador.ambassador_profile.pk}/").content.decode()

    assert shows(html, fr("No course started yet."))


def test_progress_section_is_empty_for_someone_who_may_not_see_ambassadors(db, learner):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(email="redaction@exemple.fr", is_staff=True)

    assert progress_section(request, learner["user"]) is None


# --- Personal data and account deletion -----------------------------------------------


def test_personal_data_export_holds_every_step_and_course_completion(learner):
    user = learner["user"]
    started = StepCompletion.objects.get(user=user, course=learner["pitcher"]).completed_at

    data = home_services.personal_data_export(user=user)

    steps = [
        (s["course"], s["step"], datetime.datetime.fromisoformat(s["completed_at"]))
        for s in data["lms"]["step_completions"]
    ]
    courses = [
        (c["course"], datetime.datetime.fromisoformat(c["completed_at"]))
        for c in data["lms"]["course_completions"]
    ]
    assert steps == [
        ("Détecter un projet", "Détecter un projet — leçon 1", JANUARY),
        ("Détecter un projet", "Détecter un projet — leçon 2", JANUARY),
        ("Pitcher le territoire", "Pitcher le territoire — leçon 1", started),
    ]
    assert courses == [("Détecter un projet", JANUARY)]
    assert set(data["lms"]) == {"step_completions", "course_completions"}
    json.dumps(data)  # serialisable as it is


def test_account_deletion_keeps_progress_for_statistics_without_the_person(learner):
    user = learner["user"]
    before = report_selectors.course_summaries()

    home_services.account_delete(user=user)

    user.refresh_from_db()
    exported = json.dumps(home_services.personal_data_export(user=user), ensure_ascii=False)
    assert "camille" not in exported.lower()
    assert user.first_name == ""
    # The records stay attached to the anonymised account and keep counting.
    assert StepCompletion.objects.filter(user=user).count() == 3
    assert CourseCompletion.objects.filter(user=user).count() == 1
    assert report_selectors.course_summaries() == before
    rows = report_selectors.progress_of(user=user)
    assert [(r.course, r.email) for r in rows] == [
        ("Pitcher le territoire", f"compte-supprime-{user.pk}@invalid.example"),
        ("Détecter un projet", f"compte-supprime-{user.pk}@invalid.example"),
    ]


def test_deleted_accounts_still_count_in_the_course_report(client, staff, learner):
    home_services.account_delete(user=learner["user"])
    client.force_login(staff)

    response = client.get("/admin/rapports/progression-parcours/")

    summaries = {s.title: (s.started, s.completed) for s in response.context["summaries"]}
    assert summaries["Détecter un projet"] == (1, 1)
    assert summaries["Pitcher le territoire"] == (1, 0)
    assert "camille@exemple.fr" not in response.content.decode()

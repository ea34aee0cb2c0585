"""The staff's "Course progress" report: per-course counts, each ambassador's progress,
filters, CSV/XLSX export, who may see it, and its pinned query count."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation

from lms import report_selectors
from lms.admin_views import STATUS_LABELS, CourseProgressReportView, ProgressStatus
from lms.models import CourseCompletion, CourseIndexPage, CoursePage, LessonPage, StepCompletion
from lms.services import step_complete
from tests.factories import AmbassadorProfileFactory, UserFactory

REPORT_URL = "/admin/rapports/progression-parcours/"
PARIS = datetime.timezone(datetime.timedelta(hours=1))  # Europe/Paris in winter


def fr(text) -> str:
    """A translatable string as the admin shows it (in French)."""
    with translation.override("fr"):
        return str(text)


COMPLETED = fr(STATUS_LABELS[ProgressStatus.COMPLETED])
IN_PROGRESS = fr(STATUS_LABELS[ProgressStatus.IN_PROGRESS])


def lesson(title: str) -> LessonPage:
    return LessonPage(title=title, body=[("text", f"<p>{title}</p>")])


def add_course(index, title: str, lessons: int, **kwargs) -> tuple[CoursePage, list[LessonPage]]:
    course = index.add_child(
        instance=CoursePage(title=title, summary=f"{title}.", duration_minutes=30, **kwargs)
    )
    steps = [
        course.add_child(instance=lesson(f"{title} — leçon {n}")) for n in range(1, lessons + 1)
    ]
    return course, steps


def complete(user, steps, *, at: datetime.datetime) -> None:
    """Complete `steps` in order, one minute apart from `at` (the course completion, if
    any, at the time of the last step)."""
    for minutes, step in enumerate(steps):
        step_complete(user=user, step=step)
        when = at + datetime.timedelta(minutes=minutes)
        StepCompletion.objects.filter(user=user, step=step).update(completed_at=when)
        CourseCompletion.objects.filter(user=user, course=step.get_parent()).update(
            completed_at=when
        )


def ambassador(email, first_name, last_name):
    return AmbassadorProfileFactory(
        user__email=email, user__first_name=first_name, user__last_name=last_name
    ).user


@pytest.fixture
def catalogue(home_page):
    return home_page.add_child(instance=CourseIndexPage(title="Parcours", slug="parcours"))


@pytest.fixture
def known(catalogue):
    """Two courses and three ambassadors:

    - Alice Martin completed “Détecter” (3 lessons) and did 1 of 2 lessons of “Pitcher”;
    - Bruno Schmidt did 1 lesson of “Détecter”;
    - Chloé Abel has done nothing.
    """
    detecter, detecter_steps = add_course(catalogue, "Détecter un projet", 3)
    pitcher, pitcher_steps = add_course(catalogue, "Pitcher le territoire", 2)
    alice = ambassador("alice.martin@exemple.fr", "Alice", "Martin")
    bruno = ambassador("bruno.schmidt@exemple.de", "Bruno", "Schmidt")
    chloe = ambassador("chloe.abel@exemple.fr", "Chloé", "Abel")
    complete(alice, detecter_steps, at=datetime.datetime(2026, 1, 10, 9, 0, tzinfo=PARIS))
    complete(alice, pitcher_steps[:1], at=datetime.datetime(2026, 1, 12, 14, 30, tzinfo=PARIS))
    complete(bruno, detecter_steps[:1], at=datetime.datetime(2026, 1, 11, 18, 0, tzinfo=PARIS))
    return {
        "detecter": detecter,
        "pitcher": pitcher,
        "alice": alice,
        "bruno": bruno,
        "chloe": chloe,
    }


def rows_of(response) -> list[tuple]:
    return [
        (row.email, row.course, row.done, row.total, row.percent, row.is_completed)
        for row in response.context["table"].data
    ]


ALICE_DETECTER = ("alice.martin@exemple.fr", "Détecter un projet", 3, 3, 100, True)
ALICE_PITCHER = ("alice.martin@exemple.fr", "Pitcher le territoire", 1, 2, 50, False)
BRUNO_DETECTER = ("bruno.schmidt@exemple.de", "Détecter un projet", 1, 3, 33, False)


# --- Contents -------------------------------------------------------------------------


def test_report_counts_who_started_and_completed_each_course(client, staff, known):
    client.force_login(staff)

    response = client.get(REPORT_URL)

    assert response.status_code == 200
    summaries = [(s.title, s.started, s.completed, s.rate) for s in response.context["summaries"]]
    assert summaries == [
        ("Détecter un projet", 2, 1, 50),
        ("Pitcher le territoire", 1, 0, 0),
    ]
    html = response.content.decode()
    assert "course-progress-summary__row" in html


def test_report_lists_each_ambassadors_progress_with_dates_and_a_link_to_their_fiche(
    client, staff, known
):
    client.force_login(staff)

    response = client.get(REPORT_URL)

    assert rows_of(response) == [ALICE_DETECTER, ALICE_PITCHER, BRUNO_DETECTER]
    first = response.context["table"].data[0]
    assert first.name == "Alice Martin"
    assert first.started_at == datetime.datetime(2026, 1, 10, 9, 0, tzinfo=PARIS)
    assert first.completed_at == datetime.datetime(2026, 1, 10, 9, 2, tzinfo=PARIS)
    html = response.content.decode()
    profile = known["alice"].ambassador_profile
    assert f'href="/admin/ambassadeurs/{profile.pk}/"' in html
    assert "chloe.abel@exemple.fr" not in html  # nobody is listed before starting
    assert f'href="{REPORT_URL}?export=csv"' in html
    assert f'href="{REPORT_URL}?export=xlsx"' in html


def test_unpublished_steps_do_not_count_and_a_completion_stays_complete(client, staff, known):
    detecter = known["detecter"]
    steps = list(detecter.get_children().order_by("path"))
    steps[0].specific.unpublish()
    client.force_login(staff)

    response = client.get(REPORT_URL)

    assert rows_of(response) == [
        ("alice.martin@exemple.fr", "Détecter un projet", 2, 2, 100, True),
        ALICE_PITCHER,
        ("bruno.schmidt@exemple.de", "Détecter un projet", 0, 2, 0, False),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"course": "detecter"}, [ALICE_DETECTER, BRUNO_DETECTER]),
        ({"course": "pitcher"}, [ALICE_PITCHER]),
        ({"status": "completed"}, [ALICE_DETECTER]),
        ({"status": "started"}, [ALICE_PITCHER, BRUNO_DETECTER]),
        ({"status": "started", "course": "detecter"}, [BRUNO_DETECTER]),
        ({"ambassador": "bruno"}, [BRUNO_DETECTER]),
        ({"ambassador": "MARTIN alice"}, [ALICE_DETECTER, ALICE_PITCHER]),
        ({"ambassador": "exemple.de"}, [BRUNO_DETECTER]),
        ({"ambassador": "chloé"}, []),
    ],
)
def test_report_filters_by_course_status_and_ambassador(client, staff, known, query, expected):
    params = {name: known[value].pk if name == "course" else value for name, value in query.items()}
    client.force_login(staff)

    response = client.get(REPORT_URL, params)

    assert response.status_code == 200
    assert rows_of(response) == expected


def test_the_course_filter_narrows_the_summary_to_that_course(client, staff, known):
    client.force_login(staff)

    response = client.get(REPORT_URL, {"course": known["pitcher"].pk})

    assert [s.title for s in response.context["summaries"]] == ["Pitcher le territoire"]


def test_report_results_view_refreshes_the_table_for_filters(client, staff, known):
    client.force_login(staff)

    response = client.get(f"{REPORT_URL}resultats/", {"status": "completed"})

    assert response.status_code == 200
    assert rows_of(response) == [ALICE_DETECTER]
    assert "<html" not in response.content.decode()


def test_report_can_be_sorted_by_start_date(client, staff, known):
    client.force_login(staff)

    response = client.get(REPORT_URL, {"ordering": "-started_at"})

    assert rows_of(response) == [ALICE_PITCHER, BRUNO_DETECTER, ALICE_DETECTER]


def test_unpublished_courses_with_history_stay_in_the_summary_and_empty_drafts_do_not(
    client, staff, known, catalogue
):
    add_course(catalogue, "Brouillon", 1, live=False)
    known["pitcher"].unpublish()
    client.force_login(staff)

    summaries = client.get(REPORT_URL).context["summaries"]

    assert [(s.title, s.live, s.started) for s in summaries] == [
        ("Détecter un projet", True, 2),
        ("Pitcher le territoire", False, 1),
    ]


# --- Export ---------------------------------------------------------------------------


EXPORT_FIELDS = [
    "name",
    "email",
    "course",
    "is_completed",
    "done",
    "total",
    "percent",
    "started_at",
    "completed_at",
]


def test_csv_export_holds_every_row_with_local_times(client, staff, known):
    client.force_login(staff)

    response = client.get(REPORT_URL, {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    today = timezone.localdate().isoformat()
    assert f'filename="progression-parcours-{today}.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(content))) == [
        [fr(CourseProgressReportView.export_headings[name]) for name in EXPORT_FIELDS],
        [
            "Alice Martin",
            "alice.martin@exemple.fr",
            "Détecter un projet",
            COMPLETED,
            "3",
            "3",
            "100",
            "2026-01-10 09:00:00",
            "2026-01-10 09:02:00",
        ],
        [
            "Alice Martin",
            "alice.martin@exemple.fr",
            "Pitcher le territoire",
            IN_PROGRESS,
            "1",
            "2",
            "50",
            "2026-01-12 14:30:00",
            "",
        ],
        [
            "Bruno Schmidt",
            "bruno.schmidt@exemple.de",
            "Détecter un projet",
            IN_PROGRESS,
            "1",
            "3",
            "33",
            "2026-01-11 18:00:00",
            "",
        ],
    ]


def test_csv_export_follows_the_filters(client, staff, known):
    client.force_login(staff)

    response = client.get(REPORT_URL, {"export": "csv", "status": "completed"})

    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Alice Martin,alice.martin@exemple.fr,Détecter un projet,")


def test_xlsx_export_holds_every_row(client, staff, known):
    client.force_login(staff)

    response = client.get(REPORT_URL, {"export": "xlsx"})

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 4
    assert rows[1][:7] == (
        "Alice Martin",
        "alice.martin@exemple.fr",
        "Détecter un projet",
        COMPLETED,
        3,
        3,
        100,
    )
    assert rows[1][7] == datetime.datetime(2026, 1, 10, 9, 0)


# --- Who may see it -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "manager"])
def test_equipe_and_responsables_see_the_report_and_its_menu_entry(client, request, known, persona):
    client.force_login(request.getfixturevalue(persona))

    report = client.get(REPORT_URL)
    reports_menu = client.get("/admin/").content.decode()

    assert report.status_code == 200
    assert REPORT_URL in reports_menu


def test_ambassadors_and_anonymous_visitors_are_sent_to_sign_in(client, known):
    anonymous = client.get(REPORT_URL)
    client.force_login(known["alice"])
    ambassador_response = client.get(REPORT_URL)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/connexion/")
    assert ambassador_response.status_code == 302
    assert ambassador_response["Location"].startswith("/connexion/")


def test_staff_who_may_not_see_ambassadors_are_refused_and_see_no_menu_entry(client, known):
    editors = Group.objects.create(name="Rédaction")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor = UserFactory(email="redaction@exemple.fr", is_staff=True, groups=["Rédaction"])
    client.force_login(editor)

    report = client.get(REPORT_URL)
    export = client.get(REPORT_URL, {"export": "csv"})
    admin_home = client.get("/admin/").content.decode()

    # Wagtail's admin answers a refusal with a redirect to its dashboard and a message.
    assert (report.status_code, report["Location"]) == (302, "/admin/")
    assert (export.status_code, export["Location"]) == (302, "/admin/")
    assert REPORT_URL not in admin_home


# --- Cost -----------------------------------------------------------------------------

# Session and user (2), user and group permissions for the admin access and `staff_may`
# (2), the admin's user profile (1); the rows' count and their page (2, aggregated in the
# database), the courses' live steps (1), the per-course summary (1); the admin's
# furniture: locales, page, collection and site permissions for the menu, the explorer's
# root (5), the course filter's choices (1); the idle-timeout session save (savepoint,
# update, release: 3). The same for 2 or 20 ambassadors.
REPORT_QUERIES = 18


def test_report_query_count_does_not_grow_with_the_number_of_ambassadors(
    client, staff, catalogue, django_assert_num_queries
):
    course, steps = add_course(catalogue, "Détecter un projet", 3)
    other, other_steps = add_course(catalogue, "Pitcher le territoire", 2)

    def start(count):
        for _ in range(count):
            user = AmbassadorProfileFactory().user
            complete(user, steps[:2], at=timezone.now())
            complete(user, other_steps, at=timezone.now())

    start(2)
    client.force_login(staff)
    client.get(REPORT_URL)  # warm the per-process caches (content types, site root paths)

    with django_assert_num_queries(REPORT_QUERIES):
        few = client.get(REPORT_URL)
    start(18)
    with django_assert_num_queries(REPORT_QUERIES):
        many = client.get(REPORT_URL)

    assert len(few.context["table"].data) == 4
    assert len(many.context["table"].data) == 40
    assert [(s.started, s.completed) for s in many.context["summaries"]] == [(20, 0), (20, 20)]


def test_fiche_rows_come_from_the_same_aggregation_in_two_queries(known, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = report_selectors.progress_of(user=known["alice"])

    assert [(r.course, r.done, r.total, r.percent) for r in rows] == [
        ("Pitcher le territoire", 1, 2, 50),
        ("Détecter un projet", 3, 3, 100),
    ]

"""`lms` on the staff dashboard: the funnel's "Started a course" and "Earned a badge",
the per-course cohorts, the certified ambassadors today (by sector, language, country)
and the badges expiring; every figure exact on a small known data set, the period's
edges, blanks, and query counts that do not grow with the data."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from wagtail import hooks

from home import dashboard as home_dashboard
from home import hooks as home_hooks
from home.models import MembershipStatus, Sector, User
from lms import dashboard, services
from lms.models import Badge, BadgeAward, CourseCompletion, StepCompletion
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_course, add_lesson, lessons_of

PARIS = ZoneInfo("Europe/Paris")
JANUARY = home_dashboard.Period(
    start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31), key="custom"
)
EVERYTHING = home_dashboard.Period()


def at(*args) -> datetime.datetime:
    """A time in Paris."""
    return datetime.datetime(*args, tzinfo=PARIS)


def person(status=MembershipStatus.ACTIVE, **fields) -> User:
    return AmbassadorProfileFactory(status=status, **fields).user


def step(user, lesson, when):
    return StepCompletion.objects.create(
        user=user, step=lesson, course_id=lesson.get_parent().pk, completed_at=when
    )


def course_done(user, course, when):
    return CourseCompletion.objects.create(user=user, course=course, completed_at=when)


def add_badge(name, *, months=12) -> Badge:
    return Badge.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        description=f"Sait faire « {name} ».",
        criteria_narrative="Vu en salon.",
        validity_months=months,
    )


def award(badge, user, *, when=None, expires_at="keep") -> BadgeAward:
    made = services.badge_award(badge=badge, user=user, actor=None, note="Vu en salon.", now=when)
    if expires_at != "keep":
        BadgeAward.objects.filter(pk=made.pk).update(expires_at=expires_at)
        made.refresh_from_db()
    return made


def revoke(made):
    return services.badge_revoke(award=made, actor=None, reason="Attribué par erreur.")


def reached(stage_key, period) -> int:
    """The stage counted as `home` counts it: among active ambassadors, one aggregate."""
    stage = next(s for s in dashboard.stages() if s.key == stage_key)
    return User.objects.filter(ambassador_profile__status="active").aggregate(
        n=Count("pk", filter=Q(stage.reached(period)))
    )["n"]


# --- Courses: the known data set ----------------------------------------------------------


@pytest.fixture
def cohorts(catalogue):
    """Two live courses of two lessons (A, B), an unpublished course with an old history
    (C), an unpublished course without one (D, never shown), a live course nobody
    started (E); and who did what, around January 2026 (see each line)."""
    a = add_course(catalogue, "A — Détecter", lessons=2)
    b = add_course(catalogue, "B — Pitcher", lessons=2)
    c = add_course(catalogue, "C — Ancien parcours", live=False)
    c_lesson = add_lesson(c, "C — leçon", live=False)
    add_course(catalogue, "D — Brouillon", live=False)
    e = add_course(catalogue, "E — Nouveau", lessons=1)
    a1, a2 = lessons_of(a)
    b1, b2 = lessons_of(b)
    people = {name: person() for name in ("u1", "u2", "u3", "u4", "u5")}
    people["suspended"] = person(status=MembershipStatus.SUSPENDED)
    u1, u2, u3, u4, u5 = (people[n] for n in ("u1", "u2", "u3", "u4", "u5"))
    # A: u1 starts 5 Jan, completes 8 Jan (3 days).
    step(u1, a1, at(2026, 1, 5, 10))
    step(u1, a2, at(2026, 1, 8, 10))
    course_done(u1, a, at(2026, 1, 8, 10))
    # A: u2 starts on the period's last evening, has not completed.
    step(u2, a1, at(2026, 1, 31, 23, 30))
    # A: u3 started the evening before the period: a later step in it is no start.
    step(u3, a1, at(2025, 12, 31, 23, 30))
    step(u3, a2, at(2026, 1, 10))
    course_done(u3, a, at(2026, 1, 10))
    # A: u4 starts 10 Jan and completes after the period, 20 Feb (41 days): counted.
    step(u4, a1, at(2026, 1, 10))
    step(u4, a2, at(2026, 2, 20))
    course_done(u4, a, at(2026, 2, 20))
    # A: u5 starts at the first instant after the period.
    step(u5, a1, at(2026, 2, 1))
    # B: u1 starts 20 Jan, completes 21 Jan at noon (1.5 days).
    step(u1, b1, at(2026, 1, 20))
    step(u1, b2, at(2026, 1, 21, 12))
    course_done(u1, b, at(2026, 1, 21, 12))
    # C: u2 followed it long ago.
    step(u2, c_lesson, at(2025, 6, 1))
    # A suspended ambassador starts A in January: a cohort counts them, the funnel not.
    step(people["suspended"], a1, at(2026, 1, 15))
    return {"a": a, "b": b, "c": c, "e": e, **people}


def test_each_course_counts_the_people_whose_first_step_is_in_the_period(cohorts):
    rows = [
        (c.title, c.live, c.started, c.completed, c.rate, c.median_days)
        for c in dashboard.course_cohorts(period=JANUARY)
    ]

    assert rows == [
        # u1, u2, u4 and the suspended one; u1 and u4 completed (3 and 41 days).
        ("A — Détecter", True, 4, 2, 50.0, 22.0),
        ("B — Pitcher", True, 1, 1, 100.0, 1.5),
        ("C — Ancien parcours", False, 0, 0, None, None),
        ("E — Nouveau", True, 0, 0, None, None),
    ]


def test_without_bounds_every_first_step_counts(cohorts):
    rows = [
        (c.title, c.started, c.completed, c.rate, c.median_days)
        for c in dashboard.course_cohorts(period=EVERYTHING)
    ]

    # A: u1..u5 and the suspended one; completed u1 (3), u3 (10 Jan − 31 Dec 23:30 =
    # 9.02 days), u4 (41): median 9.0.
    assert rows == [
        ("A — Détecter", 6, 3, 50.0, 9.0),
        ("B — Pitcher", 1, 1, 100.0, 1.5),
        ("C — Ancien parcours", 1, 0, 0.0, None),
        ("E — Nouveau", 0, 0, None, None),
    ]


def test_a_period_of_one_day_keeps_its_last_evening(cohorts):
    last_day = home_dashboard.Period(
        start=datetime.date(2026, 1, 31), end=datetime.date(2026, 1, 31)
    )

    rows = {c.title: (c.started, c.completed) for c in dashboard.course_cohorts(period=last_day)}

    assert rows["A — Détecter"] == (1, 0)  # u2, at 23:30


def test_the_courses_table(cohorts):
    with translation.override("en"):
        (table,) = dashboard.build_courses(JANUARY)
        report = reverse("lms_reports:course_progress")
        a, b, c, e = (cohorts[k] for k in "abce")

        assert table.slug == "cohorts" and not table.on_home and table.uses_period
        assert [str(col.label) for col in table.columns] == [
            "Course",
            "Started",
            "Completed",
            "Completion rate",
            "Median time to complete",
        ]
        assert [col.kind for col in table.columns] == [
            "text",
            "number",
            "number",
            "percent",
            "days",
        ]
        assert list(table.rows) == [
            (home_dashboard.Link("A — Détecter", f"{report}?course={a.pk}"), 4, 2, 50.0, 22.0),
            (home_dashboard.Link("B — Pitcher", f"{report}?course={b.pk}"), 1, 1, 100.0, 1.5),
            (
                home_dashboard.Link("C — Ancien parcours", f"{report}?course={c.pk}"),
                0,
                0,
                None,
                None,
            ),
            (home_dashboard.Link("E — Nouveau", f"{report}?course={e.pk}"), 0, 0, None, None),
        ]
        assert table.chart.kind == "hbar"
        assert list(table.chart.labels) == [
            "A — Détecter",
            "B — Pitcher",
            "C — Ancien parcours",
            "E — Nouveau",
        ]
        assert [(str(name), list(values)) for name, values in table.chart.series] == [
            ("Started", [4, 1, 0, 0]),
            ("Completed", [2, 1, 0, 0]),
        ]
        assert "first completed step" in str(table.note)


def test_the_courses_table_of_an_empty_catalogue_says_so(db):
    (table,) = dashboard.build_courses(JANUARY)

    assert list(table.rows) == [] and table.chart is None and str(table.empty)


# --- The funnel's stages --------------------------------------------------------------------


def test_started_counts_active_ambassadors_whose_first_step_of_a_course_is_in_the_period(
    cohorts,
):
    # u1 (A, B), u2 (A on the last evening), u4 (A); not u3 (started in December), not
    # u5 (February), not the suspended one (not active).
    assert reached("started", JANUARY) == 3
    assert reached("started", EVERYTHING) == 5
    december = home_dashboard.Period(
        start=datetime.date(2025, 12, 1), end=datetime.date(2025, 12, 31)
    )
    assert reached("started", december) == 1  # u3, the evening before January


def test_a_later_first_step_of_another_course_counts_as_a_start(cohorts):
    # u3 started A in December; starting B in January makes them a January start.
    step(cohorts["u3"], lessons_of(cohorts["b"])[0], at(2026, 1, 3))

    assert reached("started", JANUARY) == 4


@pytest.fixture
def awards(db):
    """Awards issued around January 2026 (see each line)."""
    badge = add_badge("Détecteur")
    other = add_badge("Salon")
    people = {name: person() for name in ("on_first", "last", "before", "revoked", "after")}
    people["suspended"] = person(status=MembershipStatus.SUSPENDED)
    award(badge, people["on_first"], when=at(2026, 1, 1))
    award(other, people["on_first"], when=at(2026, 1, 20))  # the same person: once
    award(badge, people["last"], when=at(2026, 1, 31, 23, 59))
    award(badge, people["before"], when=at(2025, 12, 31, 23, 59))
    revoke(award(badge, people["revoked"], when=at(2026, 1, 15)))
    award(badge, people["after"], when=at(2026, 2, 1))
    award(badge, people["suspended"], when=at(2026, 1, 15))
    return people


def test_certified_counts_active_ambassadors_issued_a_badge_in_the_period(awards):
    assert reached("certified", JANUARY) == 2  # on_first, last
    assert reached("certified", EVERYTHING) == 4  # and before, after; never the revoked


def test_a_renewal_in_the_period_counts_as_earning_the_badge(awards):
    old = BadgeAward.objects.get(user=awards["before"])
    BadgeAward.objects.filter(pk=old.pk).update(replaced_at=at(2026, 1, 10))
    BadgeAward.objects.create(
        badge=old.badge,
        user=awards["before"],
        issued_at=at(2026, 1, 10),
        recipient_salt="s",
        recipient_hash="sha256$x",
        previous=old,
    )

    assert reached("certified", JANUARY) == 3


def test_the_stages_are_registered_in_order_after_home():
    stages = [s for fn in hooks.get_hooks(home_hooks.FUNNEL_STAGES) for s in fn()]
    keys = [s.key for s in stages]

    assert keys.index("started") + 1 == keys.index("certified")


def test_the_sections_are_registered():
    sections = {
        section.slug: section
        for fn in hooks.get_hooks(home_hooks.DASHBOARD_SECTIONS)
        if (section := fn())
    }

    assert sections["courses"].build is dashboard.build_courses
    assert sections["certified"].build is dashboard.build_certified
    assert str(sections["courses"].title) and str(sections["certified"].title)


# --- Certified ambassadors today ----------------------------------------------------------


@pytest.fixture
def certified(db):
    """Who holds what today (see each line)."""
    badge = add_badge("Détecteur")
    other = add_badge("Salon")
    old = add_badge("Ancien", months=12)
    now = timezone.now()
    holders = {
        "p1": person(sector=Sector.INDUSTRY, country="FR", languages=["fr", "en"]),
        "p2": person(sector=Sector.DIGITAL, country="DE", languages=["de"]),
        "p3": person(sector="", country="", languages=[]),  # nothing given
        "p4": person(sector=Sector.OTHER, country="FR", languages=["fr"]),
        "p8": person(sector=Sector.INDUSTRY, country="BE", languages=["fr", "nl"]),
    }
    for holder in holders.values():
        award(badge, holder)
    award(other, holders["p8"])  # two valid badges: counted once
    # Not certified today: suspended; only a revoked award; only an expired one.
    award(badge, person(status=MembershipStatus.SUSPENDED, sector=Sector.HEALTH))
    revoke(award(badge, person(sector=Sector.HEALTH, country="IT", languages=["it"])))
    award(
        old,
        person(sector=Sector.HEALTH, country="IT", languages=["it"]),
        when=now - datetime.timedelta(days=400),
    )
    return holders


def test_certified_ambassadors_are_counted_by_sector_language_and_country(certified):
    with translation.override("en"):
        assert dashboard.certified_by("sector") == {"industry": 2, "digital": 1, "": 1, "other": 1}
        assert dashboard.certified_by("country") == {"FR": 2, "DE": 1, "BE": 1, "": 1}
        assert dashboard.certified_by_language() == {"fr": 3, "en": 1, "de": 1, "nl": 1, "": 1}


def test_the_certified_tables(certified):
    with translation.override("en"):
        tables = dashboard.build_certified(EVERYTHING)
        by_slug = {table.slug: table for table in tables}

        assert list(by_slug) == ["by-sector", "by-language", "by-country", "expiring"]
        assert all(not table.uses_period for table in tables)
        assert [t.slug for t in tables if t.on_home] == []
        assert all("today" in str(table.caption) for table in tables)
        assert list(by_slug["by-sector"].rows) == [
            ("Industry and manufacturing", 2),
            ("Digital and technology", 1),
            ("Other", 1),  # the sector "Other"
            ("Not given", 1),
        ]
        assert list(by_slug["by-language"].rows) == [
            ("French", 3),
            ("Dutch", 1),
            ("English", 1),
            ("German", 1),
            ("Not given", 1),
        ]
        assert list(by_slug["by-country"].rows) == [
            ("France", 2),
            ("Belgium", 1),
            ("Germany", 1),
            ("Not given", 1),
        ]
        chart = by_slug["by-country"].chart
        assert chart.kind == "hbar"
        assert list(chart.labels) == ["France", "Belgium", "Germany", "Not given"]
        assert [list(values) for _name, values in chart.series] == [[2, 1, 1, 1]]


def test_the_certified_tables_in_french(certified):
    with translation.override("fr"):
        by_slug = {t.slug: t for t in dashboard.build_certified(EVERYTHING)}

        assert list(by_slug["by-country"].rows)[0] == ("France", 2)
        assert list(by_slug["by-language"].rows)[0] == ("Français", 3)
        assert list(by_slug["by-sector"].rows)[0] == ("Industrie", 2)


def test_the_certified_tables_are_empty_without_certified_ambassadors(db):
    add_badge("Détecteur")
    tables = dashboard.build_certified(EVERYTHING)

    assert [list(t.rows) for t in tables[:3]] == [[], [], []]
    assert all(t.chart is None for t in tables[:3])


def test_ranked_keeps_the_top_ten_then_other_then_not_given():
    counts = {f"k{n:02d}": 20 - n for n in range(12)}  # k00: 20 … k11: 9
    counts.update({"": 4, "misc": 2})

    with translation.override("en"):
        rows = dashboard.ranked(counts, str.upper, other_keys={"misc"})

    assert rows == [
        *[(f"K{n:02d}", 20 - n) for n in range(10)],
        ("Other", 10 + 9 + 2),  # k10, k11 and "misc"
        ("Not given", 4),
    ]


def test_ranked_breaks_ties_by_name_and_leaves_out_empty_groups():
    with translation.override("en"):
        assert dashboard.ranked({"b": 1, "a": 1, "c": 2}, str) == [("c", 2), ("a", 1), ("b", 1)]


# --- Badges expiring --------------------------------------------------------------------------


def test_badges_expiring_within_30_and_90_days(db):
    today = datetime.date(2026, 3, 10)

    def day(offset, hour):
        return datetime.datetime.combine(
            today + datetime.timedelta(days=offset), datetime.time(hour), tzinfo=PARIS
        )

    accueil = add_badge("Accueil")
    add_badge("Salon", months=24)  # expires, none soon: shown with zeros
    add_badge("Pitch", months=None)  # never expires: not shown
    ancien = add_badge("Ancien", months=None)  # no longer expires, old awards do
    issued = day(-200, 10)
    for offset, hour in ((1, 10), (30, 23), (31, 0), (90, 23), (91, 0), (0, 23), (-1, 10)):
        award(accueil, person(), when=issued, expires_at=day(offset, hour))
    revoke(award(accueil, person(), when=issued, expires_at=day(10, 10)))
    inactive = person()
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    award(accueil, inactive, when=issued, expires_at=day(10, 10))
    award(ancien, person(), when=issued, expires_at=day(5, 10))

    rows = [(b.name, b.within) for b in dashboard.badges_expiring(today=today)]

    # Accueil: tomorrow and day 30 within 30; also days 31 and 90 within 90. Not today's
    # evening (after today only), nor yesterday, day 91, the revoked or the inactive one.
    assert rows == [
        ("Accueil", {30: 2, 90: 4}),
        ("Ancien", {30: 1, 90: 1}),
        ("Salon", {30: 0, 90: 0}),
    ]


def test_the_expiring_table(db):
    accueil = add_badge("Accueil")
    now = timezone.now()
    award(accueil, person(), expires_at=now + datetime.timedelta(days=10))
    award(accueil, person(), expires_at=now + datetime.timedelta(days=60))

    with translation.override("en"):
        table = dashboard.build_certified(EVERYTHING)[-1]

        assert table.slug == "expiring" and not table.on_home and not table.uses_period
        assert [str(c.label) for c in table.columns] == [
            "Badge",
            "Within 30 days",
            "Within 90 days",
        ]
        assert list(table.rows) == [("Accueil", 1, 2)]


# --- Query counts -------------------------------------------------------------------------------


def more_people(catalogue, count):
    """`count` more ambassadors who start and complete a course, with a valid badge and
    an award expiring soon, all in January."""
    course = add_course(catalogue, f"Cours {count}", lessons=1)
    (lesson,) = lessons_of(course)
    badge = add_badge(f"Badge {count}")
    soon = timezone.now() + datetime.timedelta(days=20)
    for n in range(count):
        someone = person(sector=Sector.ENERGY, country="ES", languages=["es", "fr"])
        step(someone, lesson, at(2026, 1, 3 + n % 20))
        course_done(someone, course, at(2026, 1, 25))
        award(badge, someone, when=at(2026, 1, 10), expires_at=soon)


@pytest.mark.parametrize(
    "build, queries",
    [
        # The courses, then the cohort's rows (first step and completion).
        (dashboard.build_courses, 2),
        # Certified by sector, by language, by country; the badges expiring.
        (dashboard.build_certified, 4),
    ],
)
def test_each_build_runs_a_fixed_number_of_queries(
    cohorts, catalogue, django_assert_num_queries, build, queries
):
    more_people(catalogue, 2)
    with django_assert_num_queries(queries):
        build(JANUARY)

    more_people(catalogue, 12)
    with django_assert_num_queries(queries):
        build(JANUARY)


@pytest.mark.parametrize("key", ["started", "certified"])
def test_each_stage_is_one_query_whatever_the_people(
    cohorts, catalogue, django_assert_num_queries, key
):
    more_people(catalogue, 2)
    with django_assert_num_queries(1):
        small = reached(key, JANUARY)

    more_people(catalogue, 12)
    with django_assert_num_queries(1):
        large = reached(key, JANUARY)

    assert large == small + 12

"""Badges in the admin (lms/badge_admin.py): the snippet and its criteria rows edited
inline, refused with the registry's messages; the awards' list, export and inspect
view; awarding by hand and revoking, for *Responsables* only, recorded with who."""

import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from lms import badge_admin, services  # badge_admin: also imported by lms/wagtail_hooks.py
from lms import criteria as lms_criteria
from lms.badge_admin import AwardStatus, award_status
from lms.models import Badge, BadgeAward, BadgeCriterion
from quizzes import criteria as quiz_criteria
from tests.factories import AmbassadorProfileFactory, UserFactory
from tests.lms.test_progress import complete, lessons_of
from tests.quizzes.builders import add_quiz

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_lms_badge:add"


def fr(message) -> str:
    """A translatable string (or msgid) as the admin shows it (in French)."""
    with translation.override("fr"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True)


@pytest.fixture
def quiz(course):
    return add_quiz(course)


def badge_for(course, *, name="Détecteur de projets", slug="detecteur", months=24) -> Badge:
    badge = Badge.objects.create(
        name=name,
        slug=slug,
        description="Repère les projets d'implantation.",
        criteria_narrative="A terminé le parcours.",
        validity_months=months,
    )
    BadgeCriterion.objects.create(badge=badge, kind="course_completed", target_page=course)
    return badge


def award(user, badge, *, actor=None, note="Formation suivie ailleurs.") -> BadgeAward:
    return services.badge_award(badge=badge, user=user, actor=actor, note=note)


def badge_form(rows, **fields) -> dict:
    data = {
        "name": "Ambassadeur pitch",
        "slug": "pitch",
        "description": "Présente le territoire.",
        "criteria_narrative": "Parcours et quiz réussis.",
        "colour": "#1d4ed8",
        "validity_months": "24",
        "criteria": inline_formset(rows, min=1),
        **fields,
    }
    return nested_form_data(data)


def row(kind, page=None, number="") -> dict:
    return {
        "kind": kind,
        "target_page": page.pk if page else "",
        "number": number,
        "mission_kind": "",
    }


def errors_of(response) -> str:
    return response.content.decode()


# --- The snippet ----------------------------------------------------------------------


def test_the_kind_select_offers_the_registered_kinds(signed_in, superuser):
    response = signed_in(superuser).get(reverse(ADD_URL))

    assert response.status_code == 200
    html = response.content.decode()
    for kind in lms_criteria.kinds():
        assert f'value="{kind}"' in html
    assert "course_completed" in lms_criteria.kinds() and "quiz_passed" in lms_criteria.kinds()


def test_a_badge_is_saved_with_its_criteria_rows(signed_in, superuser, course, quiz):
    data = badge_form([row("course_completed", course), row("quiz_passed", quiz, "80")])

    response = signed_in(superuser).post(reverse(ADD_URL), data)

    assert response.status_code == 302, errors_of(response)
    badge = Badge.objects.get(slug="pitch")
    assert [
        (c.kind, c.target_page_id, c.number) for c in badge.criteria.order_by("sort_order")
    ] == [
        ("course_completed", course.pk, None),
        ("quiz_passed", quiz.pk, 80),
    ]


@pytest.mark.parametrize(
    "make_row, message",
    [
        (lambda course, quiz: row("course_completed"), lms_criteria.ERROR_COURSE),
        (lambda course, quiz: row("quiz_passed", course, "80"), quiz_criteria.ERROR_QUIZ),
        (lambda course, quiz: row("quiz_passed", quiz, "120"), quiz_criteria.ERROR_SCORE),
    ],
    ids=["course-without-course", "quiz-row-on-a-course", "score-over-100"],
)
def test_invalid_criteria_rows_are_refused_with_the_registrys_message(
    signed_in, superuser, course, quiz, make_row, message
):
    data = badge_form([make_row(course, quiz)])

    response = signed_in(superuser).post(reverse(ADD_URL), data)

    assert response.status_code == 200
    assert fr(message) in response.content.decode()
    assert not Badge.objects.exists() and not BadgeCriterion.objects.exists()


def test_the_list_counts_criteria_and_current_holders_in_one_query(
    signed_in, superuser, course, django_assert_num_queries
):
    badges = [badge_for(course, name=f"Badge {n}", slug=f"badge-{n}") for n in range(3)]
    for badge in badges:
        BadgeCriterion.objects.create(badge=badge, kind="course_completed", target_page=course)
    for _ in range(3):
        award(AmbassadorProfileFactory().user, badges[0])
    revoked = award(AmbassadorProfileFactory().user, badges[0])
    services.badge_revoke(award=revoked, actor=superuser, reason="Erreur de saisie.")
    expired = award(AmbassadorProfileFactory().user, badges[0])
    BadgeAward.objects.filter(pk=expired.pk).update(expires_at=timezone.now())

    with django_assert_num_queries(1):
        rows = {badge.name: badge for badge in badge_admin.badges_with_counts()}

    # Revoked and expired awards hold nothing; two criteria rows never double the count.
    assert (rows["Badge 0"].criteria_count, rows["Badge 0"].holders_count) == (2, 3)
    assert (rows["Badge 1"].criteria_count, rows["Badge 1"].holders_count) == (2, 0)


def test_the_list_runs_the_same_queries_whatever_the_number_of_badges(signed_in, superuser, course):
    client = signed_in(superuser)
    url = reverse("wagtailsnippets_lms_badge:list")
    badge_for(course, name="Badge 0", slug="badge-0")
    client.get(url)  # warm the session and caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries)

    few = queries()
    for n in range(1, 6):
        badge = badge_for(course, name=f"Badge {n}", slug=f"badge-{n}")
        award(AmbassadorProfileFactory().user, badge)

    assert queries() == few
    assert "Badge 5" in client.get(url).content.decode()


def test_the_list_exports_as_csv(signed_in, superuser, course):
    badge_for(course)

    response = signed_in(superuser).get(reverse("wagtailsnippets_lms_badge:list") + "?export=csv")

    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[1][:2] == ["Détecteur de projets", "detecteur"]
    assert rows[1][-2:] == ["1", "0"]


def test_a_badge_once_awarded_is_not_deleted(signed_in, superuser, ambassador, course):
    badge = badge_for(course)
    award(ambassador, badge)
    client = signed_in(superuser)
    url = reverse("wagtailsnippets_lms_badge:delete", args=[badge.pk])

    shown, posted = client.get(url), client.post(url, follow=True)

    assert shown.status_code == 302
    assert fr(badge_admin.ERROR_BADGE_AWARDED) in posted.content.decode()
    assert Badge.objects.filter(pk=badge.pk).exists()


def test_a_badge_never_awarded_is_deleted_with_its_criteria(signed_in, superuser, course):
    badge = badge_for(course)

    response = signed_in(superuser).post(
        reverse("wagtailsnippets_lms_badge:delete", args=[badge.pk])
    )

    assert response.status_code == 302
    assert not Badge.objects.exists() and not BadgeCriterion.objects.exists()


# --- Awards: who sees and who acts --------------------------------------------------------


@pytest.fixture
def held(ambassador, course):
    badge = badge_for(course)
    complete(ambassador, *lessons_of(course))
    return BadgeAward.objects.get(user=ambassador, badge=badge)


def test_equipe_sees_awards_but_may_neither_award_nor_revoke(signed_in, staff, held):
    client = signed_in(staff)

    index = client.get(reverse("badge_awards:index"))
    inspect = client.get(reverse("badge_awards:inspect", args=[held.pk]))

    assert index.status_code == 200 and inspect.status_code == 200
    assert fr("Award by hand") not in index.content.decode()
    assert reverse("badge_awards:revoke", args=[held.pk]) not in inspect.content.decode()
    # Wagtail's admin answers a refusal with a redirect to its dashboard and a message.
    refusals = [
        client.get(reverse("badge_awards:award")),
        client.post(
            reverse("badge_awards:award"),
            {"email": held.user.email, "badge": held.badge_id, "note": "Je n'ai pas le droit."},
        ),
        client.get(reverse("badge_awards:revoke", args=[held.pk])),
        client.post(
            reverse("badge_awards:revoke", args=[held.pk]), {"reason": "Je n'ai pas le droit."}
        ),
    ]
    assert [(r.status_code, r["Location"]) for r in refusals] == [(302, "/admin/")] * 4
    held.refresh_from_db()
    assert held.revoked_at is None


def test_ambassadors_never_see_awards(signed_in, ambassador, held):
    client = signed_in(ambassador)
    for url in (
        reverse("badge_awards:index"),
        reverse("badge_awards:inspect", args=[held.pk]),
        reverse("badge_awards:award"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_the_list_filters_by_badge_and_status_and_searches(signed_in, manager, course, held):
    other = badge_for(course, name="Ambassadeur salon", slug="salon")
    someone = AmbassadorProfileFactory(user__first_name="Zoé", user__last_name="Martin").user
    kept = award(someone, other, actor=manager)
    gone = award(held.user, other, actor=manager)
    services.badge_revoke(award=gone, actor=manager, reason="Attribué par erreur.")
    client = signed_in(manager)
    url = reverse("badge_awards:index")

    def people(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {a.pk for a in response.context["object_list"]}

    assert fr("Award by hand") in client.get(url).content.decode()
    assert people() == {held.pk, kept.pk, gone.pk}
    assert people(badge=other.pk) == {kept.pk, gone.pk}
    assert people(status="revoked") == {gone.pk}
    assert people(status="valid") == {held.pk, kept.pk}
    assert people(q="zoé martin") == {kept.pk}


def test_the_status_says_expiring_expired_and_replaced(held):
    now = timezone.now()
    assert award_status(held, now) == AwardStatus.VALID
    held.expires_at = now + datetime.timedelta(days=10)
    assert award_status(held, now) == AwardStatus.EXPIRING
    held.expires_at = now - datetime.timedelta(days=1)
    assert award_status(held, now) == AwardStatus.EXPIRED
    held.replaced_at = now
    assert award_status(held, now) == AwardStatus.REPLACED
    held.revoked_at = now
    assert award_status(held, now) == AwardStatus.REVOKED


def test_the_export_has_one_column_per_fact(signed_in, staff, held):
    response = signed_in(staff).get(reverse("badge_awards:index") + "?export=csv")

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0][fr("Email address")] == held.user.email
    assert rows[0][fr("Badge")] == "Détecteur de projets"
    assert rows[0][fr("Status")] == fr("Valid")
    assert rows[0][fr("Awarded by")] == fr("Earned")
    assert rows[0][fr("Public identifier")] == str(held.uuid)
    xlsx = signed_in(staff).get(reverse("badge_awards:index") + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.getvalue()[:2] == b"PK"


def test_the_inspect_view_shows_the_evidence_and_history(signed_in, manager, held):
    services.badge_revoke(award=held, actor=manager, reason="Parcours refait par un tiers.")

    response = signed_in(manager).get(reverse("badge_awards:inspect", args=[held.pk]))

    html = response.content.decode()
    assert escape(held.evidence[0]["narrative"]) in html
    assert "Parcours refait par un tiers." in html
    assert [e["what"] for e in response.context["history"]] == [
        fr(services.LOG_ACTIONS[services.LOG_REVOKE]),
        fr(services.LOG_ACTIONS[services.LOG_AWARD]),
    ]
    assert response.context["history"][0]["who"] == manager.get_full_name()


# --- Awarding by hand -----------------------------------------------------------------


def test_a_manager_awards_by_hand_with_a_note_recorded_with_who(
    signed_in, manager, ambassador, course
):
    badge = badge_for(course)
    client = signed_in(manager)
    form = client.get(reverse("badge_awards:award"), {"email": ambassador.email})
    assert form.context["form"]["email"].value() == ambassador.email

    response = client.post(
        reverse("badge_awards:award"),
        {"email": ambassador.email.upper(), "badge": badge.pk, "note": "Salon SIMA 2026 tenu."},
    )

    made = BadgeAward.objects.get(user=ambassador, badge=badge)
    assert response.status_code == 302
    assert response.url == reverse("badge_awards:inspect", args=[made.pk])
    assert made.awarded_by == manager and made.note == "Salon SIMA 2026 tenu."
    entry = ModelLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(BadgeAward), object_id=str(made.pk)
    )
    assert (entry.action, entry.user) == (services.LOG_AWARD, manager)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"note": ""}, "note", "This field is required."),
        ({"note": "   "}, "note", "This field is required."),
        ({"email": "inconnu@exemple.fr"}, "email", badge_admin.ERROR_NO_AMBASSADOR),
        (
            {"badge": "999999"},
            "badge",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
    ids=["no-note", "blank-note", "unknown-person", "unknown-badge"],
)
def test_a_bad_award_form_says_why_and_awards_nothing(
    signed_in, manager, ambassador, course, data, field, message
):
    badge = badge_for(course)
    posted = {"email": ambassador.email, "badge": badge.pk, "note": "Vu en mission.", **data}

    response = signed_in(manager).post(reverse("badge_awards:award"), posted)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [fr(message)]
    assert not BadgeAward.objects.exists()


def test_an_inactive_ambassador_cannot_be_awarded(signed_in, manager, course):
    badge = badge_for(course)
    suspended = AmbassadorProfileFactory(status="suspended").user

    response = signed_in(manager).post(
        reverse("badge_awards:award"), {"email": suspended.email, "badge": badge.pk, "note": "x"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [fr(badge_admin.ERROR_NO_AMBASSADOR)]
    assert not BadgeAward.objects.exists()


def test_awarding_a_badge_already_held_is_refused_on_the_form(signed_in, manager, held):
    response = signed_in(manager).post(
        reverse("badge_awards:award"),
        {"email": held.user.email, "badge": held.badge_id, "note": "Encore."},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["badge"] == [fr(services.ERROR_ALREADY_HELD)]
    assert BadgeAward.objects.count() == 1


# --- Revoking -------------------------------------------------------------------------


def test_a_manager_revokes_with_a_reason_recorded_with_who(signed_in, manager, held):
    client = signed_in(manager)
    url = reverse("badge_awards:revoke", args=[held.pk])
    inspect = client.get(reverse("badge_awards:inspect", args=[held.pk])).content.decode()
    assert url in inspect
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": "Évaluation frauduleuse."})

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.revoked_at and held.revoked_by == manager
    assert held.revoked_reason == "Évaluation frauduleuse."
    entry = ModelLogEntry.objects.filter(action=services.LOG_REVOKE).get()
    assert entry.user == manager and entry.data["reason"] == "Évaluation frauduleuse."


def test_revoking_without_a_reason_is_refused(signed_in, manager, held):
    response = signed_in(manager).post(
        reverse("badge_awards:revoke", args=[held.pk]), {"reason": "  "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    held.refresh_from_db()
    assert held.revoked_at is None


def test_revoking_twice_changes_nothing_and_says_so(signed_in, manager, held):
    client = signed_in(manager)
    url = reverse("badge_awards:revoke", args=[held.pk])
    client.post(url, {"reason": "Première raison."})
    first = BadgeAward.objects.get(pk=held.pk).revoked_at

    response = client.post(url, {"reason": "Seconde raison."}, follow=True)

    held.refresh_from_db()
    assert held.revoked_at == first and held.revoked_reason == "Première raison."
    assert ModelLogEntry.objects.filter(action=services.LOG_REVOKE).count() == 1
    assert fr(badge_admin.MESSAGE_ALREADY_REVOKED) in response.content.decode()


def test_an_unknown_award_is_a_404(signed_in, manager):
    client = signed_in(manager)
    assert client.get(reverse("badge_awards:inspect", args=[999999])).status_code == 404
    assert client.get(reverse("badge_awards:revoke", args=[999999])).status_code == 404

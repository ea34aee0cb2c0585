"""The ambassador's badges: "My badges" on Mon espace and the fiche (earned by state,
the checklist of the badges to earn), its pinned query count, the personal-data export
part, account deletion, and the emails (earned, 30 days before expiry, on expiry), each
sent once.

The builders at the top (`add_badge`, `award_at`) are shared by the other badge tests.
"""

import datetime
import io
import json

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

import config.urls
from home import hooks as home_hooks
from home.services import account_delete
from lms import badge_emails, badge_hooks, badge_selectors, services
from lms.models import Badge, BadgeAward, BadgeCriterion, Competence
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_course, complete, lessons_of
from tests.quizzes.builders import add_quiz

# The certificate's URLs are mounted here too, and the badge hooks registered (importing
# them registers them), whether or not config/urls.py and lms/wagtail_hooks.py include
# them yet (Wagtail's page serving stays last).
urlpatterns = [path("", include("lms.badge_urls")), *config.urls.urlpatterns]
pytestmark = pytest.mark.urls(__name__)


def tr(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


# --- Builders shared by the badge tests -------------------------------------------------


def add_badge(name: str, *targets, validity_months=12, competences=(), **fields) -> Badge:
    """A badge with one criterion per target: a course (completed) or a quiz (passed,
    with `fields["score"]` % at least when given)."""
    from quizzes.models import QuizPage

    score = fields.pop("score", None)
    badge = Badge.objects.create(
        name=name,
        slug=fields.pop("slug", None) or slugify(name),
        description=f"Sait faire « {name} ».",
        criteria_narrative="A suivi le parcours et réussi le quiz.",
        validity_months=validity_months,
        **fields,
    )
    if competences:
        badge.competences.set(competences)
        badge.save()
    for order, target in enumerate(targets):
        is_quiz = isinstance(target.specific, QuizPage)
        BadgeCriterion.objects.create(
            badge=badge,
            sort_order=order,
            kind="quiz_passed" if is_quiz else "course_completed",
            target_page=target,
            number=score if is_quiz else None,
        )
    return badge


def award_at(badge, user, *, days_ago: float = 0, actor=None) -> BadgeAward:
    """A manual award made `days_ago` days ago (its expiry follows from the badge)."""
    now = timezone.now() - datetime.timedelta(days=days_ago)
    return services.badge_award(badge=badge, user=user, actor=actor, note="Vu en salon.", now=now)


@pytest.fixture
def every_state(ambassador, staff, course):
    """Four awards of the ambassador (each badge asks for `course`, not completed):
    valid, expiring in about ten days, expired, revoked."""
    valid = award_at(add_badge("Ambassadeur pitch", course), ambassador, days_ago=10)
    expiring = award_at(add_badge("Ambassadeur salon", course), ambassador, days_ago=355)
    expired = award_at(add_badge("Veille locale", course), ambassador, days_ago=400)
    revoked = award_at(add_badge("Accueil délégations", course), ambassador, days_ago=20)
    services.badge_revoke(award=revoked, actor=staff, reason="Attribué par erreur.")
    return {"valid": valid, "expiring": expiring, "expired": expired, "revoked": revoked}


# --- My badges ----------------------------------------------------------------------------


def test_mon_espace_shows_earned_badges_grouped_by_state_with_their_links(
    signed_in, ambassador, every_state
):
    response = signed_in(ambassador).get("/mon-espace/")
    html = response.content.decode()

    assert response.status_code == 200
    assert tr("My badges") in html
    for state, award in every_state.items():
        group = html.split(f'data-badges="{state}"')[1].split("</ul>")[0]
        assert award.badge.name in group, state
        assert f"/verifier/{award.uuid}/" in group
    valid = every_state["valid"]
    assert f"/mon-espace/badges/{valid.uuid}/certificat.pdf" in html
    assert f"/badges/assertions/{valid.uuid}.png" in html
    revoked = every_state["revoked"]
    assert f"/mon-espace/badges/{revoked.uuid}/certificat.pdf" not in html  # no certificate
    assert "Attribué par erreur." in html
    with translation.override("fr"):
        from django.utils.formats import date_format

        revoked_on = date_format(timezone.localtime(revoked.revoked_at), "DATE_FORMAT")
    assert revoked_on in html


def test_expiring_and_expired_badges_are_offered_for_renewal_valid_ones_are_not(
    ambassador, every_state
):
    badges = badge_selectors.my_badges(user=ambassador)

    assert [card.badge.name for card in badges.valid] == ["Ambassadeur pitch"]
    assert [card.badge.name for card in badges.expiring] == ["Ambassadeur salon"]
    assert [card.badge.name for card in badges.expired] == ["Veille locale"]
    assert [card.badge.name for card in badges.revoked] == ["Accueil délégations"]
    to_earn = {progress.badge.name: progress for progress in badges.in_progress}
    assert to_earn["Ambassadeur salon"].renewal and to_earn["Veille locale"].renewal
    assert "Ambassadeur pitch" not in to_earn
    assert not to_earn["Accueil délégations"].renewal  # revoked: to earn again


def test_the_checklist_shows_done_criteria_with_their_evidence_and_links_what_is_left(
    signed_in, ambassador, catalogue
):
    first = add_course(catalogue, "Détecter un projet", lessons=1)
    second = add_course(catalogue, "Pitcher le territoire", lessons=1)
    quiz = add_quiz(second)
    add_badge("Détecteur de projets", first, quiz, score=80)
    complete(ambassador, *lessons_of(first))

    html = signed_in(ambassador).get("/mon-espace/").content.decode()

    item = html.split('data-badge="detecteur-de-projets"')[1].split("</li>\n            \n")[0]
    done = item.split('data-criterion="done"')[1].split("</li>")[0]
    assert "Détecter un projet" in done
    with translation.override("fr"):
        assert gettext("Completed the course “%(title)s”.") % {"title": first.title} in done
    todo = item.split('data-criterion="todo"')[1].split("</li>")[0]
    assert f'href="{quiz.url}"' in todo
    assert quiz.title in todo and "80" in todo
    assert tr("Unlocks:") in item


def test_a_badge_earned_by_completing_its_course_moves_from_to_earn_to_valid(ambassador, course):
    add_badge("Détecteur de projets", course)
    before = badge_selectors.my_badges(user=ambassador)
    assert [p.done for p in before.in_progress] == [0] and not before.earned

    complete(ambassador, *lessons_of(course))

    after = badge_selectors.my_badges(user=ambassador)
    assert [card.badge.name for card in after.valid] == ["Détecteur de projets"]
    assert after.in_progress == []


def test_no_panel_when_no_badge_exists_and_it_costs_one_query(
    signed_in, ambassador, django_assert_num_queries
):
    html = signed_in(ambassador).get("/mon-espace/").content.decode()
    assert tr("My badges") not in html
    with django_assert_num_queries(1):  # the badges: none, so no awards either
        assert not badge_selectors.my_badges(user=ambassador)


def _queries_of_my_badges(user) -> int:
    badge_selectors.my_badges(user=user)  # warm Wagtail's site root paths cache
    with CaptureQueriesContext(connection) as queries:
        badges = badge_selectors.my_badges(user=user)
        for card in badges.earned:
            list(card.badge.competences.all())
    return len(queries)


def test_my_badges_runs_a_fixed_number_of_queries_whatever_the_badges_and_awards(
    ambassador, catalogue, staff
):
    competence = Competence.objects.create(name="Pitch")
    course = add_course(catalogue, "Parcours 0", lessons=1)
    quiz = add_quiz(course)
    award_at(add_badge("Badge 0", course, competences=[competence]), ambassador)
    add_badge("À faire 0", course, quiz)
    one = _queries_of_my_badges(ambassador)

    for number in range(1, 5):
        course = add_course(catalogue, f"Parcours {number}", lessons=1)
        quiz = add_quiz(course)
        award = award_at(
            add_badge(f"Badge {number}", course, competences=[competence]),
            ambassador,
            days_ago=300 + 30 * number,
        )
        if number == 4:
            services.badge_revoke(award=award, actor=staff, reason="Erreur.")
        add_badge(f"À faire {number}", course, quiz)
    five = _queries_of_my_badges(ambassador)

    # Badges (1), their competences (1) and criteria with their pages (1); what they
    # unlock (1: the missions requiring them); awards with their badge (1); one evaluator
    # per kind present: course completed (1), quiz passed (1).
    assert one == five == 7


# --- The fiche ambassadeur ----------------------------------------------------------------


def test_the_fiche_shows_the_badges_to_staff_who_may_see_ambassadors_only(
    ambassador, staff, every_state
):
    request = RequestFactory().get("/")
    request.user = staff
    panel = badge_hooks.badges_section(request, ambassador)
    from django.template.loader import render_to_string

    html = render_to_string(panel.template_name, {**panel.context, "panel": panel})
    assert "Ambassadeur pitch" in html and "Accueil délégations" in html

    request.user = AmbassadorProfileFactory().user
    assert badge_hooks.badges_section(request, ambassador) is None


# --- Personal data and account deletion ---------------------------------------------------


def test_the_export_lists_every_award_with_its_status_dates_url_and_evidence(
    ambassador, catalogue, every_state
):
    course = add_course(catalogue, "Pitcher le territoire", lessons=1)
    add_badge("Détecteur de projets", course)
    complete(ambassador, *lessons_of(course))

    part = home_hooks.personal_data_parts(ambassador)["badges"]
    json.dumps(part)  # JSON-serialisable as it is

    by_badge = {row["badge"]: row for row in part}
    assert {name: row["status"] for name, row in by_badge.items()} == {
        "Ambassadeur pitch": "valid",
        "Ambassadeur salon": "valid",
        "Veille locale": "expired",
        "Accueil délégations": "revoked",
        "Détecteur de projets": "valid",
    }
    earned = by_badge["Détecteur de projets"]
    award = BadgeAward.objects.get(badge__slug="detecteur-de-projets")
    assert earned["verification_url"] == f"http://testserver/verifier/{award.uuid}/"
    assert earned["issued_at"] == award.issued_at.isoformat()
    assert earned["expires_at"] == award.expires_at.isoformat()
    with translation.override("fr"):
        narrative = gettext("Completed the course “%(title)s”.") % {"title": course.title}
    assert earned["evidence"] == [narrative]
    assert by_badge["Accueil délégations"]["revoked_reason"] == "Attribué par erreur."


def test_account_deletion_keeps_the_awards_on_the_anonymised_account(ambassador, every_state):
    account_delete(user=ambassador)

    assert BadgeAward.objects.filter(user=ambassador).count() == 4
    ambassador.refresh_from_db()
    assert "Camille" not in str(ambassador)


# --- Emails -------------------------------------------------------------------------------


def test_the_earned_email_links_the_certificate_and_the_verification_page_once(
    ambassador, course, mailoutbox, django_capture_on_commit_callbacks
):
    add_badge("Détecteur de projets", course)
    complete(ambassador, *lessons_of(course))
    award = BadgeAward.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        badge_emails.award_notify(award)
    with django_capture_on_commit_callbacks(execute=True):
        badge_emails.award_notify(award)  # again: nothing more

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [ambassador.email]
    assert "Détecteur de projets" in email.subject
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert f"http://testserver/mon-espace/badges/{award.uuid}/certificat.pdf" in body
        assert f"http://testserver/verifier/{award.uuid}/" in body
    with translation.override("fr"):
        assert (
            gettext("You earned the badge “%(badge)s”") % {"badge": "Détecteur de projets"}
            == email.subject
        )


def test_nothing_is_sent_when_the_award_is_rolled_back(
    ambassador, course, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    badge = add_badge("Détecteur de projets", course)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                award = award_at(badge, ambassador)
                badge_emails.award_notify(award)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert mailoutbox == []


def _daily(today, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return badge_hooks.badge_expiry_reminders(today=today)


def test_the_30_days_reminder_is_sent_once_with_the_expiry_date_in_french(
    ambassador, mailoutbox, django_capture_on_commit_callbacks
):
    award = award_at(add_badge("Ambassadeur salon"), ambassador, days_ago=0)
    far = timezone.localdate(award.expires_at) - datetime.timedelta(days=40)
    soon = timezone.localdate(award.expires_at) - datetime.timedelta(days=30)

    assert _daily(far, django_capture_on_commit_callbacks) == 0
    assert _daily(soon, django_capture_on_commit_callbacks) == 1
    assert _daily(soon, django_capture_on_commit_callbacks) == 0  # twice the same day
    assert _daily(soon + datetime.timedelta(days=1), django_capture_on_commit_callbacks) == 0

    assert len(mailoutbox) == 1
    with translation.override("fr"):
        from django.utils.formats import date_format

        expires_on = date_format(timezone.localtime(award.expires_at), "DATE_FORMAT")
    assert expires_on in mailoutbox[0].body
    assert "Ambassadeur salon" in mailoutbox[0].subject


def test_the_expiry_email_is_sent_once_after_the_badge_expired(
    ambassador, mailoutbox, django_capture_on_commit_callbacks
):
    award = award_at(add_badge("Veille locale"), ambassador, days_ago=368)  # expired 2-3 days ago
    today = timezone.localdate()

    sent = _daily(today, django_capture_on_commit_callbacks)
    again = _daily(today, django_capture_on_commit_callbacks)

    assert (sent, again) == (1, 0)
    assert len(mailoutbox) == 1
    assert "Veille locale" in mailoutbox[0].subject
    assert f"http://testserver/verifier/{award.uuid}/" in mailoutbox[0].body


def test_no_reminder_for_a_revoked_or_renewed_award_nor_a_long_expired_one(
    ambassador, staff, mailoutbox, django_capture_on_commit_callbacks
):
    revoked = award_at(add_badge("Ambassadeur salon"), ambassador, days_ago=350)
    services.badge_revoke(award=revoked, actor=staff, reason="Erreur.")
    award_at(add_badge("Veille locale"), ambassador, days_ago=500)  # expired months ago
    old = award_at(add_badge("Accueil délégations"), ambassador, days_ago=350)
    BadgeAward.objects.filter(pk=old.pk).update(replaced_at=timezone.now())

    assert _daily(timezone.localdate(), django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_run_daily_includes_the_badge_reminders(
    ambassador, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    award_at(add_badge("Ambassadeur salon"), ambassador, days_ago=350)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_daily", stdout=io.StringIO())
    assert [email.to for email in mailoutbox] == [[ambassador.email]]


def test_mes_badges_says_which_upcoming_missions_a_badge_unlocks(ambassador, catalogue, signed_in):
    from tests.briefings.builders import add_index, add_mission

    course = add_course(catalogue, "Tenir un stand", lessons=1)
    badge = add_badge("Ambassadeur salon", course)
    index = add_index(catalogue.get_parent())
    fair = add_mission(index, "Salon SIMA 2027", badges=[badge])
    add_mission(index, "Salon passé", badges=[badge], starts_in=-datetime.timedelta(days=10))
    add_mission(index, "Webinaire libre")

    html = signed_in(ambassador).get("/mon-espace/").content.decode()

    item = html.split('data-badge="ambassadeur-salon"')[1].split("</li>\n            \n")[0]
    unlocks = item.split("data-unlocks>")[1].split("</p>")[0]
    assert f'<a href="{fair.url}">Salon SIMA 2027</a>' in unlocks
    assert "Salon passé" not in unlocks and "Webinaire" not in unlocks

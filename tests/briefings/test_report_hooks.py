"""Project reports in `home`'s extension points: the main menu's “Report a project” (active
ambassadors only, no query), Mon espace's “My reports” (drafts first, timelines, only the
shared feedback; pinned query count), the fiche's “Project reports” (a restricted report
masked for *Équipe* unless assigned, readable by *Responsables*) and the personal-data
export."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from briefings import report_ambassador_hooks, report_services
from briefings.models import Debrief
from home import hooks as home_hooks
from home.groups import EQUIPE
from home.models import MembershipStatus
from home.services import personal_data_export
from tests.briefings.builders import add_mission
from tests.factories import AmbassadorProfileFactory, UserFactory


def sent_report(author, **data):
    base = {
        "company_name": "Acme Robotique",
        "project_type": "implantation",
        "description": "Une usine de 120 personnes.",
        "source": "Salon SIMA.",
        "contact_name": "Jana Weber",
    }
    report = report_services.draft_save(author=author, data={**base, **data})
    return report_services.report_send(report=report, actor=author)


def fiche_url(user) -> str:
    return f"/admin/ambassadeurs/{user.ambassador_profile.pk}/"


# --- Main menu ---------------------------------------------------------------------------------


def test_active_ambassadors_get_report_a_project_in_the_menu_without_a_query(
    rf, ambassador, django_assert_num_queries
):
    request = rf.get("/")
    request.user = ambassador

    with django_assert_num_queries(0):
        item = report_ambassador_hooks.report_menu_item(request)

    assert (item.url, item.match) == ("/signaler/", "/signaler/")
    assert item in home_hooks.main_menu_items(request)


def test_the_menu_entry_is_for_active_ambassadors_only(client, home_page, ambassador, staff):
    suspended = AmbassadorProfileFactory(status=MembershipStatus.SUSPENDED).user

    assert 'href="/signaler/"' not in client.get("/").content.decode()
    for user, shown in ((ambassador, True), (suspended, False), (staff, False)):
        client.force_login(user)
        assert ('href="/signaler/"' in client.get("/").content.decode()) is shown, user


# --- Mon espace ----------------------------------------------------------------------------------


def test_my_reports_shows_drafts_first_then_timelines_and_only_the_shared_feedback(
    client, ambassador, staff
):
    report = sent_report(ambassador)
    report_services.report_move(report=report, to="qualifying", actor=staff)
    report_services.note_add(report=report, author=staff, text="Bravo, on le suit.", shared=True)
    report_services.note_add(report=report, author=staff, text="Concurrent sérieux.", shared=False)
    draft = report_services.draft_save(author=ambassador, data={"company_name": "Brouillon SA"})
    report_services.draft_save(
        author=AmbassadorProfileFactory().user, data={"company_name": "Pas à moi"}
    )
    client.force_login(ambassador)

    response = client.get("/mon-espace/")

    html = response.content.decode()
    (panel,) = [p for p in response.context["panels"] if p.slug == "my-reports"]
    lines = panel.context["lines"]
    assert [line.report.pk for line in lines] == [draft.pk, report.pk]
    assert [step.status for step in lines[1].timeline] == ["received", "qualifying"]
    assert [note.text for note in lines[1].feedback] == ["Bravo, on le suit."]
    assert f'href="/signaler/{draft.pk}/" data-continue' in html
    assert f'href="/mon-espace/signalements/{report.pk}/"' in html
    assert 'data-step="qualifying"' in html and "Bravo, on le suit." in html
    assert "Concurrent sérieux." not in html and "Pas à moi" not in html
    assert html.index("Brouillon SA") < html.index("Acme Robotique")


def test_my_reports_invites_to_report_when_there_is_none(rf, ambassador):
    request = rf.get("/mon-espace/")
    request.user = ambassador

    panel = report_ambassador_hooks.my_reports_panel(request, ambassador.ambassador_profile)

    assert (panel.context["lines"], panel.context["new_url"]) == ([], "/signaler/")


# My reports with their shared feedback (2: `report_selectors.my_reports`) and every
# timeline at once (1), however many reports.
MY_REPORTS_QUERIES = 3


@pytest.mark.parametrize("rounds", [1, 4])
def test_my_reports_query_count_does_not_grow_with_reports(
    rf, ambassador, staff, django_assert_num_queries, rounds
):
    for n in range(rounds):
        report = sent_report(ambassador, company_name=f"Société {n}")
        report_services.report_move(report=report, to="qualifying", actor=staff)
        report_services.note_add(report=report, author=staff, text=f"Merci {n}", shared=True)
        report_services.draft_save(author=ambassador, data={"company_name": f"Brouillon {n}"})
    request = rf.get("/mon-espace/")
    request.user = ambassador

    with django_assert_num_queries(MY_REPORTS_QUERIES):
        panel = report_ambassador_hooks.my_reports_panel(request, ambassador.ambassador_profile)

    lines = panel.context["lines"]
    assert len(lines) == 2 * rounds
    assert sum(len(line.timeline) for line in lines) == 2 * rounds
    assert sum(len(line.feedback) for line in lines) == rounds


# --- Fiche ambassadeur ----------------------------------------------------------------------------


@pytest.fixture
def restricted_and_normal(ambassador, manager):
    assignee = UserFactory(email="suivi@exemple.fr", is_staff=True, groups=[EQUIPE])
    restricted = sent_report(
        ambassador,
        company_name="Projet Confidentiel SA",
        description="Rachat discret.",
        confidentiality="restricted",
    )
    report_services.report_assign(report=restricted, actor=manager, assignee=assignee)
    normal = sent_report(ambassador, company_name="Société Ouverte")
    report_services.draft_save(author=ambassador, data={"company_name": "Brouillon Privé"})
    return {"restricted": restricted, "normal": normal, "assignee": assignee}


def test_the_fiche_masks_a_restricted_report_for_equipe_but_shows_its_status(
    client, staff, ambassador, restricted_and_normal
):
    client.force_login(staff)

    response = client.get(fiche_url(ambassador))

    html = response.content.decode()
    restricted = restricted_and_normal["restricted"]
    assert response.status_code == 200
    assert f'data-report="{restricted.pk}" data-readable="0"' in html
    assert "Projet Confidentiel SA" not in html and "Rachat discret." not in html
    assert "Société Ouverte" in html
    assert "Brouillon Privé" not in html  # drafts stay their author's
    assert html.count('class="ambassador-reports__row"') == 2


@pytest.mark.parametrize("who", ["manager", "assignee"])
def test_the_fiche_shows_a_restricted_report_to_managers_and_its_assignee(
    client, manager, ambassador, restricted_and_normal, who
):
    client.force_login(manager if who == "manager" else restricted_and_normal["assignee"])

    html = client.get(fiche_url(ambassador)).content.decode()

    restricted = restricted_and_normal["restricted"]
    assert f'data-report="{restricted.pk}" data-readable="1"' in html
    assert "Projet Confidentiel SA" in html
    assert f'href="{reverse("report_pipeline:inspect", args=[restricted.pk])}"' in html


def test_the_fiche_section_is_only_for_staff_who_may_see_ambassadors(rf, ambassador):
    sent_report(ambassador)
    request = rf.get("/")
    request.user = UserFactory(is_staff=True)  # no group

    assert report_ambassador_hooks.reports_section(request, ambassador) is None


# The person's sent reports with their missions: one query, however many.
SECTION_QUERIES = 1


@pytest.mark.parametrize("rounds", [1, 4])
def test_the_fiche_section_query_count_does_not_grow_with_reports(
    rf, staff, ambassador, django_assert_num_queries, rounds
):
    for n in range(rounds):
        sent_report(ambassador, company_name=f"Ouverte {n}")
        sent_report(ambassador, company_name=f"Restreinte {n}", confidentiality="restricted")
    request = rf.get("/")
    request.user = staff
    report_ambassador_hooks.reports_section(request, ambassador)  # permissions cached

    with django_assert_num_queries(SECTION_QUERIES):
        panel = report_ambassador_hooks.reports_section(request, ambassador)
        readable = [item.readable for item in panel.context["reports"]]

    assert sorted(readable) == [False] * rounds + [True] * rounds


# --- Personal data ------------------------------------------------------------------------------


def test_the_export_has_what_the_person_wrote_and_the_shared_feedback_never_internal_notes(
    ambassador, staff, index
):
    mission = add_mission(index, "Soirée passée")
    report = sent_report(ambassador, conflict_of_interest=True, conflict_details="Actionnaire.")
    report_services.report_move(report=report, to="qualifying", actor=staff)
    report_services.note_add(report=report, author=staff, text="Merci !", shared=True)
    report_services.note_add(report=report, author=staff, text="Note interne.", shared=False)
    report_services.report_assign(report=report, actor=staff, assignee=staff, next_step="Appel")
    report_services.draft_save(
        author=ambassador, data={"company_name": "Brouillon", "mission": mission}
    )
    Debrief.objects.create(mission=mission, user=ambassador, how_it_went="Très bien.")

    data = personal_data_export(user=ambassador)

    part = data["project_reports"]
    sent, draft = sorted(part["reports"], key=lambda row: row["status"] == "draft")
    assert (sent["company_name"], sent["description"], sent["contact_name"]) == (
        "Acme Robotique",
        "Une usine de 120 personnes.",
        "Jana Weber",
    )
    assert (sent["conflict_of_interest"], sent["conflict_details"]) == (True, "Actionnaire.")
    assert [step["status"] for step in sent["timeline"]] == ["received", "qualifying"]
    assert [note["text"] for note in sent["feedback"]] == ["Merci !"]
    assert (draft["company_name"], draft["status"], draft["mission"]) == (
        "Brouillon",
        "draft",
        "Soirée passée",
    )
    assert part["debriefs"][0]["how_it_went"] == "Très bien."
    dumped = json.dumps(data)
    for internal in ("Note interne.", "Appel", staff.email):
        assert internal not in dumped

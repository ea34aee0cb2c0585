"""Project reports (the foundation of issue 8): drafts that lose nothing, sending with
the likely-duplicate flag, the pipeline's transitions and their log, feedback and
internal notes, who may read what (restricted reports), the "N projects qualified"
badge criterion, the retention of contact details, and account deletion."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry, PageLogEntry

from briefings import criteria as mission_criteria
from briefings import report_selectors, report_services
from briefings.models import Debrief, ProjectReport, ReportNote, ReportStatus
from briefings.report_services import ReportRefused
from home.groups import EQUIPE, RESPONSABLES
from home.services import account_delete
from lms.models import Badge, BadgeAward, BadgeCriterion
from tests.briefings.builders import add_mission
from tests.factories import AmbassadorProfileFactory, UserFactory

DAY = datetime.timedelta(days=1)

FILLED = {
    "company_name": "Acme Robotique SAS",
    "company_country": "DE",
    "company_website": "https://www.acme-robotique.de/fr/",
    "project_type": "implantation",
    "description": "Une usine de 120 personnes en Europe de l'Ouest.",
    "jobs_expected": 120,
    "source": "Rencontré au salon SIMA.",
    "contact_name": "Jana Weber",
    "contact_email": "jana@acme-robotique.de",
    "contact_agreed": True,
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def sent(author, **data) -> ProjectReport:
    report = report_services.draft_save(author=author, data={**FILLED, **data})
    return report_services.report_send(report=report, actor=author)


def moved(report, actor, *steps):
    for to in steps:
        report = report_services.report_move(report=report, to=to, actor=actor, reason="Fin.")
    return report


def logged(report):
    return list(
        ModelLogEntry.objects.for_instance(report)
        .order_by("pk")
        .values_list("action", "user_id", "data__status")
    )


@pytest.mark.parametrize(
    "name, key",
    [
        ("Société Générale S.A.", "societe generale"),
        ("ACME GmbH", "acme"),
        ("  Acme,  Inc. ", "acme"),
        ("Groupe Lactalis", "lactalis"),
        ("", ""),
    ],
)
def test_company_names_are_compared_without_case_accents_or_legal_form(name, key):
    assert report_services.company_key(name) == key


@pytest.mark.parametrize(
    "url, domain",
    [
        ("https://www.acme.com/fr", "acme.com"),
        ("acme.com", "acme.com"),
        ("http://WWW.Acme.co.uk", "acme.co.uk"),
        ("", ""),
    ],
)
def test_websites_are_compared_by_domain(url, domain):
    assert report_services.website_domain(url) == domain


def test_a_draft_keeps_whatever_was_typed_and_stays_out_of_the_pipeline(ambassador, staff):
    draft = report_services.draft_save(author=ambassador, data={"company_name": "Acme"})
    draft = report_services.draft_save(
        author=ambassador, report=draft, data={"description": "Une usine."}
    )

    assert (draft.status, draft.company_name, draft.description) == ("draft", "Acme", "Une usine.")
    assert list(report_selectors.pipeline(staff)) == []


def test_nobody_edits_or_sends_another_persons_draft(ambassador):
    draft = report_services.draft_save(author=ambassador, data={"company_name": "Acme"})
    other = AmbassadorProfileFactory().user
    with pytest.raises(ReportRefused):
        report_services.draft_save(author=other, report=draft, data={"company_name": "X"})
    with pytest.raises(ReportRefused):
        report_services.report_send(report=draft, actor=other)
    assert ProjectReport.objects.get().company_name == "Acme"


def test_sending_dates_the_report_and_freezes_it(ambassador):
    report = sent(ambassador)

    assert report.status == ReportStatus.RECEIVED and report.submitted_at is not None
    assert logged(report) == [("briefings.report_sent", ambassador.pk, "received")]
    with pytest.raises(ReportRefused):
        report_services.draft_save(author=ambassador, report=report, data={"company_name": "Y"})


def test_a_likely_duplicate_is_flagged_by_name_or_by_domain(ambassador):
    first = sent(ambassador)
    other = AmbassadorProfileFactory().user
    by_name = sent(other, company_name="ACME ROBOTIQUE", company_website="")
    by_domain = sent(other, company_name="Acme Deutschland", company_website="acme-robotique.de")
    unrelated = sent(other, company_name="Bêta", company_website="https://beta.fr")
    report_services.draft_save(author=other, data={"company_name": "Acme Robotique"})

    assert by_name.duplicate_of == first
    assert by_domain.duplicate_of == first
    assert unrelated.duplicate_of is None
    assert first.duplicate_of is None  # drafts never count


def test_the_pipeline_refuses_invalid_moves_and_asks_why_a_report_closes(ambassador, staff):
    report = sent(ambassador)
    with pytest.raises(ReportRefused) as refused:
        report_services.report_move(report=report, to=ReportStatus.LANDED, actor=staff)
    assert "“Received” to “Landed”" in refused.value.reason
    with pytest.raises(ReportRefused):
        report_services.report_move(report=report, to=ReportStatus.OUT_OF_SCOPE, actor=staff)

    report = report_services.report_move(
        report=report, to=ReportStatus.OUT_OF_SCOPE, actor=staff, reason="Pas industriel."
    )
    assert (report.status, report.closing_reason) == ("out_of_scope", "Pas industriel.")
    assert report.closed_at is not None
    assert logged(report)[-1] == ("briefings.report_move", staff.pk, "out_of_scope")


def test_a_report_goes_the_whole_way_and_is_qualified_once(ambassador, staff):
    report = moved(
        sent(ambassador),
        staff,
        ReportStatus.QUALIFYING,
        ReportStatus.QUALIFIED,
        ReportStatus.DORMANT,
        ReportStatus.QUALIFIED,
    )
    first = report.qualified_at
    report = moved(report, staff, ReportStatus.ACCOMPANIED, ReportStatus.LANDED)

    assert report.status == ReportStatus.LANDED and report.qualified_at == first
    assert [status for _a, _u, status in logged(report)] == [
        "received",
        "qualifying",
        "qualified",
        "dormant",
        "qualified",
        "accompanied",
        "landed",
    ]


def test_qualified_projects_earn_the_badge_that_counts_them(ambassador, staff):
    badge = Badge.objects.create(
        name="Apporteur de projets", slug="apporteur", description="D.", criteria_narrative="C."
    )
    BadgeCriterion.objects.create(badge=badge, kind=mission_criteria.PROJECTS_QUALIFIED, number=2)
    moved(sent(ambassador), staff, ReportStatus.QUALIFYING, ReportStatus.QUALIFIED)
    assert not BadgeAward.objects.filter(badge=badge).exists()

    moved(
        sent(ambassador, company_name="Autre", company_website=""),
        staff,
        ReportStatus.QUALIFYING,
        ReportStatus.QUALIFIED,
    )

    award = BadgeAward.objects.get(badge=badge)
    assert award.user == ambassador and award.evidence[0]["count"] == 2
    assert mission_criteria._projects_validate(BadgeCriterion(kind="projects_qualified")) == {
        "number": "Say how many qualified projects are needed (at least 1)."
    }


def test_feedback_is_emailed_and_shown_internal_notes_never(
    ambassador, staff, mailoutbox, django_capture_on_commit_callbacks
):
    report = sent(ambassador)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.note_add(
            report=report, author=staff, text="Rappeler en mars.", shared=False
        )
        report_services.note_add(
            report=report, author=staff, text="Merci : rendez-vous pris !", shared=True
        )

    (email,) = mailoutbox
    assert email.to == [ambassador.email]
    assert "Acme Robotique SAS" in email.subject
    assert "Merci : rendez-vous pris !" in email.body and "Rappeler" not in email.body
    (mine,) = report_selectors.my_reports(user=ambassador)
    assert [note.text for note in mine.feedback] == ["Merci : rendez-vous pris !"]
    with pytest.raises(ReportRefused):
        report_services.note_add(report=report, author=staff, text="  ", shared=True)


def test_feedback_respects_the_opt_out(
    ambassador, staff, mailoutbox, django_capture_on_commit_callbacks
):
    ambassador.ambassador_profile.notify_feedback = False
    ambassador.ambassador_profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        report_services.note_add(report=sent(ambassador), author=staff, text="Merci.", shared=True)
    assert mailoutbox == [] and ReportNote.objects.get().shared


def test_who_reads_a_restricted_report(ambassador, staff, manager):
    other_staff = UserFactory(email="equipe2@exemple.fr", is_staff=True, groups=[EQUIPE])
    boss = UserFactory(email="direction@exemple.fr", is_staff=True, groups=[RESPONSABLES])
    stranger = AmbassadorProfileFactory().user
    normal = sent(ambassador)
    restricted = sent(ambassador, company_name="Secret", confidentiality="restricted")
    report_services.report_assign(report=restricted, actor=manager, assignee=staff)

    may = report_selectors.may_read_content
    assert [may(ambassador, normal), may(ambassador, restricted)] == [True, True]
    assert [may(stranger, normal), may(stranger, restricted)] == [False, False]
    assert [may(other_staff, normal), may(other_staff, restricted)] == [True, False]
    assert [may(staff, normal), may(staff, restricted)] == [True, True]  # the assignee
    assert [may(boss, normal), may(boss, restricted)] == [True, True]

    shown = report_selectors.masked(other_staff, report_selectors.pipeline(other_staff))
    assert {(m.pk, m.readable) for m in shown} == {(normal.pk, True), (restricted.pk, False)}
    searchable = ProjectReport.objects.filter(report_selectors.readable_filter(other_staff))
    assert list(searchable.filter(company_name="Secret")) == []
    assert ProjectReport.objects.filter(report_selectors.readable_filter(boss)).count() == 2


def test_my_reports_are_mine_only_in_two_queries(ambassador, staff, django_assert_num_queries):
    for n in range(3):
        report = sent(ambassador, company_name=f"Société {n}", company_website="")
        report_services.note_add(report=report, author=staff, text=f"Merci {n}", shared=True)
    sent(AmbassadorProfileFactory().user, company_name="Pas à moi")

    with django_assert_num_queries(2):
        mine = report_selectors.my_reports(user=ambassador)

    assert sorted(m.report.company_name for m in mine) == ["Société 0", "Société 1", "Société 2"]
    assert all(len(m.feedback) == 1 for m in mine)


def test_a_debrief_is_written_once_then_updated_and_is_not_logged(ambassador, index):
    mission = add_mission(index, "Soirée des ambassadeurs", starts_in=-10 * DAY)
    other = add_mission(index, "Salon SIMA")
    logs_before = (ModelLogEntry.objects.count(), PageLogEntry.objects.count())

    first = report_services.debrief_save(
        user=ambassador, mission=mission, how_it_went="Bien.", contacts_met="Acme."
    )
    written = Debrief.objects.get()
    again = report_services.debrief_save(
        user=ambassador, mission=mission, how_it_went="Très bien.", contacts_met="Acme, Bêta."
    )

    assert again.pk == first.pk
    debrief = Debrief.objects.get()
    assert (debrief.user, debrief.mission_id, debrief.how_it_went, debrief.contacts_met) == (
        ambassador,
        mission.pk,
        "Très bien.",
        "Acme, Bêta.",
    )
    assert debrief.created_at == written.created_at
    assert debrief.updated_at > written.updated_at
    # A participant's own writing, not a step of the pipeline: nothing on any history.
    assert (ModelLogEntry.objects.count(), PageLogEntry.objects.count()) == logs_before
    assert not other.debriefs.exists()


def test_contact_details_of_long_closed_reports_are_removed_by_the_daily_job(
    ambassador, staff, settings
):
    settings.REPORT_CONTACT_RETENTION_DAYS = 30
    old = moved(sent(ambassador), staff, ReportStatus.OUT_OF_SCOPE)
    ProjectReport.objects.filter(pk=old.pk).update(closed_at=timezone.now() - 31 * DAY)
    recent = moved(sent(ambassador, company_name="Récent"), staff, ReportStatus.OUT_OF_SCOPE)
    ongoing = sent(ambassador, company_name="En cours")

    call_command("run_daily")
    call_command("run_daily")  # twice: nothing more

    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.contact_agreed) == ("", "", False)
    assert old.contact_anonymised_at is not None and old.company_name == "Acme Robotique SAS"
    for kept in (recent, ongoing):
        kept.refresh_from_db()
        assert kept.contact_name == "Jana Weber"
    assert [a for a, _u, _s in logged(old)].count("briefings.report_anonymised") == 1


def test_deleting_an_account_keeps_sent_reports_and_drops_drafts(ambassador):
    report = sent(ambassador)
    report_services.draft_save(author=ambassador, data={"company_name": "Brouillon"})

    account_delete(user=ambassador)

    assert list(ProjectReport.objects.values_list("pk", flat=True)) == [report.pk]
    report.refresh_from_db()
    assert report.author.email.startswith("compte-supprime-")


def test_a_reporter_cannot_be_deleted_from_the_admin_user_list(client, ambassador):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(email="root@exemple.fr", password="x" * 12)
    sent(ambassador)
    client.force_login(admin)

    response = client.post(reverse("wagtailusers_users:delete", args=[ambassador.pk]))

    assert get_user_model().objects.filter(pk=ambassador.pk).exists()
    assert response["Location"] == reverse("wagtailusers_users:edit", args=[ambassador.pk])

"""The ambassador's pages of project reports: who may open them, the draft that loses
nothing (saved as typed, kept when sending fails), the rules of sending (what is needed,
the contact's agreement, a declared interest), the confirmation with the likely
duplicate said without saying whose, one's own report with its timeline and only the
shared feedback, and the debrief of a mission with the reports it brings."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import ModelLogEntry

from briefings import report_forms, report_selectors, report_services, report_views
from briefings.models import Debrief, ProjectReport, ReportStatus
from home.models import MembershipStatus
from tests.briefings.builders import add_mission, add_signup
from tests.factories import AmbassadorProfileFactory

DAY = datetime.timedelta(days=1)

# The full POST a browser sends for a complete report (the phone's form, filled).
FILLED = {
    "company_name": "Acme Robotique SAS",
    "company_country": "DE",
    "company_website": "https://www.acme-robotique.de/",
    "company_sector": "industry",
    "company_size": "large",
    "project_type": "implantation",
    "description": "Une usine de 120 personnes en Europe de l'Ouest.",
    "jobs_expected": "120",
    "premises_needs": "5 ha viabilisés",
    "horizon": "1y",
    "stage": "searching",
    "competing_territories": "Rennes, Tours",
    "contact_name": "Jana Weber",
    "contact_role": "Directrice de l'expansion",
    "contact_email": "jana@acme-robotique.de",
    "contact_phone": "+49 30 000000",
    "contact_agreed": "on",
    "source": "Rencontrée au salon SIMA.",
    "conflict_details": "",
    "confidentiality": "normal",
}


def fr(message) -> str:
    with translation.override("fr"):
        return gettext(str(message)) if not callable(message) else message()


def post(client, url, action, **fields):
    return client.post(url, {**fields, "action": action})


def sent_report(author, **data) -> ProjectReport:
    base = {
        "company_name": "Bêta Logistique",
        "project_type": "extension",
        "description": "Un entrepôt.",
        "source": "Un client.",
    }
    report = report_services.draft_save(author=author, data={**base, **data})
    return report_services.report_send(report=report, actor=author)


@pytest.fixture
def past_mission(index):
    return add_mission(index, "Soirée des ambassadeurs", starts_at=timezone.now() - 10 * DAY)


# --- Who may open the pages ------------------------------------------------------------------


def _urls(report, mission) -> list[str]:
    return [
        "/signaler/",
        f"/signaler/{report.pk}/",
        f"/signaler/{report.pk}/envoye/",
        f"/mon-espace/signalements/{report.pk}/",
        f"/debrief/{mission.pk}/",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, ambassador, past_mission):
    report = sent_report(ambassador)
    for url in _urls(report, past_mission):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/connexion/?next="), url


def test_members_who_are_not_active_see_why_and_nothing_else(client, past_mission):
    profile = AmbassadorProfileFactory(status=MembershipStatus.SUSPENDED)
    report = sent_report(profile.user)
    client.force_login(profile.user)

    for url in _urls(report, past_mission):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "home/membership_status.html" in [t.name for t in response.templates]
        assert report.company_name not in response.content.decode()
    response = post(client, "/signaler/", "draft", company_name="Gamma")
    assert response.status_code == 403
    assert not ProjectReport.objects.filter(company_name="Gamma").exists()


def test_another_persons_draft_or_report_is_not_found(signed_in, ambassador):
    other = AmbassadorProfileFactory().user
    draft = report_services.draft_save(author=other, data={"company_name": "Secret SA"})
    report = sent_report(other, company_name="Autre SA")
    client = signed_in(ambassador)

    for url in (
        f"/signaler/{draft.pk}/",
        f"/signaler/{report.pk}/",
        f"/signaler/{report.pk}/envoye/",
        f"/mon-espace/signalements/{report.pk}/",
        f"/mon-espace/signalements/{draft.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert post(client, f"/signaler/{draft.pk}/", "send", **FILLED).status_code == 404
    assert post(client, f"/signaler/{draft.pk}/", "draft", company_name="X").status_code == 404
    draft.refresh_from_db()
    assert (draft.company_name, draft.status) == ("Secret SA", "draft")


def test_my_own_sent_report_is_no_longer_editable_through_the_form(signed_in, ambassador):
    report = sent_report(ambassador)
    client = signed_in(ambassador)

    assert client.get(f"/signaler/{report.pk}/").status_code == 404
    assert post(client, f"/signaler/{report.pk}/", "draft", company_name="Y").status_code == 404
    report.refresh_from_db()
    assert report.company_name == "Bêta Logistique"


# --- Drafts ----------------------------------------------------------------------------------


def test_a_draft_keeps_whatever_was_typed_even_incomplete_or_invalid(signed_in, ambassador):
    client = signed_in(ambassador)

    response = post(
        client,
        "/signaler/",
        "draft",
        company_name="Acme",
        contact_email="jana@",  # half typed
        company_website="acme robotique",  # not an address yet
        description="Une usine, peut-être.",
        jobs_expected="120",
    )

    draft = ProjectReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/signaler/{draft.pk}/"
    assert (draft.author, draft.status) == (ambassador, ReportStatus.DRAFT)
    assert (draft.company_name, draft.contact_email, draft.company_website) == (
        "Acme",
        "jana@",
        "acme robotique",
    )
    assert (draft.description, draft.jobs_expected) == ("Une usine, peut-être.", 120)
    assert not ModelLogEntry.objects.for_instance(draft).exists()  # outside the pipeline
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert fr(report_views.message_draft_saved) in html
    assert 'value="jana@"' in html and "Une usine, peut-être." in html


def test_saving_again_updates_the_same_draft(signed_in, ambassador):
    client = signed_in(ambassador)
    post(client, "/signaler/", "draft", company_name="Acme")
    draft = ProjectReport.objects.get()

    post(client, f"/signaler/{draft.pk}/", "draft", company_name="Acme", source="Un ami.")

    draft.refresh_from_db()
    assert ProjectReport.objects.count() == 1
    assert (draft.company_name, draft.source) == ("Acme", "Un ami.")


def test_a_value_that_cannot_be_kept_is_shown_back_as_typed_with_the_rest_saved(
    signed_in, ambassador
):
    client = signed_in(ambassador)

    response = post(client, "/signaler/", "draft", company_name="Acme", jobs_expected="douze")

    draft = ProjectReport.objects.get()
    html = response.content.decode()
    assert response.status_code == 400
    assert (draft.company_name, draft.jobs_expected) == ("Acme", None)
    assert 'value="douze"' in html
    assert f'action="/signaler/{draft.pk}/"' in html  # the next save updates this draft


def test_the_form_lists_my_other_drafts_to_continue_and_never_anothers(signed_in, ambassador):
    mine = report_services.draft_save(author=ambassador, data={"company_name": "Mon brouillon"})
    report_services.draft_save(
        author=AmbassadorProfileFactory().user, data={"company_name": "Pas le mien"}
    )
    sent_report(ambassador, company_name="Déjà envoyé")
    client = signed_in(ambassador)

    html = client.get("/signaler/").content.decode()

    assert f'href="/signaler/{mine.pk}/"' in html and "Mon brouillon" in html
    assert "Pas le mien" not in html and "Déjà envoyé" not in html
    assert (
        f'data-other-draft="{mine.pk}"' not in client.get(f"/signaler/{mine.pk}/").content.decode()
    )


def test_the_form_is_grouped_in_fieldsets_with_legends_and_two_buttons(signed_in, ambassador):
    html = signed_in(ambassador).get("/signaler/").content.decode()

    assert html.count('<fieldset class="fieldset') == 5
    assert html.count("<legend>") >= 5
    for name in report_forms.REPORT_FIELDS:
        assert f'name="{name}"' in html, name
    assert 'name="action" value="draft"' in html and 'name="action" value="send"' in html


# 10 = the signed-in page's base (session, user with its profile, site, site settings,
# the userbar's two permission queries, the idle-timeout session save: savepoint,
# update, release) + my drafts (1), whatever their number.
FORM_QUERIES = 10


@pytest.mark.parametrize("drafts", [1, 5])
def test_the_form_query_count_does_not_grow_with_drafts(
    signed_in, ambassador, django_assert_num_queries, drafts
):
    for n in range(drafts):
        report_services.draft_save(author=ambassador, data={"company_name": f"Brouillon {n}"})
    client = signed_in(ambassador)
    client.get("/signaler/")  # the site's settings made, the session settled

    with django_assert_num_queries(FORM_QUERIES):
        response = client.get("/signaler/")

    assert response.content.decode().count("data-other-draft=") == drafts


# --- Sending ---------------------------------------------------------------------------------


def test_sending_puts_the_report_in_the_pipeline_and_thanks_the_ambassador(
    signed_in, ambassador, staff
):
    client = signed_in(ambassador)

    response = post(client, "/signaler/", "send", **FILLED)

    report = ProjectReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/signaler/{report.pk}/envoye/"
    assert (report.status, report.author, report.mission) == ("received", ambassador, None)
    assert report.submitted_at is not None and report.duplicate_of is None
    assert (report.company_name, report.jobs_expected, str(report.company_country)) == (
        "Acme Robotique SAS",
        120,
        "DE",
    )
    assert (report.contact_agreed, report.confidentiality) == (True, "normal")
    assert [e.action for e in ModelLogEntry.objects.for_instance(report)] == [
        "briefings.report_sent"
    ]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert fr("Thank you: your report is sent") in html
    assert "data-likely-duplicate" not in html
    assert f'href="/mon-espace/signalements/{report.pk}/"' in html


def test_sending_a_draft_sends_that_draft(signed_in, ambassador):
    draft = report_services.draft_save(author=ambassador, data={"company_name": "Acme"})
    client = signed_in(ambassador)

    response = post(client, f"/signaler/{draft.pk}/", "send", **FILLED)

    draft.refresh_from_db()
    assert response.status_code == 302
    assert ProjectReport.objects.count() == 1
    assert (draft.status, draft.company_name) == ("received", "Acme Robotique SAS")


@pytest.mark.parametrize("missing", report_forms.REQUIRED_TO_SEND)
def test_sending_without_what_is_needed_shows_the_errors_and_keeps_everything_typed(
    signed_in, ambassador, missing
):
    client = signed_in(ambassador)

    response = post(client, "/signaler/", "send", **{**FILLED, missing: ""})

    draft = ProjectReport.objects.get()
    html = response.content.decode()
    assert response.status_code == 400
    assert draft.status == ReportStatus.DRAFT and draft.submitted_at is None
    assert (draft.contact_email, draft.premises_needs, draft.jobs_expected) == (
        "jana@acme-robotique.de",
        "5 ha viabilisés",
        120,
    )
    assert fr(report_forms.ERROR_REQUIRED) in html
    assert fr(report_views.message_send_errors) in html
    assert f'id="id_{missing}_error"' in html
    assert f'action="/signaler/{draft.pk}/"' in html


def test_contact_details_need_the_contacts_agreement(signed_in, ambassador):
    client = signed_in(ambassador)
    refused = {**FILLED, "contact_agreed": ""}

    response = post(client, "/signaler/", "send", **refused)

    draft = ProjectReport.objects.get()
    assert response.status_code == 400
    assert 'id="id_contact_agreed_error"' in response.content.decode()
    assert fr(report_forms.ERROR_CONTACT_AGREED) in response.content.decode()
    assert (draft.status, draft.contact_phone) == ("draft", "+49 30 000000")


@pytest.mark.parametrize(
    "contact, sent",
    [
        ({"contact_email": "jana@acme.de"}, False),
        ({"contact_phone": "+49 30 000000"}, False),
        ({"contact_name": "Jana Weber", "contact_role": "DRH"}, True),  # named, not reachable
        ({}, True),
    ],
)
def test_the_contact_rule_asks_agreement_only_for_an_email_or_a_phone(
    signed_in, ambassador, contact, sent
):
    base = {k: v for k, v in FILLED.items() if not k.startswith("contact_")}
    response = post(signed_in(ambassador), "/signaler/", "send", **base, **contact)

    assert response.status_code == (302 if sent else 400)
    assert ProjectReport.objects.get().status == ("received" if sent else "draft")


def test_a_declared_interest_needs_its_details(signed_in, ambassador):
    client = signed_in(ambassador)

    refused = post(client, "/signaler/", "send", **FILLED, conflict_of_interest="on")
    draft = ProjectReport.objects.get()

    assert refused.status_code == 400
    assert fr(report_forms.ERROR_CONFLICT_DETAILS) in refused.content.decode()
    assert (draft.status, draft.conflict_of_interest) == ("draft", True)

    accepted = post(
        client,
        f"/signaler/{draft.pk}/",
        "send",
        **{**FILLED, "conflict_of_interest": "on", "conflict_details": "Mon frère y travaille."},
    )
    draft.refresh_from_db()
    assert accepted.status_code == 302
    assert (draft.status, draft.conflict_details) == ("received", "Mon frère y travaille.")


def test_a_likely_duplicate_is_said_without_telling_the_other_report(signed_in, ambassador):
    other = AmbassadorProfileFactory(user__first_name="Dominique").user
    first = sent_report(
        other,
        company_name="ACME ROBOTIQUE",
        description="Projet secret de Dominique.",
        contact_name="Hans Müller",
    )
    client = signed_in(ambassador)

    response = post(client, "/signaler/", "send", **FILLED)

    report = ProjectReport.objects.get(author=ambassador)
    assert report.duplicate_of == first
    html = client.get(response["Location"]).content.decode()
    assert "data-likely-duplicate" in html
    assert (
        fr(
            "The agency may already know this company; they will check, and your report still counts."
        )
        in html
    )
    for secret in ("Projet secret de Dominique.", "Hans Müller", "Dominique", other.email):
        assert secret not in html
    assert f"/{first.pk}/" not in html


def test_a_restricted_report_is_sent_restricted(signed_in, ambassador):
    post(signed_in(ambassador), "/signaler/", "send", **{**FILLED, "confidentiality": "restricted"})

    assert ProjectReport.objects.get().is_restricted


# --- My report --------------------------------------------------------------------------------


def test_my_report_shows_what_i_sent_its_timeline_and_only_the_shared_feedback(
    signed_in, ambassador, staff
):
    report = sent_report(ambassador, contact_name="Jana Weber")
    report = report_services.report_move(report=report, to="qualifying", actor=staff)
    report_services.note_add(report=report, author=staff, text="Merci, on appelle.", shared=True)
    report_services.note_add(report=report, author=staff, text="Piste faible.", shared=False)
    report_services.report_assign(report=report, actor=staff, assignee=staff, next_step="RDV")
    client = signed_in(ambassador)

    response = client.get(f"/mon-espace/signalements/{report.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [step.status for step in response.context["timeline"]] == ["received", "qualifying"]
    assert 'data-step="received"' in html and 'data-step="qualifying"' in html
    assert "Merci, on appelle." in html and "Jana Weber" in html and "Un entrepôt." in html
    for internal in ("Piste faible.", "RDV", staff.email, staff.last_name):
        assert internal not in html


def test_my_draft_opens_in_the_form(signed_in, ambassador):
    draft = report_services.draft_save(author=ambassador, data={"company_name": "Acme"})

    response = signed_in(ambassador).get(f"/mon-espace/signalements/{draft.pk}/")

    assert (response.status_code, response["Location"]) == (302, f"/signaler/{draft.pk}/")


# --- Debrief ------------------------------------------------------------------------------------


def test_a_participant_debriefs_then_reports_a_project_tagged_with_the_mission(
    signed_in, ambassador, past_mission
):
    add_signup(ambassador, past_mission, "attended")
    client = signed_in(ambassador)
    url = f"/debrief/{past_mission.pk}/"

    assert client.get(url).status_code == 200
    response = client.post(url, {"how_it_went": "Bien.", "contacts_met": "Acme, Bêta."})
    assert (response.status_code, response["Location"]) == (302, url)
    client.post(url, {"how_it_went": "Très bien.", "contacts_met": "Acme, Bêta."})

    debrief = Debrief.objects.get()
    assert (debrief.user, debrief.mission_id, debrief.how_it_went) == (
        ambassador,
        past_mission.pk,
        "Très bien.",
    )
    page = client.get(url).content.decode()
    report_url = f"/signaler/?mission={past_mission.pk}"
    assert f'href="{report_url}"' in page

    form = client.get(report_url).content.decode()
    assert f'data-mission-tag="{past_mission.pk}"' in form
    assert f'name="mission" value="{past_mission.pk}"' in form
    response = post(client, "/signaler/", "send", **FILLED, mission=str(past_mission.pk))
    response = post(
        client, "/signaler/", "draft", company_name="Bêta", mission=str(past_mission.pk)
    )

    reports = ProjectReport.objects.order_by("pk")
    assert [(r.company_name, r.status, r.mission_id) for r in reports] == [
        ("Acme Robotique SAS", "received", past_mission.pk),
        ("Bêta", "draft", past_mission.pk),
    ]
    page = client.get(url).content.decode()
    assert page.count("data-report=") == 2


def test_a_confirmed_participant_debriefs_once_the_mission_has_ended(
    signed_in, ambassador, index, past_mission
):
    add_signup(ambassador, past_mission, "confirmed")
    upcoming = add_mission(index, "Salon à venir")
    add_signup(ambassador, upcoming, "confirmed")
    client = signed_in(ambassador)

    assert client.get(f"/debrief/{past_mission.pk}/").status_code == 200
    refused = client.get(f"/debrief/{upcoming.pk}/")
    assert refused.status_code == 403
    assert fr(report_selectors.NOT_A_PARTICIPANT) in refused.content.decode()


@pytest.mark.parametrize("status", ["no_show", "cancelled", "waitlisted", None])
def test_who_did_not_take_part_neither_debriefs_nor_tags_reports(
    signed_in, ambassador, past_mission, status
):
    if status:
        add_signup(ambassador, past_mission, status)
    client = signed_in(ambassador)

    assert client.post(f"/debrief/{past_mission.pk}/", {"how_it_went": "?"}).status_code == 403
    form = client.get(f"/signaler/?mission={past_mission.pk}").content.decode()
    assert "data-mission-refused" in form and 'name="mission"' not in form
    post(client, "/signaler/", "send", **FILLED, mission=str(past_mission.pk))

    assert not Debrief.objects.exists()
    assert ProjectReport.objects.get().mission is None


def test_an_unknown_mission_is_not_found(signed_in, ambassador):
    assert signed_in(ambassador).get("/debrief/999999/").status_code == 404

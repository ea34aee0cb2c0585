"""The staff's pipeline of project reports in the Wagtail admin: the list (columns,
filters, search, CSV/XLSX export), a report's page (content, duplicate flag, moves,
assignment, notes and feedback, history), who may read and do what — *Équipe* never
reads a restricted report's content (list, page, search, export), its assignee and the
*Responsables* do — and pinned query counts."""

from __future__ import annotations

import csv
import datetime
import io
from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from wagtail.models import ModelLogEntry

from briefings import report_admin, report_services
from briefings.models import (
    CLOSED_REPORT_STATUSES,
    REPORT_TRANSITIONS,
    ProjectReport,
    ReportNote,
    ReportStatus,
)
from home.groups import EQUIPE
from tests.factories import AmbassadorProfileFactory, UserFactory

URL = "/admin/signalements/"
SECRET = "Secrète Industries"
SECRET_WORD = "hydrogène"

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


def fr(message) -> str:
    """A translatable string (or msgid) as the admin shows it (in French)."""
    with translation.override("fr"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def text(response) -> str:
    return unescape(response.content.decode())


def sent(author, **data) -> ProjectReport:
    report = report_services.draft_save(author=author, data={**FILLED, **data})
    return report_services.report_send(report=report, actor=author)


def page_url(report) -> str:
    return f"{URL}{report.pk}/"


def logged(report) -> list[tuple[str, int | None, str]]:
    return list(
        ModelLogEntry.objects.for_instance(report)
        .order_by("pk")
        .values_list("action", "user_id", "data__status")
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def colleague(db):
    """Another member of *Équipe*: neither the restricted report's assignee nor a
    Responsable."""
    return UserFactory(
        email="equipe2@exemple.fr", first_name="Lou", last_name="Perrin", is_staff=True,
        groups=[EQUIPE],
    )  # fmt: skip


@pytest.fixture
def reports(ambassador, staff, manager):
    """A normal report, and a restricted one from another ambassador assigned to
    `staff`."""
    reporter = AmbassadorProfileFactory(
        user__email="bruno@exemple.fr", user__first_name="Bruno", user__last_name="Vidal"
    ).user
    normal = sent(ambassador)
    restricted = sent(
        reporter,
        company_name=SECRET,
        company_website="https://secrete.example",
        description=f"Un centre de R&D sur l'{SECRET_WORD}.",
        project_type="research",
        contact_name="Hans Geheim",
        confidentiality="restricted",
    )
    report_services.report_assign(
        report=restricted, actor=manager, assignee=staff, next_step="Appeler Hans"
    )
    return {"normal": normal, "restricted": restricted}


# --- Who may see what -----------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, reads",
    [("colleague", False), ("staff", True), ("manager", True)],
    ids=["equipe", "assignee", "responsable"],
)
def test_only_the_assignee_and_responsables_read_a_restricted_report(
    client, request, reports, persona, reads
):
    client.force_login(request.getfixturevalue(persona))
    restricted = reports["restricted"]
    secret_bits = [SECRET, SECRET_WORD, "Hans Geheim", "Bruno Vidal", "Appeler Hans"]

    listing = text(client.get(URL))
    page = text(client.get(page_url(restricted)))
    search = client.get(URL, {"q": SECRET_WORD})
    by_reporter = client.get(URL, {"q": "Vidal"})
    rows = csv_rows(client.get(URL, {"export": "csv"}))

    row = next(r for r in rows[1:] if r[0] == str(restricted.pk))
    if reads:
        assert all(bit in listing for bit in secret_bits[:1] + secret_bits[3:])
        assert all(bit in page for bit in secret_bits)
        assert [r.pk for r in search.context["object_list"]] == [restricted.pk]
        assert [r.pk for r in by_reporter.context["object_list"]] == [restricted.pk]
        assert SECRET in row and "Hans Geheim" in row
    else:
        assert not any(bit in listing for bit in secret_bits)
        assert not any(bit in page for bit in secret_bits)
        assert fr(report_admin.RESTRICTED) in listing and fr(report_admin.RESTRICTED) in page
        assert list(search.context["object_list"]) == []
        assert list(by_reporter.context["object_list"]) == []
        assert not any(bit in cell for bit in secret_bits for cell in row)
    # Everyone sees that it exists, with its status.
    assert page_url(restricted) in listing
    assert fr(ReportStatus.RECEIVED.label) in page
    # The normal report reads the same for all staff.
    assert "Acme Robotique SAS" in listing


def test_a_non_reader_sees_status_dates_and_assignee_only_and_may_not_act(
    client, colleague, staff, reports, mailoutbox
):
    restricted = reports["restricted"]
    before = list(ProjectReport.objects.filter(pk=restricted.pk).values())
    log_before = logged(restricted)
    client.force_login(colleague)

    page = client.get(page_url(restricted))
    posts = [
        client.post(f"{page_url(restricted)}deplacer/", {"to": "qualifying"}, follow=True),
        client.post(f"{page_url(restricted)}attribuer/", {"assignee": colleague.pk}, follow=True),
        client.post(f"{page_url(restricted)}note/", {"text": "Vu.", "kind": "feedback"}, follow=True),
    ]  # fmt: skip

    assert page.context["readable"] is False
    assert "moves" not in page.context and "history" not in page.context
    html = text(page)
    assert staff.get_full_name() in html
    assert 'name="to"' not in html and 'name="text"' not in html
    for response in posts:
        assert response.redirect_chain == [(page_url(restricted), 302)]
        assert fr(report_admin.ERROR_NOT_READER) in text(response)
    assert list(ProjectReport.objects.filter(pk=restricted.pk).values()) == before
    assert logged(restricted) == log_before
    assert ReportNote.objects.count() == 0 and mailoutbox == []


@pytest.fixture
def editor(db):
    """Staff who reach the admin but may not qualify reports."""
    group = Group.objects.create(name="Rédaction")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return UserFactory(email="redaction@exemple.fr", is_staff=True, groups=["Rédaction"])


def pipeline_urls(report) -> list[tuple[str, str, dict]]:
    return [
        ("get", URL, {}),
        ("get", f"{URL}?export=csv", {}),
        ("get", page_url(report), {}),
        ("post", f"{page_url(report)}deplacer/", {"to": "qualifying"}),
        ("post", f"{page_url(report)}attribuer/", {"next_step": "X"}),
        ("post", f"{page_url(report)}note/", {"text": "X", "kind": "internal"}),
    ]


def test_people_without_the_permission_never_reach_the_pipeline(
    client, editor, ambassador, reports
):
    report = reports["normal"]
    before = list(ProjectReport.objects.order_by("pk").values())

    anonymous = [getattr(client, m)(url, data) for m, url, data in pipeline_urls(report)]
    client.force_login(ambassador)
    member = [getattr(client, m)(url, data) for m, url, data in pipeline_urls(report)]
    client.force_login(editor)
    refused = [getattr(client, m)(url, data) for m, url, data in pipeline_urls(report)]
    editor_home = text(client.get("/admin/"))

    for response in anonymous + member:
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")
    # Wagtail's admin answers a refusal with a redirect to its dashboard and a message.
    assert [(r.status_code, r["Location"]) for r in refused] == [(302, "/admin/")] * 6
    assert URL not in editor_home
    assert list(ProjectReport.objects.order_by("pk").values()) == before
    assert ReportNote.objects.count() == 0


@pytest.mark.parametrize("persona", ["staff", "manager"])
def test_equipe_and_responsables_find_the_pipeline_in_the_menu(db, client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert URL in text(client.get("/admin/"))
    assert client.get(URL).status_code == 200


def test_drafts_are_not_in_the_pipeline(client, staff, ambassador):
    draft = report_services.draft_save(author=ambassador, data={"company_name": "Brouillon"})
    client.force_login(staff)

    assert list(client.get(URL).context["object_list"]) == []
    assert client.get(page_url(draft)).status_code == 404


# --- The list -------------------------------------------------------------------------


def test_list_shows_the_columns_staff_scan_for(client, staff, manager, index, ambassador):
    from tests.briefings.builders import add_mission

    mission = add_mission(index, "Salon SIMA 2027")
    report = sent(ambassador, mission=mission)
    report_services.report_assign(
        report=report,
        actor=manager,
        assignee=manager,
        next_step="Rappeler Jana",
        next_step_on=datetime.date(2027, 3, 4),
    )
    client.force_login(staff)

    html = text(client.get(URL))

    for shown in (
        "Acme Robotique SAS",
        fr(ReportStatus.RECEIVED.label),
        fr("Implantation"),
        manager.get_full_name(),
        "Rappeler Jana",
        ambassador.get_full_name(),
        "Salon SIMA 2027",
    ):
        assert shown in html
    assert f'href="{page_url(report)}"' in html


def test_likely_duplicates_are_flagged_with_a_link_masked_when_restricted(
    client, staff, colleague, ambassador
):
    original = sent(ambassador, confidentiality="restricted", company_name=SECRET)
    copy = sent(AmbassadorProfileFactory().user, company_name=SECRET.upper())
    assert copy.duplicate_of == original

    client.force_login(staff)  # reads both (the original is not assigned: Équipe does not)
    staff_copy = text(client.get(page_url(copy)))
    client.force_login(colleague)
    listing = text(client.get(URL))
    page = text(client.get(page_url(copy)))

    # The link is there, labelled as masked: neither reads the restricted original.
    for html in (staff_copy, listing, page):
        assert f'href="{page_url(original)}"' in html
        assert fr(report_admin.RESTRICTED) in html
    assert fr("Likely duplicate of:") in page


def test_a_readable_duplicate_is_named(client, manager, ambassador):
    original = sent(ambassador)
    copy = sent(AmbassadorProfileFactory().user, company_website="http://acme-robotique.de")
    client.force_login(manager)

    response = client.get(page_url(copy))
    original_page = client.get(page_url(original))

    assert response.context["duplicate"] == {
        "url": page_url(original),
        "label": "Acme Robotique SAS",
    }
    assert [d["url"] for d in original_page.context["duplicates"]] == [page_url(copy)]


def test_filters_by_status_group_assignee_and_confidentiality(
    client, staff, manager, colleague, reports, ambassador
):
    closed = sent(ambassador, company_name="Fermée", company_website="")
    report_services.report_move(
        report=closed, to=ReportStatus.OUT_OF_SCOPE, actor=manager, reason="Hors zone."
    )
    client.force_login(staff)

    def found(**params):
        return {r.pk for r in client.get(URL, params).context["object_list"]}

    everything = {reports["normal"].pk, reports["restricted"].pk, closed.pk}
    assert found() == everything
    assert found(status="open") == {reports["normal"].pk, reports["restricted"].pk}
    assert found(status="closed") == {closed.pk}
    assert found(status="out_of_scope") == {closed.pk}
    assert found(assignee="me") == {reports["restricted"].pk}
    assert found(assignee="nobody") == {reports["normal"].pk, closed.pk}
    assert found(assignee=str(staff.pk)) == {reports["restricted"].pk}
    assert found(confidentiality="restricted") == {reports["restricted"].pk}
    assert found(project_type="research") == {reports["restricted"].pk}

    # A filter on content never finds a restricted report for someone who may not read it.
    client.force_login(colleague)
    assert found(project_type="research") == set()
    assert found(confidentiality="restricted") == {reports["restricted"].pk}


def test_filter_by_mission(client, staff, index, ambassador):
    from tests.briefings.builders import add_mission

    mission = add_mission(index, "Salon SIMA 2027")
    with_mission = sent(ambassador, mission=mission, company_name="Avec", company_website="")
    sent(ambassador, company_name="Sans", company_website="")
    client.force_login(staff)

    response = client.get(URL, {"mission": mission.pk})

    assert [r.pk for r in response.context["object_list"]] == [with_mission.pk]


def test_csv_export_masks_restricted_rows_for_those_who_may_not_read_them(
    client, colleague, reports
):
    client.force_login(colleague)

    response = client.get(URL, {"export": "csv"})

    assert response["Content-Type"] == "text/csv"
    assert 'filename="signalements-' in response["Content-Disposition"]
    heading, *rows = csv_rows(response)
    assert heading[:3] == [fr("Number"), fr("Received at"), fr("Company")]
    by_number = {row[0]: dict(zip(heading, row, strict=True)) for row in rows}
    normal = by_number[str(reports["normal"].pk)]
    restricted = by_number[str(reports["restricted"].pk)]
    assert normal[fr("Company")] == "Acme Robotique SAS"
    assert normal[fr("Contact person")] == "Jana Weber"
    filled = {name for name, value in restricted.items() if value}
    assert filled == {
        fr("Number"),
        fr("Received at"),
        fr("Company"),
        fr("Confidentiality"),
        fr("Status"),
        fr("Status changed at"),
    }
    assert restricted[fr("Company")] == fr(report_admin.RESTRICTED)


def test_xlsx_export_works_too(client, manager, reports):
    from openpyxl import load_workbook

    client.force_login(manager)

    response = client.get(URL, {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    companies = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert companies == {"Acme Robotique SAS", SECRET}


# --- Moves ----------------------------------------------------------------------------


MOVES = [
    (before, to)
    for before, targets in REPORT_TRANSITIONS.items()
    if before != ReportStatus.DRAFT
    for to in targets
]


@pytest.mark.parametrize("before, to", MOVES, ids=[f"{b}-{t}" for b, t in MOVES])
def test_each_allowed_move_is_a_button_that_moves_and_logs_who(
    client, manager, ambassador, before, to
):
    report = sent(ambassador)
    ProjectReport.objects.filter(pk=report.pk).update(status=before)
    client.force_login(manager)

    page = client.get(page_url(report))
    data = {"to": to, "reason": "Terminé." if to in CLOSED_REPORT_STATUSES else ""}
    response = client.post(f"{page_url(report)}deplacer/", data, follow=True)

    assert [m["to"] for m in page.context["moves"]] == [str(t) for t in REPORT_TRANSITIONS[before]]
    assert f'value="{to}"' in text(page)
    assert response.redirect_chain == [(page_url(report), 302)]
    report.refresh_from_db()
    assert report.status == to
    assert logged(report)[-1] == ("briefings.report_move", manager.pk, to)
    assert fr(report_admin.MESSAGE_MOVED) % {"status": fr(ReportStatus(to).label)} in text(response)
    if to in CLOSED_REPORT_STATUSES:
        assert report.closing_reason == "Terminé." and report.closed_at is not None


def test_an_invalid_move_is_refused_with_a_message(client, staff, reports):
    report = reports["normal"]
    client.force_login(staff)

    response = client.post(
        f"{page_url(report)}deplacer/", {"to": "landed", "reason": "Oui."}, follow=True
    )

    assert response.status_code == 200
    with translation.override("fr"):
        expected = str(report_services.ERROR_TRANSITION) % {
            "from": ReportStatus.RECEIVED.label,
            "to": ReportStatus.LANDED.label,
        }
    assert expected in text(response)
    assert ProjectReport.objects.get(pk=report.pk).status == ReportStatus.RECEIVED
    assert [a for a, _u, _s in logged(report)] == ["briefings.report_sent"]


def test_closing_asks_for_a_reason(client, staff, reports):
    report = reports["normal"]
    client.force_login(staff)

    response = client.post(
        f"{page_url(report)}deplacer/", {"to": "out_of_scope", "reason": "  "}, follow=True
    )

    assert fr(report_services.ERROR_CLOSING_REASON) in text(response)
    assert ProjectReport.objects.get(pk=report.pk).status == ReportStatus.RECEIVED


def test_an_unknown_status_is_refused_with_a_message_not_an_error(client, staff, reports):
    client.force_login(staff)

    response = client.post(
        f"{page_url(reports['normal'])}deplacer/", {"to": "nowhere"}, follow=True
    )

    assert response.status_code == 200
    assert ProjectReport.objects.get(pk=reports["normal"].pk).status == ReportStatus.RECEIVED


def test_a_landed_report_offers_no_move(client, manager, reports):
    ProjectReport.objects.filter(pk=reports["normal"].pk).update(status=ReportStatus.LANDED)
    client.force_login(manager)

    response = client.get(page_url(reports["normal"]))

    assert response.context["moves"] == []
    assert 'name="to"' not in text(response)


# --- Assignment, notes, history -------------------------------------------------------


def test_assignment_sets_the_assignee_and_next_step_and_is_logged(client, staff, manager, reports):
    report = reports["normal"]
    client.force_login(staff)
    page = client.get(page_url(report))
    offered = {value for value, _label in page.context["assign_form"].fields["assignee"].choices}

    response = client.post(
        f"{page_url(report)}attribuer/",
        {"assignee": manager.pk, "next_step": "Visite du site", "next_step_on": "2027-03-04"},
        follow=True,
    )

    assert {staff.pk, manager.pk} <= {getattr(v, "value", v) for v in offered if v}
    report.refresh_from_db()
    assert (report.assignee, report.next_step, report.next_step_on) == (
        manager,
        "Visite du site",
        datetime.date(2027, 3, 4),
    )
    assert logged(report)[-1] == ("briefings.report_assign", staff.pk, "received")
    assert fr(report_admin.MESSAGE_ASSIGNED) in text(response)
    history = response.context["history"]
    assert history[0]["who"] == staff.get_full_name()
    assert manager.get_full_name() in history[0]["details"]


def test_only_people_who_qualify_reports_may_be_assigned(client, staff, ambassador, reports):
    client.force_login(staff)

    response = client.post(
        f"{page_url(reports['normal'])}attribuer/", {"assignee": ambassador.pk}, follow=True
    )

    assert ProjectReport.objects.get(pk=reports["normal"].pk).assignee is None
    assert response.status_code == 200
    assert [a for a, _u, _s in logged(reports["normal"])] == ["briefings.report_sent"]


def test_an_internal_note_is_not_emailed_and_feedback_is(
    client, staff, ambassador, reports, mailoutbox, django_capture_on_commit_callbacks
):
    report = reports["normal"]
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        internal = client.post(
            f"{page_url(report)}note/", {"text": "Rappeler en mars.", "kind": "internal"}
        )
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        feedback = client.post(
            f"{page_url(report)}note/",
            {"text": "Merci : rendez-vous pris !", "kind": "feedback"},
            follow=True,
        )

    assert internal.status_code == 302
    (email,) = mailoutbox
    assert email.to == [ambassador.email] and "Merci : rendez-vous pris !" in email.body
    notes = list(ReportNote.objects.order_by("pk").values_list("text", "shared", "author"))
    assert notes == [
        ("Rappeler en mars.", False, staff.pk),
        ("Merci : rendez-vous pris !", True, staff.pk),
    ]
    assert [a for a, _u, _s in logged(report)][-2:] == [
        "briefings.report_note",
        "briefings.report_feedback",
    ]
    html = text(feedback)
    assert fr(report_admin.MESSAGE_FEEDBACK) % {"name": ambassador.get_full_name()} in html
    assert "Rappeler en mars." in html and fr("Internal note") in html
    assert 'data-shared="false"' in html and 'data-shared="true"' in html


def test_an_empty_note_is_refused_with_a_message(client, staff, reports):
    client.force_login(staff)

    response = client.post(
        f"{page_url(reports['normal'])}note/", {"text": "  ", "kind": "internal"}, follow=True
    )

    assert fr(report_services.ERROR_EMPTY_NOTE) in text(response)
    assert ReportNote.objects.count() == 0


def test_history_says_who_did_what_and_when(client, staff, manager, reports):
    report = reports["normal"]
    report_services.report_move(report=report, to=ReportStatus.QUALIFYING, actor=manager)
    client.force_login(staff)

    history = client.get(page_url(report)).context["history"]

    assert [(row["who"], row["what"]) for row in history] == [
        (manager.get_full_name(), fr(report_services.REPORT_LOG_ACTIONS["briefings.report_move"])),
        (
            report.author.get_full_name(),
            fr(report_services.REPORT_LOG_ACTIONS["briefings.report_sent"]),
        ),
    ]
    assert history[0]["details"] == (
        f"{fr(ReportStatus.RECEIVED.label)} → {fr(ReportStatus.QUALIFYING.label)}"
    )


def test_a_post_without_the_csrf_token_is_refused(staff, reports):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(f"{page_url(reports['normal'])}deplacer/", {"to": "qualifying"})

    assert response.status_code == 403
    assert ProjectReport.objects.get(pk=reports["normal"].pk).status == ReportStatus.RECEIVED


# --- Cost -----------------------------------------------------------------------------


def fill(count, start=0, *, assignee=None, mission=None):
    """`count` more sent reports, every third restricted, from different people."""
    for number in range(start, start + count):
        author = AmbassadorProfileFactory(user__email=f"personne{number}@exemple.fr").user
        report = sent(
            author,
            company_name=f"Société {number}",
            company_website="",
            confidentiality="restricted" if number % 3 == 0 else "normal",
            mission=mission,
        )
        if assignee is not None and number % 2:
            report_services.report_assign(report=report, actor=assignee, assignee=assignee)


# Session and user (2), the user's own and group permissions (2), the admin's user
# profile (1); the reports' count (1) and the page of reports with their people,
# mission and duplicate (1); the filters' choices: the people who qualify reports (1)
# and the missions with reports (1); the admin's furniture: locales, page, collection
# and site permissions, the explorer's root (5); the idle-timeout session save
# (savepoint, update, release: 3). The same for 3 or 30 reports, restricted or not:
# whether each row may be read is decided from the permissions already read.
LIST_QUERIES = 17


def test_list_query_count_does_not_grow_with_reports(
    client, colleague, staff, index, django_assert_num_queries
):
    from tests.briefings.builders import add_mission

    mission = add_mission(index, "Salon SIMA 2027")
    fill(3, assignee=staff, mission=mission)
    client.force_login(colleague)
    client.get(URL)  # warm the per-process caches

    with django_assert_num_queries(LIST_QUERIES):
        few = client.get(URL)
    fill(27, start=3, assignee=staff, mission=mission)
    with django_assert_num_queries(LIST_QUERIES):
        many = client.get(URL)

    assert few.context["items_count"] == 3 and many.context["items_count"] == 30
    assert text(many).count(fr(report_admin.RESTRICTED)) == 10


# Session and user (2), permissions (2), the admin's user profile (1); every report with
# its people, mission and duplicate (1); the session save (3). No count, no filter
# choices (the form is not rendered), no admin furniture. Constant for 3 or 30 reports.
EXPORT_QUERIES = 9


def test_export_query_count_does_not_grow_with_reports(
    client, colleague, staff, django_assert_num_queries
):
    fill(3, assignee=staff)
    client.force_login(colleague)
    csv_rows(client.get(URL, {"export": "csv"}))

    with django_assert_num_queries(EXPORT_QUERIES):
        few = csv_rows(client.get(URL, {"export": "csv"}))
    fill(27, start=3, assignee=staff)
    with django_assert_num_queries(EXPORT_QUERIES):
        many = csv_rows(client.get(URL, {"export": "csv"}))

    assert (len(few), len(many)) == (4, 31)

"""`seed_demo`'s project reports (briefings/report_demo.py): every status of the pipeline,
the past mission's debrief and reports, a restricted report Équipe sees masked, a
likely duplicate flagged by website domain, feedback exchanged and internal notes, a
history dated as it happened, no email sent; idempotent, also at scale."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from briefings import (
    report_demo,  # noqa: F401  (registers its DEMO_DATA hook)
    report_selectors,
)
from briefings.models import (
    QUALIFIED_REPORT_STATUSES,
    REPORT_TRANSITIONS,
    Confidentiality,
    Debrief,
    MissionPage,
    ProjectReport,
    ReportNote,
    ReportStatus,
    Signup,
    SignupStatus,
)
from home.demo import GENERATED_PREFIX
from home.models import User

pytestmark = pytest.mark.django_db

SCALE = "60"


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    return _seed("--scale", SCALE)


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@ambassadeurs.example")


def _named():
    return ProjectReport.objects.exclude(author__email__startswith=GENERATED_PREFIX)


def _counts() -> dict[str, int]:
    return {
        "reports": ProjectReport.objects.count(),
        "notes": ReportNote.objects.count(),
        "debriefs": Debrief.objects.count(),
        "logs": ModelLogEntry.objects.filter(action__startswith="briefings.report").count(),
        "users": User.objects.count(),
    }


def test_reports_at_every_status_and_a_draft_outside_the_pipeline(demo):
    statuses = set(_named().values_list("status", flat=True))

    assert statuses == {choice.value for choice in ReportStatus}
    draft = _named().get(status=ReportStatus.DRAFT)
    assert draft.author == _user("camille") and draft.submitted_at is None
    assert draft not in report_selectors.pipeline(_user("equipe"))
    for report in _named().exclude(status=ReportStatus.DRAFT):
        assert report.company_name and report.description and report.source, report
        assert report.submitted_at <= report.status_changed_at <= timezone.now()
        if report.is_closed:
            assert report.closing_reason and report.closed_at, report


def test_certifie_debriefed_the_past_mission_and_reported_from_it(demo):
    certifie = _user("certifie")
    past = MissionPage.objects.get(slug=report_demo.PAST_MISSION)
    debrief = Debrief.objects.get(mission=past, user=certifie)

    assert debrief.how_it_went and "Hexaform" in debrief.contacts_met
    assert debrief.created_at > past.ends_at
    from_mission = ProjectReport.objects.filter(mission=past)
    assert {r.company_name for r in from_mission.filter(author=certifie)} == {
        "Hexaform Composites",
        "Orbis Ingénierie",
    }
    assert all(r.submitted_at > past.ends_at for r in from_mission)
    assert from_mission.exclude(author=certifie).exists()  # another attendee's too


def test_one_restricted_report_assigned_to_a_manager_is_masked_to_equipe(demo):
    manager, staff = _user("responsable"), _user("equipe")
    (restricted,) = _named().filter(confidentiality=Confidentiality.RESTRICTED)

    assert restricted.assignee == manager
    assert report_selectors.may_read_content(manager, restricted)
    assert not report_selectors.may_read_content(staff, restricted)
    assert report_selectors.may_read_content(restricted.author, restricted)
    seen = {m.report.pk: m.readable for m in report_selectors.masked(staff, _named())}
    assert seen[restricted.pk] is False


def test_a_duplicate_flagged_by_the_website_domain_and_closed_as_such(demo):
    (duplicate,) = _named().filter(duplicate_of__isnull=False)
    original = duplicate.duplicate_of

    assert duplicate.status == ReportStatus.DUPLICATE
    assert duplicate.author != original.author
    assert duplicate.company_domain == original.company_domain == "hexaform.fr"
    assert duplicate.company_key != original.company_key
    assert original.submitted_at < duplicate.submitted_at
    sent = ModelLogEntry.objects.for_instance(duplicate).get(action="briefings.report_sent")
    assert sent.data["duplicate_of"] == original.pk


def test_feedback_and_internal_notes_are_exchanged_and_never_emailed(demo, mailoutbox):
    shared = ReportNote.objects.filter(shared=True)
    internal = ReportNote.objects.filter(shared=False)

    assert shared.count() >= 5 and internal.count() >= 3
    assert not mailoutbox
    hexaform = ProjectReport.objects.get(company_name="Hexaform Composites")
    assert hexaform.status == ReportStatus.QUALIFIED
    mine = {m.report.pk: m for m in report_selectors.my_reports(user=_user("certifie"))}
    assert [n.text for n in mine[hexaform.pk].feedback] == [
        n.text for n in hexaform.notes.filter(shared=True)
    ]
    assert mine[hexaform.pk].feedback
    # camille reads the feedback on her reports, never the internal notes.
    camille = report_selectors.my_reports(user=_user("camille"))
    texts = [note.text for mine in camille for note in mine.feedback]
    assert texts and not set(texts) & set(internal.values_list("text", flat=True))


def test_the_history_is_logged_by_the_staff_and_dated_as_it_happened(demo):
    hexaform = ProjectReport.objects.get(company_name="Hexaform Composites")
    entries = list(ModelLogEntry.objects.for_instance(hexaform).order_by("timestamp", "pk"))

    assert [e.action for e in entries] == [
        "briefings.report_sent",
        "briefings.report_move",
        "briefings.report_assign",
        "briefings.report_move",
        "briefings.report_note",
        "briefings.report_feedback",
    ]
    assert entries[0].timestamp == hexaform.submitted_at
    assert entries[0].user == _user("certifie")
    assert {e.user for e in entries[1:]} == {_user("equipe")}
    assert entries[3].timestamp == hexaform.qualified_at
    assert entries[-1].timestamp < timezone.now() - timezone.timedelta(days=5)
    assert hexaform.assignee == _user("equipe") and hexaform.next_step_on


def test_at_scale_generated_reports_fill_the_pipeline(demo):
    generated = ProjectReport.objects.filter(author__email__startswith=GENERATED_PREFIX)

    assert generated.count() >= 3
    assert not generated.filter(status=ReportStatus.DRAFT).exists()
    # One report outside any mission at most per person, one per mission attended.
    assert generated.values("author", "mission").distinct().count() == generated.count()


def test_seeding_twice_creates_nothing_twice(demo, settings):
    before = _counts()

    output = _seed("--scale", SCALE)

    assert _counts() == before
    assert "(0 created, 0 generated); 0 debriefs created" in output


# --- The year of reports, at scale ------------------------------------------------------


def test_the_pipeline_walked_by_generated_reports_follows_the_transitions():
    for status, (moves, (low, high)) in report_demo.PIPELINE.items():
        assert {to for to, _weight in moves} <= set(REPORT_TRANSITIONS[status]), status
        assert 0 < low < high


@pytest.fixture
def history(settings):
    settings.DEBUG = True
    return _seed("--scale", "200")


def test_at_scale_reports_spread_over_the_year_with_consistent_dates(history):
    now = timezone.now()
    generated = list(ProjectReport.objects.filter(author__email__startswith=GENERATED_PREFIX))
    months = {timezone.localtime(r.submitted_at).strftime("%Y-%m") for r in generated}
    statuses = {r.status for r in generated}

    assert len(generated) >= 30
    assert len(months) >= 8
    assert statuses >= {
        ReportStatus.QUALIFYING,
        ReportStatus.QUALIFIED,
        ReportStatus.DORMANT,
        ReportStatus.OUT_OF_SCOPE,
    }
    assert ReportStatus.DRAFT not in statuses
    assert any(r.is_restricted for r in generated)
    for report in generated:
        assert now - timezone.timedelta(days=366) < report.submitted_at <= now
        assert report.created_at < report.submitted_at <= report.status_changed_at <= now
        qualified = report.status in QUALIFIED_REPORT_STATUSES
        assert (report.qualified_at is not None) >= qualified, report.status
        if report.qualified_at:
            assert report.submitted_at < report.qualified_at <= report.status_changed_at
        assert (report.closed_at is not None) == report.is_closed, report.status
        if report.closed_at:
            assert report.closed_at == report.status_changed_at and report.closing_reason
        if report.status == ReportStatus.RECEIVED:
            assert report.status_changed_at == report.submitted_at and report.assignee is None
        if report.is_restricted:
            assert report.assignee == _user("responsable")


def test_at_scale_some_reports_come_from_the_missions_their_authors_attended(history):
    tagged = ProjectReport.objects.filter(
        author__email__startswith=GENERATED_PREFIX, mission__isnull=False
    ).select_related("mission")

    assert tagged.count() >= 5
    assert len({r.mission_id for r in tagged}) >= 3
    for report in tagged:
        assert Signup.objects.filter(
            mission=report.mission, user=report.author, status=SignupStatus.ATTENDED
        ).exists()
        assert report.submitted_at > report.mission.ends_at


def test_at_scale_reports_are_made_once_also_at_a_larger_scale(history):
    before = set(ProjectReport.objects.values_list("author", "mission", "company_name"))

    _seed("--scale", "200")
    assert set(ProjectReport.objects.values_list("author", "mission", "company_name")) == before
    _seed("--scale", "260")

    after = ProjectReport.objects.values_list("author", "mission", "company_name")
    assert set(after) >= before
    generated = ProjectReport.objects.filter(author__email__startswith=GENERATED_PREFIX)
    assert generated.values("author", "mission").distinct().count() == generated.count()

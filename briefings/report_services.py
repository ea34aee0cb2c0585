"""Writes of project reports (*signalements de projet*): drafts kept on the server,
sending, a participant's debrief of a mission, the staff's pipeline (moves, assignment, notes and feedback), the likely
duplicate flag, the retention of contact details, and account deletion.

Every pipeline change is logged on the report with Wagtail's `log_action` (who, when,
from and to); feedback is emailed to the ambassador once the transaction commits.
Reaching "qualified" evaluates the author's badges ("N projects qualified").
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from lms.services import badges_evaluate

from .models import (
    CLOSED_REPORT_STATUSES,
    QUALIFIED_REPORT_STATUSES,
    REPORT_TRANSITIONS,
    Debrief,
    MissionPage,
    ProjectReport,
    ReportNote,
    ReportStatus,
)

REPORT_LOG_ACTIONS = {
    "briefings.report_sent": _("Project report sent"),
    "briefings.report_move": _("Project report moved"),
    "briefings.report_assign": _("Project report assigned"),
    "briefings.report_note": _("Note written"),
    "briefings.report_feedback": _("Feedback sent to the ambassador"),
    "briefings.report_anonymised": _("Contact details removed (retention)"),
}

ERROR_NOT_DRAFT = _("This report has been sent: it can no longer be edited.")
ERROR_NOT_YOURS = _("This draft is not yours.")
ERROR_TRANSITION = _("A report cannot go from “%(from)s” to “%(to)s”.")
ERROR_CLOSING_REASON = _("Say why the report is closed.")
ERROR_EMPTY_NOTE = _("Write the note.")

# Fields an ambassador fills (a draft keeps any of them; sending checks the form's rules).
AUTHOR_FIELDS = (
    "company_name",
    "company_country",
    "company_website",
    "company_sector",
    "company_size",
    "project_type",
    "description",
    "jobs_expected",
    "premises_needs",
    "horizon",
    "stage",
    "competing_territories",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "contact_agreed",
    "source",
    "conflict_of_interest",
    "conflict_details",
    "confidentiality",
    "mission",
)
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")

# Legal forms dropped when comparing company names ("Acme SAS" = "ACME").
_LEGAL_FORMS = {
    "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "gmbh", "ag", "kg", "ltd",
    "limited", "plc", "inc", "llc", "corp", "corporation", "co", "company", "bv", "nv",
    "spa", "srl", "sl", "group", "groupe",
}  # fmt: skip


class ReportRefused(Exception):
    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = str(reason)


def company_key(name: str) -> str:
    """A company name as compared for duplicates: no accents, case, punctuation or legal
    form ("Société Générale S.A." → "societe generale")."""
    text = unicodedata.normalize("NFKD", name or "")
    # Dots go first, so that "S.A." is the legal form "sa".
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace(".", "")
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in _LEGAL_FORMS]
    return " ".join(words)


def website_domain(url: str) -> str:
    """A website's domain without `www.` ("https://www.acme.com/fr" → "acme.com")."""
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.").lower()


def _log(report: ProjectReport, action: str, *, actor, **data) -> None:
    # A neutral title: Wagtail's site history lists entries to all staff, and a
    # restricted report's company must not show there.
    log(
        instance=report,
        action=action,
        user=actor,
        title=f"#{report.pk}",
        data={"status": report.status, **data},
    )


# --- The ambassador -----------------------------------------------------------------------


def draft_save(*, author, data: dict, report: ProjectReport | None = None) -> ProjectReport:
    """Create or update `author`'s draft with `data` (any of `AUTHOR_FIELDS`, valid or
    not yet complete): nothing typed is lost, and the draft stays outside the pipeline."""
    if report is None:
        report = ProjectReport(author=author)
    elif report.author_id != author.pk:
        raise ReportRefused(ERROR_NOT_YOURS)
    elif report.status != ReportStatus.DRAFT:
        raise ReportRefused(ERROR_NOT_DRAFT)
    for name in AUTHOR_FIELDS:
        if name in data:
            setattr(report, name, data[name])
    report.company_key = company_key(report.company_name)
    report.company_domain = website_domain(report.company_website)
    report.save()
    return report


def report_send(*, report: ProjectReport, actor, now=None) -> ProjectReport:
    """Send a draft to the agency (the form has checked it): received, dated, flagged
    when it looks like a report already in the pipeline, and logged."""
    now = now or timezone.now()
    with transaction.atomic():
        report = ProjectReport.objects.select_for_update().get(pk=report.pk)
        if report.author_id != actor.pk:
            raise ReportRefused(ERROR_NOT_YOURS)
        if report.status != ReportStatus.DRAFT:
            raise ReportRefused(ERROR_NOT_DRAFT)
        report.status = ReportStatus.RECEIVED
        report.submitted_at = report.status_changed_at = now
        report.company_key = company_key(report.company_name)
        report.company_domain = website_domain(report.company_website)
        report.duplicate_of = likely_duplicate(report)
        report.save()
        _log(
            report,
            "briefings.report_sent",
            actor=actor,
            duplicate_of=report.duplicate_of_id,
        )
    return report


def likely_duplicate(report: ProjectReport) -> ProjectReport | None:
    """The earliest sent report of the same company (by normalised name or website
    domain), other than this one: one query."""
    from django.db.models import Q

    match = Q()
    if report.company_key:
        match |= Q(company_key=report.company_key)
    if report.company_domain:
        match |= Q(company_domain=report.company_domain)
    if not match:
        return None
    return (
        ProjectReport.objects.exclude(status=ReportStatus.DRAFT)
        .exclude(pk=report.pk)
        .filter(match)
        .order_by("submitted_at", "pk")
        .first()
    )


def debrief_save(*, user, mission: MissionPage, how_it_went: str, contacts_met: str) -> Debrief:
    """Write `user`'s debrief of `mission`: created the first time, updated after (one
    per person and mission, as the database requires: two sends at once leave one
    debrief, with the last one's words). The caller has asked
    `report_selectors.debrief_gate`. Not logged: like a draft, it is the person's own
    writing, not a step of the pipeline."""
    with transaction.atomic():
        # Locks the row when it exists, and retries the read if a concurrent send
        # created it first; an update writes only the texts and `updated_at`.
        debrief, _created = Debrief.objects.update_or_create(
            mission=mission,
            user=user,
            defaults={"how_it_went": how_it_went, "contacts_met": contacts_met},
        )
    return debrief


# --- The staff ------------------------------------------------------------------------------


def report_move(
    *, report: ProjectReport, to: str, actor, reason: str = "", now=None
) -> ProjectReport:
    """Move a report along the pipeline (`REPORT_TRANSITIONS`); a closing status asks
    for a reason. The first time a report is qualified, its author's badges are
    evaluated."""
    now = now or timezone.now()
    with transaction.atomic():
        report = ProjectReport.objects.select_for_update().get(pk=report.pk)
        before = report.status
        if to not in REPORT_TRANSITIONS.get(before, ()):
            raise ReportRefused(
                str(ERROR_TRANSITION)
                % {"from": ReportStatus(before).label, "to": ReportStatus(to).label}
            )
        if to in CLOSED_REPORT_STATUSES and not reason.strip():
            raise ReportRefused(ERROR_CLOSING_REASON)
        report.status = to
        report.status_changed_at = now
        if to in CLOSED_REPORT_STATUSES:
            report.closing_reason = reason.strip()
            report.closed_at = now
        else:
            report.closed_at = None
        newly_qualified = to in QUALIFIED_REPORT_STATUSES and report.qualified_at is None
        if newly_qualified:
            report.qualified_at = now
        report.save()
        _log(report, "briefings.report_move", actor=actor, before=before, reason=reason.strip())
    if newly_qualified:
        badges_evaluate(user=report.author, now=now)
    return report


def report_assign(
    *,
    report: ProjectReport,
    actor,
    assignee=None,
    next_step: str = "",
    next_step_on: datetime.date | None = None,
) -> ProjectReport:
    """Who follows the report, and its next step with its date. Logged."""
    report.assignee = assignee
    report.next_step = next_step.strip()
    report.next_step_on = next_step_on
    report.save(update_fields=["assignee", "next_step", "next_step_on", "updated_at"])
    _log(
        report,
        "briefings.report_assign",
        actor=actor,
        assignee=assignee.pk if assignee else None,
        next_step=report.next_step,
        next_step_on=next_step_on.isoformat() if next_step_on else None,
    )
    return report


def note_add(*, report: ProjectReport, author, text: str, shared: bool) -> ReportNote:
    """A staff note: internal, or feedback the ambassador reads in Mes signalements and
    receives by email (unless they opted out of news of their reports)."""
    text = text.strip()
    if not text:
        raise ReportRefused(ERROR_EMPTY_NOTE)
    note = ReportNote.objects.create(report=report, author=author, text=text, shared=shared)
    _log(
        report,
        "briefings.report_feedback" if shared else "briefings.report_note",
        actor=author,
        note=note.pk,
    )
    if shared:
        from .report_notifications import feedback_email

        feedback_email(note)
    return note


# --- Retention and deletion ---------------------------------------------------------------


def retention_days() -> int:
    return int(getattr(settings, "REPORT_CONTACT_RETENTION_DAYS", 730))


def contacts_anonymise(*, today: datetime.date) -> int:
    """The daily job: clear the contact details of reports closed more than the
    retention period ago (`REPORT_CONTACT_RETENTION_DAYS`, two years by default). The
    report stays, for the agency's figures. Returns how many reports were cleared."""
    limit = timezone.make_aware(
        datetime.datetime.combine(today, datetime.time.min)
    ) - datetime.timedelta(days=retention_days())
    reports = list(
        ProjectReport.objects.filter(
            status__in=CLOSED_REPORT_STATUSES,
            closed_at__lt=limit,
            contact_anonymised_at__isnull=True,
        )
    )
    now = timezone.now()
    for report in reports:
        for name in CONTACT_FIELDS:
            setattr(report, name, "")
        report.contact_agreed = False
        report.contact_anonymised_at = now
        report.save()
        _log(report, "briefings.report_anonymised", actor=None)
    return len(reports)


def author_forget(*, user) -> int:
    """Account deletion: drafts (never sent, purely the person's) are deleted; sent
    reports stay for the agency, their author being the anonymised account. Returns how
    many drafts were deleted."""
    deleted, _by_model = ProjectReport.objects.filter(
        author=user, status=ReportStatus.DRAFT
    ).delete()
    return deleted

"""The ambassador's pages of project reports (*signalements*), for active ambassadors
only (`home.decorators.active_ambassador_required`: others see why):

- `/signaler/` and `/signaler/<pk>/`: the report form, new or my draft. “Save the
  draft” keeps whatever is typed (`report_services.draft_save`); “Send to the agency”
  checks the form, and on errors re-renders it (400) *and* saves the draft, so nothing
  typed is lost; once sent, the report is the agency's (`report_services.report_send`).
  `?mission=<id>` tags a new report with a mission the person took part in.
- `/signaler/<pk>/envoye/`: thanks, what happens next, and whether the agency may
  already know the company (never what the other report says).
- `/mon-espace/signalements/<pk>/`: one of my reports, its timeline and the feedback
  staff shared.
- `/debrief/<mission_id>/`: how a mission I took part in went, and the reports it
  brought.

Someone else's report, or a sent report reached through the form, is a 404: its
existence is not told.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from home.decorators import active_ambassador_required

from . import report_services
from .models import Debrief, MissionPage, ProjectReport, ReportStatus
from .report_forms import DebriefForm, ReportForm, draft_data
from .report_selectors import NOT_A_PARTICIPANT, debrief_gate, report_timelines

FORM_TEMPLATE = "briefings/reports/report_form.html"
SENT_TEMPLATE = "briefings/reports/report_sent.html"
DETAIL_TEMPLATE = "briefings/reports/report_detail.html"
DEBRIEF_TEMPLATE = "briefings/reports/debrief.html"

SEND = "send"


def message_draft_saved() -> str:
    return _("Your draft is saved. Come back to it whenever you like: it stays yours until sent.")


def message_not_kept(labels: list[str]) -> str:
    return _("Your draft is saved, except what could not be read: %(fields)s.") % {
        "fields": ", ".join(labels)
    }


def message_send_errors() -> str:
    return _("Your report is not sent yet: complete what is missing below. Your draft is saved.")


# --- The mission a report comes from ------------------------------------------------------


def _mission_tag(request, value) -> tuple[MissionPage | None, str]:
    """The mission a new report is tagged with (`?mission=<id>`, or the form's hidden
    field), if the person took part in it; otherwise none, and why."""
    if not value:
        return None, ""
    try:
        mission = MissionPage.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        mission = None
    if mission is None:
        return None, str(NOT_A_PARTICIPANT)
    gate = debrief_gate(user=request.user, mission=mission)
    return (mission, "") if gate.allowed else (None, gate.reason)


# --- The report form ------------------------------------------------------------------------


def _my_draft(request, pk: int) -> ProjectReport:
    return get_object_or_404(
        ProjectReport.objects.select_related("mission"),
        pk=pk,
        author=request.user,
        status=ReportStatus.DRAFT,
    )


def _form_page(request, *, form, report=None, mission=None, mission_refused="", status=200):
    drafts = ProjectReport.objects.filter(author=request.user, status=ReportStatus.DRAFT)
    if report is not None and report.pk:
        drafts = drafts.exclude(pk=report.pk)
    context = {
        "form": form,
        "report": report,
        "mission": mission if report is None or not report.pk else report.mission,
        "mission_refused": mission_refused,
        "drafts": list(drafts.order_by("-updated_at", "-pk")),
        "action_url": reverse("reports:report_edit", args=[report.pk])
        if report is not None and report.pk
        else reverse("reports:report_new"),
        "fieldsets": _fieldsets(form),
    }
    return TemplateResponse(request, FORM_TEMPLATE, context, status=status)


def _fieldsets(form) -> list[tuple[str, str, list]]:
    """The form in the order a phone shows it: a fieldset per subject."""
    groups = (
        (
            "company",
            _("The company"),
            (
                "company_name",
                "company_country",
                "company_website",
                "company_sector",
                "company_size",
            ),
        ),
        (
            "project",
            _("The project"),
            (
                "project_type",
                "description",
                "jobs_expected",
                "premises_needs",
                "horizon",
                "stage",
                "competing_territories",
            ),
        ),
        (
            "contact",
            _("The contact"),
            ("contact_name", "contact_role", "contact_email", "contact_phone", "contact_agreed"),
        ),
        (
            "source",
            _("You and this project"),
            ("source", "conflict_of_interest", "conflict_details"),
        ),
        ("confidentiality", _("Confidentiality"), ("confidentiality",)),
    )
    return [(slug, legend, [form[name] for name in names]) for slug, legend, names in groups]


def _save_draft(request, report, mission) -> tuple[ProjectReport, list[str]]:
    """Keep whatever the POST holds, valid or not, in the person's draft."""
    data, lost = draft_data(ReportForm(request.POST))
    if mission is not None:
        data["mission"] = mission
    report = report_services.draft_save(author=request.user, data=data, report=report)
    return report, lost


def _report_form(request, report: ProjectReport | None):
    """GET: the form (new or my draft). POST: save the draft, or send the report."""
    if report is None:
        mission, refused = _mission_tag(
            request, request.POST.get("mission") or request.GET.get("mission")
        )
    else:
        mission, refused = None, ""
    if request.method != "POST":
        form = ReportForm(instance=report)
        return _form_page(
            request, form=form, report=report, mission=mission, mission_refused=refused
        )

    if request.POST.get("action") != SEND:
        report, lost = _save_draft(request, report, mission)
        if not lost:
            messages.success(request, message_draft_saved())
            return redirect("reports:report_edit", pk=report.pk)
        # Show what could not be kept, as typed, with its error.
        form = ReportForm(request.POST, instance=report)
        form.is_valid()
        messages.warning(request, message_not_kept(lost))
        return _form_page(request, form=form, report=report, status=400)

    form = ReportForm(
        request.POST, instance=report or ProjectReport(author=request.user), sending=True
    )
    if not form.is_valid():
        report, _lost = _save_draft(request, report, mission)
        messages.error(request, message_send_errors())
        return _form_page(request, form=form, report=report, status=400)
    data = {name: form.cleaned_data[name] for name in form.Meta.fields}
    if mission is not None:
        data["mission"] = mission
    report = report_services.draft_save(author=request.user, data=data, report=report)
    report = report_services.report_send(report=report, actor=request.user)
    return redirect("reports:report_sent", pk=report.pk)


@never_cache
@active_ambassador_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    return _report_form(request, None)


@never_cache
@active_ambassador_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    """My draft, to continue (a sent report, or someone else's, is not found)."""
    return _report_form(request, _my_draft(request, pk))


@never_cache
@active_ambassador_required
def report_sent(request, pk: int):
    """Thanks; what happens next; a likely duplicate said without saying whose."""
    report = get_object_or_404(
        ProjectReport.objects.select_related("mission").exclude(status=ReportStatus.DRAFT),
        pk=pk,
        author=request.user,
    )
    context = {
        "report": report,
        "likely_duplicate": report.duplicate_of_id is not None,
        "detail_url": reverse("reports:my_report", args=[report.pk]),
    }
    return TemplateResponse(request, SENT_TEMPLATE, context)


@never_cache
@active_ambassador_required
def my_report(request, pk: int):
    """One of my reports: what I sent, its timeline, the feedback staff shared."""
    report = get_object_or_404(
        ProjectReport.objects.select_related("mission"), pk=pk, author=request.user
    )
    if report.status == ReportStatus.DRAFT:
        return redirect("reports:report_edit", pk=report.pk)
    feedback = list(report.notes.filter(shared=True).order_by("created_at", "pk"))
    context = {
        "report": report,
        "timeline": report_timelines([report]).get(report.pk, []),
        "feedback": feedback,
        "facts": _facts(report),
    }
    return TemplateResponse(request, DETAIL_TEMPLATE, context)


def _facts(report: ProjectReport) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the author sent, by fieldset, leaving out what they left empty."""
    form = ReportForm(instance=report)
    result = []
    for _slug, legend, fields in _fieldsets(form):
        rows = []
        for bound in fields:
            name = bound.name
            value = getattr(report, name)
            if name in ("contact_agreed", "conflict_of_interest"):
                if not value:
                    continue
                shown = _("Yes")
            elif name == "company_country":
                shown = value.name if value else ""
            elif hasattr(report, f"get_{name}_display"):
                shown = getattr(report, f"get_{name}_display")()
            else:
                shown = "" if value in (None, "") else str(value)
            if shown:
                rows.append((str(bound.label), str(shown)))
        if rows:
            result.append((legend, rows))
    return result


# --- The debrief ----------------------------------------------------------------------------


@never_cache
@active_ambassador_required
@require_http_methods(["GET", "POST"])
def debrief(request, mission_id: int):
    """How the mission went and whom I met (one debrief per mission and person, edited
    again as often as wanted), then the reports it brings, tagged with the mission."""
    mission = MissionPage.objects.filter(pk=mission_id).first()
    if mission is None:
        raise Http404
    gate = debrief_gate(user=request.user, mission=mission)
    context = {"mission": mission, "gate": gate}
    if not gate.allowed:
        return TemplateResponse(request, DEBRIEF_TEMPLATE, context, status=403)
    existing = Debrief.objects.filter(mission=mission, user=request.user).first()
    instance = existing or Debrief(mission=mission, user=request.user)
    form = DebriefForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            report_services.debrief_save(
                user=request.user,
                mission=mission,
                how_it_went=form.cleaned_data["how_it_went"],
                contacts_met=form.cleaned_data["contacts_met"],
            )
            messages.success(
                request,
                _("Your debrief is saved. Did you hear of a project? Report it below."),
            )
            return redirect("reports:debrief", mission_id=mission.pk)
        status = 400
    else:
        status = 200
    reports = list(
        ProjectReport.objects.filter(author=request.user, mission=mission).order_by(
            "-created_at", "-pk"
        )
    )
    context.update(
        {
            "form": form,
            "debrief": existing,
            "reports": reports,
            "report_url": reverse("reports:report_new") + f"?mission={mission.pk}",
        }
    )
    return TemplateResponse(request, DEBRIEF_TEMPLATE, context, status=status)

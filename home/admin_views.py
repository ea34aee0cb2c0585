"""The staff's pages about ambassadors in the Wagtail admin (registered in
`wagtail_hooks.py` as `AmbassadorViewSet`):

- the list, with search, filters and CSV/XLSX export;
- the *fiche ambassadeur* (``ambassadors:inspect``): profile, membership and its
  history, the sections other apps register (`home.hooks.AMBASSADOR_SECTIONS`), and the
  membership actions the person's status and the viewer's permissions allow;
- one POST-only view per membership action (resend, approve, decline, suspend,
  reactivate);
- inviting one person, and the CSV import (upload → preview → confirm, and a sample).

Every permission decision goes through `staff_may`. Staff never create, edit or delete
profiles through generic forms: the ambassador owns their profile, deleting an account
must run every app's anonymisation (`services.account_delete`), and a status only moves
through the membership services, which record who acted and tell the person. The
generic add/edit/delete/copy views are therefore not routed at all, for superusers too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, View
from django_countries import countries
from django_filters import ChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from . import hooks, imports, languages, selectors, services
from .admin_forms import (
    AmbassadorInviteForm,
    CsvConfirmForm,
    CsvUploadForm,
    DeclineForm,
    MembershipActionForm,
    SuspendForm,
    preview_token,
)
from .models import AmbassadorProfile, MembershipStatus, Sector
from .tokens import INVITATION_MAX_AGE

# --- Permissions ----------------------------------------------------------------------


class Action(StrEnum):
    VIEW = "view"  # list ambassadors and open their fiche
    INVITE = "invite"  # invite, import, resend invitations, answer membership requests
    SUSPEND = "suspend"  # suspend and reactivate


ACTION_PERMISSIONS = {
    Action.VIEW: "home.view_ambassadorprofile",
    Action.INVITE: "home.invite_ambassador",
    Action.SUSPEND: "home.suspend_ambassador",
}


def staff_may(user, action: Action) -> bool:
    """May this user do `action` on ambassadors in the admin? The one place that
    decides: views check it on the server, templates hide what it refuses. Acting on
    ambassadors implies seeing them."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    if action != Action.VIEW and not user.has_perm(ACTION_PERMISSIONS[Action.VIEW]):
        return False
    return user.has_perm(ACTION_PERMISSIONS[action])


class AmbassadorPermissionMixin:
    """Decide access through `staff_may` instead of Wagtail's model permissions, and
    answer Wagtail's generic questions ("may they change?") from it: only "view" exists."""

    permission_action = Action.VIEW
    permission_required = None
    any_permission_required = None

    def dispatch(self, request, *args, **kwargs):
        if not staff_may(request.user, self.get_permission_action()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_permission_action(self) -> Action:
        return self.permission_action

    def user_has_permission(self, permission):
        return permission == "view" and staff_may(self.request.user, Action.VIEW)

    def user_has_any_permission(self, permissions):
        return "view" in permissions and staff_may(self.request.user, Action.VIEW)


# --- Display helpers ------------------------------------------------------------------


def display_name(profile: AmbassadorProfile) -> str:
    return profile.user.get_full_name() or profile.user.email


def _date(value) -> str:
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


class StaffReadMixin:
    """For an app's staff admin views that decide access through their own permission
    helper rather than Wagtail's model permissions: `dispatch` refuses (403) whoever
    `staff_allowed(user, self.permission_action)` refuses, and Wagtail's generic
    questions are answered from it — only "view" exists. Subclasses define
    `staff_allowed` and may set `permission_action` (None: viewing)."""

    permission_action = None
    permission_required = None
    any_permission_required = None

    def staff_allowed(self, user, action) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.staff_allowed(request.user, self.permission_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def user_has_permission(self, permission):
        return permission == "view" and self.staff_allowed(self.request.user, None)

    def user_has_any_permission(self, permissions):
        return "view" in permissions and self.staff_allowed(self.request.user, None)


def export_time(value):
    """An aware datetime as the local wall-clock time, to the second, for CSV and XLSX
    exports (every app's exports use it)."""
    if not value:
        return ""
    return timezone.make_naive(value).replace(microsecond=0)


YES = gettext_lazy("Yes")
NO = gettext_lazy("No")


def _yes_no(value: bool) -> str:
    return str(YES if value else NO)


# --- The list -------------------------------------------------------------------------


class AmbassadorFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Membership status"),
        choices=MembershipStatus.choices,
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("All"),
    )
    sector = ChoiceFilter(
        label=gettext_lazy("Sector"), choices=Sector.choices, empty_label=gettext_lazy("All")
    )
    country = ChoiceFilter(
        label=gettext_lazy("Country of residence"),
        choices=lambda: list(countries),
        empty_label=gettext_lazy("All"),
    )
    language = ChoiceFilter(
        label=gettext_lazy("Language spoken"),
        choices=languages.all_language_choices,
        method="filter_language",
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = AmbassadorProfile
        fields = ["status", "sector", "country"]

    def filter_language(self, queryset, name, value):
        # `languages` is a JSON list of codes. A text match on the quoted code works on
        # SQLite and PostgreSQL alike (`contains` on JSON does not exist on SQLite).
        return queryset.filter(languages__icontains=f'"{value}"') if value else queryset


class AmbassadorIndexView(AmbassadorPermissionMixin, IndexView):
    """Ambassadors ordered by name, with the columns staff scan for."""

    def get_base_queryset(self):
        return AmbassadorProfile.objects.select_related("user")

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        # A stable order for pagination, whatever column was chosen.
        return queryset.order_by(*queryset.query.order_by, "user__first_name", "pk")

    def search_queryset(self, queryset):
        """Every word of the query must match one of the search fields, so that
        “camille le mans” finds Camille from Le Mans."""
        if not self.is_searching:
            return queryset
        for word in self.search_query.split():
            query = Q()
            for name in self.search_fields:
                query |= Q(**{f"{name}__icontains": word})
            queryset = queryset.filter(query)
        return queryset

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "name",
                label=_("Name"),
                accessor=display_name,
                sort_key="user__last_name",
                get_url=self.get_inspect_url,
            ),
            Column(
                "email", label=_("Email address"), accessor="user.email", sort_key="user__email"
            ),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                sort_key="status",
                primary=lambda profile: profile.status == MembershipStatus.ACTIVE,
            ),
            Column("sector", label=_("Sector"), accessor="get_sector_display", sort_key="sector"),
            Column("city", label=_("City"), sort_key="city"),
            Column("country", label=_("Country"), accessor="country.name", sort_key="country"),
            DateColumn(
                "status_changed_at", label=_("Last status change"), sort_key="status_changed_at"
            ),
        ]

    @cached_property
    def header_buttons(self):
        if not staff_may(self.request.user, Action.INVITE):
            return []
        return [
            HeaderButton(
                _("Invite an ambassador"),
                url=reverse("ambassadors:invite"),
                icon_name="mail",
                priority=10,
            ),
            HeaderButton(
                _("Import a CSV file"),
                url=reverse("ambassadors:import"),
                icon_name="upload",
                priority=20,
            ),
        ]

    # The export: plain values, one column per fact, headings staff understand.
    EXPORT_VALUES: dict[str, Callable[[AmbassadorProfile], Any]] = {
        "email": lambda p: p.user.email,
        "first_name": lambda p: p.user.first_name,
        "last_name": lambda p: p.user.last_name,
        "status": lambda p: p.get_status_display(),
        "status_reason": lambda p: p.status_reason,
        "status_changed_at": lambda p: export_time(p.status_changed_at),
        "territory_link": lambda p: p.get_territory_link_display(),
        "organisation": lambda p: p.organisation,
        "role": lambda p: p.role,
        "sector": lambda p: p.get_sector_display(),
        "city": lambda p: p.city,
        "country": lambda p: p.country.name,
        "languages": lambda p: " ".join(p.languages),
        "phone": lambda p: p.phone,
        "consent_contact": lambda p: _yes_no(p.consent_contact),
        "consent_directory": lambda p: _yes_no(p.consent_directory),
        "data_consent_at": lambda p: export_time(p.data_consent_at),
        "invited_at": lambda p: export_time(p.invited_at),
        "created_at": lambda p: export_time(p.created_at),
    }

    def to_row_dict(self, item):
        return {name: self.EXPORT_VALUES[name](item) for name in self.list_export}


EXPORT_HEADINGS = {
    "email": gettext_lazy("Email address"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "status": gettext_lazy("Membership status"),
    "status_reason": gettext_lazy("Reason for the status"),
    "status_changed_at": gettext_lazy("Last status change"),
    "territory_link": gettext_lazy("Link to the territory"),
    "organisation": gettext_lazy("Organisation"),
    "role": gettext_lazy("Role"),
    "sector": gettext_lazy("Sector"),
    "city": gettext_lazy("City"),
    "country": gettext_lazy("Country of residence"),
    "languages": gettext_lazy("Languages (ISO codes)"),
    "phone": gettext_lazy("Phone"),
    "consent_contact": gettext_lazy("Agrees to be contacted"),
    "consent_directory": gettext_lazy("Agrees to appear in the directory"),
    "data_consent_at": gettext_lazy("Agreed to data processing on"),
    "invited_at": gettext_lazy("Last invited on"),
    "created_at": gettext_lazy("Created on"),
}


# --- Membership actions ---------------------------------------------------------------


@dataclass(frozen=True)
class MembershipAction:
    """A button of the fiche: which status it applies to, who may use it, its form and
    the service it calls."""

    name: str
    label: Any
    permission: Action
    status: MembershipStatus
    form_class: type[forms.Form]
    perform: Callable[..., Any]
    success_message: Any
    classname: str = "button"


MEMBERSHIP_ACTIONS: dict[str, MembershipAction] = {
    action.name: action
    for action in (
        MembershipAction(
            name="resend",
            label=gettext_lazy("Resend the invitation"),
            permission=Action.INVITE,
            status=MembershipStatus.INVITED,
            form_class=MembershipActionForm,
            perform=lambda profile, actor, data: services.invitation_resend(
                profile=profile, actor=actor
            ),
            success_message=gettext_lazy("A new invitation was sent to %(email)s."),
        ),
        MembershipAction(
            name="approve",
            label=gettext_lazy("Approve the request"),
            permission=Action.INVITE,
            status=MembershipStatus.REQUESTED,
            form_class=MembershipActionForm,
            perform=lambda profile, actor, data: services.membership_approve(
                profile=profile, actor=actor
            ),
            success_message=gettext_lazy(
                "Request approved: %(name)s was sent an invitation to choose a password."
            ),
        ),
        MembershipAction(
            name="decline",
            label=gettext_lazy("Decline the request"),
            permission=Action.INVITE,
            status=MembershipStatus.REQUESTED,
            form_class=DeclineForm,
            perform=lambda profile, actor, data: services.membership_decline(
                profile=profile, actor=actor, message=data["message"]
            ),
            success_message=gettext_lazy("Request declined: %(name)s was told by email."),
            classname="button no",
        ),
        MembershipAction(
            name="suspend",
            label=gettext_lazy("Suspend"),
            permission=Action.SUSPEND,
            status=MembershipStatus.ACTIVE,
            form_class=SuspendForm,
            perform=lambda profile, actor, data: services.membership_suspend(
                profile=profile, actor=actor, reason=data["reason"]
            ),
            success_message=gettext_lazy("%(name)s is suspended and was told why by email."),
            classname="button no",
        ),
        MembershipAction(
            name="reactivate",
            label=gettext_lazy("Reactivate"),
            permission=Action.SUSPEND,
            status=MembershipStatus.SUSPENDED,
            form_class=MembershipActionForm,
            perform=lambda profile, actor, data: services.membership_reactivate(
                profile=profile, actor=actor
            ),
            success_message=gettext_lazy("%(name)s is active again and was told by email."),
        ),
    )
}

ERROR_ACTION_FORM = gettext_lazy("Nothing was changed: correct the form below.")


def _history_labels() -> dict[str, Any]:
    return {**services.LOG_ACTIONS, **imports.LOG_ACTIONS}


# --- The fiche ------------------------------------------------------------------------


class AmbassadorInspectView(AmbassadorPermissionMixin, InspectView):
    """The *fiche ambassadeur*."""

    template_name = "home/admin/ambassador_inspect.html"
    page_title = gettext_lazy("Ambassador's record")

    def get_object(self, queryset=None):
        return get_object_or_404(AmbassadorProfile.objects.select_related("user"), pk=self.pk)

    def get_fields(self):
        return []  # the template shows `profile_fields` instead

    def get_page_subtitle(self):
        return display_name(self.object)

    @cached_property
    def fiche_url(self) -> str:
        return reverse("ambassadors:inspect", args=[quote(self.object.pk)])

    def profile_fields(self) -> list[dict[str, str]]:
        profile, user = self.object, self.object.user
        completeness = selectors.profile_completeness(profile)
        if completeness.is_complete:
            completeness_text = _("%(percent)s %% — complete") % {"percent": completeness.percent}
        else:
            completeness_text = _("%(percent)s %% — missing: %(fields)s") % {
                "percent": completeness.percent,
                "fields": ", ".join(completeness.missing),
            }
        notifications = [
            label
            for flag, label in (
                (profile.notify_missions, _("missions open to them")),
                (profile.notify_signups, _("their mission sign-ups")),
                (profile.notify_reminders, _("reminders")),
                (profile.notify_feedback, _("news of their reports")),
            )
            if flag
        ]

        def label(name):
            return capfirst(AmbassadorProfile._meta.get_field(name).verbose_name)

        rows = [
            (_("Name"), user.get_full_name()),
            (_("Email address"), user.email),
            (label("phone"), profile.phone),
            (label("territory_link"), profile.get_territory_link_display()),
            (label("organisation"), profile.organisation),
            (label("role"), profile.role),
            (label("sector"), profile.get_sector_display()),
            (label("city"), profile.city),
            (label("country"), profile.country.name),
            (label("languages"), languages.language_names(profile.languages)),
            (_("Profile completeness"), completeness_text),
            (label("consent_contact"), _yes_no(profile.consent_contact)),
            (label("consent_directory"), _yes_no(profile.consent_directory)),
            (label("data_consent_at"), _date(profile.data_consent_at)),
            (_("Emails they receive"), ", ".join(notifications) or _("none")),
            (label("request_message"), profile.request_message),
            (label("invited_at"), _date(profile.invited_at)),
            (_("Last sign-in"), _date(user.last_login)),
            (label("created_at"), _date(profile.created_at)),
        ]
        return [{"label": label, "value": value or "—"} for label, value in rows]

    def history(self) -> list[dict[str, str]]:
        labels = _history_labels()
        entries = []
        for entry in selectors.membership_history(self.object):
            data = entry.data or {}
            detail = data.get("reason", "")
            if entry.action == imports.LOG_ACTION_IMPORT_UPDATE:
                detail = ", ".join(imports.column_label(name) for name in data.get("fields", []))
            entries.append(
                {
                    "when": _date(entry.timestamp),
                    "what": str(labels.get(entry.action, entry.action)),
                    "who": (entry.user.get_full_name() or entry.user.email) if entry.user else "—",
                    "reason": detail,
                }
            )
        return entries

    def available_actions(self, bound: tuple[str, forms.Form] | None = None) -> list[dict]:
        """The membership actions this viewer may take on this person now, each with
        its form (the submitted one, with its errors, when re-rendered)."""
        actions = []
        for action in MEMBERSHIP_ACTIONS.values():
            if action.status != self.object.status:
                continue
            if not staff_may(self.request.user, action.permission):
                continue
            if bound is not None and bound[0] == action.name:
                form = bound[1]
            else:
                form = action.form_class(auto_id=f"id_{action.name}_%s")
            actions.append(
                {
                    "name": action.name,
                    "label": action.label,
                    "classname": action.classname,
                    "form": form,
                    "url": reverse(f"ambassadors:{action.name}", args=[quote(self.object.pk)]),
                }
            )
        return actions

    def get_context_data(self, bound_action=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            profile=self.object,
            person=self.object.user,
            profile_fields=self.profile_fields(),
            status_label=self.object.get_status_display(),
            status_since=_date(self.object.status_changed_at),
            history=self.history(),
            sections=[
                {"id": f"ambassador-section-{panel.slug or index}", "panel": panel}
                for index, panel in enumerate(
                    hooks.ambassador_sections(self.request, self.object.user), start=1
                )
            ],
            actions=self.available_actions(bound_action),
        )
        return context


class MembershipActionView(AmbassadorInspectView):
    """POST-only: one membership action on one person, then back to their fiche with a
    message. A form error re-renders the fiche; a refused change says why."""

    http_method_names = ["post"]
    action_name = ""

    @cached_property
    def action(self) -> MembershipAction:
        return MEMBERSHIP_ACTIONS[self.action_name]

    def get_permission_action(self) -> Action:
        return self.action.permission

    def post(self, request, *args, **kwargs):
        profile = self.object
        form = self.action.form_class(request.POST, auto_id=f"id_{self.action.name}_%s")
        if profile.status != self.action.status:
            # The services' state machine allows more moves than this button means
            # (e.g. invited → active on accepting), so the button's own status is checked.
            messages.error(
                request, services.ERROR_TRANSITION % {"status": profile.get_status_display()}
            )
            return redirect(self.fiche_url)
        if not form.is_valid():
            messages.error(request, ERROR_ACTION_FORM)
            context = self.get_context_data(bound_action=(self.action.name, form))
            return self.render_to_response(context)
        try:
            self.action.perform(profile, request.user, form.cleaned_data)
        except services.MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                self.action.success_message
                % {"name": display_name(profile), "email": profile.user.email},
            )
        return redirect(self.fiche_url)


# --- Inviting one person --------------------------------------------------------------

MESSAGE_INVITED = gettext_lazy("Invitation sent to %(email)s.")
MESSAGE_ALREADY_THERE = gettext_lazy(
    "%(email)s already has a profile (status “%(status)s”): nothing sent."
)


class AmbassadorAdminFormMixin(AmbassadorPermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("ambassadors:index"),
                "label": capfirst(AmbassadorProfile._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]


class AmbassadorInviteView(AmbassadorAdminFormMixin, FormView):
    permission_action = Action.INVITE
    form_class = AmbassadorInviteForm
    template_name = "home/admin/ambassador_invite.html"
    page_title = gettext_lazy("Invite an ambassador")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=reverse("ambassadors:invite"),
            invitation_days=INVITATION_MAX_AGE.days,
            submit_button_label=_("Send the invitation"),
            submit_button_active_label=_("Sending…"),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            profile, sent = services.ambassador_invite(
                email=data["email"],
                actor=self.request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                profile_fields=form.profile_fields(),
            )
        except services.MembershipError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        if sent:
            messages.success(self.request, MESSAGE_INVITED % {"email": profile.user.email})
        else:
            messages.warning(
                self.request,
                MESSAGE_ALREADY_THERE
                % {"email": profile.user.email, "status": profile.get_status_display()},
            )
        return redirect("ambassadors:inspect", quote(profile.pk))

    def form_invalid(self, form):
        messages.error(self.request, ERROR_ACTION_FORM)
        return super().form_invalid(form)


# --- CSV import -----------------------------------------------------------------------


MESSAGE_IMPORT_DONE = gettext_lazy("Import done: %(summary)s.")


def import_summary(counts: dict[str, int], *, done: bool) -> str:
    """“3 to invite, 1 to update, 0 unchanged, 1 refused” for a preview, “3 invited,
    1 updated, 0 unchanged, 1 refused” once done."""
    Outcome = imports.Outcome
    invited, updated = counts[Outcome.CREATE], counts[Outcome.UPDATE]
    unchanged, refused = counts[Outcome.UNCHANGED], counts[Outcome.REFUSE]
    if done:
        first = ngettext("%(count)s invited", "%(count)s invited", invited)
        second = ngettext("%(count)s updated", "%(count)s updated", updated)
    else:
        first = ngettext("%(count)s to invite", "%(count)s to invite", invited)
        second = ngettext("%(count)s to update", "%(count)s to update", updated)
    return ", ".join(
        (
            first % {"count": invited},
            second % {"count": updated},
            ngettext("%(count)s unchanged", "%(count)s unchanged", unchanged)
            % {"count": unchanged},
            ngettext("%(count)s refused", "%(count)s refused", refused) % {"count": refused},
        )
    )


class AmbassadorImportView(AmbassadorAdminFormMixin, FormView):
    """GET: the upload form and the columns' documentation. POST: the preview of what
    importing the file would do, with the confirmation form."""

    permission_action = Action.INVITE
    form_class = CsvUploadForm
    template_name = "home/admin/import_upload.html"
    preview_template_name = "home/admin/import_preview.html"
    page_title = gettext_lazy("Import ambassadors from a CSV file")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            columns=imports.COLUMNS,
            max_rows=imports.MAX_ROWS,
            sample_url=reverse("ambassadors:import_sample"),
            action_url=reverse("ambassadors:import"),
            submit_button_label=_("Preview the import"),
            submit_button_active_label=_("Reading the file…"),
        )
        return context

    def form_valid(self, form):
        text = form.cleaned_data["file"]
        try:
            plan = imports.import_plan(text)
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        confirm = CsvConfirmForm(
            initial={"token": preview_token(text, user=self.request.user)},
            user=self.request.user,
        )
        context = self.get_context_data(
            form=form,
            plan=plan,
            confirm_form=confirm,
            summary=import_summary(plan.counts, done=False),
        )
        context["confirm_url"] = reverse("ambassadors:import_confirm")
        context["file_name"] = form.files["file"].name
        return self.response_class(
            request=self.request,
            template=[self.preview_template_name],
            context=context,
            using=self.template_engine,
        )


class AmbassadorImportConfirmView(AmbassadorAdminFormMixin, View):
    """POST-only: plan the previewed file again (the rules decide now, not the
    browser) and apply it; show what was done."""

    permission_action = Action.INVITE
    template_name = "home/admin/import_result.html"
    page_title = gettext_lazy("Import ambassadors from a CSV file")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CsvConfirmForm(request.POST, user=request.user)
        if not form.is_valid():
            for error in form.errors.get("token", []):
                messages.error(request, error)
            return redirect("ambassadors:import")
        try:
            plan = imports.import_plan(form.cleaned_data["token"])
        except imports.ImportFileError as error:
            messages.error(request, str(error))
            return redirect("ambassadors:import")
        result = imports.import_apply(plan=plan, actor=request.user)
        summary = import_summary(result.counts, done=True)
        messages.success(request, MESSAGE_IMPORT_DONE % {"summary": summary})
        context = self.get_context_data(result=result, summary=summary)
        return self.render_to_response(context)


class AmbassadorImportSampleView(AmbassadorPermissionMixin, View):
    permission_action = Action.INVITE

    def get(self, request, *args, **kwargs):
        response = HttpResponse(imports.sample_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ambassadeurs-exemple.csv"'
        return response


# --- The viewset ----------------------------------------------------------------------


class StaffListViewSet(ModelViewSet):
    """A list for staff with an inspect page, and none of Wagtail's generic add, edit,
    copy, history or delete views (an app's own views do the writes, through its
    services). Subclasses add their URLs with `extra_urlpatterns`."""

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    search_backend_name = None

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def extra_urlpatterns(self) -> list:
        return []

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            *self.extra_urlpatterns(),
        ]


class AmbassadorViewSet(StaffListViewSet):
    """Ambassadors in the Wagtail admin, under /admin/ambassadeurs/."""

    model = AmbassadorProfile
    icon = "group"
    url_prefix = "ambassadeurs"
    url_namespace = "ambassadors"
    add_to_admin_menu = True
    menu_order = 150
    index_view_class = AmbassadorIndexView
    inspect_view_class = AmbassadorInspectView
    ordering = "user__last_name"
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation", "city"]
    filterset_class = AmbassadorFilterSet
    list_export = list(AmbassadorIndexView.EXPORT_VALUES)
    export_headings = EXPORT_HEADINGS
    export_filename = "ambassadeurs"

    @property
    def menu_item_class(self):
        class AmbassadorsMenuItem(MenuItem):
            def is_shown(self, request):
                return staff_may(request.user, Action.VIEW)

        return AmbassadorsMenuItem

    def action_view(self, name: str):
        return self.construct_view(
            MembershipActionView, **self.get_inspect_view_kwargs(), action_name=name
        )

    def extra_urlpatterns(self):
        return [
            *(
                path(f"<int:pk>/{slug}/", self.action_view(name), name=name)
                for name, slug in (
                    ("resend", "relancer"),
                    ("approve", "approuver"),
                    ("decline", "refuser"),
                    ("suspend", "suspendre"),
                    ("reactivate", "reactiver"),
                )
            ),
            path("inviter/", AmbassadorInviteView.as_view(), name="invite"),
            path("importer/", AmbassadorImportView.as_view(), name="import"),
            path(
                "importer/confirmer/", AmbassadorImportConfirmView.as_view(), name="import_confirm"
            ),
            path(
                "importer/exemple.csv", AmbassadorImportSampleView.as_view(), name="import_sample"
            ),
        ]

    def get_permissions_to_register(self):
        # Only the permissions that mean something here appear in the group editor.
        return (
            super()
            .get_permissions_to_register()
            .filter(
                codename__in=["view_ambassadorprofile", "invite_ambassador", "suspend_ambassador"]
            )
        )

"""Badges in the Wagtail admin (imported by `wagtail_hooks.py`, which registers them):

- "Badges" (`BadgeViewSet`, a snippet): each badge's definition and its criteria rows,
  edited inline; a row is checked by its kind's evaluator (`lms.criteria.validate`), so
  the admin refuses a "course completed" row without a course or a "quiz passed" row
  whose page is not a quiz, with the registry's message on the row. The list shows
  each badge's validity, criteria and current holders, counted in the same query.
- "Badge awards" (`BadgeAwardViewSet`, ``badge_awards:``): every award, read-only, with
  search by ambassador, filters (badge, status), CSV/XLSX export, and each award's
  evidence, renewals and history (``badge_awards:inspect``); and the two actions staff
  take: "Award by hand" (``badge_awards:award``, an evidence note required,
  `services.badge_award`) and "Revoke" (``badge_awards:revoke``, a reason required,
  `services.badge_revoke`). The services record who acted in the award's history.

Every permission decision on awards goes through `badge_staff_may`: seeing awards is
seeing ambassadors (`home.admin_views.staff_may`, *Équipe* and *Responsables*);
awarding and revoking change what a person holds and may show on their certificate,
so they take the right to suspend ambassadors (*Responsables*, and superusers). Awards
change only through the services: the generic add/edit/delete views are not routed,
for superusers too. Badge definitions follow Wagtail's snippet permissions.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from django_filters import BooleanFilter, ChoiceFilter, ModelChoiceFilter
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import registry as log_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import SnippetViewSet

from home.admin_views import Action, StaffListViewSet, StaffReadMixin, export_time, staff_may
from home.models import AmbassadorProfile, MembershipStatus

from . import services
from .models import Badge, BadgeAward, Competence

# --- Permissions ----------------------------------------------------------------------


class BadgeAction(StrEnum):
    VIEW = "view"  # the awards, their evidence and history
    MANAGE = "manage"  # award by hand, revoke


def badge_staff_may(user, action: BadgeAction) -> bool:
    """May this user do `action` on badge awards in the admin? The one place that
    decides: views check it on the server, templates hide what it refuses. Awards are
    the ambassadors' records: seeing them is seeing ambassadors; awarding and revoking
    are restricted like suspending a member (*Responsables*)."""
    if action == BadgeAction.MANAGE:
        return staff_may(user, Action.SUSPEND)
    return staff_may(user, Action.VIEW)


class BadgeStaffMixin(StaffReadMixin):
    """The badge awards' staff pages: seen by whom `badge_staff_may` lets view; the
    actions set `permission_action`."""

    permission_action = BadgeAction.VIEW

    def staff_allowed(self, user, action) -> bool:
        return badge_staff_may(user, action or BadgeAction.VIEW)


# --- Display helpers ------------------------------------------------------------------


def person_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.email


def _date(value) -> str:
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def validity_text(badge: Badge) -> str:
    if not badge.validity_months:
        return _("Never expires")
    return ngettext("%(count)s month", "%(count)s months", badge.validity_months) % {
        "count": badge.validity_months
    }


# --- Badges: the snippet --------------------------------------------------------------


class BadgeFilterSet(WagtailFilterSet):
    competences = ModelChoiceFilter(
        label=gettext_lazy("Competence certified"),
        queryset=Competence.objects.all(),
        empty_label=gettext_lazy("All"),
    )
    expires = BooleanFilter(
        label=gettext_lazy("Expires"), method="filter_expires", widget=BooleanRadioSelect
    )

    class Meta:
        model = Badge
        fields = ["competences"]

    def filter_expires(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(validity_months__isnull=not value)


def badges_with_counts(now: datetime.datetime | None = None):
    """Badges with how many criteria rows they have and how many people hold them now
    (a valid award: current and not expired), counted in the same query."""
    now = now or timezone.now()
    valid = Q(awards__revoked_at__isnull=True, awards__replaced_at__isnull=True) & (
        Q(awards__expires_at__isnull=True) | Q(awards__expires_at__gt=now)
    )
    return Badge.objects.annotate(
        criteria_count=Count("criteria", distinct=True),
        holders_count=Count("awards__user", filter=valid, distinct=True),
    )


ERROR_BADGE_AWARDED = gettext_lazy(
    "This badge was awarded: it cannot be deleted, as its certificates and Open Badges "
    "must stay verifiable. Revoke the awards that should not exist instead."
)


class BadgeDeleteView(SnippetDeleteView):
    """A badge once awarded is never deleted (its awards point to it and stay
    verifiable): the view says so and goes back to the badge instead of failing."""

    def refused(self):
        if not self.object.awards.exists():
            return None
        messages.error(self.request, ERROR_BADGE_AWARDED)
        return redirect("wagtailsnippets_lms_badge:edit", quote(self.object.pk))

    def get(self, request, *args, **kwargs):
        return self.refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refused() or super().post(request, *args, **kwargs)


class BadgeViewSet(SnippetViewSet):
    """Badges under /admin/snippets/lms/badge/, in the main menu as "Badges"."""

    model = Badge
    icon = "success"
    menu_label = gettext_lazy("Badges")
    menu_name = "badges"
    menu_order = 220
    add_to_admin_menu = True
    list_display = [
        "name",
        Column("validity", label=gettext_lazy("Validity"), accessor=validity_text),
        Column("criteria_count", label=gettext_lazy("Criteria"), sort_key="criteria_count"),
        Column("holders_count", label=gettext_lazy("Holders"), sort_key="holders_count"),
    ]
    search_fields = ["name", "slug", "description"]
    search_backend_name = None
    filterset_class = BadgeFilterSet
    list_export = [
        "name",
        "slug",
        "description",
        "criteria_narrative",
        "validity_months",
        "criteria_count",
        "holders_count",
    ]
    export_headings = {
        "name": gettext_lazy("Name"),
        "slug": gettext_lazy("Slug"),
        "description": gettext_lazy("Description"),
        "criteria_narrative": gettext_lazy("How to earn it"),
        "validity_months": gettext_lazy("Validity (months)"),
        "criteria_count": gettext_lazy("Criteria"),
        "holders_count": gettext_lazy("Holders"),
    }
    export_filename = "badges"
    delete_view_class = BadgeDeleteView

    def get_queryset(self, request):
        return badges_with_counts()


register_snippet(BadgeViewSet)


# --- Awards: status -------------------------------------------------------------------


class AwardStatus(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REPLACED = "replaced"


STATUS_LABELS = {
    AwardStatus.VALID: gettext_lazy("Valid"),
    AwardStatus.EXPIRING: gettext_lazy("Expiring soon"),
    AwardStatus.EXPIRED: gettext_lazy("Expired"),
    AwardStatus.REVOKED: gettext_lazy("Revoked"),
    AwardStatus.REPLACED: gettext_lazy("Renewed"),
}


def award_status(award: BadgeAward, now: datetime.datetime | None = None) -> AwardStatus:
    """Revoked, replaced by a renewal, expired, expiring within the renewal window, or
    valid."""
    now = now or timezone.now()
    if award.revoked_at:
        return AwardStatus.REVOKED
    if award.replaced_at:
        return AwardStatus.REPLACED
    if award.expires_at is not None and award.expires_at <= now:
        return AwardStatus.EXPIRED
    if award.expires_at is not None and award.expires_at - services.RENEWAL_WINDOW <= now:
        return AwardStatus.EXPIRING
    return AwardStatus.VALID


def status_label(award: BadgeAward) -> str:
    return str(STATUS_LABELS[award_status(award)])


def filter_status(queryset, status: str, now: datetime.datetime | None = None):
    """The awards of one `AwardStatus`, in the database."""
    now = now or timezone.now()
    current = queryset.filter(revoked_at__isnull=True, replaced_at__isnull=True)
    window = now + services.RENEWAL_WINDOW
    if status == AwardStatus.REVOKED:
        return queryset.filter(revoked_at__isnull=False)
    if status == AwardStatus.REPLACED:
        return queryset.filter(revoked_at__isnull=True, replaced_at__isnull=False)
    if status == AwardStatus.EXPIRED:
        return current.filter(expires_at__lte=now)
    if status == AwardStatus.EXPIRING:
        return current.filter(expires_at__gt=now, expires_at__lte=window)
    if status == AwardStatus.VALID:
        return current.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=window))
    return queryset


# --- Awards: the list -----------------------------------------------------------------


class BadgeAwardFilterSet(WagtailFilterSet):
    badge = ModelChoiceFilter(
        label=gettext_lazy("Badge"),
        queryset=Badge.objects.all(),
        empty_label=gettext_lazy("All"),
    )
    status = ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=list(STATUS_LABELS.items()),
        method="filter_status",
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = BadgeAward
        fields = ["badge"]

    def filter_status(self, queryset, name, value):
        return filter_status(queryset, value) if value else queryset


def awards_queryset():
    """Awards with what the list and the export show (the person, the badge, who
    awarded and who revoked) in one query."""
    return BadgeAward.objects.select_related("user", "badge", "awarded_by", "revoked_by").defer(
        "badge__description", "badge__criteria_narrative"
    )


def awarded_by_text(award: BadgeAward) -> str:
    """Who awarded it by hand, or "Earned" when the criteria were met."""
    if award.awarded_by_id is None:
        return _("Earned")
    return person_name(award.awarded_by)


class BadgeAwardIndexView(BadgeStaffMixin, IndexView):
    """Awards, the latest issued first, with the columns staff scan for."""

    def get_base_queryset(self):
        return awards_queryset()

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        # A stable order for pagination, whatever column was chosen.
        return queryset.order_by(*queryset.query.order_by, "-issued_at", "-pk")

    def search_queryset(self, queryset):
        """Every word of the query must match the person's first name, last name or
        email address, or the badge's name."""
        if not self.is_searching:
            return queryset
        for word in self.search_query.split():
            query = Q()
            for name in self.search_fields:
                query |= Q(**{f"{name}__icontains": word})
            queryset = queryset.filter(query)
        return queryset

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    @cached_property
    def header_buttons(self):
        if not badge_staff_may(self.request.user, BadgeAction.MANAGE):
            return []
        return [
            HeaderButton(
                _("Award by hand"),
                url=reverse("badge_awards:award"),
                icon_name="plus",
                priority=10,
            )
        ]

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "ambassador",
                label=_("Ambassador"),
                accessor=lambda award: person_name(award.user),
                sort_key="user__last_name",
                get_url=self.get_inspect_url,
            ),
            Column("badge", label=_("Badge"), accessor="badge.name", sort_key="badge__name"),
            DateColumn("issued_at", label=_("Issued at"), sort_key="issued_at"),
            DateColumn("expires_at", label=_("Expires at"), sort_key="expires_at"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor=status_label,
                primary=lambda award: (
                    award_status(award) in (AwardStatus.VALID, AwardStatus.EXPIRING)
                ),
            ),
            Column("awarded_by", label=_("Awarded by"), accessor=awarded_by_text),
        ]

    # The export: plain values, one column per fact, headings staff understand.
    EXPORT_VALUES: dict[str, Callable[[BadgeAward], Any]] = {
        "email": lambda a: a.user.email,
        "first_name": lambda a: a.user.first_name,
        "last_name": lambda a: a.user.last_name,
        "badge": lambda a: a.badge.name,
        "status": status_label,
        "issued_at": lambda a: export_time(a.issued_at),
        "expires_at": lambda a: export_time(a.expires_at),
        "awarded_by": awarded_by_text,
        "note": lambda a: a.note,
        "revoked_at": lambda a: export_time(a.revoked_at),
        "revoked_by": lambda a: person_name(a.revoked_by) if a.revoked_by_id else "",
        "revoked_reason": lambda a: a.revoked_reason,
        "uuid": lambda a: str(a.uuid),
    }

    def to_row_dict(self, item):
        return {name: self.EXPORT_VALUES[name](item) for name in self.list_export}


EXPORT_HEADINGS = {
    "email": gettext_lazy("Email address"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "badge": gettext_lazy("Badge"),
    "status": gettext_lazy("Status"),
    "issued_at": gettext_lazy("Issued at"),
    "expires_at": gettext_lazy("Expires at"),
    "awarded_by": gettext_lazy("Awarded by"),
    "note": gettext_lazy("Evidence note"),
    "revoked_at": gettext_lazy("Revoked at"),
    "revoked_by": gettext_lazy("Revoked by"),
    "revoked_reason": gettext_lazy("Reason for revoking"),
    "uuid": gettext_lazy("Public identifier"),
}


# --- Awards: one award ----------------------------------------------------------------


class BadgeAwardInspectView(BadgeStaffMixin, InspectView):
    """One award: who, which badge, when, its status, the evidence, the award it renews
    and the one that renewed it, its history, and the revoke button."""

    template_name = "lms/admin/badge_award_inspect.html"
    page_title = gettext_lazy("Badge award")

    def get_object(self, queryset=None):
        return get_object_or_404(
            BadgeAward.objects.select_related(
                "user",
                "user__ambassador_profile",
                "badge",
                "awarded_by",
                "revoked_by",
                "previous",
                "renewal",
            ),
            pk=self.pk,
        )

    def get_fields(self):
        return []  # the template shows `summary` instead

    def get_page_subtitle(self):
        return _("%(name)s — %(badge)s") % {
            "name": person_name(self.object.user),
            "badge": self.object.badge.name,
        }

    def summary(self) -> list[dict[str, str]]:
        award = self.object
        renewal = getattr(award, "renewal", None)
        rows = [
            (_("Ambassador"), person_name(award.user), self.fiche_url()),
            (_("Email address"), award.user.email, ""),
            (_("Badge"), award.badge.name, self.badge_url()),
            (_("Status"), status_label(award), ""),
            (_("Issued at"), _date(award.issued_at), ""),
            (_("Expires at"), _date(award.expires_at) if award.expires_at else _("Never"), ""),
            (_("Awarded by"), awarded_by_text(award), ""),
            (_("Evidence note"), award.note or "—", ""),
            (
                _("Renews"),
                _date(award.previous.issued_at) if award.previous else "—",
                self.award_url(award.previous),
            ),
            (
                _("Renewed by"),
                _date(renewal.issued_at) if renewal else "—",
                self.award_url(renewal),
            ),
            (_("Public identifier"), str(award.uuid), ""),
        ]
        if award.revoked_at:
            rows += [
                (_("Revoked at"), _date(award.revoked_at), ""),
                (_("Revoked by"), person_name(award.revoked_by), ""),
                (_("Reason for revoking"), award.revoked_reason, ""),
            ]
        return [{"label": label, "value": value, "url": url} for label, value, url in rows]

    def evidence(self) -> list[dict[str, str]]:
        rows = []
        for item in self.object.evidence or []:
            at = item.get("at")
            try:
                when = _date(datetime.datetime.fromisoformat(at)) if at else "—"
            except (TypeError, ValueError):
                when = "—"
            rows.append({"narrative": item.get("narrative", ""), "when": when})
        return rows

    def history(self) -> list[dict[str, str]]:
        labels = services.LOG_ACTIONS
        entries = []
        for entry in log_registry.get_logs_for_instance(self.object).select_related("user"):
            data = entry.data or {}
            entries.append(
                {
                    "when": _date(entry.timestamp),
                    "what": str(labels.get(entry.action, entry.action)),
                    "who": person_name(entry.user) if entry.user_id else _("Automatic"),
                    "detail": data.get("reason", ""),
                }
            )
        return entries

    def fiche_url(self) -> str:
        profile = getattr(self.object.user, "ambassador_profile", None)
        if profile is None:
            return ""
        return reverse("ambassadors:inspect", args=[quote(profile.pk)])

    def badge_url(self) -> str:
        return reverse("wagtailsnippets_lms_badge:edit", args=[quote(self.object.badge_id)])

    @staticmethod
    def award_url(award: BadgeAward | None) -> str:
        return reverse("badge_awards:inspect", args=[award.pk]) if award else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        award = self.object
        context.update(
            award=award,
            summary=self.summary(),
            evidence=self.evidence(),
            history=self.history(),
            may_revoke=award.revoked_at is None
            and badge_staff_may(self.request.user, BadgeAction.MANAGE),
            revoke_url=reverse("badge_awards:revoke", args=[award.pk]),
        )
        return context


# --- Awards: awarding by hand and revoking --------------------------------------------

ERROR_NO_AMBASSADOR = gettext_lazy("No active ambassador has this email address.")
ERROR_FORM = gettext_lazy("Nothing was changed: correct the form below.")
MESSAGE_AWARDED = gettext_lazy("%(badge)s awarded to %(name)s.")
MESSAGE_REVOKED = gettext_lazy("%(badge)s of %(name)s revoked.")
MESSAGE_ALREADY_REVOKED = gettext_lazy("This award was already revoked: nothing changed.")


class AwardForm(forms.Form):
    """The ambassador (an active member, by email address: there may be thousands), the
    badge and the evidence note that justifies awarding it without its criteria."""

    email = forms.EmailField(
        label=gettext_lazy("Ambassador's email address"),
        help_text=gettext_lazy("An active ambassador."),
    )
    badge = forms.ModelChoiceField(label=gettext_lazy("Badge"), queryset=Badge.objects.all())
    note = forms.CharField(
        label=gettext_lazy("Evidence note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What shows they have the competence (a training elsewhere, a mission observed): "
            "kept with the award and shown as its evidence."
        ),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        profile = (
            AmbassadorProfile.objects.select_related("user")
            .filter(user__email__iexact=email.strip(), status=MembershipStatus.ACTIVE)
            .first()
        )
        if profile is None:
            raise forms.ValidationError(ERROR_NO_AMBASSADOR)
        self.cleaned_data["user"] = profile.user
        return email


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Shown on the public verification page with the date: state the fact, simply."
        ),
    )


class BadgeAwardFormView(BadgeStaffMixin, WagtailAdminTemplateMixin, FormView):
    permission_action = BadgeAction.MANAGE
    header_icon = "success"
    template_name = "lms/admin/badge_award_form.html"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("badge_awards:index"), "label": _("Badge awards")},
            {"url": "", "label": self.get_page_title()},
        ]

    def form_invalid(self, form):
        messages.error(self.request, ERROR_FORM)
        return super().form_invalid(form)


class AwardByHandView(BadgeAwardFormView):
    """GET: the form (``?email=`` fills the ambassador in). POST: `services.badge_award`,
    then the new award; a refusal (already held) is shown on the form."""

    form_class = AwardForm
    page_title = gettext_lazy("Award a badge by hand")

    def get_initial(self):
        return {"email": self.request.GET.get("email", "")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=reverse("badge_awards:award"),
            submit_button_label=_("Award the badge"),
            submit_button_active_label=_("Awarding…"),
            intro=_(
                "For a competence shown elsewhere than in the courses. The award is "
                "recorded with your name and the note, and the ambassador is told by email."
            ),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            award = services.badge_award(
                badge=data["badge"], user=data["user"], actor=self.request.user, note=data["note"]
            )
        except services.BadgeAwardRefused as refused:
            form.add_error("badge", str(refused.message))
            return self.form_invalid(form)
        messages.success(
            self.request,
            MESSAGE_AWARDED % {"badge": award.badge.name, "name": person_name(award.user)},
        )
        return redirect("badge_awards:inspect", award.pk)


class RevokeView(BadgeAwardFormView):
    """GET: the confirmation, with the reason to give. POST: `services.badge_revoke`,
    then back to the award. An award already revoked is left as it is."""

    form_class = RevokeForm
    page_title = gettext_lazy("Revoke a badge")

    @cached_property
    def award(self) -> BadgeAward:
        return get_object_or_404(
            BadgeAward.objects.select_related("user", "badge"), pk=self.kwargs["pk"]
        )

    def dispatch(self, request, *args, **kwargs):
        if badge_staff_may(request.user, self.permission_action) and self.award.revoked_at:
            messages.info(request, MESSAGE_ALREADY_REVOKED)
            return redirect("badge_awards:inspect", self.award.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return _("%(name)s — %(badge)s") % {
            "name": person_name(self.award.user),
            "badge": self.award.badge.name,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            award=self.award,
            action_url=reverse("badge_awards:revoke", args=[self.award.pk]),
            back_url=reverse("badge_awards:inspect", args=[self.award.pk]),
            submit_button_label=_("Revoke the badge"),
            submit_button_active_label=_("Revoking…"),
            intro=_(
                "The certificate and the Open Badge of %(name)s for “%(badge)s” will show "
                "as revoked, with the date and the reason. This cannot be undone; the badge "
                "can be awarded again later."
            )
            % {"name": person_name(self.award.user), "badge": self.award.badge.name},
        )
        return context

    def form_valid(self, form):
        try:
            services.badge_revoke(
                award=self.award, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except services.BadgeAwardRefused as refused:
            form.add_error("reason", str(refused.message))
            return self.form_invalid(form)
        messages.success(
            self.request,
            MESSAGE_REVOKED
            % {"badge": self.award.badge.name, "name": person_name(self.award.user)},
        )
        return redirect("badge_awards:inspect", self.award.pk)


# --- Awards: the viewset --------------------------------------------------------------


class BadgeAwardViewSet(StaffListViewSet):
    """Badge awards in the Wagtail admin, under /admin/badges/attributions/."""

    model = BadgeAward
    icon = "success"
    url_prefix = "badges/attributions"
    url_namespace = "badge_awards"
    add_to_admin_menu = True
    menu_label = gettext_lazy("Badge awards")
    menu_name = "badge-awards"
    menu_order = 221
    index_view_class = BadgeAwardIndexView
    inspect_view_class = BadgeAwardInspectView
    ordering = "-issued_at"
    search_fields = ["user__email", "user__first_name", "user__last_name", "badge__name"]
    filterset_class = BadgeAwardFilterSet
    list_export = list(BadgeAwardIndexView.EXPORT_VALUES)
    export_headings = EXPORT_HEADINGS
    export_filename = "attributions-badges"

    @property
    def menu_item_class(self):
        class BadgeAwardsMenuItem(MenuItem):
            def is_shown(self, request):
                return badge_staff_may(request.user, BadgeAction.VIEW)

        return BadgeAwardsMenuItem

    def extra_urlpatterns(self):
        return [
            path("<int:pk>/revoquer/", RevokeView.as_view(), name="revoke"),
            path("attribuer/", AwardByHandView.as_view(), name="award"),
        ]

    def get_permissions_to_register(self):
        # Access follows `badge_staff_may`: no model permission means anything here.
        return super().get_permissions_to_register().none()


@hooks.register("register_admin_viewset")
def register_badge_award_viewset():
    return BadgeAwardViewSet()

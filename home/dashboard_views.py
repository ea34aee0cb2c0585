"""The staff dashboard in the Wagtail admin: the admin home's panels and the reports
page (/admin/tableau-de-bord/, namespace ``dashboard``) with its period filter, each
table's CSV export, and a button that computes the figures again.

Only staff holding ``home.view_dashboard`` (*Équipe*, *Responsables*) see any of it;
the figures are the apps' sections (`home.hooks.DASHBOARD_SECTIONS`), cached by
`home.dashboard.section_tables`.
"""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django import forms
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import dashboard
from .dashboard import Kind, Link, Period

PERMISSION = "home.view_dashboard"


def may_see(user) -> bool:
    """May this person see the dashboard? (*Équipe* and *Responsables*.)"""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_perm("wagtailadmin.access_admin")
        and user.has_perm(PERMISSION)
    )


class _Protected:
    def dispatch(self, request, *args, **kwargs):
        if not may_see(request.user):
            raise PermissionDenied(_("The dashboard is for the agency's staff."))
        return super().dispatch(request, *args, **kwargs)


# --- The period -----------------------------------------------------------------------


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=dashboard.period_choices, required=False
    )
    start = forms.DateField(
        label=pgettext_lazy("period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=pgettext_lazy("period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom" or (
            not data.get("period") and (data.get("start") or data.get("end"))
        ):
            start, end = data.get("start"), data.get("end")
            if not start and not end:
                raise forms.ValidationError(
                    _("Give a first day, a last day or both to choose the dates."),
                    code="no_dates",
                )
            if start and end and start > end:
                self.add_error("end", _("The last day must not come before the first day."))
            today = timezone.localdate()
            if start and start > today:
                self.add_error("start", _("The first day must not be in the future."))
            data["period"] = "custom"
        return data

    def get_period(self) -> Period:
        """The period asked for, or the default one when the form is invalid or empty."""
        if not self.is_bound or not self.is_valid():
            return dashboard.preset(dashboard.DEFAULT_PERIOD)
        key = self.cleaned_data.get("period") or dashboard.DEFAULT_PERIOD
        if key == "custom":
            return Period(self.cleaned_data.get("start"), self.cleaned_data.get("end"), "custom")
        return dashboard.preset(key)


def period_form(request) -> PeriodForm:
    params = request.GET
    if not any(params.get(name) for name in ("period", "start", "end")):
        form = PeriodForm(initial={"period": dashboard.DEFAULT_PERIOD})
        return form
    return PeriodForm(params)


def period_label(period: Period) -> str:
    if period.start and period.end:
        return _("from %(start)s to %(end)s") % {
            "start": formats.date_format(period.start, "DATE_FORMAT"),
            "end": formats.date_format(period.end, "DATE_FORMAT"),
        }
    if period.start:
        return _("since %(start)s") % {"start": formats.date_format(period.start, "DATE_FORMAT")}
    if period.end:
        return _("until %(end)s") % {"end": formats.date_format(period.end, "DATE_FORMAT")}
    return _("since the beginning")


def period_query(period: Period) -> str:
    """The query string that names the period (for CSV links)."""
    if period.key == "custom":
        parts = ["period=custom"]
        if period.start:
            parts.append(f"start={period.start.isoformat()}")
        if period.end:
            parts.append(f"end={period.end.isoformat()}")
        return "&".join(parts)
    return f"period={period.key}"


# --- Reading the tables ---------------------------------------------------------------


def cell_text(value: Any, kind: str) -> str:
    """A cell as a person reads it, localised."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Link):
        return str(value.text)
    if kind == Kind.PERCENT:
        return f"{formats.number_format(value, decimal_pos=_decimals(value))} %"
    if kind == Kind.DAYS:
        return _("%(days)s d") % {"days": formats.number_format(value, decimal_pos=1)}
    if kind == Kind.NUMBER:
        return formats.number_format(value, decimal_pos=_decimals(value), force_grouping=True)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _decimals(value) -> int:
    return 0 if float(value).is_integer() else 1


def csv_value(value: Any) -> Any:
    """A cell as a spreadsheet reads it: numbers stay numbers, dates are ISO."""
    if value is None:
        return ""
    if isinstance(value, Link):
        return str(value.text)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_heading(column: dashboard.Column) -> str:
    if column.kind == Kind.PERCENT:
        return f"{column.label} (%)"
    if column.kind == Kind.DAYS:
        return _("%(label)s (days)") % {"label": column.label}
    return str(column.label)


def present(computed: dashboard.Computed, *, home: bool = False) -> list[dict[str, Any]]:
    """The tables with their cells ready to show (text, link, numeric or not)."""
    shown = []
    for table in computed.tables:
        if home and not table.on_home:
            continue
        shown.append(
            {
                "table": table,
                "id": f"table-{table.slug}",
                "columns": table.columns,
                "rows": [
                    [
                        {
                            "text": cell_text(value, column.kind),
                            "url": value.url if isinstance(value, Link) else "",
                            "numeric": column.kind in (Kind.NUMBER, Kind.PERCENT, Kind.DAYS),
                        }
                        for value, column in zip(row, table.columns, strict=False)
                    ]
                    for row in table.rows
                ],
            }
        )
    return shown


# --- The reports page -----------------------------------------------------------------


class DashboardView(_Protected, WagtailAdminTemplateMixin, TemplateView):
    template_name = "home/admin/dashboard.html"
    page_title = gettext_lazy("The club's figures")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = period_form(self.request)
        period = form.get_period()
        query = period_query(period)
        shown = []
        oldest = None
        for section in dashboard.sections():
            computed = dashboard.section_tables(section, period)
            oldest = min(oldest or computed.computed_at, computed.computed_at)
            tables = present(computed)
            for item in tables:
                item["csv_url"] = (
                    reverse("dashboard:csv", args=(section.slug, item["table"].slug)) + f"?{query}"
                )
            shown.append({"section": section, "tables": tables})
        context.update(
            form=form,
            period=period,
            period_label=period_label(period),
            sections=shown,
            computed_at=oldest,
            refresh_url=reverse("dashboard:refresh"),
            cache_minutes=_cache_minutes(),
            stylesheet=staticfiles_storage.url("css/dashboard-admin.css"),
        )
        return context


def _cache_minutes() -> int:
    from django.conf import settings

    return max(1, round(settings.DASHBOARD_CACHE_SECONDS / 60))


class CsvView(_Protected, View):
    """One table of one section, for the period asked, as a CSV file (UTF-8 with a BOM,
    which spreadsheets need to read accents)."""

    def get(self, request, section_slug: str, table_slug: str):
        section = dashboard.section(section_slug)
        if section is None:
            raise Http404
        period = period_form(request).get_period()
        computed = dashboard.section_tables(section, period)
        table = next((t for t in computed.tables if t.slug == table_slug), None)
        if table is None:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = f"{period.start or 'debut'}_{period.end or timezone.localdate()}"
        filename = f"tableau-de-bord-{section.slug}-{table.slug}-{stamp}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([csv_heading(column) for column in table.columns])
        for row in table.rows:
            writer.writerow([csv_value(value) for value in row])
        return response


class RefreshView(_Protected, View):
    """Forget the cached figures (POST), then go back where the person was."""

    def post(self, request):
        dashboard.refresh()
        messages.success(request, _("The figures have been computed again."))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("dashboard:index")
        return redirect(target)


urlpatterns = [
    path("", DashboardView.as_view(), name="index"),
    path("rafraichir/", RefreshView.as_view(), name="refresh"),
    path("csv/<slug:section_slug>/<slug:table_slug>/", CsvView.as_view(), name="csv"),
]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see(request.user)


def menu_item() -> MenuItem:
    # Not "Dashboard": Wagtail already names its home so.
    return DashboardMenuItem(
        pgettext("admin menu", "Figures"), reverse("dashboard:index"), icon_name="table", order=150
    )


# --- The admin home's panels ----------------------------------------------------------


class DashboardPanel(Component):
    """One section's headline tables on the admin home, for the default period, with a
    link to the section on the reports page."""

    template_name = "home/admin/dashboard_panel.html"

    class Media:
        css = {"all": ["css/dashboard-admin.css"]}

    def __init__(self, section: dashboard.Section, order: int):
        self.section = section
        self.order = order
        self.name = f"dashboard-{section.slug}"

    def get_context_data(self, parent_context=None):
        period = dashboard.preset(dashboard.DEFAULT_PERIOD)
        computed = dashboard.section_tables(self.section, period)
        tables = present(computed, home=True)
        for item in tables:
            item["csv_url"] = (
                reverse("dashboard:csv", args=(self.section.slug, item["table"].slug))
                + f"?{period_query(period)}"
            )
        return {
            "section": self.section,
            "tables": tables,
            "period_label": period_label(period),
            "computed_at": computed.computed_at,
            "page_url": reverse("dashboard:index") + f"#section-{self.section.slug}",
            "panel_id": f"dashboard-{self.section.slug}",
        }


def homepage_panels(request, panels: list) -> None:
    """Put the sections' headline tables first on the admin home, for the staff who may
    see the dashboard."""
    if not may_see(request.user):
        return
    for position, section in enumerate(dashboard.sections()):
        if section.on_home:
            panels.append(DashboardPanel(section, order=10 + position))

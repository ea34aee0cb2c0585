"""The staff's report "Course progress" in the Wagtail admin (Reports menu,
``lms_reports:course_progress``).

Per course, how many ambassadors started it (completed at least one step) and how many
completed it; then each ambassador's progress in each course they started, filterable by
course, by status (in progress, completed) and by ambassador, and exportable as CSV or
XLSX. Progress is aggregated in the database (`report_selectors`), so the report runs a
fixed number of queries whatever the number of ambassadors.

Who may see it is decided by `home.admin_views.staff_may` (seeing ambassadors): *Équipe*
and *Responsables*.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from home.admin_views import Action, export_time, staff_may

from . import report_selectors
from .models import CoursePage, StepCompletion


class ProgressStatus(models.TextChoices):
    """A row's status in the report: started and not completed, or completed."""

    IN_PROGRESS = "started", _("In progress")
    COMPLETED = "completed", _("Completed")


STATUS_LABELS = dict(ProgressStatus.choices)


def status_label(completed: bool) -> str:
    return str(STATUS_LABELS[ProgressStatus.COMPLETED if completed else ProgressStatus.IN_PROGRESS])


class CourseProgressFilterSet(WagtailFilterSet):
    course = ModelChoiceFilter(
        label=_("Course"),
        queryset=CoursePage.objects.order_by("path"),
        empty_label=_("All"),
    )
    status = ChoiceFilter(
        label=_("Status"),
        choices=ProgressStatus.choices,
        method="filter_status",
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )
    ambassador = CharFilter(
        label=_("Ambassador"),
        method="filter_ambassador",
        help_text=_("Part of a name or an email address."),
    )

    class Meta:
        model = StepCompletion
        fields = ["course"]

    def filter_status(self, queryset, name, value):
        if value == ProgressStatus.COMPLETED:
            return queryset.filter(completed_at__isnull=False)
        if value == ProgressStatus.IN_PROGRESS:
            return queryset.filter(completed_at__isnull=True)
        return queryset

    def filter_ambassador(self, queryset, name, value):
        """Every word must match the first name, last name or email address."""
        for word in value.split():
            queryset = queryset.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__email__icontains=word)
            )
        return queryset


class CourseProgressReportView(ReportView):
    page_title = _("Course progress")
    header_icon = "tasks"
    results_template_name = "lms/admin/course_progress_results.html"
    filterset_class = CourseProgressFilterSet
    index_url_name = "lms_reports:course_progress"
    index_results_url_name = "lms_reports:course_progress_results"
    default_ordering = "user__last_name"
    paginate_by = 50
    export_filename = "progression-parcours"
    list_export = [
        "name",
        "email",
        "course",
        "is_completed",
        "done",
        "total",
        "percent",
        "started_at",
        "completed_at",
    ]
    export_headings = {
        "name": _("Ambassador"),
        "email": _("Email address"),
        "course": _("Course"),
        "is_completed": _("Status"),
        "done": _("Steps done"),
        "total": _("Steps"),
        "percent": _("Progress (%)"),
        "started_at": _("Started at"),
        "completed_at": _("Completed at"),
    }
    custom_field_preprocess = {
        "is_completed": {
            ReportView.FORMAT_CSV: status_label,
            ReportView.FORMAT_XLSX: status_label,
        },
    }
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        datetime.datetime: {
            ReportView.FORMAT_CSV: export_time,
            ReportView.FORMAT_XLSX: export_time,
        },
    }

    def dispatch(self, request, *args, **kwargs):
        if not staff_may(request.user, Action.VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = report_selectors.progress_queryset()
        return super().get_queryset()

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        # A stable order for pagination, whatever column was chosen.
        return queryset.order_by(
            *queryset.query.order_by, "user__last_name", "user__first_name", "user", "course__path"
        )

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=_("Ambassador"),
                sort_key="user__last_name",
                get_url=self.fiche_url,
            ),
            Column("email", label=_("Email address"), sort_key="user__email"),
            Column("course", label=_("Course"), sort_key="course__title"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor=lambda row: status_label(row.is_completed),
                primary=lambda row: row.is_completed,
            ),
            Column("steps", label=_("Steps done")),
            Column("percent", label=_("Progress"), accessor=lambda row: f"{row.percent} %"),
            DateColumn("started_at", label=_("Started at"), sort_key="started_at"),
            DateColumn("completed_at", label=_("Completed at"), sort_key="completed_at"),
        ]

    @staticmethod
    def fiche_url(row) -> str | None:
        if row.profile_id is None:
            return None
        return reverse("ambassadors:inspect", args=[quote(row.profile_id)])

    def get_table(self, object_list):
        return super().get_table(report_selectors.progress_rows(object_list))

    def decorate_paginated_queryset(self, object_list):
        # The HTML table converts its rows itself (`get_table`); the export needs them too.
        if self.is_export:
            return report_selectors.progress_rows(object_list)
        return object_list

    @cached_property
    def selected_course(self) -> CoursePage | None:
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("course")
        return None

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        course = self.selected_course
        context["summaries"] = report_selectors.course_summaries(
            course_ids=[course.pk] if course else None
        )
        return context


class CourseProgressMenuItem(MenuItem):
    def is_shown(self, request):
        return staff_may(request.user, Action.VIEW)


def menu_item() -> MenuItem:
    return CourseProgressMenuItem(
        _("Course progress"),
        reverse("lms_reports:course_progress"),
        name="course-progress",
        icon_name="tasks",
        order=150,
    )


urlpatterns = [
    path("", CourseProgressReportView.as_view(), name="course_progress"),
    path(
        "resultats/",
        CourseProgressReportView.as_view(results_only=True),
        name="course_progress_results",
    ),
]

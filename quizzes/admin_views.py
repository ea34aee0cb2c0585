"""The staff's pages about quizzes in the Wagtail admin (registered in
`wagtail_hooks.py`; both listed in the Reports menu):

- "Quiz attempts" (`AttemptViewSet`, ``quiz_attempts:``): every attempt, read-only, with
  search by ambassador, filters (quiz, state, passed, start date), CSV/XLSX export, and
  each attempt's answers (``quiz_attempts:inspect``);
- "Quiz statistics" (``quiz_reports:index``): per quiz, attempts, pass rate and average
  score; each quiz's statistics (``quiz_reports:statistics``): how often each question
  is answered correctly and each choice picked, flagged where the training does not
  land, exportable as CSV; and the regrade (``quiz_reports:regrade``): a confirmation
  page saying how many attempts an earlier answer key graded, then
  `services.attempts_regrade` (recorded in the quiz's history).

Every permission decision goes through `quiz_staff_may`: seeing attempts and statistics
is seeing ambassadors (`home.admin_views.staff_may`: *Équipe* and *Responsables*);
regrading also takes the permission to edit the quiz page, as correcting its key does.
Attempts are the ambassadors' records, changed only by the services: the generic
add/edit/delete views are not routed, for superusers too.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.generic import TemplateView
from django_filters import (
    BooleanFilter,
    ChoiceFilter,
    DateFromToRangeFilter,
    ModelChoiceFilter,
)
from django_filters.fields import ModelChoiceField
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import BooleanRadioSelect

from home.admin_views import (
    NO,
    YES,
    Action,
    StaffListViewSet,
    StaffReadMixin,
    export_time,
    staff_may,
)

from . import report_selectors, services
from .models import Attempt, AttemptState, QuizPage

# --- Permissions ----------------------------------------------------------------------


class QuizAction(StrEnum):
    VIEW = "view"  # attempts, statistics
    REGRADE = "regrade"  # regrade a quiz's attempts against its live key


def quiz_staff_may(user, action: QuizAction, quiz: QuizPage | None = None) -> bool:
    """May this user do `action` in the quizzes' admin pages? The one place that
    decides: views check it on the server, templates hide what it refuses. Attempts are
    the ambassadors' records: seeing them is seeing ambassadors. Regrading changes
    scores (and may complete courses): it takes the right to edit that quiz too."""
    if not staff_may(user, Action.VIEW):
        return False
    if action == QuizAction.REGRADE:
        return quiz is not None and quiz.permissions_for_user(user).can_edit()
    return True


class QuizStaffMixin(StaffReadMixin):
    """Quizzes' staff pages: seen by whom `quiz_staff_may` lets view."""

    def staff_allowed(self, user, action) -> bool:
        return quiz_staff_may(user, QuizAction.VIEW)


# --- Display helpers ------------------------------------------------------------------


def person_name(user) -> str:
    return user.get_full_name() or user.email


def yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return str(YES if value else NO)


def score_text(attempt: Attempt) -> str:
    """“5.5 / 7 (78.57 %)”, or “—” until graded."""
    if attempt.score is None:
        return "—"
    return _("%(score)s / %(out_of)s (%(percent)s %%)") % {
        "score": formats.number_format(attempt.score.normalize()),
        "out_of": formats.number_format(attempt.max_score.normalize()),
        "percent": formats.number_format(attempt.percent.normalize()),
    }


def percent_text(attempt: Attempt) -> str:
    if attempt.percent is None:
        return "—"
    return f"{formats.number_format(attempt.percent.normalize())} %"


def _date(value) -> str:
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def attempts_url(**params) -> str:
    """The attempts' list, filtered (``quiz=…``, ``q=…``)."""
    url = reverse("quiz_attempts:index")
    return f"{url}?{urlencode(params)}" if params else url


# --- Attempts: the list ---------------------------------------------------------------


class QuizChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return report_selectors.quiz_label(obj)


class QuizFilter(ModelChoiceFilter):
    field_class = QuizChoiceField


class AttemptFilterSet(WagtailFilterSet):
    quiz = QuizFilter(
        label=gettext_lazy("Quiz"),
        queryset=lambda request: report_selectors.quizzes_with_course(),
        empty_label=gettext_lazy("All"),
    )
    state = ChoiceFilter(
        label=gettext_lazy("State"),
        choices=AttemptState.choices,
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("All"),
    )
    passed = BooleanFilter(label=gettext_lazy("Passed"), widget=BooleanRadioSelect)
    started_at = DateFromToRangeFilter(
        label=gettext_lazy("Started between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Attempt
        fields = ["quiz", "state", "passed", "started_at"]


def attempts_queryset():
    """Attempts with what the list and the export show: the person, the quiz and its
    course's title, in one query (the quiz's questions and the orders are not read)."""
    return (
        Attempt.objects.select_related("user", "quiz")
        .defer("question_order", "choice_order", "quiz__questions", "quiz__introduction")
        .annotate(course_title=report_selectors.course_title("quiz__path"))
    )


def attempt_quiz_label(attempt: Attempt) -> str:
    course = getattr(attempt, "course_title", "")
    return f"{course} › {attempt.quiz.title}" if course else attempt.quiz.title


class AttemptIndexView(QuizStaffMixin, IndexView):
    """Attempts, the latest started first, with the columns staff scan for."""

    def get_base_queryset(self):
        return attempts_queryset()

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        # A stable order for pagination, whatever column was chosen.
        return queryset.order_by(*queryset.query.order_by, "-started_at", "-pk")

    def search_queryset(self, queryset):
        """Every word of the query must match the person's first name, last name or
        email address: “camille martin” finds Camille Martin."""
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
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "ambassador",
                label=_("Ambassador"),
                accessor=lambda attempt: person_name(attempt.user),
                sort_key="user__last_name",
                get_url=self.get_inspect_url,
            ),
            Column("quiz", label=_("Quiz"), accessor=attempt_quiz_label, sort_key="quiz__title"),
            Column("number", label=_("Attempt"), sort_key="number"),
            StatusTagColumn(
                "state",
                label=_("State"),
                accessor="get_state_display",
                sort_key="state",
                primary=lambda attempt: attempt.state == AttemptState.GRADED,
            ),
            DateColumn("started_at", label=_("Started at"), sort_key="started_at"),
            DateColumn("submitted_at", label=_("Closed at"), sort_key="submitted_at"),
            Column("percent", label=_("Score"), accessor=percent_text, sort_key="percent"),
            Column(
                "passed",
                label=_("Passed"),
                accessor=lambda attempt: yes_no(attempt.passed),
                sort_key="passed",
            ),
            Column("closed_by", label=_("Closed by"), accessor="get_closed_by_display"),
        ]

    # The export: plain values, one column per fact, headings staff understand.
    EXPORT_VALUES: dict[str, Callable[[Attempt], Any]] = {
        "email": lambda a: a.user.email,
        "first_name": lambda a: a.user.first_name,
        "last_name": lambda a: a.user.last_name,
        "course": lambda a: a.course_title or "",
        "quiz": lambda a: a.quiz.title,
        "number": lambda a: a.number,
        "state": lambda a: a.get_state_display(),
        "started_at": lambda a: export_time(a.started_at),
        "deadline": lambda a: export_time(a.deadline),
        "closed_at": lambda a: export_time(a.submitted_at),
        "closed_by": lambda a: a.get_closed_by_display(),
        "score": lambda a: a.score if a.score is not None else "",
        "out_of": lambda a: a.max_score,
        "percent": lambda a: a.percent if a.percent is not None else "",
        "passed": lambda a: "" if a.passed is None else yes_no(a.passed),
        "regraded_at": lambda a: export_time(a.regraded_at),
    }

    def to_row_dict(self, item):
        return {name: self.EXPORT_VALUES[name](item) for name in self.list_export}


EXPORT_HEADINGS = {
    "email": gettext_lazy("Email address"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "course": gettext_lazy("Course"),
    "quiz": gettext_lazy("Quiz"),
    "number": gettext_lazy("Attempt"),
    "state": gettext_lazy("State"),
    "started_at": gettext_lazy("Started at"),
    "deadline": gettext_lazy("Deadline"),
    "closed_at": gettext_lazy("Closed at"),
    "closed_by": gettext_lazy("Closed by"),
    "score": gettext_lazy("Score"),
    "out_of": gettext_lazy("Out of"),
    "percent": gettext_lazy("Score (%)"),
    "passed": gettext_lazy("Passed"),
    "regraded_at": gettext_lazy("Regraded at"),
}


# --- Attempts: one attempt ------------------------------------------------------------


class AttemptInspectView(QuizStaffMixin, InspectView):
    """One attempt: who, which quiz, when, the grade, and each answer with its score."""

    template_name = "quizzes/admin/attempt_inspect.html"
    page_title = gettext_lazy("Quiz attempt")

    def get_object(self, queryset=None):
        return get_object_or_404(
            Attempt.objects.select_related(
                "user", "user__ambassador_profile", "quiz", "version", "key_version"
            ).annotate(course_title=report_selectors.course_title("quiz__path")),
            pk=self.pk,
        )

    def get_fields(self):
        return []  # the template shows `summary` instead

    def get_page_subtitle(self):
        return _("%(name)s — %(quiz)s, attempt %(number)s") % {
            "name": person_name(self.object.user),
            "quiz": self.object.quiz.title,
            "number": self.object.number,
        }

    def summary(self) -> list[dict[str, str]]:
        attempt = self.object
        key_text = _("the version of the questions shown")
        if attempt.key_version_id != attempt.version_id:
            key_text = _("a later version (regraded on %(date)s)") % {
                "date": _date(attempt.regraded_at)
            }
        rows = [
            (_("Ambassador"), person_name(attempt.user), self.fiche_url()),
            (_("Email address"), attempt.user.email, ""),
            (_("Quiz"), attempt_quiz_label(attempt), self.statistics_url()),
            (_("Attempt"), str(attempt.number), ""),
            (_("State"), attempt.get_state_display(), ""),
            (_("Started at"), _date(attempt.started_at), ""),
            (_("Deadline"), _date(attempt.deadline), ""),
            (_("Closed at"), _date(attempt.submitted_at), ""),
            (_("Closed by"), attempt.get_closed_by_display() or "—", ""),
            (_("Score"), score_text(attempt), ""),
            (_("Passed"), yes_no(attempt.passed), ""),
            (_("Answer key used"), key_text if attempt.is_graded else "—", ""),
        ]
        return [{"label": label, "value": value, "url": url} for label, value, url in rows]

    def fiche_url(self) -> str:
        profile = getattr(self.object.user, "ambassador_profile", None)
        if profile is None:
            return ""
        return reverse("ambassadors:inspect", args=[quote(profile.pk)])

    def statistics_url(self) -> str:
        return reverse("quiz_reports:statistics", args=[self.object.quiz_id])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            attempt=self.object,
            summary=self.summary(),
            answers=report_selectors.attempt_answers(self.object),
            other_attempts_url=attempts_url(quiz=self.object.quiz_id, q=self.object.user.email),
        )
        return context


# --- Attempts: the viewset ------------------------------------------------------------


class AttemptViewSet(StaffListViewSet):
    """Quiz attempts in the Wagtail admin, under /admin/rapports/tentatives-quiz/."""

    model = Attempt
    icon = "list-ul"
    url_prefix = "rapports/tentatives-quiz"
    url_namespace = "quiz_attempts"
    add_to_admin_menu = False  # in the Reports menu (`wagtail_hooks`)
    index_view_class = AttemptIndexView
    inspect_view_class = AttemptInspectView
    ordering = "-started_at"
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    filterset_class = AttemptFilterSet
    list_export = list(AttemptIndexView.EXPORT_VALUES)
    export_headings = EXPORT_HEADINGS
    export_filename = "tentatives-quiz"

    def get_permissions_to_register(self):
        # Access follows `quiz_staff_may`: no model permission means anything here.
        return super().get_permissions_to_register().none()


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return quiz_staff_may(request.user, QuizAction.VIEW)


def attempts_menu_item() -> MenuItem:
    return ReportsMenuItem(
        gettext_lazy("Quiz attempts"),
        reverse("quiz_attempts:index"),
        name="quiz-attempts",
        icon_name="list-ul",
        order=170,
    )


def statistics_menu_item() -> MenuItem:
    return ReportsMenuItem(
        gettext_lazy("Quiz statistics"),
        reverse("quiz_reports:index"),
        name="quiz-statistics",
        icon_name="tasks",
        order=160,
    )


# --- Statistics -----------------------------------------------------------------------


class QuizReportView(QuizStaffMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quiz_reports:index"), "label": _("Quiz statistics")},
            {"url": "", "label": self.get_page_subtitle() or self.get_page_title()},
        ]


class QuizStatisticsIndexView(QuizReportView):
    """Every quiz: attempts, pass rate and average score, with links to its statistics
    and its attempts."""

    template_name = "quizzes/admin/statistics_index.html"
    page_title = gettext_lazy("Quiz statistics")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summaries"] = [
            {
                "summary": summary,
                "statistics_url": reverse("quiz_reports:statistics", args=[summary.quiz_id]),
                "attempts_url": attempts_url(quiz=summary.quiz_id),
            }
            for summary in report_selectors.quiz_summaries()
        ]
        return context


CSV_HEADINGS = [
    gettext_lazy("Question"),
    gettext_lazy("Question text"),
    gettext_lazy("Type"),
    gettext_lazy("Answers"),
    gettext_lazy("Right answers"),
    gettext_lazy("Right answers (%)"),
    gettext_lazy("Choice"),
    gettext_lazy("Right choice"),
    gettext_lazy("Picked"),
    gettext_lazy("Picked (%)"),
]
REMOVED = gettext_lazy("removed")


def statistics_csv_rows(rows: list[report_selectors.QuestionRow]) -> list[list[Any]]:
    """One line per choice (one per numeric question), each repeating its question."""
    lines: list[list[Any]] = [[str(heading) for heading in CSV_HEADINGS]]
    for row in rows:
        question = [
            row.number if row.live else str(REMOVED),
            row.prompt,
            str(report_selectors.TYPE_LABELS.get(row.type, row.type)),
            row.answered,
            row.correct,
            row.correct_share,
        ]
        if not row.choices:
            lines.append([*question, "", "", "", ""])
        for choice in row.choices:
            lines.append(
                [*question, choice.text, yes_no(choice.correct), choice.picked, choice.share]
            )
    return lines


class QuizMixin:
    """The quiz named in the URL (its live content: what the questions are now)."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(report_selectors.quizzes_with_course(), pk=kwargs["quiz_id"])

    def get_page_subtitle(self):
        return report_selectors.quiz_label(self.quiz)

    @cached_property
    def may_regrade(self) -> bool:
        return quiz_staff_may(self.request.user, QuizAction.REGRADE, self.quiz)

    def statistics_url(self) -> str:
        return reverse("quiz_reports:statistics", args=[self.quiz.pk])


class QuizStatisticsView(QuizMixin, QuizReportView):
    """One quiz's questions: answered correctly how often, each choice picked how often
    (``?ordering=hardest``: the questions that land least first; ``?export=csv``)."""

    template_name = "quizzes/admin/statistics.html"
    page_title = gettext_lazy("Quiz statistics")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def csv_response(self) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"statistiques-{self.quiz.slug}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        csv.writer(response).writerows(statistics_csv_rows(self.rows(hardest_first=False)))
        return response

    def rows(self, *, hardest_first: bool) -> list[report_selectors.QuestionRow]:
        return report_selectors.question_rows(quiz=self.quiz, hardest_first=hardest_first)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hardest_first = self.request.GET.get("ordering") == "hardest"
        summaries = report_selectors.quiz_summaries(quiz_ids=[self.quiz.pk])
        url = self.statistics_url()
        context.update(
            quiz=self.quiz,
            summary=summaries[0] if summaries else None,
            questions=self.rows(hardest_first=hardest_first),
            hardest_first=hardest_first,
            quiz_order_url=url,
            hardest_first_url=f"{url}?ordering=hardest",
            csv_url=f"{url}?export=csv",
            attempts_url=attempts_url(quiz=self.quiz.pk),
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.quiz.pk]),
            to_regrade=report_selectors.attempts_to_regrade(quiz=self.quiz),
            may_regrade=self.may_regrade,
            regrade_url=reverse("quiz_reports:regrade", args=[self.quiz.pk]),
            low_share=report_selectors.LOW_CORRECT_SHARE,
            distractor_share=report_selectors.DISTRACTOR_SHARE,
        )
        return context


# --- Regrading ------------------------------------------------------------------------

ERROR_MAY_NOT_REGRADE = gettext_lazy(
    "Regrading takes the permission to edit this quiz: ask someone who may edit it."
)
MESSAGE_NOTHING_TO_REGRADE = gettext_lazy(
    "Every graded attempt already uses the current answer key: nothing to regrade."
)
MESSAGE_REGRADED = ngettext_lazy(
    "%(count)s attempt regraded against the current answer key.",
    "%(count)s attempts regraded against the current answer key.",
    "count",
)
MESSAGE_SCORES_CHANGED = ngettext_lazy(
    "%(changed)s score changed.",
    "%(changed)s scores changed.",
    "changed",
)


class QuizRegradeView(QuizMixin, QuizReportView):
    """GET: the confirmation (how many graded attempts an earlier key graded). POST:
    regrade them (`services.attempts_regrade`), then back to the statistics with what
    changed. Only for staff who may edit the quiz; others get a 403 with the reason."""

    template_name = "quizzes/admin/regrade_confirm.html"
    refused_template_name = "quizzes/admin/refused.html"
    page_title = gettext_lazy("Regrade attempts")
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if quiz_staff_may(request.user, QuizAction.VIEW) and not self.may_regrade:
            return self.refused()
        return super().dispatch(request, *args, **kwargs)

    def refused(self) -> TemplateResponse:
        context = super().get_context_data(
            reason=ERROR_MAY_NOT_REGRADE, back_url=self.statistics_url()
        )
        return TemplateResponse(self.request, self.refused_template_name, context, status=403)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quiz_reports:index"), "label": _("Quiz statistics")},
            {"url": self.statistics_url(), "label": self.get_page_subtitle()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            quiz=self.quiz,
            to_regrade=report_selectors.attempts_to_regrade(quiz=self.quiz),
            has_unpublished_changes=self.quiz.has_unpublished_changes,
            statistics_url=self.statistics_url(),
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.quiz.pk]),
        )
        return context

    def post(self, request, *args, **kwargs):
        count = report_selectors.attempts_to_regrade(quiz=self.quiz)
        if not count:
            messages.info(request, MESSAGE_NOTHING_TO_REGRADE)
            return redirect(self.statistics_url())
        changed = services.attempts_regrade(quiz=self.quiz, actor=request.user)
        messages.success(
            request,
            " ".join(
                (
                    MESSAGE_REGRADED % {"count": count},
                    MESSAGE_SCORES_CHANGED % {"changed": changed},
                )
            ),
        )
        return redirect(self.statistics_url())


urlpatterns = [
    path("", QuizStatisticsIndexView.as_view(), name="index"),
    path("<int:quiz_id>/", QuizStatisticsView.as_view(), name="statistics"),
    path("<int:quiz_id>/regrader/", QuizRegradeView.as_view(), name="regrade"),
]


# --- From the quiz's page in the admin ------------------------------------------------


class QuizStatisticsButton(PageMenuItem):
    """“Statistics” in a quiz page's menus (its edit view's header, the page listing)."""

    label = gettext_lazy("Statistics")
    icon_name = "tasks"

    def is_shown(self, user):
        specific_class = self.page.specific_class
        return (
            specific_class is not None
            and issubclass(specific_class, QuizPage)
            and quiz_staff_may(user, QuizAction.VIEW)
        )

    @cached_property
    def url(self):
        return reverse("quiz_reports:statistics", args=[self.page.pk])

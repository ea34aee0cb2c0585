"""`quizzes` in the Wagtail admin and in `home`'s extension points.

- Admin: the quizzes' log actions (the regrade, in the quiz's history); the Reports
  menu's "Quiz statistics" (per quiz, then per question, and the regrade) and "Quiz
  attempts" (read-only `AttemptViewSet`); a "Statistics" entry in a quiz page's menus
  (its edit view's header and the page listing). See `admin_views`.
- `home.hooks`: the *fiche ambassadeur*'s "Quizzes" section, the personal-data export,
  account deletion and the daily closing of overdue attempts. Each runs a fixed number
  of queries.
"""

from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from home import hooks as home_hooks

from . import admin_views, report_selectors, services
from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_quiz_log_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)


# --- The staff's pages ----------------------------------------------------------------


@hooks.register("register_admin_viewset")
def register_attempt_viewset():
    return admin_views.AttemptViewSet()


@hooks.register("register_admin_urls")
def register_statistics_urls():
    return [
        path(
            "rapports/quiz/",
            include((admin_views.urlpatterns, "quiz_reports"), namespace="quiz_reports"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_statistics_menu_item():
    return admin_views.statistics_menu_item()


@hooks.register("register_reports_menu_item")
def register_attempts_menu_item():
    return admin_views.attempts_menu_item()


@hooks.register("register_page_header_buttons")
def quiz_statistics_header_button(page, user, view_name, next_url=None):
    yield admin_views.QuizStatisticsButton(page=page, priority=80)


@hooks.register("register_page_listing_more_buttons")
def quiz_statistics_listing_button(page, user, next_url=None):
    yield admin_views.QuizStatisticsButton(page=page, priority=55)


# --- home's extension points ----------------------------------------------------------


@hooks.register(home_hooks.AMBASSADOR_SECTIONS, order=20)
def quizzes_section(request, ambassador):
    """The fiche's “Quizzes”: each quiz the person attempted, with their best score,
    whether they passed, their attempts and the last one's date, linking to those
    attempts. For staff who may see attempts (the fiche checks it too)."""
    if not admin_views.quiz_staff_may(request.user, admin_views.QuizAction.VIEW):
        return None
    rows = report_selectors.quizzes_of(user=ambassador)
    return home_hooks.Panel(
        title=_("Quizzes"),
        template_name="quizzes/admin/ambassador_quizzes.html",
        context={
            "rows": [
                (row, admin_views.attempts_url(quiz=row.quiz_id, q=ambassador.email))
                for row in rows
            ],
            "attempts_url": admin_views.attempts_url(q=ambassador.email),
        },
        slug="quizzes",
    )


@hooks.register(home_hooks.PERSONAL_DATA_EXPORT, order=20)
def personal_data_part(user):
    """Each attempt (quiz, number, dates, score, passed) with the answers given."""
    return "quizzes", {"attempts": report_selectors.personal_data(user=user)}


@hooks.register(home_hooks.ACCOUNT_DELETION, order=20)
def account_deletion_part(user):
    """Keep the person's attempts and answers, attached to the anonymised account.

    They are the agency's statistics (each question's share of right answers, each
    choice's picks, pass rates) and a passed attempt stands behind a completed course
    step that `lms` keeps too. Once `home.services.account_delete` has removed the
    account's name, email and profile, the answers — choices among the agency's own
    texts, numbers — say nothing about the person. Nothing to do here, on purpose;
    this hook exists to record the choice.
    """


@hooks.register(home_hooks.DAILY_WORK, order=20)
def close_overdue_attempts(*, today):
    """Close the timed attempts left past their deadline (graded with the answers saved
    in time); returns how many. Running it twice closes nothing more."""
    return services.attempts_close_overdue(now=timezone.now())


# The demo data registers itself through home.hooks.DEMO_DATA when imported.
from . import demo  # noqa: E402, F401

# --- The staff dashboard (home.dashboard) -------------------------------------------------


@hooks.register(home_hooks.DASHBOARD_SECTIONS, order=20)
def dashboard_questions_section():
    """The hardest quiz questions of the period."""
    from . import dashboard

    return dashboard.questions_section()

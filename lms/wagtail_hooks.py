"""`lms` in the Wagtail admin and in `home`'s extension points.

- Admin: the `Competence` snippets and the "Course progress" report (Reports menu, see
  `admin_views`).
- `home.hooks`: the main menu's "Courses" and "Search" entries, Mon espace's "My
  courses" panel, the *fiche ambassadeur*'s "Progress" section, the personal-data export
  and account deletion. Each runs a fixed number of queries (the menu entries none).
"""

from django.urls import NoReverseMatch, get_script_prefix, include, path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home import hooks as home_hooks
from home.admin_views import Action, staff_may

from . import admin_views, report_selectors, selectors, services
from .models import CATALOGUE_SLUG, Competence


class CompetenceViewSet(SnippetViewSet):
    model = Competence
    icon = "pick"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "icon"]
    search_fields = ["name"]
    list_export = ["name", "description"]
    export_filename = "competences"


register_snippet(CompetenceViewSet)


@hooks.register("register_log_actions")
def register_badge_log_actions(actions):
    for action, label in services.LOG_ACTIONS.items():
        actions.register_action(action, label, label)


# --- The staff's report -----------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "rapports/progression-parcours/",
            include((admin_views.urlpatterns, "lms_reports"), namespace="lms_reports"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_course_progress_menu_item():
    return admin_views.menu_item()


# --- home's extension points ----------------------------------------------------------


def catalogue_url() -> str:
    """The catalogue's URL without a query: it lives at the fixed slug `CATALOGUE_SLUG`
    under the home page, the site's root."""
    return f"{get_script_prefix()}{CATALOGUE_SLUG}/"


@hooks.register(home_hooks.MAIN_MENU_ITEMS, order=10)
def courses_menu_item(request):
    """The “Courses” entry, for everyone: the catalogue is public."""
    return home_hooks.MenuItem(label=_("Courses"), url=catalogue_url())


@hooks.register(home_hooks.MAIN_MENU_ITEMS, order=11)
def search_menu_item(request):
    """The “Search” entry, for everyone; absent where `lms`'s URLs are not routed (a URL
    configuration of its own), so that the menu never breaks a page."""
    try:
        url = reverse("lms:search")
    except NoReverseMatch:
        return None
    return home_hooks.MenuItem(label=_("Search"), url=url)


@hooks.register(home_hooks.MON_ESPACE_PANELS, order=10)
def my_courses_panel(request, profile):
    """Mon espace's “My courses”: in progress (progress bar, resume), completed (with the
    date) and up to three suggested next courses; an invitation to the catalogue when
    there is none."""
    courses = selectors.courses_for(user=request.user)
    dates = report_selectors.completion_dates(user=request.user)
    return home_hooks.Panel(
        title=_("My courses"),
        template_name="lms/panels/my_courses.html",
        context={
            "courses": courses,
            "completed": [(card, dates.get(card.course.pk)) for card in courses.completed],
            "catalogue_url": catalogue_url(),
        },
        slug="my-courses",
    )


@hooks.register(home_hooks.AMBASSADOR_SECTIONS, order=10)
def progress_section(request, ambassador):
    """The fiche's “Progress”: each course the person started, with their steps done,
    percent and dates. For staff who may see ambassadors (the fiche checks it too)."""
    if not staff_may(request.user, Action.VIEW):
        return None
    return home_hooks.Panel(
        title=_("Progress"),
        template_name="lms/panels/ambassador_progress.html",
        context={
            "rows": report_selectors.progress_of(user=ambassador),
            "report_url": reverse("lms_reports:course_progress"),
            "person": ambassador,
        },
        slug="lms-progress",
    )


@hooks.register(home_hooks.PERSONAL_DATA_EXPORT, order=10)
def personal_data_part(user):
    """Each completed step (course, step, when) and each completed course (when)."""
    return "lms", report_selectors.personal_data(user=user)


@hooks.register(home_hooks.ACCOUNT_DELETION, order=10)
def account_deletion_part(user):
    """Keep the person's step and course completions, attached to the anonymised account.

    They are the agency's statistics (who started and completed each course, completion
    rates) and say nothing about the person once `home.services.account_delete` has
    removed the account's name, email and profile: the records then belong to an
    anonymous account. A course completion is also permanent by design. Nothing to do
    here, on purpose; this hook exists to record the choice.
    """


# Registered when imported: the demo data (lms's, then the badges') through
# home.hooks.DEMO_DATA; the badges' hooks (Mes badges, fiche, export, deletion,
# reminders) through home's hooks; the badges' admin (the Badge snippet, the awards).
from . import badge_admin, badge_demo, badge_hooks, demo  # noqa: E402, F401

# --- The staff dashboard (home.dashboard) -------------------------------------------------


@hooks.register(home_hooks.DASHBOARD_SECTIONS, order=10)
def dashboard_courses_section():
    """Per course: who started it within the period and who completed it since."""
    from . import dashboard

    return dashboard.courses_section()


@hooks.register(home_hooks.DASHBOARD_SECTIONS, order=11)
def dashboard_certified_section():
    """Certified ambassadors today (by sector, language, country) and badges expiring."""
    from . import dashboard

    return dashboard.certified_section()


@hooks.register(home_hooks.FUNNEL_STAGES, order=10)
def dashboard_funnel_stages():
    """The funnel's "Started a course" and "Earned a badge"."""
    from . import dashboard

    return dashboard.stages()

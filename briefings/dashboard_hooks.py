"""`briefings` on the staff dashboard (`home.hooks.DASHBOARD_SECTIONS` and
`FUNNEL_STAGES`): the missions' return, project reports by status, and the funnel's
stages from signing up for a mission to a landed project. See `dashboard`."""

from wagtail import hooks

from home import hooks as home_hooks

from . import dashboard


@hooks.register(home_hooks.DASHBOARD_SECTIONS, order=30)
def missions_section():
    return dashboard.missions_section()


@hooks.register(home_hooks.DASHBOARD_SECTIONS, order=31)
def reports_section():
    return dashboard.reports_section()


@hooks.register(home_hooks.FUNNEL_STAGES, order=30)
def mission_and_report_stages():
    return dashboard.funnel_stages()

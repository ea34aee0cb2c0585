"""The staff's pipeline of project reports in the Wagtail admin: the “Project reports”
main menu entry (just after “Missions”) and its pages under /admin/signalements/
(namespace ``report_pipeline``), registered as one viewset. See `report_admin`; who
sees them is decided by `report_admin.reports_staff_may`. Imported by
`briefings.wagtail_hooks`."""

from wagtail import hooks

from . import report_admin


@hooks.register("register_admin_viewset")
def register_report_viewset():
    return report_admin.ReportViewSet()

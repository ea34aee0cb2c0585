"""The ambassador's URLs of project reports (namespace `reports`), mounted at the
site's root by `config/urls.py` before Wagtail's page serving. A mission's debrief is
`debrief/<mission id>/`: the missions' own paths belong to Wagtail's page routes."""

from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [
    path("signaler/", report_views.report_new, name="report_new"),
    path("signaler/<int:pk>/", report_views.report_edit, name="report_edit"),
    path("signaler/<int:pk>/envoye/", report_views.report_sent, name="report_sent"),
    path("mon-espace/signalements/<int:pk>/", report_views.my_report, name="my_report"),
    path("debrief/<int:mission_id>/", report_views.debrief, name="debrief"),
]

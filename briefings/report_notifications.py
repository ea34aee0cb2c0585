"""Emails of project reports: feedback from the staff to the ambassador who reported
the project (sent on commit, in the agency's language), unless they switched off news
of their reports in their profile."""

from __future__ import annotations

from django.conf import settings

from home.services import absolute_url, email_send

MES_SIGNALEMENTS = "/mon-espace/#my-reports"


def feedback_email(note) -> bool:
    report = note.report
    author = report.author
    profile = getattr(author, "ambassador_profile", None)
    if not author.is_active or (profile is not None and not profile.notify_feedback):
        return False
    email_send(
        to=author.email,
        template="briefings/report_feedback",
        context={
            "user": author,
            "report": report,
            "note": note,
            "reports_url": absolute_url(MES_SIGNALEMENTS),
        },
        language=settings.LANGUAGE_CODE,
    )
    return True

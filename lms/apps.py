from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import post_page_move

        post_save.connect(_page_changed, dispatch_uid="lms-outlines-page-saved")
        post_delete.connect(_page_changed, dispatch_uid="lms-outlines-page-deleted")
        post_page_move.connect(_page_changed, dispatch_uid="lms-outlines-page-moved")

        from . import criteria  # noqa: F401  (registers the "course completed" criterion)


def _page_changed(sender, instance, **kwargs):
    """A page was saved (published, unpublished, renamed, added…), deleted or moved: the
    cached course outlines may be out of date. Forgotten now, for the rest of this
    transaction, and again once it commits, so an outline read by another request
    before the commit is not kept under the new version."""
    from django.db import transaction
    from wagtail.models import Page

    from .selectors import outlines_changed

    if isinstance(instance, Page):
        outlines_changed()
        transaction.on_commit(outlines_changed)

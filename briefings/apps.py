from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    name = "briefings"
    verbose_name = _("Missions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import criteria  # noqa: F401  (registers "mission of kind K attended")

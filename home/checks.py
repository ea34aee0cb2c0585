"""System checks of the deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

CACHE_NOT_SHARED = "home.W001"


@register(Tags.caches, deploy=True)
def cache_shared_check(app_configs, **kwargs):
    """Production runs several processes: they must share one cache, or a process keeps
    serving a course outline or Wagtail's site paths that another one has renewed."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The cache is kept in each process's memory.",
                hint="Set REDIS_URL so that every gunicorn worker shares one cache "
                "(course outlines, cached lesson bodies and Wagtail's site paths are "
                "renewed everywhere when staff publish).",
                id=CACHE_NOT_SHARED,
            )
        ]
    return []

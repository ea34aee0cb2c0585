"""The deployment checks of `home/checks.py`."""

from django.test import override_settings

from home.checks import CACHE_NOT_SHARED, cache_shared_check

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}


def test_a_cache_in_each_process_memory_is_flagged_for_deployment():
    with override_settings(CACHES=LOCMEM):
        assert [issue.id for issue in cache_shared_check(None)] == [CACHE_NOT_SHARED]


def test_a_shared_cache_passes():
    with override_settings(CACHES=REDIS):
        assert cache_shared_check(None) == []

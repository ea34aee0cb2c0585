"""Settings of the benchmark: the project's base settings, production-like (no debug,
persistent template caches), plus the `bench` app: its bare page type and its bare form
POST (`bench.urls`).

Used by `bench/run.py` and by the gunicorn it starts; never by the site itself.
The database is `bench/bench.sqlite3` (which `run.py` deletes first, so each run starts
fresh), or `DATABASE_URL` when it is set: that database is then migrated and seeded.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, DATABASE_URL, DATABASES, INSTALLED_APPS

BENCH_SQLITE_PATH = BASE_DIR / "bench" / "bench.sqlite3"

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"  # the site's URLs plus the bare form POST

DEBUG = False
SECRET_KEY = "bench-only-secret-key-never-use-elsewhere"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if not DATABASE_URL:
    # Same engine and options as the site's SQLite (WAL, IMMEDIATE), another file.
    DATABASES["default"]["NAME"] = str(BENCH_SQLITE_PATH)

# Static files straight from the app folders: no `collectstatic` before a run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Only warnings and errors: a run's output is its table.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

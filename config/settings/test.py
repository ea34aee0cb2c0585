"""The test suite: fast hashing, mail kept in memory, tasks run at once."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BASE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = BASE_URL
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
MEDIA_ROOT = BASE_DIR / ".pytest_cache" / "media"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file-backed test database: an in-memory one is shared-cache, where concurrent
    # threads get "table is locked" whatever the timeout and WAL is impossible.
    DATABASES["default"]["TEST"] = {
        "NAME": env("SQLITE_TEST_PATH", str(BASE_DIR / "test-db.sqlite3"))
    }

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Templates the tests' example hooks render (panels, emails).
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]  # noqa: F405

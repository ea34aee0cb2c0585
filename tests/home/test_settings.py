"""Settings guards: production refuses to start half-configured, and the defaults every
environment relies on hold."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from wagtail.models import Locale

from config.settings.base import BASE_DIR


def _python(code, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "DJANGO_SECRET_KEY must be set in production."),
        ({"DJANGO_ALLOWED_HOSTS": "club.example"}, "DJANGO_SECRET_KEY must be set in production."),
        ({"DJANGO_SECRET_KEY": "x" * 60}, "DJANGO_ALLOWED_HOSTS must be set in production."),
    ],
)
def test_production_refuses_to_start_without_secret_key_and_allowed_hosts(env, message):
    result = _python("import config.settings.production", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_deploy_check_is_clean():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
        DJANGO_ALLOWED_HOSTS="ambassadeurs.example",
        REDIS_URL="redis://127.0.0.1:6379/0",  # not connected to by the checks
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_session_idle_timeout_over_twelve_hours_is_refused():
    result = _python("import config.settings.base", SESSION_IDLE_TIMEOUT=str(13 * 3600))

    assert result.returncode != 0
    assert "SESSION_IDLE_TIMEOUT must be between 1 and 43200 seconds" in result.stderr


def test_sessions_expire_after_inactivity_within_twelve_hours():
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_TIMEOUT <= 12 * 3600


def test_database_url_switches_to_postgresql_and_adds_contrib_postgres():
    code = (
        "import config.settings.base as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print('django.contrib.postgres' in s.INSTALLED_APPS)"
    )
    with_url = _python(code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    without = _python(code, DATABASE_URL="")

    assert with_url.stdout.split() == ["django.db.backends.postgresql", "True"]
    assert without.stdout.split() == ["django.db.backends.sqlite3", "False"]


def test_sqlite_serialises_writers_and_waits_for_locks():
    code = (
        "import config.settings.base as s; o = s.DATABASES['default']['OPTIONS'];"
        "print(o['transaction_mode'], o['timeout'], 'journal_mode=WAL' in o['init_command'])"
    )
    result = _python(code, DATABASE_URL="")

    mode, timeout, wal = result.stdout.split()
    assert mode == "IMMEDIATE"
    assert int(timeout) >= 5
    assert wal == "True"


def test_test_database_is_a_file_on_sqlite():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("only SQLite needs a file-backed test database")
    name = database["TEST"]["NAME"]
    assert name and ":memory:" not in name and "mode=memory" not in name


@pytest.mark.django_db
def test_french_is_the_default_language_and_paris_the_time_zone():
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert [code for code, _name in settings.LANGUAGES] == ["fr", "en"]
    assert Locale.get_default().language_code == "fr"


def test_base_url_is_configured_for_links_built_without_a_request():
    from home.services import absolute_url

    assert absolute_url("/mon-espace/") == "http://testserver/mon-espace/"
    assert settings.WAGTAILADMIN_BASE_URL == settings.BASE_URL

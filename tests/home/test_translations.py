"""The French catalogue is complete: every msgid of the code and templates is translated."""

import os
import shutil
import subprocess
import sys

import pytest

from config.settings.base import BASE_DIR

CATALOGUE = BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext's xgettext is not installed")
def test_every_string_of_the_code_is_in_the_catalogue(tmp_path):
    """`makemessages` run on a copy of the tree adds no msgid the committed catalogue lacks."""
    tree = tmp_path / "tree"
    shutil.copytree(
        BASE_DIR,
        tree,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "*.sqlite3*", "media", "staticfiles", "bench", "tests", "*.mo"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "-v", "0"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )

    assert result.returncode == 0, result.stderr
    new = _msgids(tree / "locale" / "fr" / "LC_MESSAGES" / "django.po") - _msgids(CATALOGUE)
    assert new == set(), "strings missing from locale/fr: run makemessages and translate them"


def _msgids(path):
    ids, current = set(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = line[6:].strip('"')
        elif line.startswith('"') and current is not None:
            current += line.strip('"')
        elif line.startswith("msgstr") and current is not None:
            ids.add(current)
            current = None
    return ids - {""}

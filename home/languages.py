"""Languages an ambassador speaks: ISO 639-1 codes, named in the active language.

Shared by the person's profile form, the staff's invite form, the CSV import and the
admin's language filter."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The languages an ambassador can tick: the club's usual working languages, by ISO 639-1
# code. Names come from Django's own catalogue (`LANG_INFO`), translated at display time.
LANGUAGE_CODES = (
    "fr",
    "en",
    "de",
    "es",
    "it",
    "pt",
    "nl",
    "ar",
    "zh",
    "ja",
    "ru",
    "pl",
    "ko",
    "tr",
    "hi",
    "sv",
    "da",
    "no",
    "fi",
    "cs",
    "el",
    "he",
    "ro",
    "uk",
)
# Django's catalogue names Chinese only by its scripts and Norwegian only by its written
# standards; the languages themselves need their own names.
_LANGUAGE_NAMES = {"zh": _("Chinese"), "no": _("Norwegian")}


def language_name(code: str) -> str:
    """The language's name in the active language (Django's catalogue), or the code."""
    if code in _LANGUAGE_NAMES:
        return str(_LANGUAGE_NAMES[code])
    info = LANG_INFO.get(code)
    return gettext(info["name"]) if info and "name" in info else code


def _sort_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def language_choices(extra: Iterable[str] = ()) -> list[tuple[str, str]]:
    """`LANGUAGE_CODES` (plus `extra`, the codes a profile already holds, so editing it
    never drops one) as choices sorted by their translated name."""
    codes = list(dict.fromkeys([*LANGUAGE_CODES, *(c for c in extra if isinstance(c, str))]))
    return sorted(((code, language_name(code)) for code in codes), key=lambda c: _sort_key(c[1]))


# Every ISO 639-1 code Django knows a name for (its catalogue translates them), and
# Chinese, which Django only lists by script. The profile form offers the club's usual
# languages (`LANGUAGE_CODES`); an import may hold any real one.
ALL_LANGUAGE_CODES = frozenset(code for code in LANG_INFO if len(code) == 2) | {"zh"}


def all_language_choices() -> list[tuple[str, str]]:
    """Every known language as (code, name) in the active language, sorted by name."""
    return language_choices(extra=sorted(ALL_LANGUAGE_CODES))


def language_names(codes: Iterable[str]) -> str:
    """Readable names of ISO 639-1 codes, in the active language ("French, English")."""
    return ", ".join(language_name(code) for code in codes)

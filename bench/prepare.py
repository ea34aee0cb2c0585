"""The benchmark's database: migrated, seeded with the demo at a given scale, plus the
bare page every measured page is compared with.

Everything here runs under `bench.settings`, after `django.setup()`.
"""

from __future__ import annotations

import io
import re
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.db import connection
from django.utils.html import strip_tags

AMBASSADOR_EMAIL = "camille@ambassadeurs.example"
"""Every page, the bare one included, is requested as this active demo ambassador."""

BARE_PAGE_TITLE = "Page de référence"
BARE_PAGE_SLUG = "page-de-reference"

# Demo content in French, like the rest of the demo. Paragraphs are taken in turn (and
# reused) until the body is as long as the home page's text.
BARE_PARAGRAPHS = [
    "Le réseau des ambassadeurs réunit des entrepreneurs, des chercheurs, des artistes et "
    "des expatriés qui partagent un attachement au territoire. Chacun, à sa manière, en "
    "parle autour de lui : dans un salon professionnel, lors d'un congrès, au détour d'un "
    "déjeuner d'affaires.",
    "Les parcours de formation expliquent comment repérer un projet d'implantation, "
    "comment présenter les atouts du territoire en quelques minutes et comment transmettre "
    "une information utile à l'agence de développement, qui accompagne ensuite le porteur "
    "de projet.",
    "Les missions de prospection sont ouvertes aux ambassadeurs certifiés. Avant chaque "
    "salon, un dossier de préparation rappelle les chiffres clés, les entreprises à "
    "rencontrer et les messages à faire passer ; après le salon, un compte rendu permet de "
    "signaler les projets détectés.",
    "Un projet signalé est qualifié par l'équipe de l'agence, qui informe l'ambassadeur de "
    "son avancement. Une implantation réussie commence souvent par une simple "
    "conversation, rapportée au bon moment à la bonne personne.",
]


def database_reset_if_sqlite() -> bool:
    """Delete the benchmark's SQLite file (and its WAL and journal) when the benchmark
    uses it, i.e. when `DATABASE_URL` is unset; return whether it did. A database given
    by `DATABASE_URL` is never deleted. Call before any connection is opened."""
    if settings.DATABASE_URL:
        return False
    if connection.connection is not None:
        raise RuntimeError("The database is already open: reset it before connecting.")
    path = Path(settings.BENCH_SQLITE_PATH)
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return True


def database_prepare(*, scale: int) -> None:
    """Migrate, then run `seed_demo --scale <scale> --force` (idempotent). Quiet unless
    something fails."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", scale=scale, force=True, stdout=io.StringIO())


def text_length(html: str) -> int:
    """The number of characters a reader sees in `html` (tags removed, runs of
    whitespace counted as one space)."""
    return len(re.sub(r"\s+", " ", strip_tags(html)).strip())


def bare_body(*, min_text_length: int) -> str:
    """Rich text of at least three paragraphs whose visible text is at least
    `min_text_length` characters, and at most one paragraph longer."""
    parts = ["<h2>Le réseau des ambassadeurs</h2>"]
    n = 0
    while n < 3 or text_length("".join(parts)) < min_text_length:
        parts.append(f"<p>{BARE_PARAGRAPHS[n % len(BARE_PARAGRAPHS)]}</p>")
        n += 1
    return "".join(parts)


def home_text_length() -> int:
    """Visible characters of the home page's body, rendered block by block."""
    from home.models import HomePage

    return text_length(str(HomePage.objects.get().body.render_as_block()))


def bare_page_ensure(*, min_text_length: int):
    """The published bare page under the home page, its body built by `bare_body`.
    Created, or updated, then published: idempotent, so a database given by
    `DATABASE_URL` can be reused run after run."""
    from home.models import HomePage

    from .models import BarePage

    home = HomePage.objects.get()
    body = bare_body(min_text_length=min_text_length)
    page = BarePage.objects.child_of(home).filter(slug=BARE_PAGE_SLUG).first()
    if page is None:
        page = home.add_child(
            instance=BarePage(title=BARE_PAGE_TITLE, slug=BARE_PAGE_SLUG, body=body)
        )
    else:
        page.title = BARE_PAGE_TITLE
        page.body = body
    page.save_revision().publish()
    return page


def ambassador():
    """The demo ambassador the pages are requested as: an active member, or it fails
    (every panel of Mon espace is shown only to active members)."""
    from home.models import User

    user = User.objects.select_related("ambassador_profile").get(email=AMBASSADOR_EMAIL)
    if not user.ambassador_profile.is_active_member:
        raise RuntimeError(f"{AMBASSADOR_EMAIL} is not an active ambassador in the demo.")
    return user


def session_create(user) -> str:
    """A new saved session signing `user` in, as Django's login would leave it; return
    its key, the value of the `SESSION_COOKIE_NAME` cookie."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key

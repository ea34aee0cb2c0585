"""The benchmark's database: migrated, seeded with the demo at a given scale, plus the
bare page every measured page is compared with, and the 20-question quiz whose
submission is measured (`bench_quiz_ensure`).

Everything here runs under `bench.settings`, after `django.setup()`.
"""

from __future__ import annotations

import io
import re
import uuid
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


# --- The 20-question quiz whose submission is measured ------------------------------------

BENCH_QUIZ_COURSE = "pitcher-le-territoire"
"""The demo course camille may take (no prerequisite) and has read every lesson of."""

DEMO_QUIZ_SLUG = "quiz-pitcher-la-sarthe"
"""That course's demo quiz (`quizzes/demo.py`): the bench's quiz goes just before it."""

BENCH_QUIZ_SLUG = "quiz-banc-d-essai"
BENCH_QUIZ_TITLE = "Quiz du banc d'essai"
BENCH_QUIZ_COPIES = 4
"""Four questions of each of the five types: 20 questions."""

BENCH_ID_NAMESPACE = uuid.UUID("0b3c5d7e-9f1a-4b2c-8d4e-6f8a0b2c4d6e")


def _bench_id(key: str) -> str:
    return str(uuid.uuid5(BENCH_ID_NAMESPACE, key))


def _bench_choices(prefix: str, right: set[int], count: int) -> list[dict]:
    return [
        {
            "type": "item",
            "id": _bench_id(f"{prefix}/{n}"),
            "value": {
                "text": f"Réponse {n} : un signal à peser avant de le transmettre à l'agence",
                "correct": n in right,
                "feedback": f"Pourquoi la réponse {n} est juste ou non.",
            },
        }
        for n in range(1, count + 1)
    ]


def bench_quiz_questions() -> list[dict]:
    """The quiz's questions (raw StreamField data, stable ids): `BENCH_QUIZ_COPIES` ×
    single choice, multiple choice (partial credit), true/false, numeric, scenario
    (several answers)."""
    questions = []
    for copy in range(1, BENCH_QUIZ_COPIES + 1):
        common = {
            "points": 1,
            "explanation": "<p>Les signaux d'un projet : recrutements, levée de fonds, "
            "recherche de locaux, nouveau marché.</p>",
        }
        questions += [
            {
                "type": "single_choice",
                "id": _bench_id(f"single/{copy}"),
                "value": {
                    "prompt": f"<p>Question {copy}.1 : quel signe annonce un projet ?</p>",
                    "choices": _bench_choices(f"single/{copy}", {1}, 4),
                    **common,
                },
            },
            {
                "type": "multiple_choice",
                "id": _bench_id(f"multiple/{copy}"),
                "value": {
                    "prompt": f"<p>Question {copy}.2 : lesquels transmettre ?</p>",
                    "choices": _bench_choices(f"multiple/{copy}", {1, 2}, 4),
                    "scoring": "partial",
                    **common,
                    "points": 2,
                },
            },
            {
                "type": "true_false",
                "id": _bench_id(f"true_false/{copy}"),
                "value": {
                    "prompt": f"<p>Question {copy}.3 : un projet confidentiel se signale.</p>",
                    "answer": "true",
                    "feedback_true": "Exact : en mode restreint.",
                    "feedback_false": "Si : en mode restreint.",
                    **common,
                },
            },
            {
                "type": "numeric",
                "id": _bench_id(f"numeric/{copy}"),
                "value": {
                    "prompt": f"<p>Question {copy}.4 : combien de m² cherche-t-il ?</p>",
                    "answer": "3000",
                    "tolerance": "100",
                    "unit": "m²",
                    **common,
                },
            },
            {
                "type": "scenario",
                "id": _bench_id(f"scenario/{copy}"),
                "value": {
                    "situation": "<p>Au salon, un dirigeant vous dit qu'il cherche 3 000 m² "
                    "près d'une gare pour un site de 40 personnes d'ici un an.</p>",
                    "prompt": f"<p>Question {copy}.5 : quels signaux retenez-vous ?</p>",
                    "multiple": True,
                    "choices": _bench_choices(f"scenario/{copy}", {1, 3}, 4),
                    "scoring": "all_or_nothing",
                    **common,
                    "points": 2,
                },
            },
        ]
    return questions


def bench_quiz_answers() -> dict[str, list[str]]:
    """The quiz's form data, every question answered right: field ``q-<id>`` → values."""
    data = {}
    for question in bench_quiz_questions():
        value, field = question["value"], f"q-{question['id']}"
        if question["type"] == "true_false":
            data[field] = [value["answer"]]
        elif question["type"] == "numeric":
            data[field] = ["3 050"]
        else:
            data[field] = [c["id"] for c in value["choices"] if c["value"]["correct"]]
    return data


def bench_quiz_ensure(user):
    """The 20-question quiz camille submits again and again: a live step of her course
    "Pitcher le territoire", just before its demo quiz (so that one keeps its place as
    her next step), with no attempt limit, no cooldown and no time limit. She passes it
    once here, through the services, so the steps after it stay open to her. Created,
    or updated, then published: idempotent."""
    from lms.models import CoursePage
    from quizzes import selectors, services
    from quizzes.models import QuizPage, ReviewPolicy

    course = CoursePage.objects.get(slug=BENCH_QUIZ_COURSE)
    quiz = QuizPage.objects.child_of(course).filter(slug=BENCH_QUIZ_SLUG).first()
    fields = {
        "title": BENCH_QUIZ_TITLE,
        "introduction": "<p>Vingt questions pour mesurer la soumission d'une tentative.</p>",
        "estimated_minutes": 10,
        "pass_mark": 70,
        "attempt_limit": 0,
        "cooldown_minutes": 0,
        "time_limit_minutes": None,
        "shuffle_questions": False,
        "shuffle_choices": False,
        "review": ReviewPolicy.FULL,
        "questions": bench_quiz_questions(),
    }
    if quiz is None:
        quiz = course.add_child(instance=QuizPage(slug=BENCH_QUIZ_SLUG, **fields))
    else:
        for name, value in fields.items():
            setattr(quiz, name, value)
    quiz.save_revision().publish()
    demo = QuizPage.objects.child_of(course).filter(slug=DEMO_QUIZ_SLUG).first()
    if demo is not None and quiz.path > demo.path:
        quiz.move(demo, pos="left")
    quiz = QuizPage.objects.get(pk=quiz.pk)

    gate, _progress = selectors.quiz_gate(user=user, quiz=quiz)
    if not gate.allowed:
        raise RuntimeError(f"{AMBASSADOR_EMAIL} may not open {quiz.url}: {gate.reason}")
    if not selectors.quiz_state(user=user, quiz=quiz).passed:
        attempt = services.attempt_start(user=user, quiz=quiz)
        graded, _graded_now = services.attempt_submit(attempt=attempt, data=bench_quiz_answers())
        if not graded.passed:
            raise RuntimeError(f"The bench quiz's answers do not pass it ({graded.percent} %).")
    return quiz

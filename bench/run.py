"""`make bench`: each key page against a bare Wagtail page, same machine, same database,
same user, one run.

Adding a page is one line in `PAGES` below: ``(name, path)``. The name is the page's
key in the table and in `results.json` (short, lowercase, unique); the path is
requested as the signed-in demo ambassador camille@ambassadeurs.example and must
answer 200 to them, both through Django's test client and over HTTP. Paths may rely on
anything `seed_demo` creates (it is deterministic). Nothing else needs to change. A page
that must be seen as the certified demo ambassador certifie@ambassadeurs.example (a
mission they may sign up for) goes in `CERTIFIED_PAGES` instead: same columns, same
baseline, requested with a client (and over HTTP, session cookies) signed in as them.
A staff page of the Wagtail admin (the pipeline of project reports) goes in
`STAFF_PAGES`, requested the same way as responsable@ambassadeurs.example.

Form submissions (POST) are measured too, in process only (`posts`): the bare form POST
(`bench.views`), the baseline of every POST, and the submission of a 20-question quiz
attempt (`prepare.bench_quiz_ensure`), each compared with the bare page and with the
bare form POST.

A run, in order (details and how to read the figures in `bench/README.md`):

1. the database: `bench/bench.sqlite3`, deleted first, or `DATABASE_URL` when set
   (reused: migrated and seeded, never deleted); `migrate`; `seed_demo --scale
   BENCH_SCALE --force`; the bare page (rich text as long as the home page's text,
   the site's `base.html`) published under the home page; the bench's 20-question quiz;
2. response times in process: warm-up rounds, then `BENCH_REPEAT` rounds requesting
   every page and posting every form (the bare ones included) once each, in a new
   random order each round; median and p95 per page, and their ratios to the bare page
   (and, for a POST, to the bare form POST);
3. query counts per page and POST (`CaptureQueriesContext`), and each response's size;
4. throughput over HTTP, pages only: gunicorn on a free 127.0.0.1 port, concurrent
   clients sending signed-in session cookies, `BENCH_SECONDS` per page; requests/s and
   the ratio to the bare page; gunicorn is stopped at the end, also on error, Ctrl-C or
   SIGTERM;
5. the table on stdout (progress on stderr) and `bench/results.json`.

Exits 0 when every request answered as expected (200; 303 for a POST); otherwise it
stops at the first failure with a message and exits non-zero. Timings are never compared with thresholds: read the ratios.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

PAGES: list[tuple[str, str]] = [
    ("home", "/"),
    ("mon_espace", "/mon-espace/"),
    ("catalogue", "/parcours/"),
    ("course", "/parcours/detecter-un-projet/"),
    ("lesson", "/parcours/detecter-un-projet/un-projet-se-voit-avant-de-s-annoncer/"),
    ("quiz", "/parcours/pitcher-le-territoire/quiz-pitcher-la-sarthe/"),
    ("missions", "/missions/"),
    ("report_form", "/signaler/"),
]
"""The measured pages, ``(name, path)``, in the order the table lists them.

The course and the lesson are the demo's first course and its first lesson (lms/demo.py),
which camille, half-way through that course, may open; the lesson uses most block types
(text, headings, an image, a video embed, a key figure, a callout). The quiz is the
demo's quiz of "Pitcher le territoire" (quizzes/demo.py): camille read every lesson of
that course and failed the quiz once, so its page shows her attempt, the attempts left
and the button to try again. The missions are the demo's (briefings/demo.py): camille
holds no badge, so most are locked for her, each card with the badges she lacks and
the courses that lead to them. The report form (`/signaler/`, briefings/report_views.py)
is "Signaler un projet" as camille opens it: every field of the company, the project,
the contact and her side, in fieldsets (her Mes signalements, with the feedback staff
shared on her reports, is a panel of `mon_espace`)."""

CERTIFIED_EMAIL = "certifie@ambassadeurs.example"
"""The certified demo ambassador (three badges) the `CERTIFIED_PAGES` are requested as."""

CERTIFIED_PAGES: list[tuple[str, str]] = [
    ("mission", "/missions/salon-sima-2027-stand-de-la-sarthe/"),
]
"""Pages measured as `CERTIFIED_EMAIL`, listed after `PAGES`. The mission is the demo's
SIMA stand (briefings/demo.py): certifie holds its badge and is not signed up, so the
page shows the whole briefing (pitch cards, key figures, logistics), the seats (full,
with a waiting list) and the sign-up form to join the waiting list."""

STAFF_EMAIL = "responsable@ambassadeurs.example"
"""The demo's *Responsables* member the `STAFF_PAGES` are requested as: she qualifies
project reports and reads every restricted one."""

STAFF_PAGES: list[tuple[str, str]] = [
    ("pipeline", "/admin/signalements/"),
    ("admin_home", "/admin/"),
    ("dashboard", "/admin/tableau-de-bord/"),
]
"""Wagtail admin pages measured as `STAFF_EMAIL`, listed after `CERTIFIED_PAGES`. The
pipeline is the staff's list of project reports (briefings/report_admin.py): its first
page, every sent report of the demo (briefings/report_demo.py: every status, a
restricted one, a duplicate, and a tenth of the generated ambassadors' reports at
scale) with its author, company, status, assignee and next step. The admin home carries
the dashboard's headline panels (home/dashboard_views.py) and the dashboard page every
section, for the default period, with the figures cached as staff see them most of the
time; `bench/dashboard.py` measures them uncached."""

BASELINE = "bare"
"""The name of the bare page in the table and in `results.json`."""

FORM_BASELINE = "form_post"
"""The name of the bare form POST (`bench.views`), the baseline of every POST."""

QUIZ_SUBMIT = "quiz_submit"
"""The name of the submission of the bench's 20-question quiz attempt."""

WARMUP_ROUNDS = 20
"""Untimed rounds (every page once) before timing: caches, templates, connections."""

THROUGHPUT_ROUND_S = 0.5
"""Each page's `BENCH_SECONDS` are split into rounds of about this length (at least
two); the page order is reversed from one round to the next (A B C, C B A, A B C…) so
drift and other processes' bursts touch all pages alike."""

THROUGHPUT_MAX_REQUESTS = 20_000
"""At most this many requests per page and round, however fast the machine."""

HTTP_WARMUP_REQUESTS = 10
"""Untimed requests per client thread and page before the throughput rounds."""

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def env_number(name: str, default: float, kind: type, minimum: float) -> float:
    """The environment variable `name` as `kind` (int or float) at least `minimum`, or
    `default` when unset or empty; exits with a message on any other value."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        sys.exit(f"{name} must be a {kind.__name__} of at least {minimum}, not {raw!r}.")
    return value


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _stop_on_sigterm(signum, frame):
    # Unwind like Ctrl-C does, so every `finally` (gunicorn's stop) runs.
    raise SystemExit(128 + signum)


def main() -> int:
    """Run the benchmark; 0 on success, 1 when a page or the server failed, 130 when
    interrupted. gunicorn is stopped in every case."""
    scale = env_number("BENCH_SCALE", 1000, int, 0)
    repeat = env_number("BENCH_REPEAT", 200, int, 1)
    seconds = env_number("BENCH_SECONDS", 3.0, float, 0.1)
    names = [BASELINE, *(name for name, _path in PAGES + CERTIFIED_PAGES + STAFF_PAGES)]
    if len(set(names)) != len(names):
        sys.exit(f"Page names must be unique and differ from {BASELINE!r}: {names}")

    # Run as `python bench/run.py`: import from the project, not from bench/ itself.
    if sys.path and Path(sys.path[0]).resolve() == BENCH_DIR:
        sys.path[0] = str(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    signal.signal(signal.SIGTERM, _stop_on_sigterm)

    import django

    django.setup()

    from bench.measure import BenchError
    from bench.throughput import ServerError

    try:
        return run(scale=scale, repeat=repeat, seconds=seconds)
    except (BenchError, ServerError) as error:
        print(f"\nbench FAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbench interrupted.", file=sys.stderr)
        return 130


def run(*, scale: int, repeat: int, seconds: float) -> int:
    """Prepare, measure, report (see the module's docstring); raises on any failure."""
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse

    from bench import measure, prepare, report, throughput

    started = time.perf_counter()
    machine = report.machine_info()
    fresh = prepare.database_reset_if_sqlite()
    progress(
        f"Preparing the {'fresh SQLite' if fresh else 'DATABASE_URL'} database: migrate, "
        f"seed_demo --scale {scale} --force, bare page…"
    )
    prepare.database_prepare(scale=scale)
    home_chars = prepare.home_text_length()
    bare = prepare.bare_page_ensure(min_text_length=home_chars)
    user = prepare.ambassador()
    certified = certified_ambassador()
    staff = staff_member()
    bench_quiz = prepare.bench_quiz_ensure(user)
    pages = {
        BASELINE: bare.get_url(),
        **dict(PAGES),
        **dict(CERTIFIED_PAGES),
        **dict(STAFF_PAGES),
    }
    certified_paths = {path for _name, path in CERTIFIED_PAGES}
    staff_paths = {path for _name, path in STAFF_PAGES}
    posts = posts_measured(bench_quiz.url, bare_path=pages[BASELINE])
    progress(f"  ready in {time.perf_counter() - started:.1f} s; bare page at {pages[BASELINE]}")

    client = ClientPerPath(
        measure.signed_in_client(user),
        {
            **{path: measure.signed_in_client(certified) for path in certified_paths},
            **{path: measure.signed_in_client(staff) for path in staff_paths},
        },
    )
    targets: dict[str, measure.Target] = {**pages, **posts}
    progress(
        f"Timing {len(pages)} pages and {len(posts)} POSTs × {repeat}, after "
        f"{WARMUP_ROUNDS} warm-up rounds…"
    )
    timings = measure.time_pages(client, targets, repeat=repeat, warmup=WARMUP_ROUNDS)
    queries = {name: measure.count_queries(client, target) for name, target in targets.items()}
    sizes = {name: measure.response_size(client, target) for name, target in targets.items()}

    cookies = [
        f"{settings.SESSION_COOKIE_NAME}={prepare.session_create(user)}"
        for _ in range(throughput.CLIENTS)
    ]
    certified_cookies = [
        f"{settings.SESSION_COOKIE_NAME}={prepare.session_create(certified)}"
        for _ in range(throughput.CLIENTS)
    ]

    staff_cookies = [
        f"{settings.SESSION_COOKIE_NAME}={prepare.session_create(staff)}"
        for _ in range(throughput.CLIENTS)
    ]

    def cookies_for(path: str) -> list[str]:
        if path in staff_paths:
            return staff_cookies
        return certified_cookies if path in certified_paths else cookies

    connections.close_all()  # the server's workers open their own
    rounds = max(2, round(seconds / THROUGHPUT_ROUND_S))
    progress(
        f"Throughput: gunicorn, {throughput.WORKERS} workers, {throughput.CLIENTS} clients, "
        f"{seconds:g} s per page in {rounds} rounds…"
    )
    rates: dict[str, throughput.Throughput | None] = {
        name: throughput.Throughput(0, 0.0) for name in pages
    }
    with throughput.gunicorn_server() as server:
        throughput.session_check(server, path=reverse("home:mon_espace"), cookie=cookies[0])
        for path in pages.values():
            throughput.measure(
                server,
                path=path,
                cookies=cookies_for(path),
                seconds=seconds,
                max_requests=HTTP_WARMUP_REQUESTS * len(cookies),
            )
        order = list(pages.items())
        for _round in range(rounds):
            for name, path in order:
                rates[name] += throughput.measure(
                    server,
                    path=path,
                    cookies=cookies_for(path),
                    seconds=seconds / rounds,
                    max_requests=THROUGHPUT_MAX_REQUESTS,
                )
            order.reverse()

    data = report.results(
        pages=[
            report.PageResult(
                name=name,
                path=target.label if isinstance(target, measure.Post) else target,
                timing=timings[name],
                queries=queries[name],
                body_bytes=sizes[name],
                throughput=rates.get(name),
                method="POST" if isinstance(target, measure.Post) else "GET",
            )
            for name, target in targets.items()
        ],
        baseline=BASELINE,
        form_baseline=FORM_BASELINE,
        machine=machine,
        run={
            "scale": scale,
            "repetitions": repeat,
            "warmup_rounds": WARMUP_ROUNDS,
            "user": prepare.AMBASSADOR_EMAIL,
            "users": {
                **{name: CERTIFIED_EMAIL for name, _path in CERTIFIED_PAGES},
                **{name: STAFF_EMAIL for name, _path in STAFF_PAGES},
            },
            "bare_page": {
                "home_text_chars": home_chars,
                "bare_text_chars": prepare.text_length(bare.body),
            },
            "posts": {
                FORM_BASELINE: "a 4-field Django form, CSRF-checked, validated, 303",
                QUIZ_SUBMIT: (
                    f"submission of a fully answered {len(prepare.bench_quiz_questions())}-"
                    "question attempt (started untimed just before), 303 to its result"
                ),
            },
            "throughput": {
                "server": "gunicorn",
                "workers": throughput.WORKERS,
                "worker_class": throughput.WORKER_CLASS,
                "clients": throughput.CLIENTS,
                "seconds_per_page": seconds,
                "rounds": rounds,
                "max_requests_per_round": THROUGHPUT_MAX_REQUESTS,
            },
        },
    )
    report.write_results(data)
    print(report.table(data))
    elapsed = time.perf_counter() - started
    print(f"\nWrote {report.RESULTS_PATH.relative_to(ROOT)}; the run took {elapsed:.0f} s.")
    return 0


def certified_ambassador():
    """The certified demo ambassador `CERTIFIED_PAGES` are requested as: an active
    member holding a valid badge, or it fails (the mission page would show a locked
    mission instead)."""
    from bench.measure import BenchError
    from home.models import MembershipStatus, User
    from lms.models import BadgeAward

    user = User.objects.filter(email=CERTIFIED_EMAIL).select_related("ambassador_profile").first()
    profile = getattr(user, "ambassador_profile", None) if user else None
    if profile is None or profile.status != MembershipStatus.ACTIVE:
        raise BenchError(f"{CERTIFIED_EMAIL} is not an active ambassador: did seed_demo run?")
    if not BadgeAward.objects.current().filter(user=user).exists():
        raise BenchError(f"{CERTIFIED_EMAIL} holds no badge: did seed_demo run?")
    return user


def staff_member():
    """The staff member `STAFF_PAGES` are requested as: active, with access to the
    admin and allowed to qualify reports, or it fails (the admin would redirect)."""
    from bench.measure import BenchError
    from briefings.report_selectors import may_manage
    from home.models import User

    user = User.objects.filter(email=STAFF_EMAIL).first()
    if user is None or not user.is_active or not user.is_staff or not may_manage(user):
        raise BenchError(f"{STAFF_EMAIL} may not qualify project reports: did seed_demo run?")
    return user


class ClientPerPath:
    """The test client `measure` drives, sending the GETs of some paths as another
    signed-in user (`others`: path → that user's client) and everything else — the
    other pages, the POSTs, the CSRF cookie — as the default one. The pages stay
    interleaved in one shuffled order, whoever requests them."""

    def __init__(self, default, others: dict):
        self.default = default
        self.others = others

    @property
    def cookies(self):
        return self.default.cookies

    def get(self, path, *args, **kwargs):
        return self.others.get(path, self.default).get(path, *args, **kwargs)

    def post(self, path, *args, **kwargs):
        return self.default.post(path, *args, **kwargs)


def posts_measured(quiz_path: str, *, bare_path: str) -> dict:
    """The measured POSTs: the bare form POST, then the submission of the bench quiz's
    attempt. Before each submission, untimed: "start" is posted (it starts a new
    attempt: the last one is graded) and its redirect gives the attempt's number."""
    from bench import measure, prepare
    from bench.urls import BARE_FORM_PATH
    from bench.views import BARE_FORM_DATA

    answers = prepare.bench_quiz_answers()

    def bare_form(client):
        token = measure.csrf_token(client, bare_path)
        return BARE_FORM_PATH, {**BARE_FORM_DATA, "csrfmiddlewaretoken": token}

    def quiz_submission(client):
        token = measure.csrf_token(client, bare_path)
        start = f"{quiz_path}commencer/"
        started = measure.check_status(
            client.post(start, {"csrfmiddlewaretoken": token}), "POST", start, 303
        )
        attempt_path = started["Location"]  # …/tentative/<n>/
        return f"{attempt_path}envoyer/", {**answers, "csrfmiddlewaretoken": token}

    return {
        FORM_BASELINE: measure.Post(f"POST {BARE_FORM_PATH}", bare_form),
        QUIZ_SUBMIT: measure.Post(f"POST {quiz_path}tentative/<n>/envoyer/", quiz_submission),
    }


if __name__ == "__main__":
    sys.exit(main())

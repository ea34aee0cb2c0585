"""`make bench` (after `bench/run.py`), or `.venv/bin/python bench/dashboard.py`: what the
staff dashboard costs when its figures are NOT cached yet — the first visit after the
cache expired (`bench/run.py` times the pages as staff see them most of the time, with
the figures cached).

On the benchmark's database (`bench/bench.sqlite3`, or `DATABASE_URL`), migrated and
seeded like `bench/run.py` does (`BENCH_SCALE` generated ambassadors, default 1000; the
issue's figure is at 50,000), as responsable@ambassadeurs.example, it:

1. counts the generated ambassadors and the rows the figures read;
2. for each section (`home.dashboard.sections()`), builds its tables for the default
   period and for "since the beginning" `BENCH_DASHBOARD_REPEAT` times (default 5), the
   cache emptied each time: the median, and the number of queries;
3. requests the admin home and the dashboard page with an empty cache, the same number
   of times: the median and the queries, then once warm (cached) for the queries.

Prints the figures and writes `bench/dashboard.json`. Times are read, never asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
STAFF_EMAIL = "responsable@ambassadeurs.example"


def main() -> int:
    if sys.path and Path(sys.path[0]).resolve() == BENCH_DIR:
        sys.path[0] = str(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.measure import signed_in_client
    from bench.prepare import database_prepare
    from briefings.models import ProjectReport, Signup
    from home import dashboard
    from home.models import AmbassadorProfile, MembershipStatus, User
    from lms.models import BadgeAward, StepCompletion
    from quizzes.models import Attempt

    repeat = int(os.environ.get("BENCH_DASHBOARD_REPEAT") or 5)
    scale = int(os.environ.get("BENCH_SCALE") or 1000)
    database_prepare(scale=scale)
    data = {
        "ambassadors": AmbassadorProfile.objects.count(),
        "active_ambassadors": AmbassadorProfile.objects.filter(
            status=MembershipStatus.ACTIVE
        ).count(),
        "step_completions": StepCompletion.objects.count(),
        "attempts": Attempt.objects.count(),
        "awards": BadgeAward.objects.count(),
        "signups": Signup.objects.count(),
        "reports": ProjectReport.objects.exclude(submitted_at=None).count(),
    }
    print(f"Dashboard at scale {scale}: {data}", file=sys.stderr)

    def timed(fn) -> tuple[float, int]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - started
        return elapsed * 1000, len(queries)

    sections = {}
    for period_key in (dashboard.DEFAULT_PERIOD, "all"):
        period = dashboard.preset(period_key)
        for section in dashboard.sections():
            runs = [timed(lambda s=section, p=period: s.build(p)) for _ in range(repeat)]
            sections[f"{section.slug} ({period_key})"] = {
                "median_ms": round(statistics.median(ms for ms, _q in runs), 1),
                "queries": runs[-1][1],
            }

    staff = User.objects.get(email=STAFF_EMAIL)
    client = signed_in_client(staff)
    pages = {}
    for name, path in (("admin_home", "/admin/"), ("dashboard", "/admin/tableau-de-bord/")):

        def get(path=path):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"bench FAILED: GET {path} answered {response.status_code}.")

        get()
        runs = [timed(get) for _ in range(repeat)]
        with CaptureQueriesContext(connection) as warm:
            get()
        pages[name] = {
            "path": path,
            "cold_median_ms": round(statistics.median(ms for ms, _q in runs), 1),
            "cold_queries": runs[-1][1],
            "warm_queries": len(warm),
        }

    results = {"scale": scale, "rows": data, "sections": sections, "pages": pages}
    (BENCH_DIR / "dashboard.json").write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(name) for name in sections)
    print(f"\n{'section (period)':<{width}}  median ms  queries")
    for name, figures in sections.items():
        print(f"{name:<{width}}  {figures['median_ms']:>9}  {figures['queries']:>7}")
    print("\npage        cold median ms  cold queries  warm queries")
    for name, figures in pages.items():
        print(
            f"{name:<11} {figures['cold_median_ms']:>14}  {figures['cold_queries']:>12}  "
            f"{figures['warm_queries']:>12}"
        )
    print("\nWrote bench/dashboard.json.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What a run reports: the machine it ran on, the printed table, and `results.json`.

`results.json` is meant to be committed: stable key order, rounded figures, one key per
line, a trailing newline, written atomically (through `results.json.tmp`).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .measure import Queries, Timing
from .throughput import Throughput

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class PageResult:
    name: str
    path: str
    timing: Timing
    queries: Queries
    body_bytes: int
    throughput: Throughput | None  # None: not measured over HTTP (a POST)
    method: str = "GET"


def _read_first(path: str, prefix: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages, or None where the OS has none."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine_info() -> dict:
    """What the figures depend on besides the code: OS, CPU, memory, and the load now
    (call it before the run: the load at start says whether the machine was quiet)."""
    memory_kb = _read_first("/proc/meminfo", "MemTotal")
    try:
        cpus_available = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus_available = os.cpu_count()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _read_first("/proc/cpuinfo", "model name") or platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "cpus_available": cpus_available,
        "memory_gb": round(int(memory_kb.split()[0]) / 1024 / 1024, 1) if memory_kb else None,
        "python": platform.python_version(),
        "load_average_at_start": load_average(),
    }


def software_info() -> dict:
    import django
    import gunicorn
    import wagtail

    return {
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "gunicorn": gunicorn.__version__,
    }


def database_info() -> dict:
    from django.db import connection

    return {
        "vendor": connection.vendor,
        "version": ".".join(str(part) for part in connection.get_database_version()),
        "from_database_url": bool(os.environ.get("DATABASE_URL")),
    }


def git_commit() -> str | None:
    """The checked-out commit, with `-dirty` when the working tree has changes."""
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=RESULTS_PATH.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def page_figures(
    page: PageResult, baseline: PageResult, form_baseline: PageResult | None = None
) -> dict:
    """A page's figures, ratios taken to `baseline` (the bare page): time ratios above 1
    and a requests-per-second ratio below 1 mean slower than the bare page. A POST's
    times are also divided by `form_baseline`'s (the bare form POST); it has no
    throughput figures (None)."""
    figures = {
        "path": page.path,
        "method": page.method,
        "median_ms": round(page.timing.median_ms, 3),
        "p95_ms": round(page.timing.p95_ms, 3),
        "ratio_median": round(page.timing.median_ms / baseline.timing.median_ms, 3),
        "ratio_p95": round(page.timing.p95_ms / baseline.timing.p95_ms, 3),
        "queries": page.queries.count,
        "queries_stable": page.queries.stable,
        "body_bytes": page.body_bytes,
        "requests": None,
        "throughput_seconds": None,
        "requests_per_s": None,
        "ratio_requests_per_s": None,
    }
    if page.throughput is not None and baseline.throughput is not None:
        figures.update(
            requests=page.throughput.requests,
            throughput_seconds=round(page.throughput.seconds, 3),
            requests_per_s=round(page.throughput.requests_per_s, 1),
            ratio_requests_per_s=round(
                page.throughput.requests_per_s / baseline.throughput.requests_per_s, 3
            ),
        )
    if page.method == "POST" and form_baseline is not None:
        figures.update(
            ratio_median_to_form=round(page.timing.median_ms / form_baseline.timing.median_ms, 3),
            ratio_p95_to_form=round(page.timing.p95_ms / form_baseline.timing.p95_ms, 3),
        )
    return figures


def results(
    *,
    pages: list[PageResult],
    baseline: str,
    machine: dict,
    run: dict,
    form_baseline: str | None = None,
) -> dict:
    """The whole of `results.json`: the run's context, then each page's figures.
    `machine` is `machine_info()` taken at the start of the run."""
    by_name = {page.name: page for page in pages}
    forms = by_name.get(form_baseline) if form_baseline else None
    return {
        "schema": SCHEMA_VERSION,
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {**machine, "load_average_at_end": load_average()},
        "software": software_info(),
        "database": database_info(),
        **run,
        "baseline": baseline,
        "form_baseline": form_baseline,
        "pages": {page.name: page_figures(page, by_name[baseline], forms) for page in pages},
    }


def write_results(data: dict, path: Path = RESULTS_PATH) -> None:
    """Write `data` to `path` atomically: readers see the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def table(data: dict) -> str:
    """The printed report: context lines, one row per page, how to read it."""
    machine, database, tp = data["machine"], data["database"], data["throughput"]
    head = (
        f"{'page':<12} {'path':<22} {'median ms':>9} {'p95 ms':>8} {'× med':>6} {'× p95':>6} "
        f"{'queries':>7} {'kB':>6} {'req/s':>7} {'× req/s':>7}"
    )
    rows, post_rows = [], []
    for name, page in data["pages"].items():
        flag = "" if page["queries_stable"] else "~"
        rate, rate_ratio = page["requests_per_s"], page["ratio_requests_per_s"]
        rows.append(
            f"{name:<12} {page['path']:<22} {page['median_ms']:>9.2f} {page['p95_ms']:>8.2f} "
            f"{page['ratio_median']:>6.2f} {page['ratio_p95']:>6.2f} "
            f"{flag + str(page['queries']):>7} {page['body_bytes'] / 1000:>6.1f} "
            + (f"{rate:>7.1f} {rate_ratio:>7.2f}" if rate is not None else f"{'—':>7} {'—':>7}")
        )
        if "ratio_median_to_form" in page and name != data.get("form_baseline"):
            post_rows.append(
                f"  {name}: × med {page['ratio_median_to_form']:.2f}, "
                f"× p95 {page['ratio_p95_to_form']:.2f}"
            )
    lines = [
        f"Database {database['vendor']} {database['version']}, scale {data['scale']}, "
        f"{data['repetitions']} interleaved repetitions after {data['warmup_rounds']} warm-up "
        f"rounds, as {data['user']}.",
        f"{machine['cpus_available']} CPUs ({machine['cpu_model']}), Python {machine['python']}, "
        f"Django {data['software']['django']}, Wagtail {data['software']['wagtail']}; "
        f"load average at start {machine['load_average_at_start']}.",
        "",
        head,
        "-" * len(head),
        *rows,
        "",
        f"Times: in process (Django test client). × = ratio to the '{data['baseline']}' page: "
        "above 1 for times, below 1 for req/s, means slower.",
        f"Throughput: gunicorn {tp['workers']} {tp['worker_class']} workers, {tp['clients']} "
        f"clients on 127.0.0.1, {tp['seconds_per_page']:g} s per page in {tp['rounds']} "
        "rounds (page order reversed each round); POSTs (—) in process only.",
    ]
    if post_rows:
        lines += [
            f"POSTs against the bare form POST '{data['form_baseline']}' (CSRF, a small "
            "form validated, 303):",
            *post_rows,
        ]
    load = machine["load_average_at_start"]
    if load and machine["cpus_available"] and load[0] >= machine["cpus_available"] / 2:
        lines.append(
            f"! The machine was busy before the run (load {load[0]} on "
            f"{machine['cpus_available']} CPUs): times are noisier, ratios less so."
        )
    if any(not page["queries_stable"] for page in data["pages"].values()):
        lines.append("~ the query count varied between requests: the highest is shown.")
    return "\n".join(lines)

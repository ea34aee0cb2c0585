"""The extension points every app plugs into.

`home` imports no other app. Apps that need to add something to what `home` shows or
does register a function in their `wagtail_hooks.py` with Wagtail's hooks registry::

    from wagtail import hooks
    from home import hooks as home_hooks

    @hooks.register(home_hooks.MON_ESPACE_PANELS, order=20)
    def my_courses_panel(request, profile):
        return home_hooks.Panel(
            title=_("My courses"),
            template_name="lms/panels/my_courses.html",
            context={"courses": selectors.courses_for(ambassador=request.user)},
        )

`order` decides the order (lower first); keep a gap of ten between apps
(home 0–9, lms 10–19, quizzes 20–29, briefings 30–39) so later apps can slot in.
Each hook below says what it receives and what it must return. The helpers at the bottom
are the only callers: they run the hooks in order and gather their results.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from wagtail import hooks

MON_ESPACE_PANELS = "ambassadeurs_mon_espace_panels"
"""Panels of Mon espace, the signed-in ambassador's dashboard.

Signature: ``fn(request, profile) -> Panel | None``. Called only for active members.
Return ``None`` to show nothing (no courses yet, feature not relevant). A panel's context
must come from a selector with a fixed number of queries: Mon espace's query count is
pinned in tests and in ``bench/``.
"""

AMBASSADOR_SECTIONS = "ambassadeurs_ambassador_sections"
"""Sections of the staff's page about one ambassador (*fiche ambassadeur*).

Signature: ``fn(request, ambassador) -> Panel | None`` where ``ambassador`` is the
`User`. The request's user is staff; check their permissions before showing anything
restricted (for instance, restricted project reports).
"""

PERSONAL_DATA_EXPORT = "ambassadeurs_personal_data_export"
"""Parts of the personal-data export ("Mes données").

Signature: ``fn(user) -> tuple[str, Any]``: a key naming the part (the app label) and
JSON-serialisable data. Everything the app holds about the person must be there.
"""

ACCOUNT_DELETION = "ambassadeurs_account_deletion"
"""Account deletion: each app anonymises what it holds about the person.

Signature: ``fn(user) -> None``. Runs inside the deletion's transaction, before the user
row is anonymised. Never silently drop the agency's records (a project report stays, its
author becomes anonymous); delete only what is purely personal.
"""

MEMBERSHIP_ENDED = "ambassadeurs_membership_ended"
"""Suspension or leaving: each app releases what the person held.

Signature: ``fn(user, *, status, actor) -> None`` where ``status`` is the new
`MembershipStatus` (``suspended`` or ``left``) and ``actor`` the user who acted (the
person themselves when leaving). Free mission seats (promoting the waitlist), keep the
history. Runs inside the status change's transaction.
"""

MAIN_MENU_ITEMS = "ambassadeurs_main_menu_items"
"""Entries of the site's main navigation (Parcours, Missions, Signaler un projet…).

Signature: ``fn(request) -> MenuItem | None``. Return ``None`` to hide the entry for this
visitor (e.g. reporting is for active ambassadors only). Must not query the database
beyond what the request already holds: it runs on every page.
"""

DEMO_DATA = "ambassadeurs_demo_data"
"""Demo data for ``manage.py seed_demo``.

Signature: ``fn(demo: DemoContext) -> None``. Must be idempotent (running ``seed_demo``
twice creates nothing twice) and fast at scale: ``demo.generated_ids`` lists the
generated ambassadors (up to 50,000) to give a history with bulk operations.
"""

DAILY_WORK = "ambassadeurs_daily_work"
"""Daily work for ``manage.py run_daily``: reminders, expiries, announcements, retention.

Signature: ``fn(*, today: datetime.date) -> int``: returns how many things it did
(emails sent, rows changed), for the command's summary. Must be safe to run twice on the
same day: send dated messages through `home.services.notification_send_once`.
"""


DASHBOARD_SECTIONS = "ambassadeurs_dashboard_sections"
"""Sections of the staff dashboard (the admin home's panels and the reports page).

Signature: ``fn() -> home.dashboard.Section | None``. The section's ``build(period)``
returns its tables from selectors with a fixed number of aggregate queries whatever the
data size, and the same for every member of staff (the figures are cached per period
and language). See `home.dashboard`.
"""

FUNNEL_STAGES = "ambassadeurs_funnel_stages"
"""Stages of the dashboard's funnel, after "active ambassadors".

Signature: ``fn() -> list[home.dashboard.Stage]``. Hook order is stage order (lms:
started a course, certified; briefings: signed up, attended, reported, qualified,
landed). `home` counts all stages in one query.
"""


@dataclass(frozen=True)
class Panel:
    """Something an app adds to a page `home` renders: a titled section whose body is
    the app's own template, rendered with ``context`` (and ``panel`` itself)."""

    title: str
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    slug: str = ""


@dataclass(frozen=True)
class MenuItem:
    """An entry of the main navigation; `match` is the URL prefix that marks it current."""

    label: str
    url: str
    match: str = ""


@dataclass
class DemoContext:
    """What ``seed_demo`` hands to each app's demo data."""

    stdout: TextIO
    scale: int = 0
    generated_ids: list[int] = field(default_factory=list)
    named: dict[str, Any] = field(default_factory=dict)


def _run(hook_name: str, *args, **kwargs) -> list[Any]:
    return [fn(*args, **kwargs) for fn in hooks.get_hooks(hook_name)]


def main_menu_items(request) -> list[MenuItem]:
    return [item for item in _run(MAIN_MENU_ITEMS, request) if item]


def mon_espace_panels(request, profile) -> list[Panel]:
    return [panel for panel in _run(MON_ESPACE_PANELS, request, profile) if panel]


def ambassador_sections(request, ambassador) -> list[Panel]:
    return [panel for panel in _run(AMBASSADOR_SECTIONS, request, ambassador) if panel]


def personal_data_parts(user) -> dict[str, Any]:
    return dict(_run(PERSONAL_DATA_EXPORT, user))


def delete_account_parts(user) -> None:
    _run(ACCOUNT_DELETION, user)


def end_membership_parts(user, *, status, actor) -> None:
    _run(MEMBERSHIP_ENDED, user, status=status, actor=actor)


def demo_data_parts(demo: DemoContext) -> None:
    _run(DEMO_DATA, demo)


def daily_work(*, today: datetime.date) -> list[tuple[str, int]]:
    """Run every app's daily work; return ``(function name, count)`` per hook."""
    results = []
    fn: Callable[..., int]
    for fn in hooks.get_hooks(DAILY_WORK):
        results.append((f"{fn.__module__}.{fn.__name__}", fn(today=today) or 0))
    return results

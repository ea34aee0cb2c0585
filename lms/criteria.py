"""Badge criteria: one table (`BadgeCriterion`), a kind per row, an evaluator per kind.

Each app registers the kinds it knows when it starts (`register`, from its
`AppConfig.ready`): `lms` registers "course completed" here; `quizzes` registers "quiz
passed with at least N %"; later apps add theirs (missions attended, projects
qualified). An evaluator:

- `validate(criterion)` → errors by field name (the admin shows them on the row);
- `evaluate(criteria, user_ids, since)` → the evidence of each criterion met, by
  ``(criterion id, user id)``, in a fixed number of queries whatever the number of
  people (`since`: only what happened from then on counts — a renewal);
- `describe(criterion)` → what to do, for the ambassador's checklist;
- `link(criterion)` → where to do it (a course, a quiz), or "".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

ERROR_KIND = _("Choose a kind of criterion.")
ERROR_COURSE = _("Choose the course to complete.")
ERROR_UNKNOWN_KIND = _("This kind of criterion is not available.")

Evidence = dict  # {"kind", "narrative", "url", "at" (ISO), and what the kind adds}


@dataclass(frozen=True)
class CriterionKind:
    kind: str
    label: str
    validate: Callable[[object], dict[str, str]]
    evaluate: Callable[[list, list[int], datetime.datetime | None], dict[tuple[int, int], Evidence]]
    describe: Callable[[object], str]
    link: Callable[[object], str]


_KINDS: dict[str, CriterionKind] = {}


def register(kind: CriterionKind) -> None:
    """Make a kind available to badges (idempotent: registering again replaces it)."""
    _KINDS[kind.kind] = kind


def kinds() -> dict[str, CriterionKind]:
    return dict(_KINDS)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.kind, kind.label) for kind in _KINDS.values()]


_MISSION_KINDS: list[Callable[[], list[tuple[str, str]]]] = []


def register_mission_kinds(choices: Callable[[], list[tuple[str, str]]]) -> None:
    """The app that knows missions names their kinds, for the criterion's "mission kind"
    select (`lms` knows no mission)."""
    if choices not in _MISSION_KINDS:
        _MISSION_KINDS.append(choices)


def mission_kind_choices() -> list[tuple[str, str]]:
    return [choice for choices in _MISSION_KINDS for choice in choices()]


Unlock = tuple[str, str]  # (what a badge opens, its address)
_UNLOCKS: list[Callable[[list[int]], dict[int, list[Unlock]]]] = []


def register_unlocks(provider: Callable[[list[int]], dict[int, list[Unlock]]]) -> None:
    """An app says what badges open (missions requiring them): `provider(badge_ids)`
    returns ``{badge id: [(title, url), …]}`` in a fixed number of queries."""
    if provider not in _UNLOCKS:
        _UNLOCKS.append(provider)


def unlocks(badge_ids: list[int]) -> dict[int, list[Unlock]]:
    """What each badge opens, for "Mes badges": one call per registered provider."""
    found: dict[int, list[Unlock]] = {}
    for provider in _UNLOCKS:
        for badge_id, items in provider(badge_ids).items():
            found.setdefault(badge_id, []).extend(items)
    return found


def validate(criterion) -> dict[str, str]:
    kind = _KINDS.get(criterion.kind)
    if not criterion.kind:
        return {"kind": str(ERROR_KIND)}
    if kind is None:
        return {"kind": str(ERROR_UNKNOWN_KIND)}
    return kind.validate(criterion)


def describe(criterion) -> str:
    kind = _KINDS.get(criterion.kind)
    return str(kind.describe(criterion)) if kind else criterion.kind


def link(criterion) -> str:
    kind = _KINDS.get(criterion.kind)
    return kind.link(criterion) if kind else ""


def evaluate(
    criteria: Iterable, user_ids: list[int], since: datetime.datetime | None = None
) -> dict[tuple[int, int], Evidence]:
    """The evidence of every criterion met, by (criterion id, user id): one call per kind
    present, whatever the number of criteria and people."""
    by_kind: dict[str, list] = {}
    for criterion in criteria:
        by_kind.setdefault(criterion.kind, []).append(criterion)
    met: dict[tuple[int, int], Evidence] = {}
    # Evidence narratives are part of the award (certificate, Open Badge): in the
    # agency's language, whoever's request or job computes them.
    with translation.override(settings.LANGUAGE_CODE):
        for name, rows in by_kind.items():
            kind = _KINDS.get(name)
            if kind is not None:
                met.update(kind.evaluate(rows, user_ids, since))
    return met


# --- lms's kind: a course completed ------------------------------------------------------

COURSE_COMPLETED = "course_completed"


def _course_validate(criterion) -> dict[str, str]:
    from .models import CoursePage

    page = criterion.target_page
    if page is None or not isinstance(page.specific, CoursePage):
        return {"target_page": str(ERROR_COURSE)}
    return {}


def _course_evaluate(criteria, user_ids, since):
    from .models import CourseCompletion

    courses = {criterion.target_page_id: criterion for criterion in criteria}
    # `since` is not applied: a course is completed once and for good (it cannot be
    # taken again), so a renewal, or a badge earned again after a revocation, asks for
    # fresh quiz passes while the course completion keeps counting.
    completions = CourseCompletion.objects.filter(
        course_id__in=list(courses), user_id__in=user_ids
    ).values_list("course_id", "user_id", "completed_at")
    met = {}
    titles = {c.target_page_id: c.target_page.title for c in criteria if c.target_page_id}
    for course_id, user_id, completed_at in completions:
        for criterion in criteria:
            if criterion.target_page_id == course_id:
                met[(criterion.pk, user_id)] = {
                    "kind": COURSE_COMPLETED,
                    "narrative": str(_("Completed the course “%(title)s”."))
                    % {"title": titles.get(course_id, "")},
                    "course": course_id,
                    "at": completed_at.isoformat(),
                }
    return met


def _course_describe(criterion) -> str:
    title = criterion.target_page.title if criterion.target_page_id else "…"
    return _("Complete the course “%(title)s”") % {"title": title}


def _course_link(criterion) -> str:
    return criterion.target_page.url if criterion.target_page_id else ""


register(
    CriterionKind(
        kind=COURSE_COMPLETED,
        label=_("Course completed"),
        validate=_course_validate,
        evaluate=_course_evaluate,
        describe=_course_describe,
        link=_course_link,
    )
)

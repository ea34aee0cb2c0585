"""The badge criterion missions know: "mission of kind K attended" (at least N times),
so that attending a briefing session or a first trade fair can be required for a badge
(see `lms.criteria`). Registered when the app starts (`apps.py`). Attendance marked by
the staff (`services.attendance_mark`) evaluates the attendees' badges."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lms.criteria import CriterionKind, register, register_mission_kinds, register_unlocks

MISSION_ATTENDED = "mission_attended"

ERROR_MISSION_KIND = _("Choose the kind of mission to attend.")


def _validate(criterion) -> dict[str, str]:
    from .models import MissionKind

    if criterion.mission_kind not in MissionKind.values:
        return {"mission_kind": str(ERROR_MISSION_KIND)}
    return {}


def _evaluate(criteria, user_ids, since):
    """Attended at least N missions of the kind (N = the criterion's number, 1 when
    empty), marked from `since` on; the latest attendance is the evidence. One query."""
    from .models import Signup, SignupStatus

    kinds = {criterion.mission_kind for criterion in criteria}
    rows = (
        Signup.objects.filter(
            status=SignupStatus.ATTENDED, user_id__in=user_ids, mission__kind__in=kinds
        )
        .order_by("status_changed_at")
        .values_list(
            "user_id", "mission__kind", "mission__title", "mission_id", "status_changed_at"
        )
    )
    if since is not None:
        rows = rows.filter(status_changed_at__gte=since)
    attended: dict[tuple[int, str], list] = {}
    for user_id, kind, title, mission_id, at in rows:
        attended.setdefault((user_id, kind), []).append((title, mission_id, at))
    met = {}
    for criterion in criteria:
        needed = criterion.number or 1
        for user_id in user_ids:
            done = attended.get((user_id, criterion.mission_kind), [])
            if len(done) >= needed:
                title, mission_id, at = done[-1]
                met[(criterion.pk, user_id)] = {
                    "kind": MISSION_ATTENDED,
                    "narrative": str(_("Took part in the mission “%(title)s”.")) % {"title": title}
                    if needed == 1
                    else ngettext(
                        "Took part in %(count)s mission, the latest “%(title)s”.",
                        "Took part in %(count)s missions, the latest “%(title)s”.",
                        len(done),
                    )
                    % {"count": len(done), "title": title},
                    "mission": mission_id,
                    "count": len(done),
                    "at": at.isoformat(),
                }
    return met


def _kind_label(criterion) -> str:
    from .models import MissionKind

    try:
        return str(MissionKind(criterion.mission_kind).label).lower()
    except ValueError:
        return "…"


def _describe(criterion) -> str:
    count = criterion.number or 1
    return ngettext(
        "Take part in a mission: %(kind)s",
        "Take part in %(count)s missions: %(kind)s",
        count,
    ) % {"count": count, "kind": _kind_label(criterion)}


def _link(criterion) -> str:
    return f"/missions/?kind={criterion.mission_kind}" if criterion.mission_kind else ""


def _mission_kinds():
    from .models import MissionKind

    return MissionKind.choices


register(
    CriterionKind(
        kind=MISSION_ATTENDED,
        label=_("Missions of a kind attended"),
        validate=_validate,
        evaluate=_evaluate,
        describe=_describe,
        link=_link,
    )
)
register_mission_kinds(_mission_kinds)


def _unlocks(badge_ids):
    """The upcoming live missions each badge is required for (what "Mes badges" says a
    badge unlocks): one light query (titles and paths only: it runs on Mon espace). A
    page's URL reads Wagtail's cached site root paths."""
    from django.db.models import F
    from django.utils import timezone

    from .models import MissionPage

    missions = (
        MissionPage.objects.live()
        .filter(required_badges__in=badge_ids, ends_at__gt=timezone.now())
        .annotate(badge_id=F("required_badges"))
        .only("id", "title", "url_path", "locale_id")
        .order_by("starts_at", "pk")
    )
    found: dict[int, list] = {}
    for mission in missions:
        found.setdefault(mission.badge_id, []).append((mission.title, mission.url))
    return found


register_unlocks(_unlocks)


# --- "N projects qualified" ---------------------------------------------------------------

PROJECTS_QUALIFIED = "projects_qualified"

ERROR_COUNT = _("Say how many qualified projects are needed (at least 1).")


def _projects_validate(criterion) -> dict[str, str]:
    if not criterion.number:
        return {"number": str(ERROR_COUNT)}
    return {}


def _projects_evaluate(criteria, user_ids, since):
    """At least N of the person's reports qualified (first qualified from `since` on);
    the latest is the evidence. One query."""
    from .models import ProjectReport

    rows = (
        ProjectReport.objects.filter(author_id__in=user_ids, qualified_at__isnull=False)
        .order_by("qualified_at")
        .values_list("author_id", "pk", "company_name", "qualified_at")
    )
    if since is not None:
        rows = rows.filter(qualified_at__gte=since)
    qualified: dict[int, list] = {}
    for author_id, pk, company, at in rows:
        qualified.setdefault(author_id, []).append((pk, company, at))
    met = {}
    for criterion in criteria:
        needed = criterion.number or 1
        for user_id in user_ids:
            done = qualified.get(user_id, [])
            if len(done) >= needed:
                pk, company, at = done[-1]
                met[(criterion.pk, user_id)] = {
                    "kind": PROJECTS_QUALIFIED,
                    "narrative": ngettext(
                        "Reported %(count)s project the agency qualified.",
                        "Reported %(count)s projects the agency qualified.",
                        len(done),
                    )
                    % {"count": len(done)},
                    "report": pk,
                    "count": len(done),
                    "at": at.isoformat(),
                }
    return met


def _projects_describe(criterion) -> str:
    count = criterion.number or 1
    return ngettext(
        "Report a project the agency qualifies",
        "Report %(count)s projects the agency qualifies",
        count,
    ) % {"count": count}


register(
    CriterionKind(
        kind=PROJECTS_QUALIFIED,
        label=_("Projects reported and qualified"),
        validate=_projects_validate,
        evaluate=_projects_evaluate,
        describe=_projects_describe,
        link=lambda criterion: "",
    )
)

"""Builders shared by the missions tests: the list at /missions/, missions, a badge and
certified ambassadors holding it."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from briefings.models import (
    MissionIndexPage,
    MissionKind,
    MissionPage,
    Roster,
    SelectionMode,
    Signup,
)
from lms.models import Badge, BadgeAward, BadgeCriterion
from lms.services import recipient_identity
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_catalogue, add_course

DAY = datetime.timedelta(days=1)
_serial = itertools.count(1)

BRIEFING = [
    {"type": "objectives", "value": {"title": "", "items": ["Rencontrer 20 exposants"]}},
    {"type": "key_messages", "value": {"title": "", "items": ["La Sarthe, à 55 min de Paris"]}},
    {
        "type": "pitch_card",
        "value": {"argument": "Foncier disponible", "proof": "120 ha viabilisés", "audience": ""},
    },
    {
        "type": "logistics",
        "value": {
            "title": "Accès",
            "text": "<p>Hall 5, stand B12. Badge exposant à l'accueil.</p>",
        },
    },
    {
        "type": "contact",
        "value": {
            "name": "Julie Martin",
            "role": "Chargée de mission",
            "email": "julie@exemple.fr",
            "phone": "",
        },
    },
]


def add_index(home_page) -> MissionIndexPage:
    existing = MissionIndexPage.objects.first()
    if existing:
        return existing
    return home_page.add_child(instance=MissionIndexPage(title="Missions", slug="missions"))


def add_mission(
    index,
    title: str | None = None,
    *,
    seats: int = 10,
    starts_in: datetime.timedelta = 30 * DAY,
    hours: int = 8,
    kind: str = MissionKind.TRADE_FAIR,
    badges=(),
    briefing=None,
    live: bool = True,
    **fields,
) -> MissionPage:
    """A live mission starting in `starts_in`, lasting `hours`, with `seats`."""
    title = title or f"Salon n°{next(_serial)}"
    starts = fields.pop("starts_at", None) or timezone.now() + starts_in
    fields.setdefault("ends_at", starts + datetime.timedelta(hours=hours))
    fields.setdefault("summary", f"Résumé de « {title} ».")
    fields.setdefault("city", "Paris")
    fields.setdefault("country", "FR")
    fields.setdefault("selection_mode", SelectionMode.FIRST_COME)
    mission = index.add_child(
        instance=MissionPage(
            title=title,
            kind=kind,
            seats=seats,
            starts_at=starts,
            briefing=briefing if briefing is not None else [],
            live=live,
            **fields,
        )
    )
    if badges:
        mission.required_badges.set(badges)
        mission.save()
    return mission


def add_badge(home_page, slug: str = "salon", *, months: int | None = 24) -> Badge:
    """A badge earned by completing a course ("<slug> course")."""
    course = add_course(add_catalogue(home_page), f"Parcours {slug}", lessons=1)
    badge = Badge.objects.create(
        name=f"Ambassadeur {slug}",
        slug=slug,
        description="Description.",
        criteria_narrative="Critères.",
        validity_months=months,
    )
    BadgeCriterion.objects.create(badge=badge, kind="course_completed", target_page=course)
    return badge


def give_badge(user, badge, *, issued=None, expires=None, revoked=False) -> BadgeAward:
    issued = issued or timezone.now() - DAY
    return BadgeAward.objects.create(
        badge=badge,
        user=user,
        issued_at=issued,
        expires_at=expires,
        recipient_salt="sel",
        recipient_hash=recipient_identity(user.email, "sel"),
        evidence=[],
        revoked_at=timezone.now() if revoked else None,
    )


def certified(badge, n: int = 1, **profile):
    """`n` active ambassadors holding a valid `badge`."""
    people = []
    for _i in range(n):
        user = AmbassadorProfileFactory(**profile).user
        if badge is not None:
            give_badge(user, badge)
        people.append(user)
    return people


def add_signup(person, mission, status="confirmed", **fields) -> Signup:
    """A sign-up written directly (no gate, no email), taking the next queue number from
    the mission's roster as the services do."""
    roster, _created = Roster.objects.get_or_create(mission_id=mission.pk)
    roster.last_queue_number += 1
    roster.save(update_fields=["last_queue_number"])
    return Signup.objects.create(
        mission=mission, user=person, status=status, queue_number=roster.last_queue_number, **fields
    )

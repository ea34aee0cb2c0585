"""Demo badges for `seed_demo` (registered through `home.hooks.DEMO_DATA`, after `lms`'s
courses and `quizzes`' quizzes).

- Three badges, one per demo course: the course completed and its quiz passed with a
  minimum score. "Détecteur de projets" and "Ambassadeur pitch" are valid 24 months,
  "Ambassadeur salon" 12 (a trade fair's practice changes from one season to the next).
- `certifie@…` earns the three through `lms.services.badges_evaluate`, like anyone; each
  award is then dated back to its evidence (the quiz passed), except "Détecteur de
  projets", dated back about 23.5 months so that it expires within 30 days (the renewal
  reminders and Mes badges' "expiring soon" have something to show). Its evidence is
  older than the renewal window: evaluating again renews nothing.
- `camille@…` holds none: she read the pitch course's lessons and failed its quiz, so
  "Ambassadeur pitch" is in progress, her checklist showing what is left.
- At scale, the generated ambassadors who meet a badge's criteria get its award,
  evaluated in bulk through the criteria registry and inserted with `bulk_create`
  (salt and recipient hash computed as the service does; no history entry, as for the
  rest of the generated history), dated from their evidence: some have expired.

Idempotent: badges are looked up by slug (an existing badge is left as staff edited
it); the named ambassadors are evaluated (which awards nothing twice) and only the
awards made in this run are dated back; only generated ambassadors without any award
are given some.
"""

from __future__ import annotations

import datetime
import secrets
import time

from django.db import transaction
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Page

from home import hooks as home_hooks

from . import criteria, services
from .demo import DETECT, PITCH, TRADE_FAIR
from .models import (
    CATALOGUE_SLUG,
    Badge,
    BadgeAward,
    BadgeColour,
    BadgeCriterion,
    Competence,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
)

BATCH_SIZE = 2000
CHUNK = 500  # people evaluated at once: below every database's parameter limit

# certifie's "Détecteur de projets" was issued this long ago (a 24-month badge): it
# expires within the renewal window.
EXPIRING_ISSUED_AGO = datetime.timedelta(days=715)

BADGES = [
    {
        "slug": "detecteur-de-projets",
        "name": "Détecteur de projets",
        "colour": BadgeColour.BLUE,
        "validity_months": 24,
        "competences": [DETECT],
        "course": "detecter-un-projet",
        "quiz": "quiz-reperer-et-transmettre",
        "minimum": 80,
        "description": (
            "Repère, dans une conversation ou dans l'actualité économique, les signes qu'une "
            "entreprise prépare une implantation, une extension ou une relocalisation. Sait "
            "poser la question qui confirme le projet et le transmettre à l'agence, vite et "
            "avec l'accord de son contact."
        ),
        "criteria_narrative": (
            "A suivi le parcours « Détecter un projet d'implantation » en entier : les "
            "signaux de croissance et de transformation, la question qui confirme, la "
            "transmission à l'agence dans le respect de la confidentialité. A ensuite réussi "
            "le quiz final avec au moins 80 % des points, sur des cas pratiques où il "
            "fallait reconnaître les signaux, choisir la bonne réaction et les informations "
            "à transmettre."
        ),
    },
    {
        "slug": "ambassadeur-pitch",
        "name": "Ambassadeur pitch",
        "colour": BadgeColour.ORANGE,
        "validity_months": 24,
        "competences": [PITCH],
        "course": "pitcher-le-territoire",
        "quiz": "quiz-pitcher-la-sarthe",
        "minimum": 75,
        "description": (
            "Présente la Sarthe en trois minutes avec des chiffres sourcés et à jour, choisit "
            "les arguments qui parlent à son interlocuteur — dirigeant, investisseur, "
            "chercheur — et répond aux objections courantes sans rien promettre."
        ),
        "criteria_narrative": (
            "A suivi le parcours « Pitcher le territoire en trois minutes » : les chiffres clés "
            "et leurs sources, la structure d'un pitch, les arguments selon le public, les "
            "objections. A réussi le quiz final avec au moins 75 % des points, dont des "
            "questions sur la fiabilité des chiffres et des mises en situation face à un "
            "investisseur."
        ),
    },
    {
        "slug": "ambassadeur-salon",
        "name": "Ambassadeur salon",
        "colour": BadgeColour.GREEN,
        "validity_months": 12,
        "competences": [TRADE_FAIR],
        "course": "representer-sur-un-salon",
        "quiz": "quiz-mission-salon",
        "minimum": 80,
        "description": (
            "Prépare une mission sur un salon professionnel, tient le stand du territoire aux "
            "côtés de l'équipe de l'agence, qualifie les visiteurs en quelques questions et "
            "transmet les projets détectés dans les 48 heures."
        ),
        "criteria_narrative": (
            "A suivi le parcours « Représenter le territoire sur un salon » : la préparation "
            "de la mission, l'accueil et la qualification des visiteurs, le compte rendu. A "
            "réussi le quiz final avec au moins 80 % des points. Valable un an : les salons "
            "et leurs consignes changent d'une saison à l'autre, le badge se renouvelle en "
            "repassant le quiz."
        ),
    },
]


# --- The badges -------------------------------------------------------------------------


def _badge(data: dict, courses: dict[str, CoursePage], competences: dict) -> Badge | None:
    """The badge, created with its criteria the first time (None while its course or
    quiz is missing); found by its slug after that, as staff may have edited it."""
    existing = Badge.objects.filter(slug=data["slug"]).first()
    if existing is not None:
        return existing
    course = courses.get(data["course"])
    quiz = Page.objects.child_of(course).filter(slug=data["quiz"]).first() if course else None
    if course is None or quiz is None:
        return None
    badge = Badge.objects.create(
        name=data["name"],
        slug=data["slug"],
        description=data["description"],
        criteria_narrative=data["criteria_narrative"],
        colour=data["colour"],
        validity_months=data["validity_months"],
    )
    badge.competences.set([competences[name] for name in data["competences"]])
    badge.save()  # a parental many-to-many is written when the badge is saved
    BadgeCriterion.objects.bulk_create(
        [
            BadgeCriterion(badge=badge, kind="course_completed", target_page=course, sort_order=0),
            BadgeCriterion(
                badge=badge,
                kind="quiz_passed",
                target_page=quiz,
                number=data["minimum"],
                sort_order=1,
            ),
        ]
    )
    return badge


# --- The demo ambassadors ---------------------------------------------------------------


def _evidence_time(evidence: list[dict]) -> datetime.datetime | None:
    times = [datetime.datetime.fromisoformat(item["at"]) for item in evidence if item.get("at")]
    return max(times) if times else None


def _shifted(evidence: list[dict], delta: datetime.timedelta) -> list[dict]:
    return [
        {**item, "at": (datetime.datetime.fromisoformat(item["at"]) - delta).isoformat()}
        if item.get("at")
        else item
        for item in evidence
    ]


def _certifie_awards(user, *, since, now) -> int:
    """Evaluate certifie through the service, then date the awards made now back to
    their evidence; "Détecteur de projets" about 23.5 months back, its evidence with it,
    so that it expires within 30 days. Returns the awards made."""
    made = services.badges_evaluate(user=user, now=now)
    made_now = BadgeAward.objects.filter(pk__in=[a.pk for a in made], issued_at__gte=since)
    for award in made_now.select_related("badge"):
        issued = _evidence_time(award.evidence) or award.issued_at
        if award.badge.slug == BADGES[0]["slug"]:
            delta = issued - (now - EXPIRING_ISSUED_AGO)
            award.evidence = _shifted(award.evidence, delta)
            issued -= delta
        award.issued_at = issued
        award.expires_at = services._expiry(award.badge, issued)
        award.save(update_fields=["issued_at", "expires_at", "evidence"])
    return len(made)


# --- The generated ambassadors ----------------------------------------------------------


def _generated_awards(generated_ids: list[int], badges: list[Badge]) -> tuple[int, int]:
    """Awards for the generated ambassadors without any who meet a badge's criteria,
    evaluated in chunks through the registry, inserted in bulk. Returns (people,
    awards)."""
    if not generated_ids or not badges:
        return 0, 0
    # A range rather than `__in`: 50,000 parameters exceed SQLite's limit.
    low, high = min(generated_ids), max(generated_ids)
    in_range = {"user_id__gte": low, "user_id__lte": high}
    wanted = set(generated_ids)
    holders = set(BadgeAward.objects.filter(**in_range).values_list("user_id", flat=True))
    candidates = sorted(
        (
            set(CourseCompletion.objects.filter(**in_range).values_list("user_id", flat=True))
            & wanted
        )
        - holders
    )
    if not candidates:
        return 0, 0
    user_model = BadgeAward._meta.get_field("user").related_model
    emails = dict(user_model.objects.filter(pk__gte=low, pk__lte=high).values_list("pk", "email"))
    rows = [criterion for badge in badges for criterion in badge.criteria.all()]
    awards: list[BadgeAward] = []
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        met = criteria.evaluate(rows, chunk, None)
        for user_id in chunk:
            for badge in badges:
                evidence = [met.get((c.pk, user_id)) for c in badge.criteria.all()]
                if not evidence or not all(evidence):
                    continue
                issued = _evidence_time(evidence)
                salt = secrets.token_hex(16)
                awards.append(
                    BadgeAward(
                        badge=badge,
                        user_id=user_id,
                        issued_at=issued,
                        expires_at=services._expiry(badge, issued),
                        evidence=evidence,
                        recipient_salt=salt,
                        recipient_hash=services.recipient_identity(emails[user_id], salt),
                    )
                )
    BadgeAward.objects.bulk_create(awards, batch_size=BATCH_SIZE)
    return len({award.user_id for award in awards}), len(awards)


# --- The hook ---------------------------------------------------------------------------


@hooks.register(home_hooks.DEMO_DATA, order=30)
def demo_badges(demo: home_hooks.DemoContext) -> None:
    """Three badges on the demo courses, certifie's awards (one expiring soon), camille's
    badge in progress and, at scale, the generated ambassadors' awards."""
    since = now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        catalogue = CourseIndexPage.objects.filter(slug=CATALOGUE_SLUG).first()
        courses = {
            course.slug: course
            for course in (
                CoursePage.objects.child_of(catalogue) if catalogue else CoursePage.objects.none()
            )
        }
        competences = {c.name: c for c in Competence.objects.all()}
        badges = [
            badge
            for badge in (_badge(data, courses, competences) for data in BADGES)
            if badge is not None
        ]
        badges = list(
            Badge.objects.filter(pk__in=[b.pk for b in badges]).prefetch_related(
                services._criteria_prefetch()
            )
        )
        certifie, camille = demo.named.get("certifie"), demo.named.get("camille")
        named = 0
        if certifie is not None:
            named += _certifie_awards(certifie, since=since, now=now)
        if camille is not None:
            named += len(services.badges_evaluate(user=camille, now=now))
        people, awards = _generated_awards(demo.generated_ids, badges)
    seconds = time.perf_counter() - started
    demo.stdout.write(
        f"badges: {len(badges)} badges; {named} awards for the demo ambassadors; {awards:,} "
        f"awards for {people:,} generated ambassadors ({seconds:.1f} s).\n"
    )

"""Demo missions for `seed_demo` (registered through `home.hooks.DEMO_DATA` at order 35,
after `lms`'s badges at 30).

- The list of missions at `/missions/` and five missions in French, dated from today so
  the demo stays fresh: a stand at SIMA (trade fair, "Ambassadeur salon" required, full
  with a waiting list), a German investors' delegation in Le Mans ("Ambassadeur pitch",
  selected by the staff: sign-ups pending), a promotion evening in Montréal (local time,
  English wanted, "Ambassadeur pitch"), a briefing session open to all, and one past
  evening in Paris whose attendance the staff marked (certifie came, one no-show).
  Each mission's briefing has objectives, key messages, pitch cards, key figures,
  logistics and a contact.
- The other participants are the club's "salon team": six active ambassadors whom the
  staff trained in person and awarded "Ambassadeur salon" by hand (three also
  "Ambassadeur pitch"), through `lms.services.badge_award`, dated months back. Without
  them the default demo (no `--scale`) would have nobody but certifie holding a badge,
  and no waiting list to show. `certifie@…` took part in the past mission and is left
  free to sign up for the upcoming ones (the journey the demo is for: SIMA puts them on
  the waiting list, the delegation makes them wait for the staff's selection, the
  others confirm them at once); `camille@…` holds no badge, so SIMA is locked for her and shows the
  courses that lead to the badge.
- Sign-ups are made as `services.signup_create` makes them — under the roster's lock,
  queue numbers drawn from the roster, confirmed while seats remain and nobody waits,
  then waitlisted, pending when the staff select, only for people who pass the gate's
  lasting conditions (`selectors.still_eligible`), each logged on the mission — but
  without the emails: seeding a demo must not announce sign-ups to anyone, nor ask the
  gate's sign-up window, which past sign-ups are no longer in. Attendance goes through
  `services.attendance_mark`.
- With `--scale N`, generated active ambassadors fill the briefing session until four
  seats are left (a few dozen rows, one insert), and the club gets a year of history
  (`HISTORY`): about one or two missions a month over the last twelve months — trade
  fairs, delegations, evenings abroad, briefing sessions, webinars — and two upcoming
  ones, their seats growing with the scale. The generated active ambassadors who held
  the mission's required badges when they signed up (or anyone, for a mission open to
  all) signed up before it started: past missions show who attended, some no-shows,
  some cancellations (and, where the staff select, some declined); the upcoming trade
  fair is full with a waiting list, the webinar confirms everyone. Inserted with
  `bulk_create`, queue numbers drawn from each roster, without history entries or
  emails, as for the rest of the generated history.

Idempotent: the list and the missions are looked up by slug (a mission staff edited is
left as it is) and sign-ups are made only for missions created in this run; the team's
accounts and awards are made once; the briefing session takes generated sign-ups only
while it has more than four free seats; a history mission takes generated sign-ups
only up to its target (drawn once from its slug), from people not signed up for it yet:
running again, or at a larger scale, completes it without signing anyone up twice.
"""

from __future__ import annotations

import datetime
import random
import time
import zoneinfo

from django.db import transaction
from django.utils import timezone
from wagtail import hooks

from home import hooks as home_hooks
from home.models import AmbassadorProfile, HomePage, MembershipStatus, Sector, TerritoryLink, User
from lms import services as lms_services
from lms.demo import _fr
from lms.models import Badge, BadgeAward

from . import selectors, services
from .models import (
    INDEX_SLUG,
    MissionIndexPage,
    MissionKind,
    MissionPage,
    Roster,
    SelectionMode,
    Signup,
    SignupStatus,
)

DOMAIN = "ambassadeurs.example"
SALON, PITCH = "ambassadeur-salon", "ambassadeur-pitch"
AGENCY_EMAIL = "ambassadeurs@sarthe-developpement.example"
FREE_SEATS_LEFT = 4  # the briefing session at scale: nearly full

INDEX_TITLE = "Missions"
INDEX_INTRODUCTION = (
    "<p>Salons, délégations d'investisseurs, opérations de promotion : les missions "
    "de prospection sont ouvertes aux ambassadeurs formés. Chaque mission dit ce qu'il "
    "faut pour s'y inscrire ; les badges qui manquent s'obtiennent dans les "
    '<a href="/parcours/">parcours</a>.</p>'
)

# (first name, last name, profile, badges with how many days ago they were awarded)
TEAM = [
    (
        "Sophie",
        "Lemaire",
        {
            "territory_link": TerritoryLink.NATIVE,
            "organisation": "Lemaire Agro",
            "role": "Directrice export",
            "sector": Sector.AGRIFOOD,
            "city": "Le Mans",
            "country": "FR",
            "languages": ["fr", "en"],
        },
        {SALON: 120, PITCH: 150},
    ),
    (
        "Julien",
        "Moreau",
        {
            "territory_link": TerritoryLink.NATIVE,
            "organisation": "Moreau Plasturgie",
            "role": "Directeur commercial",
            "sector": Sector.INDUSTRY,
            "city": "Sablé-sur-Sarthe",
            "country": "FR",
            "languages": ["fr", "en", "de"],
        },
        {SALON: 120, PITCH: 150},
    ),
    (
        "Claire",
        "Fontaine",
        {
            "territory_link": TerritoryLink.HEART,
            "organisation": "Fontaine & Associés",
            "role": "Consultante en implantation",
            "sector": Sector.FINANCE,
            "city": "Paris",
            "country": "FR",
            "languages": ["fr", "en"],
        },
        {SALON: 120},
    ),
    (
        "Antoine",
        "Garnier",
        {
            "territory_link": TerritoryLink.HEART,
            "organisation": "Garnier Logistique",
            "role": "Dirigeant",
            "sector": Sector.LOGISTICS,
            "city": "Nantes",
            "country": "FR",
            "languages": ["fr"],
        },
        {SALON: 110},
    ),
    (
        "Émilie",
        "Rousseau",
        {
            "territory_link": TerritoryLink.NATIVE,
            "organisation": "Rousseau Bio",
            "role": "Responsable commerciale",
            "sector": Sector.AGRIFOOD,
            "city": "Lyon",
            "country": "FR",
            "languages": ["fr", "en", "es"],
        },
        {SALON: 110},
    ),
    (
        "Nicolas",
        "Besnard",
        {
            "territory_link": TerritoryLink.HEART,
            "organisation": "Besnard Innovation inc.",
            "role": "Fondateur",
            "sector": Sector.DIGITAL,
            "city": "Montréal",
            "country": "CA",
            "languages": ["fr", "en"],
        },
        {SALON: 100, PITCH: 130},
    ),
]
AWARD_NOTE = (
    "Formé·e en présentiel lors de l'atelier « Tenir le stand de la Sarthe » à Sarthe "
    "Développement, avant l'ouverture du parcours en ligne."
)


def _email(first: str, last: str) -> str:
    return f"{first.lower().replace('é', 'e')}.{last.lower()}@{DOMAIN}"


# --- Briefing blocks (raw StreamField values, as the admin stores them) ------------------


def _objectives(*items: str) -> dict:
    return {"type": "objectives", "value": {"title": "Objectifs", "items": list(items)}}


def _messages(*items: str) -> dict:
    return {"type": "key_messages", "value": {"title": "Messages clés", "items": list(items)}}


def _pitch(argument: str, proof: str, audience: str = "") -> dict:
    return {
        "type": "pitch_card",
        "value": {"argument": argument, "proof": proof, "audience": audience},
    }


def _figure(value: str, label: str, *, source: str = "", date=None, illustrative=False) -> dict:
    return {
        "type": "key_figure",
        "value": {
            "value": value,
            "label": label,
            "source": source,
            "date": date,
            "illustrative": illustrative,
        },
    }


def _logistics(title: str, html: str) -> dict:
    return {"type": "logistics", "value": {"title": title, "text": html}}


def _contact(name: str, role: str, email: str = AGENCY_EMAIL, phone: str = "") -> dict:
    return {
        "type": "contact",
        "value": {"name": name, "role": role, "email": email, "phone": phone},
    }


def _callout(tone: str, title: str, html: str) -> dict:
    return {"type": "callout", "value": {"tone": tone, "title": title, "text": html}}


CONTACT_SALONS = ("Julie Martin", "Chargée de mission salons, Sarthe Développement")
CONTACT_INVEST = ("Marc Delaunay", "Chargé d'affaires internationales, Sarthe Développement")


# --- The missions -------------------------------------------------------------------------


def _at(today: datetime.date, days: int, hour: int, minute: int = 0, zone="Europe/Paris"):
    """`hour:minute` local time `days` after `today`, in `zone`."""
    day = today + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone)
    )


def _missions(today: datetime.date) -> list[dict]:
    """The demo missions, in the order they are created, each with who signs up."""
    sima_starts = _at(today, 40, 9)
    delegation_starts = _at(today, 21, 8, 30)
    montreal_starts = _at(today, 62, 17, 30, "America/Montreal")
    session_starts = _at(today, 10, 18)
    past_starts = _at(today, -21, 18, 30)
    return [
        {
            "slug": "salon-sima-2027-stand-de-la-sarthe",
            "title": "Salon SIMA 2027 — stand de la Sarthe",
            "kind": MissionKind.TRADE_FAIR,
            "summary": (
                "Quatre jours sur le stand de la Sarthe au salon mondial du machinisme "
                "agricole : accueillir les visiteurs, qualifier les projets et présenter "
                "l'écosystème agroéquipement du territoire."
            ),
            "starts_at": sima_starts,
            "ends_at": sima_starts + datetime.timedelta(days=3, hours=9),
            "time_zone": "Europe/Paris",
            "place": "Paris Nord Villepinte, hall 5a, stand F 112",
            "address": "ZAC Paris Nord 2, 93420 Villepinte",
            "city": "Villepinte",
            "country": "FR",
            "seats": 4,
            "signup_closes_at": sima_starts - datetime.timedelta(days=10),
            "cancellation_deadline": sima_starts - datetime.timedelta(days=7),
            "selection_mode": SelectionMode.FIRST_COME,
            "badges": [SALON],
            "languages": ["fr", "en"],
            "sectors": [Sector.AGRIFOOD, Sector.INDUSTRY],
            "contact": CONTACT_SALONS,
            "contact_phone": "+33 2 43 00 12 34",
            # Team members by index: four seated, two on the waiting list.
            "team": [0, 1, 2, 4, 3, 5],
            "signed_days_ago": 12,
            "briefing": [
                _objectives(
                    "Accueillir sur le stand au moins 40 visiteurs qualifiés sur les quatre jours.",
                    "Repérer les industriels de l'agroéquipement qui cherchent un site de "
                    "production ou un partenaire de sous-traitance dans l'Ouest.",
                    "Transmettre chaque projet détecté à l'agence dans les 48 heures.",
                ),
                _messages(
                    "La Sarthe est un territoire de machinisme agricole : on y construit des "
                    "tracteurs depuis plus de soixante ans.",
                    "Paris est à 54 minutes en TGV ; l'A11, l'A28 et l'A81 desservent tout "
                    "l'Ouest.",
                    "L'agence accompagne chaque projet : foncier, recrutement, financements, "
                    "en toute confidentialité.",
                ),
                _pitch(
                    "Un savoir-faire industriel reconnu dans l'agroéquipement",
                    "Le Mans accueille depuis 1961 une grande usine de tracteurs, entourée de "
                    "fournisseurs et de sous-traitants spécialisés.",
                    "un constructeur de machines agricoles",
                ),
                _pitch(
                    "Du foncier prêt à construire près des grands axes",
                    "Plusieurs parcs d'activités viabilisés à moins de dix minutes d'un "
                    "échangeur autoroutier ; l'agence présente les terrains disponibles en "
                    "une semaine.",
                    "un directeur industriel",
                ),
                _figure("54 min", "de Paris en TGV", source="SNCF"),
                _figure(
                    "1 800",
                    "entreprises industrielles",
                    source="CCI Le Mans Sarthe",
                    date="2024-01-01",
                ),
                _logistics(
                    "Sur place",
                    "<p>Rendez-vous chaque matin à 8 h 15 au stand F 112, hall 5a. Le badge "
                    "exposant vous est remis le premier jour à l'accueil du hall. Tenue "
                    "professionnelle ; le polo de la Sarthe est fourni.</p>"
                    "<p>Accès : RER B, gare « Parc des Expositions ». Les frais de transport "
                    "sont remboursés sur justificatif.</p>",
                ),
                _callout(
                    "warning",
                    "Confidentialité",
                    "<p>Ne promettez ni terrain ni aide financière : notez le besoin, "
                    "l'agence répond.</p>",
                ),
                _contact(*CONTACT_SALONS, phone="+33 2 43 00 12 34"),
            ],
        },
        {
            "slug": "delegation-investisseurs-allemands-au-mans",
            "title": "Accueil d'une délégation d'investisseurs allemands au Mans",
            "kind": MissionKind.INVESTOR_WELCOME,
            "summary": (
                "Une délégation de six dirigeants de l'industrie automobile du "
                "Bade-Wurtemberg visite le territoire : une journée pour leur présenter la "
                "Sarthe, ses sites et ses entreprises, en allemand ou en anglais."
            ),
            "starts_at": delegation_starts,
            "ends_at": delegation_starts + datetime.timedelta(hours=8, minutes=30),
            "time_zone": "Europe/Paris",
            "place": "Sarthe Développement, salle du conseil",
            "address": "19 boulevard Paixhans, 72000 Le Mans",
            "city": "Le Mans",
            "country": "FR",
            "seats": 3,
            "signup_closes_at": delegation_starts - datetime.timedelta(days=7),
            "cancellation_deadline": delegation_starts - datetime.timedelta(days=3),
            "selection_mode": SelectionMode.STAFF,
            "badges": [PITCH],
            "languages": ["de", "en"],
            "sectors": [Sector.AUTOMOTIVE, Sector.INDUSTRY],
            "contact": CONTACT_INVEST,
            "contact_phone": "+33 2 43 00 12 40",
            "team": [1, 0],
            "signed_days_ago": 5,
            "briefing": [
                _objectives(
                    "Faire découvrir aux investisseurs deux sites disponibles et trois "
                    "entreprises sous-traitantes.",
                    "Comprendre le projet de chacun : calendrier, surface, emplois.",
                ),
                _messages(
                    "La Sarthe a une culture automobile : le circuit des 24 Heures, ses "
                    "équipementiers et ses écoles d'ingénieurs.",
                    "Les délais d'implantation sont courts : terrains viabilisés, "
                    "interlocuteur unique à l'agence.",
                ),
                _pitch(
                    "Un écosystème de la mobilité autour du circuit des 24 Heures",
                    "Des équipementiers, des bancs d'essai et des formations d'ingénieurs "
                    "spécialisées à quelques kilomètres les uns des autres.",
                    "un investisseur industriel",
                ),
                _figure("3", "sites visités dans la journée", illustrative=True),
                _logistics(
                    "Programme",
                    "<ul><li>8 h 30 : accueil à l'agence, café</li><li>9 h 30 : visite d'un "
                    "parc d'activités</li><li>12 h 30 : déjeuner avec des chefs "
                    "d'entreprise</li><li>14 h 30 : visites d'entreprises</li><li>17 h : "
                    "retour à la gare du Mans</li></ul>",
                ),
                _contact(*CONTACT_INVEST, phone="+33 2 43 00 12 40"),
            ],
        },
        {
            "slug": "operation-de-promotion-a-montreal",
            "title": "Opération de promotion à Montréal — soirée Sarthe-Québec",
            "kind": MissionKind.PROMOTION,
            "summary": (
                "Une soirée de réseautage avec des entreprises québécoises qui préparent "
                "leur arrivée en Europe. Anglais indispensable ; heures de Montréal."
            ),
            "starts_at": montreal_starts,
            "ends_at": montreal_starts + datetime.timedelta(hours=4),
            "time_zone": "America/Montreal",
            "place": "Espace événementiel du Vieux-Port, salle Bonsecours",
            "address": "333, rue de la Commune Ouest, Montréal (Québec)",
            "city": "Montréal",
            "country": "CA",
            "seats": 3,
            "signup_closes_at": montreal_starts - datetime.timedelta(days=14),
            "cancellation_deadline": montreal_starts - datetime.timedelta(days=14),
            "selection_mode": SelectionMode.FIRST_COME,
            "badges": [PITCH],
            "languages": ["en", "fr"],
            "sectors": [Sector.DIGITAL, Sector.HEALTH],
            "contact": CONTACT_INVEST,
            "contact_phone": "+33 2 43 00 12 40",
            "team": [5],
            "signed_days_ago": 3,
            "briefing": [
                _objectives(
                    "Rencontrer une quinzaine de dirigeants québécois du numérique et de la santé.",
                    "Présenter la Sarthe comme porte d'entrée sur le marché européen.",
                ),
                _messages(
                    "Le Mans est à une heure de Paris et de l'aéroport Charles-de-Gaulle.",
                    "Le coût d'implantation y est bien inférieur à celui de la région parisienne.",
                ),
                _pitch(
                    "A gateway to Europe, one hour from Paris",
                    "54 minutes by high-speed train to Paris, direct trains to Charles de "
                    "Gaulle airport.",
                    "a Québec start-up",
                ),
                _figure("6 h", "de décalage horaire avec la France"),
                _logistics(
                    "Sur place",
                    "<p>Accueil à 17 h 30, heure de Montréal. Les billets d'avion sont pris "
                    "par l'agence ; l'hébergement est prévu au Vieux-Montréal.</p>",
                ),
                _contact(*CONTACT_INVEST, phone="+33 2 43 00 12 40"),
            ],
        },
        {
            "slug": "seance-de-briefing-saison-des-salons",
            "title": "Séance de briefing : préparer la saison des salons",
            "kind": MissionKind.BRIEFING_SESSION,
            "summary": (
                "Deux heures pour découvrir le calendrier des salons de l'année, les "
                "consignes du stand et les missions à venir. Ouverte à tous les "
                "ambassadeurs, sans badge."
            ),
            "starts_at": session_starts,
            "ends_at": session_starts + datetime.timedelta(hours=2),
            "time_zone": "Europe/Paris",
            "place": "Sarthe Développement, auditorium",
            "address": "19 boulevard Paixhans, 72000 Le Mans",
            "city": "Le Mans",
            "country": "FR",
            "seats": 30,
            "selection_mode": SelectionMode.FIRST_COME,
            "badges": [],
            "languages": [],
            "sectors": [],
            "contact": CONTACT_SALONS,
            "contact_phone": "+33 2 43 00 12 34",
            "team": [2, 3, 4],
            "signed_days_ago": 6,
            "briefing": [
                _objectives(
                    "Connaître le calendrier des salons et les missions ouvertes.",
                    "Savoir ce que l'agence attend d'un ambassadeur sur un stand.",
                ),
                _messages(
                    "Chaque mission commence par un briefing et se termine par un compte rendu.",
                ),
                _logistics(
                    "Accès",
                    "<p>Tramway T1, arrêt « Préfecture ». Un apéritif suit la séance.</p>",
                ),
                _contact(*CONTACT_SALONS, phone="+33 2 43 00 12 34"),
            ],
        },
        {
            "slug": "rencontres-business-sarthe-a-paris",
            "title": "Rencontres business Sarthe à Paris",
            "kind": MissionKind.PROMOTION,
            "summary": (
                "Une soirée avec des dirigeants franciliens qui envisagent de desserrer "
                "leur activité hors d'Île-de-France."
            ),
            "starts_at": past_starts,
            "ends_at": past_starts + datetime.timedelta(hours=3, minutes=30),
            "time_zone": "Europe/Paris",
            "place": "Hôtel de l'Industrie, salle Lumière",
            "address": "4, place Saint-Germain-des-Prés, 75006 Paris",
            "city": "Paris",
            "country": "FR",
            "seats": 5,
            "selection_mode": SelectionMode.FIRST_COME,
            "badges": [],
            "languages": ["fr"],
            "sectors": [Sector.DIGITAL, Sector.FINANCE],
            "contact": CONTACT_SALONS,
            "contact_phone": "+33 2 43 00 12 34",
            "team": [0, 1, 2],
            "with_certifie": True,
            "signed_days_ago": 35,
            # Attendance by team index (certifie came); Claire Fontaine did not come.
            "no_show": [2],
            "briefing": [
                _objectives("Rencontrer des dirigeants qui cherchent à s'implanter hors de Paris."),
                _messages("Le Mans, c'est Paris à 54 minutes, sans les loyers parisiens."),
                _pitch(
                    "Des bureaux deux fois moins chers qu'en Île-de-France",
                    "Loyers de bureaux neufs au centre du Mans comparés à ceux de la petite "
                    "couronne (exemple donné à titre indicatif).",
                    "un dirigeant parisien",
                ),
                _figure("2×", "moins cher qu'en petite couronne", illustrative=True),
                _logistics("Accès", "<p>Métro Saint-Germain-des-Prés (ligne 4).</p>"),
                _contact(*CONTACT_SALONS, phone="+33 2 43 00 12 34"),
            ],
        },
    ]


# --- Building ------------------------------------------------------------------------------


def _index() -> MissionIndexPage:
    home = HomePage.objects.get()
    index = MissionIndexPage.objects.child_of(home).filter(slug=INDEX_SLUG).first()
    if index is None:
        index = MissionIndexPage(
            title=INDEX_TITLE, slug=INDEX_SLUG, introduction=_fr(INDEX_INTRODUCTION)
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def _team(named: dict, staff, badges: dict[str, Badge], *, now) -> list[User]:
    """The salon team's accounts and hand-awarded badges, made once (the password is
    the demo's: the hash is copied from camille's account, as `home.demo` does)."""
    password = named["camille"].password if "camille" in named else "!"
    people = []
    for first, last, profile, awarded in TEAM:
        user, _created = User.objects.get_or_create(
            email=_email(first, last),
            defaults={"first_name": first, "last_name": last, "password": password},
        )
        AmbassadorProfile.objects.get_or_create(
            user=user, defaults={"status": MembershipStatus.ACTIVE, **profile}
        )
        held = set(
            BadgeAward.objects.current().filter(user=user).values_list("badge__slug", flat=True)
        )
        for slug, days_ago in awarded.items():
            badge = badges.get(slug)
            if badge is None or slug in held:
                continue
            lms_services.badge_award(
                badge=badge,
                user=user,
                actor=staff,
                note=AWARD_NOTE,
                now=now - datetime.timedelta(days=days_ago),
            )
        people.append(user)
    return people


def _mission(
    index: MissionIndexPage, data: dict, badges: dict[str, Badge]
) -> tuple[MissionPage, bool]:
    """The mission, created and published the first time; found by its slug after."""
    existing = MissionPage.objects.child_of(index).filter(slug=data["slug"]).first()
    if existing is not None:
        return existing, False
    contact_name, _role = data["contact"]
    mission = MissionPage(
        title=_fr(data["title"]),
        slug=data["slug"],
        kind=data["kind"],
        summary=_fr(data["summary"]),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        time_zone=data["time_zone"],
        place=data["place"],
        address=data["address"],
        online_url=data.get("online_url", ""),
        city=data["city"],
        country=data["country"],
        seats=data["seats"],
        signup_closes_at=data.get("signup_closes_at"),
        cancellation_deadline=data.get("cancellation_deadline"),
        selection_mode=data["selection_mode"],
        languages=data["languages"],
        sectors=[str(code) for code in data["sectors"]],
        contact_name=contact_name,
        contact_email=AGENCY_EMAIL,
        contact_phone=data["contact_phone"],
        briefing=_fr(data["briefing"]),
    )
    index.add_child(instance=mission)
    mission.required_badges.set([badges[slug] for slug in data["badges"] if slug in badges])
    mission.save_revision().publish()
    return mission, True


def _enrol(mission: MissionPage, people: list[tuple[int, datetime.datetime]], *, log_each=True):
    """Sign `people` ((user id, when), in order) up as `services.signup_create` would
    (see the module's docstring), without emails. Returns the sign-ups made."""
    with transaction.atomic():
        roster = services._lock(mission)
        taken = set(
            Signup.objects.live()
            .filter(mission=mission, user_id__in=[pk for pk, _at in people])
            .values_list("user_id", flat=True)
        )
        eligible = selectors.still_eligible(
            user_ids=[pk for pk, _at in people if pk not in taken],
            mission=mission,
            now=min((at for _pk, at in people), default=timezone.now()),
        )
        seats = selectors.seat_counts([mission.pk], {mission.pk: mission.seats})[mission.pk]
        seated, waiting = seats.seated, seats.waitlisted > 0
        signups = []
        for user_id, at in people:
            if user_id not in eligible:
                continue
            if mission.selection_mode == SelectionMode.STAFF:
                status = SignupStatus.PENDING
            elif seated < mission.seats and not waiting:
                status, seated = SignupStatus.CONFIRMED, seated + 1
            else:
                status, waiting = SignupStatus.WAITLISTED, True
            roster.last_queue_number += 1
            signups.append(
                Signup(
                    mission=mission,
                    user_id=user_id,
                    status=status,
                    queue_number=roster.last_queue_number,
                    listed=True,
                    briefing_acknowledged_at=at if mission.briefing else None,
                    created_at=at,
                    status_changed_at=at,
                )
            )
        Signup.objects.bulk_create(signups)
        roster.save(update_fields=["last_queue_number"])
        if log_each:
            for signup in Signup.objects.filter(
                mission=mission, queue_number__in=[s.queue_number for s in signups]
            ).select_related("user"):
                services._log(mission, "briefings.signup", actor=signup.user, signup=signup)
    return signups


def _named_signups(mission, data: dict, team: list[User], certifie, staff, *, now) -> int:
    start = now - datetime.timedelta(days=data["signed_days_ago"])
    users = [team[i] for i in data["team"] if i < len(team)]
    if data.get("with_certifie") and certifie is not None:
        users.insert(0, certifie)
    people = [(user.pk, start + datetime.timedelta(hours=5 * n)) for n, user in enumerate(users)]
    made = _enrol(mission, people)
    if "no_show" in data:
        absent = {team[i].pk for i in data["no_show"] if i < len(team)}
        seated = Signup.objects.seated().filter(mission=mission)
        services.attendance_mark(
            mission=mission,
            attended={s.pk: s.user_id not in absent for s in seated},
            actor=staff,
            now=mission.ends_at + datetime.timedelta(hours=14),
        )
    return len(made)


def _generated_signups(mission: MissionPage, generated_ids: list[int], *, now) -> int:
    """Generated active ambassadors fill `mission` until `FREE_SEATS_LEFT` seats are
    left: the first ones by id who have no sign-up for it yet."""
    seats = selectors.seat_counts([mission.pk], {mission.pk: mission.seats})[mission.pk]
    wanted = seats.free - FREE_SEATS_LEFT
    if wanted <= 0 or seats.waitlisted or not generated_ids:
        return 0
    low, high = min(generated_ids), max(generated_ids)
    signed = set(mission.signups.values_list("user_id", flat=True))
    candidates = [
        pk
        for pk in AmbassadorProfile.objects.filter(
            user_id__gte=low, user_id__lte=high, status=MembershipStatus.ACTIVE
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)[: wanted + len(signed)]
        if pk not in signed
    ][:wanted]
    start = now - datetime.timedelta(days=4)
    people = [(pk, start + datetime.timedelta(minutes=17 * n)) for n, pk in enumerate(candidates)]
    return len(_enrol(mission, people, log_each=False))


# --- A year of missions, at scale ---------------------------------------------------------

HISTORY_SEED = 2028
BATCH_SIZE = 2000
# Seats of a history mission: (base, more per thousand generated ambassadors), by kind —
# a stand holds a few, a webinar hundreds.
HISTORY_SEATS = {
    MissionKind.TRADE_FAIR: (6, 0.3),
    MissionKind.INVESTOR_WELCOME: (4, 0.1),
    MissionKind.PROMOTION: (12, 1.5),
    MissionKind.BRIEFING_SESSION: (25, 5),
    MissionKind.WEBINAR: (40, 20),
}
LE_MANS = ("Sarthe Développement, auditorium", "19 boulevard Paixhans, 72000 Le Mans", "Le Mans")
ONLINE = ("En ligne", "", "")
# (slug, title, kind, days from today, city's place, country, time zone, required badges,
# selection, summary). Past ones every two or three weeks over the last year, two to come.
HISTORY = [
    ("salon-global-industrie-lyon", "Salon Global Industrie — stand de la Sarthe",
     MissionKind.TRADE_FAIR, -352, ("Eurexpo, hall 4", "Boulevard de l'Europe, 69680 Chassieu", "Lyon"),
     "FR", "Europe/Paris", [SALON], SelectionMode.FIRST_COME,
     "Quatre jours sur le stand de la Sarthe au rendez-vous de l'industrie française."),
    ("seance-de-briefing-rentree-des-ambassadeurs", "Séance de briefing : la rentrée des ambassadeurs",
     MissionKind.BRIEFING_SESSION, -338, LE_MANS, "FR", "Europe/Paris", [],
     SelectionMode.FIRST_COME, "Les missions de l'année et ce que l'agence attend des ambassadeurs."),
    ("delegation-industriels-japonais", "Accueil d'une délégation d'industriels japonais",
     MissionKind.INVESTOR_WELCOME, -318, ("Abbaye de l'Épau", "Route de Changé, 72530 Yvré-l'Évêque", "Yvré-l'Évêque"),
     "FR", "Europe/Paris", [PITCH], SelectionMode.STAFF,
     "Une journée pour présenter le territoire à six industriels de la mécatronique."),
    ("webinaire-pitcher-la-sarthe", "Webinaire : pitcher la Sarthe en trois minutes",
     MissionKind.WEBINAR, -301, ONLINE, "FR", "Europe/Paris", [], SelectionMode.FIRST_COME,
     "Une heure pour s'entraîner au pitch du territoire avec l'équipe de l'agence."),
    ("soiree-des-ambassadeurs-a-bruxelles", "Soirée des ambassadeurs à Bruxelles",
     MissionKind.PROMOTION, -284, ("Maison de la Sarthe", "Rue de la Loi 42, 1040 Bruxelles", "Bruxelles"),
     "BE", "Europe/Brussels", [PITCH], SelectionMode.FIRST_COME,
     "Une soirée avec des dirigeants belges qui cherchent un pied-à-terre dans l'Ouest."),
    ("salon-space-rennes", "Salon SPACE — stand de la Sarthe",
     MissionKind.TRADE_FAIR, -262, ("Parc des expositions, hall 10", "La Haie Gautrais, 35170 Bruz", "Rennes"),
     "FR", "Europe/Paris", [SALON], SelectionMode.FIRST_COME,
     "Trois jours au salon de l'élevage : l'agroalimentaire sarthois face aux porteurs de projets."),
    ("seance-de-briefing-detecter-les-projets", "Séance de briefing : détecter les projets",
     MissionKind.BRIEFING_SESSION, -243, LE_MANS, "FR", "Europe/Paris", [],
     SelectionMode.FIRST_COME, "Des cas réels de projets détectés par des ambassadeurs, et ce qu'ils sont devenus."),
    ("accueil-investisseurs-quebecois", "Accueil d'investisseurs québécois au Mans",
     MissionKind.INVESTOR_WELCOME, -226, LE_MANS, "FR", "Europe/Paris", [PITCH], SelectionMode.STAFF,
     "Deux jours de visites de sites pour une délégation d'investisseurs du Québec."),
    ("soiree-sarthe-a-londres", "Soirée Sarthe à Londres",
     MissionKind.PROMOTION, -205, ("Institut français", "17 Queensberry Place, London SW7 2DT", "Londres"),
     "GB", "Europe/London", [PITCH], SelectionMode.FIRST_COME,
     "La Sarthe présentée aux entrepreneurs britanniques qui s'implantent en France."),
    ("webinaire-filiere-agroalimentaire", "Webinaire : la filière agroalimentaire sarthoise",
     MissionKind.WEBINAR, -188, ONLINE, "FR", "Europe/Paris", [], SelectionMode.FIRST_COME,
     "Les entreprises, les sites et les formations de l'agroalimentaire en Sarthe."),
    ("salon-pollutec-lyon", "Salon Pollutec — stand de la Sarthe",
     MissionKind.TRADE_FAIR, -170, ("Eurexpo, hall 6", "Boulevard de l'Europe, 69680 Chassieu", "Lyon"),
     "FR", "Europe/Paris", [SALON], SelectionMode.FIRST_COME,
     "Les éco-industries de la Sarthe sur le salon de l'environnement."),
    ("delegation-investisseurs-italiens", "Accueil d'une délégation d'investisseurs italiens",
     MissionKind.INVESTOR_WELCOME, -152, LE_MANS, "FR", "Europe/Paris", [PITCH], SelectionMode.STAFF,
     "Une délégation lombarde de l'emballage et de la plasturgie visite trois parcs d'activités."),
    ("seance-de-briefing-bilan-de-l-annee", "Séance de briefing : le bilan de l'année",
     MissionKind.BRIEFING_SESSION, -134, LE_MANS, "FR", "Europe/Paris", [],
     SelectionMode.FIRST_COME, "Les projets signalés, ceux qui ont abouti, et les missions à venir."),
    ("salon-vivatech-paris", "Salon VivaTech — stand de la Sarthe",
     MissionKind.TRADE_FAIR, -113, ("Paris Expo Porte de Versailles, hall 1", "1 place de la Porte de Versailles, 75015 Paris", "Paris"),
     "FR", "Europe/Paris", [SALON], SelectionMode.FIRST_COME,
     "Le numérique sarthois face aux start-up qui cherchent où grandir."),
    ("soiree-des-ambassadeurs-a-stuttgart", "Soirée des ambassadeurs à Stuttgart",
     MissionKind.PROMOTION, -94, ("Haus der Wirtschaft", "Willi-Bleicher-Straße 19, 70174 Stuttgart", "Stuttgart"),
     "DE", "Europe/Berlin", [PITCH], SelectionMode.FIRST_COME,
     "Les sous-traitants automobiles du Bade-Wurtemberg rencontrent la filière sarthoise."),
    ("webinaire-accueillir-un-congres", "Webinaire : accueillir un congrès en Sarthe",
     MissionKind.WEBINAR, -76, ONLINE, "FR", "Europe/Paris", [], SelectionMode.FIRST_COME,
     "Repérer les associations et les congrès qui pourraient se tenir au Mans."),
    ("rencontres-sarthe-a-barcelone", "Rencontres Sarthe à Barcelone",
     MissionKind.PROMOTION, -55, ("Cambra de Comerç", "Avinguda Diagonal 452, 08006 Barcelona", "Barcelone"),
     "ES", "Europe/Madrid", [PITCH], SelectionMode.FIRST_COME,
     "Une soirée avec des dirigeants catalans de la logistique et de la santé."),
    ("seance-de-briefing-nouveaux-ambassadeurs", "Séance de briefing : bienvenue aux nouveaux ambassadeurs",
     MissionKind.BRIEFING_SESSION, -38, LE_MANS, "FR", "Europe/Paris", [],
     SelectionMode.FIRST_COME, "Le club, l'agence et les premières missions, pour ceux qui arrivent."),
    ("salon-agrifood-nantes", "Salon Agrifood — stand de la Sarthe",
     MissionKind.TRADE_FAIR, 17, ("Parc des expositions de la Beaujoire", "Route de Saint-Joseph, 44300 Nantes", "Nantes"),
     "FR", "Europe/Paris", [SALON], SelectionMode.FIRST_COME,
     "Deux jours sur le stand de la Sarthe au salon de l'agroalimentaire du Grand Ouest."),
    ("webinaire-nouveaux-parcs-d-activites", "Webinaire : les nouveaux parcs d'activités sarthois",
     MissionKind.WEBINAR, 28, ONLINE, "FR", "Europe/Paris", [], SelectionMode.FIRST_COME,
     "Les terrains et les bâtiments disponibles cette année, présentés par l'agence."),
]  # fmt: skip
# How long each kind lasts, and at what local time it starts.
HISTORY_HOURS = {
    MissionKind.TRADE_FAIR: (9, datetime.timedelta(days=2, hours=9)),
    MissionKind.INVESTOR_WELCOME: (9, datetime.timedelta(hours=8)),
    MissionKind.PROMOTION: (18, datetime.timedelta(hours=3, minutes=30)),
    MissionKind.BRIEFING_SESSION: (18, datetime.timedelta(hours=2)),
    MissionKind.WEBINAR: (12, datetime.timedelta(hours=1)),
}
# Upcoming ones: how many sign up for each seat (a trade fair overflows to its waiting
# list, a webinar has room).
UPCOMING_DEMAND = {MissionKind.TRADE_FAIR: 1.3, MissionKind.WEBINAR: 0.55}
SIGNUP_WINDOW = datetime.timedelta(days=42)  # how long before a mission people sign up


def _history_missions(today: datetime.date, scale: int) -> list[dict]:
    """`HISTORY` as `_mission` takes it, dated from `today`, seats for `scale`."""
    missions = []
    for slug, title, kind, days, where, country, zone, badges, selection, summary in HISTORY:
        place, address, city = where
        hour, lasts = HISTORY_HOURS[kind]
        starts = _at(today, days, hour, zone=zone)
        base, per_thousand = HISTORY_SEATS[kind]
        contact = CONTACT_INVEST if kind == MissionKind.INVESTOR_WELCOME else CONTACT_SALONS
        online = kind == MissionKind.WEBINAR
        missions.append(
            {
                "slug": slug,
                "title": title,
                "kind": kind,
                "summary": summary,
                "starts_at": starts,
                "ends_at": starts + lasts,
                "time_zone": zone,
                "place": place,
                "address": address,
                "city": city,
                "country": country,
                "online_url": "https://visio.sarthe-developpement.example/" + slug
                if online
                else "",
                "seats": base + int(per_thousand * scale / 1000),
                "signup_closes_at": starts - datetime.timedelta(days=1) if badges else None,
                "selection_mode": selection,
                "badges": badges,
                "languages": ["fr", "en"] if country != "FR" else [],
                "sectors": [],
                "contact": contact,
                "contact_phone": "+33 2 43 00 12 40" if contact is CONTACT_INVEST else "",
                "briefing": [
                    _objectives(
                        summary, "Transmettre chaque projet détecté à l'agence sous 48 heures."
                    ),
                    _messages(
                        "Paris est à 54 minutes en TGV ; l'A11, l'A28 et l'A81 desservent tout l'Ouest.",
                        "L'agence accompagne chaque projet, en toute confidentialité.",
                    ),
                    _logistics(
                        "Rendez-vous",
                        "<p>Le lien de connexion est envoyé aux participants confirmés.</p>"
                        if online
                        else f"<p>{place}, {address}. Accueil un quart d'heure avant le début.</p>",
                    ),
                    _contact(*contact),
                ],
            }
        )
    return missions


def _valid_between(
    awards: dict, user_id: int, badge_ids: list[int], *, until
) -> datetime.datetime | None:
    """The moment from which `user_id` held every badge of `badge_ids` through `until`
    (each award issued before, not expired by then), or None."""
    since = None
    for badge_id in badge_ids:
        held = [
            issued
            for issued, expires in awards.get((user_id, badge_id), ())
            if issued < until and (expires is None or expires > until)
        ]
        if not held:
            return None
        since = max(since or min(held), min(held))
    return since


def _history_signups(mission: MissionPage, number: int, pool: list[int], awards: dict,
                     badge_ids: list[int], roster, *, now) -> list[Signup]:  # fmt: skip
    """Generated sign-ups for one history mission that has none (see the module's
    docstring): people of `pool` (drawn in an order from the mission's slug) who held
    `badge_ids` when they signed up, up to a target drawn from the slug. No query."""
    rng = random.Random(f"{HISTORY_SEED}/{mission.slug}")
    past = mission.starts_at <= now
    staff_selects = mission.selection_mode == SelectionMode.STAFF
    fill = rng.uniform(0.75, 1.0)
    cancel_share, no_show_share = rng.uniform(0.04, 0.12), rng.uniform(0.05, 0.15)
    if past:
        target = round(mission.seats * fill)
    else:
        target = round(mission.seats * UPCOMING_DEMAND.get(mission.kind, 0.8))
    # Those who cancel or are declined sign up on top of the target.
    wanted = target + round(target * (cancel_share + (0.4 if staff_selects else 0)))
    order = list(pool)
    rng.shuffle(order)
    closes = min(mission.signup_closes, mission.starts_at - datetime.timedelta(hours=2), now)
    opens = mission.starts_at - SIGNUP_WINDOW
    people = []
    for user_id in order:
        if len(people) >= wanted:
            break
        person = random.Random(f"{HISTORY_SEED}/{number}/{user_id}")
        earliest = opens
        if badge_ids:
            since = _valid_between(awards, user_id, badge_ids, until=mission.starts_at)
            if since is None:
                continue
            earliest = max(opens, since + datetime.timedelta(hours=1))
        if earliest >= closes:
            continue
        people.append((earliest + (closes - earliest) * person.random(), user_id, person))
    seated, waiting = 0, False
    people.sort()
    marked = mission.ends_at + datetime.timedelta(hours=15)  # attendance, the next morning
    signups = []
    for at, user_id, person in people:
        draw = person.random()
        changed = at
        if draw < cancel_share:
            status = SignupStatus.CANCELLED
            changed = at + (min(mission.starts_at, now) - at) * person.random()
        elif staff_selects and draw < cancel_share + 0.4:
            status = SignupStatus.DECLINED
            changed = min(at + datetime.timedelta(days=person.uniform(2, 9)), closes)
        elif seated < mission.seats and not waiting:
            seated += 1
            if past:
                status = (
                    SignupStatus.NO_SHOW
                    if person.random() < no_show_share
                    else SignupStatus.ATTENDED
                )
                changed = marked
            else:
                status = SignupStatus.CONFIRMED
        elif past:
            continue  # the waiting list of a past mission: nobody got in, they were not kept
        else:
            status, waiting = SignupStatus.WAITLISTED, True
        roster.last_queue_number += 1
        signups.append(
            Signup(
                mission_id=mission.pk,
                user_id=user_id,
                status=status,
                queue_number=roster.last_queue_number,
                listed=person.random() < 0.7,
                briefing_acknowledged_at=at,
                created_at=at,
                status_changed_at=changed,
            )
        )
    return signups


def _history(index: MissionIndexPage, badges: dict[str, Badge], generated_ids: list[int], *,
             scale: int, now) -> tuple[int, int]:  # fmt: skip
    """The year of missions and their generated sign-ups (see the module's docstring).
    Returns (missions created, sign-ups made). Besides the pages made the first time,
    a fixed number of queries whatever the scale."""
    if not generated_ids:
        return 0, 0
    today = timezone.localdate(now)
    missions, created = [], 0
    for data in _history_missions(today, scale):
        mission, new = _mission(index, data, badges)
        missions.append(mission)
        created += new
    ids = [mission.pk for mission in missions]
    rosters = {
        r.mission_id: r for r in Roster.objects.select_for_update().filter(mission_id__in=ids)
    }
    low, high = min(generated_ids), max(generated_ids)
    pool = sorted(
        set(generated_ids).intersection(
            AmbassadorProfile.objects.filter(
                user_id__gte=low, user_id__lte=high, status=MembershipStatus.ACTIVE
            ).values_list("user_id", flat=True)
        )
    )
    awards: dict[tuple[int, int], list] = {}
    for user_id, badge_id, issued, expires in BadgeAward.objects.filter(
        user_id__gte=low, user_id__lte=high, revoked_at__isnull=True
    ).values_list("user_id", "badge_id", "issued_at", "expires_at"):
        awards.setdefault((user_id, badge_id), []).append((issued, expires))
    required: dict[int, list[int]] = {}
    for mission_id, badge_id in MissionPage.required_badges.through.objects.filter(
        missionpage_id__in=ids
    ).values_list("missionpage_id", "badge_id"):
        required.setdefault(mission_id, []).append(badge_id)
    # Missions that have sign-ups already (an earlier run) are left as they are.
    signed = set(
        Signup.objects.filter(mission_id__in=ids).values_list("mission_id", flat=True).distinct()
    )
    signups = []
    for number, mission in enumerate(missions):
        roster = rosters.get(mission.pk) or Roster.objects.create(mission_id=mission.pk)
        rosters[mission.pk] = roster
        if mission.pk not in signed:
            badge_ids = required.get(mission.pk, [])
            signups += _history_signups(mission, number, pool, awards, badge_ids, roster, now=now)
        if roster.announced_at is None:  # told of it when it opened: run_daily leaves it
            roster.announced_at = min(mission.starts_at - SIGNUP_WINDOW, now)
    Signup.objects.bulk_create(signups, batch_size=BATCH_SIZE)
    Roster.objects.bulk_update(rosters.values(), ["last_queue_number", "announced_at"])
    return created, len(signups)


@hooks.register(home_hooks.DEMO_DATA, order=35)
def demo_missions(demo: home_hooks.DemoContext) -> None:
    """The list of missions, five missions with their briefings, the salon team and
    their sign-ups, the past mission's attendance and, at scale, a nearly full briefing
    session."""
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    created = signups = 0
    with transaction.atomic():
        badges = {badge.slug: badge for badge in Badge.objects.filter(slug__in=[SALON, PITCH])}
        staff = demo.named.get("equipe")
        team = _team(demo.named, staff, badges, now=now)
        index = _index()
        session = None
        for data in _missions(today):
            mission, new = _mission(index, data, badges)
            if data["kind"] == MissionKind.BRIEFING_SESSION:
                session = mission
            if not new:
                continue
            created += 1
            signups += _named_signups(
                mission, data, team, demo.named.get("certifie"), staff, now=now
            )
        if session is not None:
            signups += _generated_signups(session, demo.generated_ids, now=now)
        history_created, history_signups = _history(
            index, badges, demo.generated_ids, scale=demo.scale, now=now
        )
        created += history_created
        signups += history_signups
    seconds = time.perf_counter() - started
    demo.stdout.write(
        f"missions: {MissionPage.objects.child_of(index).count()} missions ({created} created); "
        f"{signups} sign-ups ({seconds:.1f} s).\n"
    )

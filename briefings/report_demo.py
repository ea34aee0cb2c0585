"""Demo project reports for `seed_demo` (registered through `home.hooks.DEMO_DATA` at
order 36, after the missions' demo at 35: the past mission and the salon team exist).

- The past mission ("Rencontres business Sarthe à Paris", attended by certifie, Sophie
  Lemaire and Julien Moreau) has two debriefs — certifie's and Sophie Lemaire's — and
  three reports pre-tagged with it: certifie's Hexaform Composites (qualified, with
  feedback), certifie's Orbis Ingénierie (being qualified) and Sophie Lemaire's "Groupe
  Hexaform", the same company by its website's domain: flagged as a likely duplicate
  when it was sent, then closed as a duplicate.
- Reports at every other status, from certifie, camille and the salon team, sent over
  the last months: NordLicht Batterien GmbH (restricted, assigned to
  `responsable@…`: `equipe@…` sees that it exists, not what it says; accompanied),
  Atelier Ferrand Emballages (landed; its reporter declared a conflict of interest),
  Maple Agritech Inc. (dormant), Biolume Diagnostics (lost), Cloudroute Logistique
  (out of scope), the European Mechatronics Association's congress (just received),
  and camille's draft, which stays hers, outside the pipeline.
- Feedback exchanged (`ReportNote` shared with the ambassador) and internal notes;
  assignees and next steps.

Sending, moves and assignments go through `report_services` (`report_send`,
`report_move`, `report_assign`), dated in the past (`now=`), and each of their log
entries is dated back to the same moment, so the history reads as the staff lived it.
Notes are written as `report_services.note_add` writes them (the note, then its log
entry) but without the feedback email: seeding a demo must email nobody (the missions'
demo sends no sign-up email either), and `note_add` takes no date.

- With `--scale N`, the generated active ambassadors' reports, sent over the last
  year: a few outside any mission (more from those who completed a course or attended
  a mission, and more lately: the club grows), and, for a third of those who attended
  a trade fair, a delegation or an evening abroad (briefings/demo.py's history), one
  tagged with the mission, sent in the weeks after it. Each walks the pipeline
  (`PIPELINE`, moves allowed by `REPORT_TRANSITIONS`) from its sending until today, so
  its status fits its age and `qualified_at`, `closed_at` and `status_changed_at` are
  the dates of its moves; one in nine is restricted (assigned to a manager). Inserted
  with `bulk_create`, without history, as for the rest of the generated history.

Idempotent: a named report is looked up by its author and company (a report staff moved
since is left as it is); debriefs by mission and person; a generated report is drawn
from a generator seeded by its author (and its mission) and made only if that author
has none (for that mission) yet: running again, or at a larger scale, adds only the
new ambassadors' reports.
"""

from __future__ import annotations

import datetime
import random
import time

from django.db import transaction
from django.utils import timezone
from wagtail import hooks
from wagtail.models import ModelLogEntry

from home import hooks as home_hooks
from home.models import AmbassadorProfile, MembershipStatus, Sector, User
from lms.models import CourseCompletion

from . import report_services
from .demo import TEAM, _email
from .models import (
    CLOSED_REPORT_STATUSES,
    CompanySize,
    Confidentiality,
    Debrief,
    Horizon,
    MissionKind,
    MissionPage,
    ProjectReport,
    ProjectStage,
    ProjectType,
    ReportNote,
    ReportStatus,
    Signup,
    SignupStatus,
)

PAST_MISSION = "rencontres-business-sarthe-a-paris"
BATCH_SIZE = 2000

# The salon team by first name (briefings/demo.py's TEAM).
TEAM_EMAILS = {first: _email(first, last) for first, last, _profile, _badges in TEAM}

DEBRIEFS = [
    {
        "who": "certifie",
        "days_ago": 20,
        "how_it_went": (
            "Très bonne soirée, une quarantaine de dirigeants présents. L'argument du "
            "TGV (Paris à 54 minutes) fait mouche à chaque fois ; le coût des bureaux "
            "aussi. Plusieurs personnes connaissaient déjà les 24 Heures, ce qui ouvre "
            "la conversation. Il manquait une fiche sur les parcs d'activités à remettre "
            "en main propre."
        ),
        "contacts_met": (
            "Mathieu Roussel, directeur industriel d'Hexaform Composites (pièces "
            "composites pour l'aéronautique) ; Aurélie Chassagne, DG d'Orbis Ingénierie "
            "(bureau d'études, 180 personnes) ; deux cabinets de conseil sans projet "
            "d'implantation."
        ),
    },
    {
        "who": "Sophie",
        "days_ago": 19,
        "how_it_went": (
            "Soirée utile. J'ai surtout parlé agroalimentaire, mais le contact le plus "
            "prometteur est un industriel des composites qui cherche un second site."
        ),
        "contacts_met": "Le président du groupe Hexaform ; une start-up de la foodtech.",
    },
]

# Each report: its author ("certifie", "camille" or a salon team member's first name),
# whether it comes from the past mission, when it was written and sent (days ago; a
# draft is never sent), what the author filled in, then the staff's steps in order:
# (days ago, "move", status, reason), (days ago, "assign", staff, assignee, next step,
# next step in days from today), (days ago, "note" or "feedback", staff, text).
REPORTS = [
    {
        "author": "camille",
        "sent_days_ago": 150,
        "data": {
            "company_name": "Atelier Ferrand Emballages",
            "company_country": "FR",
            "company_website": "https://www.ferrand-emballages.fr",
            "company_sector": Sector.INDUSTRY,
            "company_size": CompanySize.MEDIUM,
            "project_type": ProjectType.EXTENSION,
            "description": (
                "Le fabricant d'emballages alimentaires thermoformés veut une seconde ligne "
                "de production : son site de Chartres est saturé et ne peut pas s'étendre."
            ),
            "jobs_expected": 35,
            "premises_needs": "Un bâtiment industriel de 4 000 m² ou un terrain de 2 ha.",
            "horizon": Horizon.ONE_YEAR,
            "stage": ProjectStage.SEARCHING,
            "competing_territories": "Eure-et-Loir, Loiret",
            "contact_name": "Benoît Ferrand",
            "contact_role": "Président",
            "contact_email": "b.ferrand@ferrand-emballages.fr",
            "contact_phone": "+33 2 37 00 45 12",
            "contact_agreed": True,
            "source": (
                "Durand Mécanique usine leurs moules : Benoît Ferrand m'en a parlé lors "
                "d'une revue de commande."
            ),
            "conflict_of_interest": True,
            "conflict_details": (
                "Ferrand est client de Durand Mécanique, l'entreprise que je dirige."
            ),
        },
        "steps": [
            (148, "move", "equipe", ReportStatus.QUALIFYING, ""),
            (147, "assign", "equipe", "equipe", "Appeler Benoît Ferrand", None),
            (
                146,
                "note",
                "equipe",
                "Conflit d'intérêts déclaré : Camille ne participe pas aux échanges "
                "commerciaux avec Ferrand. Rien qui empêche de suivre le projet.",
            ),
            (140, "move", "equipe", ReportStatus.QUALIFIED, ""),
            (
                139,
                "feedback",
                "equipe",
                "Merci Camille ! Nous avons eu Benoît Ferrand au téléphone : le projet est "
                "sérieux et le calendrier tient. Nous lui présentons trois sites le mois "
                "prochain.",
            ),
            (110, "move", "equipe", ReportStatus.ACCOMPANIED, ""),
            (
                45,
                "move",
                "equipe",
                ReportStatus.LANDED,
                "Bail signé pour un bâtiment de 4 200 m² sur le parc Novaxis (Le Mans). "
                "35 emplois d'ici dix-huit mois.",
            ),
            (
                44,
                "feedback",
                "equipe",
                "C'est fait : Ferrand s'installe sur le parc Novaxis, 35 emplois prévus. "
                "Votre signalement est à l'origine du projet, un grand merci !",
            ),
        ],
    },
    {
        "author": "certifie",
        "sent_days_ago": 120,
        "data": {
            "company_name": "NordLicht Batterien GmbH",
            "company_country": "DE",
            "company_website": "https://www.nordlicht-batterien.de",
            "company_sector": Sector.AUTOMOTIVE,
            "company_size": CompanySize.LARGE,
            "project_type": ProjectType.IMPLANTATION,
            "description": (
                "Assemblage de modules de batteries pour véhicules utilitaires : le groupe "
                "cherche un premier site en France, proche de ses clients constructeurs de "
                "l'Ouest. Projet non annoncé, même en interne."
            ),
            "jobs_expected": 220,
            "premises_needs": "Terrain de 12 ha raccordable en haute tension.",
            "horizon": Horizon.TWO_YEARS,
            "stage": ProjectStage.SHORTLIST,
            "competing_territories": "Vendée, Maine-et-Loire, région de Tours",
            "contact_name": "Dr. Katrin Vogel",
            "contact_role": "Directrice du développement industriel",
            "contact_email": "k.vogel@nordlicht-batterien.de",
            "contact_agreed": True,
            "source": (
                "Cliente de Benali Conseil à Stuttgart ; elle m'a demandé de lui trouver "
                "des interlocuteurs discrets en France."
            ),
            "confidentiality": Confidentiality.RESTRICTED,
        },
        "steps": [
            (119, "assign", "responsable", "responsable", "Rendez-vous à Stuttgart", None),
            (118, "move", "responsable", ReportStatus.QUALIFYING, ""),
            (
                117,
                "note",
                "responsable",
                "Confidentiel : ne rien dire au conseil d'administration avant la visite. "
                "Le foncier de 12 ha existe sur deux zones ; RTE à consulter.",
            ),
            (100, "move", "responsable", ReportStatus.QUALIFIED, ""),
            (
                99,
                "feedback",
                "responsable",
                "Merci Karim. Le rendez-vous à Stuttgart s'est très bien passé : le "
                "projet est réel et la Sarthe est dans la liste courte.",
            ),
            (70, "move", "responsable", ReportStatus.ACCOMPANIED, ""),
            (
                69,
                "assign",
                "responsable",
                "responsable",
                "Visite des deux terrains avec la délégation",
                12,
            ),
            (
                68,
                "feedback",
                "responsable",
                "Nous accompagnons désormais NordLicht : visite des terrains prévue "
                "prochainement. Nous vous tiendrons au courant.",
            ),
        ],
    },
    {
        "author": "Nicolas",
        "sent_days_ago": 95,
        "data": {
            "company_name": "Maple Agritech Inc.",
            "company_country": "CA",
            "company_website": "https://mapleagritech.ca",
            "company_sector": Sector.AGRIFOOD,
            "company_size": CompanySize.SMALL,
            "project_type": ProjectType.IMPLANTATION,
            "description": (
                "Capteurs connectés pour l'élevage laitier. L'entreprise veut une filiale "
                "européenne avec un petit atelier d'assemblage et une équipe commerciale."
            ),
            "jobs_expected": 12,
            "premises_needs": "Bureaux et 300 m² d'atelier.",
            "horizon": Horizon.LATER,
            "stage": ProjectStage.STUDY,
            "competing_territories": "Bretagne, Pays-Bas",
            "contact_name": "Geneviève Tremblay",
            "contact_role": "Cofondatrice",
            "contact_email": "gtremblay@mapleagritech.ca",
            "contact_agreed": True,
            "source": "Rencontrée à un petit-déjeuner de la chambre de commerce de Montréal.",
        },
        "steps": [
            (93, "move", "equipe", ReportStatus.QUALIFYING, ""),
            (
                90,
                "note",
                "equipe",
                "Levée de fonds en cours ; rien ne se décidera avant sa clôture.",
            ),
            (
                60,
                "move",
                "equipe",
                ReportStatus.DORMANT,
                "La levée de fonds est reportée : le projet européen attend.",
            ),
            (
                59,
                "assign",
                "equipe",
                "equipe",
                "Reprendre contact après la levée de fonds",
                32,
            ),
            (
                58,
                "feedback",
                "equipe",
                "Merci Nicolas. Maple Agritech met son projet européen en pause le temps "
                "de sa levée de fonds ; nous les recontacterons dans trois mois.",
            ),
        ],
    },
    {
        "author": "camille",
        "sent_days_ago": 80,
        "data": {
            "company_name": "Biolume Diagnostics",
            "company_country": "FR",
            "company_website": "https://biolume-diagnostics.com",
            "company_sector": Sector.HEALTH,
            "company_size": CompanySize.SMALL,
            "project_type": ProjectType.RESEARCH,
            "description": (
                "Un laboratoire de tests diagnostiques par bioluminescence cherche où "
                "installer son centre de R&D, près d'une université et d'un hôpital."
            ),
            "jobs_expected": 25,
            "premises_needs": "800 m² de laboratoires L2.",
            "horizon": Horizon.SIX_MONTHS,
            "stage": ProjectStage.SHORTLIST,
            "competing_territories": "Rennes, Angers",
            "source": "Un ancien camarade de promotion y est directeur financier.",
        },
        "steps": [
            (79, "move", "equipe", ReportStatus.QUALIFYING, ""),
            (74, "move", "equipe", ReportStatus.QUALIFIED, ""),
            (73, "assign", "equipe", "equipe", "Proposer une visite du Mans Innovation", None),
            (
                30,
                "move",
                "equipe",
                ReportStatus.LOST,
                "Biolume a choisi Rennes, pour la proximité de son principal partenaire "
                "hospitalier.",
            ),
            (
                29,
                "feedback",
                "equipe",
                "Biolume a finalement choisi Rennes, où se trouve son partenaire "
                "hospitalier. Le dossier était solide : merci Camille, et n'hésitez pas à "
                "nous en signaler d'autres.",
            ),
            (
                29,
                "note",
                "equipe",
                "À retenir : nos laboratoires L2 disponibles sont trop petits pour ce type "
                "de projet.",
            ),
        ],
    },
    {
        "author": "Antoine",
        "sent_days_ago": 50,
        "data": {
            "company_name": "Cloudroute Logistique",
            "company_country": "FR",
            "company_website": "https://cloudroute.fr",
            "company_sector": Sector.LOGISTICS,
            "company_size": CompanySize.MICRO,
            "project_type": ProjectType.OTHER,
            "description": (
                "Une plateforme de courtage de fret qui cherche des transporteurs "
                "partenaires dans l'Ouest."
            ),
            "horizon": Horizon.UNKNOWN,
            "stage": ProjectStage.IDEA,
            "source": "Un message reçu sur LinkedIn.",
        },
        "steps": [
            (
                48,
                "move",
                "equipe",
                ReportStatus.OUT_OF_SCOPE,
                "Ni emploi ni implantation sur le territoire : une recherche de clients.",
            ),
            (
                48,
                "feedback",
                "equipe",
                "Merci Antoine. Cloudroute cherche des clients plutôt qu'un site : ce n'est "
                "pas un projet que l'agence accompagne. Nous leur avons indiqué la "
                "fédération des transporteurs.",
            ),
        ],
    },
    {
        "author": "certifie",
        "mission": True,
        "sent_days_ago": 20,
        "data": {
            "company_name": "Hexaform Composites",
            "company_country": "FR",
            "company_website": "https://www.hexaform.fr",
            "company_sector": Sector.INDUSTRY,
            "company_size": CompanySize.MEDIUM,
            "project_type": ProjectType.RELOCATION,
            "description": (
                "Pièces en composites pour l'aéronautique. L'usine de Gennevilliers est "
                "trop petite et son bail finit dans deux ans : l'entreprise cherche un site "
                "à moins de deux heures de Paris."
            ),
            "jobs_expected": 90,
            "premises_needs": "Bâtiment de 8 000 m² avec une hauteur sous plafond de 10 m.",
            "horizon": Horizon.TWO_YEARS,
            "stage": ProjectStage.SEARCHING,
            "competing_territories": "Orléans, Chartres",
            "contact_name": "Mathieu Roussel",
            "contact_role": "Directeur industriel",
            "contact_email": "m.roussel@hexaform.fr",
            "contact_agreed": True,
            "source": "Rencontré aux Rencontres business Sarthe à Paris.",
        },
        "steps": [
            (18, "move", "equipe", ReportStatus.QUALIFYING, ""),
            (17, "assign", "equipe", "equipe", "Envoyer l'offre foncière", 5),
            (12, "move", "equipe", ReportStatus.QUALIFIED, ""),
            (
                12,
                "note",
                "equipe",
                "Besoin de hauteur sous plafond : seuls deux bâtiments conviennent. "
                "Vérifier les aides à la relocalisation.",
            ),
            (
                11,
                "feedback",
                "equipe",
                "Merci Karim pour ce contact ! Mathieu Roussel confirme le projet : nous "
                "lui envoyons une offre foncière cette semaine.",
            ),
        ],
    },
    {
        "author": "certifie",
        "mission": True,
        "sent_days_ago": 20,
        "data": {
            "company_name": "Orbis Ingénierie",
            "company_country": "FR",
            "company_website": "https://orbis-ingenierie.fr",
            "company_sector": Sector.DIGITAL,
            "company_size": CompanySize.MEDIUM,
            "project_type": ProjectType.EXTENSION,
            "description": (
                "Le bureau d'études peine à recruter à Paris et songe à une seconde agence "
                "de quarante ingénieurs en région."
            ),
            "jobs_expected": 40,
            "premises_needs": "600 m² de bureaux près de la gare.",
            "horizon": Horizon.ONE_YEAR,
            "stage": ProjectStage.STUDY,
            "competing_territories": "Tours, Angers",
            "contact_name": "Aurélie Chassagne",
            "contact_role": "Directrice générale",
            "contact_agreed": True,
            "source": "Rencontrée aux Rencontres business Sarthe à Paris.",
        },
        "steps": [
            (15, "move", "equipe", ReportStatus.QUALIFYING, ""),
            (15, "assign", "equipe", "equipe", "Appeler Aurélie Chassagne", 3),
            (
                14,
                "note",
                "equipe",
                "Premier appel sans réponse ; rappeler après les vacances scolaires.",
            ),
        ],
    },
    {
        "author": "Sophie",
        "mission": True,
        "sent_days_ago": 19,
        "data": {
            "company_name": "Groupe Hexaform",
            "company_country": "FR",
            "company_website": "https://hexaform.fr/contact",
            "company_sector": Sector.INDUSTRY,
            "project_type": ProjectType.RELOCATION,
            "description": "Le groupe cherche un second site industriel hors d'Île-de-France.",
            "horizon": Horizon.TWO_YEARS,
            "stage": ProjectStage.STUDY,
            "source": "Le président du groupe, rencontré aux Rencontres business à Paris.",
        },
        "steps": [
            (
                18,
                "move",
                "equipe",
                ReportStatus.DUPLICATE,
                "Même entreprise que le signalement Hexaform Composites, envoyé la veille.",
            ),
            (
                18,
                "feedback",
                "equipe",
                "Merci Sophie ! Hexaform nous avait déjà été signalé par un autre "
                "ambassadeur présent à la soirée : le projet est suivi.",
            ),
        ],
    },
    {
        "author": "camille",
        "sent_days_ago": 3,
        "data": {
            "company_name": "European Mechatronics Association",
            "company_country": "BE",
            "company_website": "https://mechatronics-europe.eu",
            "company_sector": Sector.PUBLIC,
            "project_type": ProjectType.EVENT,
            "description": (
                "L'association cherche une ville pour son congrès 2028 : 600 participants "
                "pendant trois jours, avec une exposition."
            ),
            "premises_needs": "Un centre de congrès de 600 places et 2 000 m² d'exposition.",
            "horizon": Horizon.ONE_YEAR,
            "stage": ProjectStage.SHORTLIST,
            "competing_territories": "Nantes, Clermont-Ferrand",
            "contact_name": "Pieter Janssens",
            "contact_role": "Secrétaire général",
            "contact_email": "p.janssens@mechatronics-europe.eu",
            "contact_agreed": True,
            "source": "Je siège à son comité technique.",
        },
        "steps": [],
    },
    {
        "author": "camille",
        "draft": True,
        "sent_days_ago": 1,
        "data": {
            "company_name": "Trident Robotique",
            "company_country": "FR",
            "project_type": ProjectType.IMPLANTATION,
            "description": "Entendu au club d'entreprises : un projet d'atelier de robots de",
        },
        "steps": [],
    },
]


# --- Building ------------------------------------------------------------------------------


def _people(named: dict) -> dict[str, User]:
    """Who writes and who handles the reports, by key: the demo's named accounts and the
    salon team by first name."""
    people = {key: named[key] for key in ("certifie", "camille", "equipe", "responsable")}
    team = User.objects.in_bulk(TEAM_EMAILS.values(), field_name="email")
    for first, email in TEAM_EMAILS.items():
        if email in team:
            people[first] = team[email]
    return people


def _at(now: datetime.datetime, days_ago: int, hour: int = 10) -> datetime.datetime:
    moment = timezone.localtime(now - datetime.timedelta(days=days_ago))
    return moment.replace(hour=hour, minute=(days_ago * 7) % 60, second=0, microsecond=0)


def _dated(report: ProjectReport, at: datetime.datetime) -> None:
    """Date the report's latest log entry (just written by a service) at `at`."""
    entry = ModelLogEntry.objects.for_instance(report).order_by("-pk").first()
    if entry is not None:
        ModelLogEntry.objects.filter(pk=entry.pk).update(timestamp=at)


def _note(report, author, text: str, *, shared: bool, at) -> None:
    """A note as `report_services.note_add` writes it, dated `at`, without the email."""
    note = ReportNote.objects.create(
        report=report, author=author, text=text, shared=shared, created_at=at
    )
    report_services._log(
        report,
        "briefings.report_feedback" if shared else "briefings.report_note",
        actor=author,
        note=note.pk,
    )
    _dated(report, at)


def _debriefs(mission: MissionPage, people: dict, now) -> int:
    made = 0
    for data in DEBRIEFS:
        user = people.get(data["who"])
        if user is None:
            continue
        _debrief, created = Debrief.objects.get_or_create(
            mission=mission,
            user=user,
            defaults={
                "how_it_went": data["how_it_went"],
                "contacts_met": data["contacts_met"],
                "created_at": _at(now, data["days_ago"], hour=9),
            },
        )
        made += created
    return made


def _report(data: dict, people: dict, mission: MissionPage | None, now) -> bool:
    """Write, send and move one report as its story says; False when it exists already
    (or its author is missing)."""
    author = people.get(data["author"])
    fields = data["data"]
    if author is None:
        return False
    key = report_services.company_key(fields["company_name"])
    if ProjectReport.objects.filter(author=author, company_key=key).exists():
        return False
    if data.get("mission"):
        if mission is None:
            return False
        fields = {**fields, "mission": mission}
    written = _at(now, data["sent_days_ago"], hour=9)
    report = report_services.draft_save(author=author, data=fields)
    ProjectReport.objects.filter(pk=report.pk).update(created_at=written, status_changed_at=written)
    if data.get("draft"):
        return True
    sent = written + datetime.timedelta(minutes=25)
    report = report_services.report_send(report=report, actor=author, now=sent)
    _dated(report, sent)
    for step in data["steps"]:
        days_ago, kind, staff_key, *rest = step
        actor = people[staff_key]
        at = _at(now, days_ago, hour=11 if kind == "move" else 15)
        if kind == "move":
            to, reason = rest
            report = report_services.report_move(
                report=report, to=to, actor=actor, reason=reason, now=at
            )
            _dated(report, at)
        elif kind == "assign":
            assignee, next_step, next_in_days = rest
            report_services.report_assign(
                report=report,
                actor=actor,
                assignee=people[assignee],
                next_step=next_step,
                next_step_on=(
                    None
                    if next_in_days is None
                    else timezone.localdate(now) + datetime.timedelta(days=next_in_days)
                ),
            )
            _dated(report, at)
        else:
            (text,) = rest
            _note(report, actor, text, shared=kind == "feedback", at=at)
    return True


# --- At scale -------------------------------------------------------------------------------

GENERATED_COMPANIES = [
    "Alto",
    "Bravia",
    "Cerval",
    "Delta",
    "Elys",
    "Fenwick",
    "Granit",
    "Helios",
    "Ivoire",
] + ["Jade", "Kestrel", "Lumen", "Mistral", "Nova", "Opale", "Prism", "Quartz", "Rivage"]
GENERATED_KINDS = ["Industries", "Systems", "Foods", "Pharma", "Logistics", "Labs", "Energies"]
GENERATED_SEED = 2029
# The chance that a generated active ambassador reported a project outside any mission,
# by what they did: the trained report more.
REPORT_CHANCE = {"attended": 0.15, "completed": 0.08, "other": 0.02}
# The chance that someone who attended a trade fair, a delegation or an evening abroad
# reported a project met there (tagged with the mission), a few days after it.
MISSION_REPORT_CHANCE = 0.3
REPORTING_KINDS = (MissionKind.TRADE_FAIR, MissionKind.INVESTOR_WELCOME, MissionKind.PROMOTION)
YEAR = datetime.timedelta(days=365)
# The pipeline as the agency works it (each move allowed by `REPORT_TRANSITIONS`): from
# a status, where a report goes next (status, weight) and after how many days. A report
# whose next move would come after today waits where it is; dormant, landed, lost,
# duplicate and out-of-scope reports stay so.
PIPELINE = {
    ReportStatus.RECEIVED: (
        [
            (ReportStatus.QUALIFYING, 85),
            (ReportStatus.OUT_OF_SCOPE, 10),
            (ReportStatus.DUPLICATE, 5),
        ],
        (1, 10),
    ),
    ReportStatus.QUALIFYING: (
        [
            (ReportStatus.QUALIFIED, 65),
            (ReportStatus.DORMANT, 17),
            (ReportStatus.OUT_OF_SCOPE, 12),
            (ReportStatus.DUPLICATE, 6),
        ],
        (7, 45),
    ),
    ReportStatus.QUALIFIED: (
        [(ReportStatus.ACCOMPANIED, 55), (ReportStatus.LOST, 25), (ReportStatus.DORMANT, 20)],
        (15, 90),
    ),
    ReportStatus.ACCOMPANIED: (
        [(ReportStatus.LANDED, 45), (ReportStatus.LOST, 40), (ReportStatus.DORMANT, 15)],
        (30, 150),
    ),
}
CLOSING_REASONS = {
    ReportStatus.LANDED: "L'entreprise s'est implantée en Sarthe.",
    ReportStatus.LOST: "L'entreprise a choisi un autre territoire.",
    ReportStatus.DUPLICATE: "Projet déjà suivi par l'agence.",
    ReportStatus.OUT_OF_SCOPE: "Projet hors du champ de l'agence.",
}
NEXT_STEPS = [
    "Rappeler le dirigeant",
    "Envoyer une offre foncière",
    "Organiser une visite de sites",
    "Présenter les aides à l'implantation",
]


def _walk(rng, sent: datetime.datetime, now: datetime.datetime, *, trained: bool):
    """The report's way along `PIPELINE` from `sent` to `now`: (status, when it last
    changed, qualified at, closed at). A trained author's report qualifies more often."""
    status, at, qualified, closed = ReportStatus.RECEIVED, sent, None, None
    while status in PIPELINE:
        moves, (low, high) = PIPELINE[status]
        after = at + datetime.timedelta(days=rng.uniform(low, high))
        if after > now:
            break
        weights = [
            weight * (1.3 if trained and n == 0 else 1) for n, (_s, weight) in enumerate(moves)
        ]
        status = rng.choices([to for to, _weight in moves], weights)[0]
        at = after
        if status == ReportStatus.QUALIFIED and qualified is None:
            qualified = at
        if status in CLOSED_REPORT_STATUSES:
            closed = at
    return status, at, qualified, closed


def _generated_report(rng, *, author_id: int, mission_id, sent, now, trained: bool, staff):
    status, changed, qualified, closed = _walk(rng, sent, now, trained=trained)
    name = f"{rng.choice(GENERATED_COMPANIES)} {rng.choice(GENERATED_KINDS)} {author_id}"
    restricted = rng.random() < 1 / 9
    open_ = status in (ReportStatus.QUALIFYING, ReportStatus.QUALIFIED, ReportStatus.ACCOMPANIED)
    return ProjectReport(
        author_id=author_id,
        mission_id=mission_id,
        status=status,
        closing_reason=CLOSING_REASONS.get(status, ""),
        company_name=name,
        company_key=report_services.company_key(name),
        company_country=rng.choice(["FR", "FR", "DE", "BE", "CA", "US", "IT"]),
        company_sector=rng.choice(Sector.values),
        project_type=rng.choice(ProjectType.values),
        description="Projet signalé par un ambassadeur (données générées).",
        jobs_expected=rng.choice([None, 5, 12, 30, 80, 150]),
        horizon=rng.choice(Horizon.values),
        stage=rng.choice(ProjectStage.values),
        source="Données générées pour la démonstration.",
        confidentiality=Confidentiality.RESTRICTED if restricted else Confidentiality.NORMAL,
        assignee=(
            staff[1]
            if restricted
            else (None if status == ReportStatus.RECEIVED else staff[author_id % 2])
        ),
        next_step=rng.choice(NEXT_STEPS) if open_ else "",
        next_step_on=(
            timezone.localdate(now) + datetime.timedelta(days=rng.randint(-10, 40))
            if open_
            else None
        ),
        created_at=sent - datetime.timedelta(minutes=20),
        submitted_at=sent,
        status_changed_at=changed,
        qualified_at=qualified,
        closed_at=closed,
    )


def _generated_reports(generated_ids: list[int], people: dict, now) -> int:
    """The generated active ambassadors' reports (see the module's docstring): some
    outside any mission, more from the trained, sent over the last year; some from the
    missions they attended, tagged with it, sent in the weeks after. Each is decided by
    a generator seeded by the author (and the mission): a report exists once, whatever
    the runs and their scales. A fixed number of queries."""
    if not generated_ids:
        return 0
    low, high = min(generated_ids), max(generated_ids)
    in_range = {"user_id__gte": low, "user_id__lte": high}
    # A range rather than `__in` (SQLite's parameter limit), the range narrowed to the
    # generated ones (the salon team's ids may fall in it after a run at a larger scale).
    wanted = set(generated_ids)
    authors = sorted(
        wanted.intersection(
            AmbassadorProfile.objects.filter(
                **in_range, status=MembershipStatus.ACTIVE
            ).values_list("user_id", flat=True)
        )
    )
    made = set(
        ProjectReport.objects.filter(author_id__gte=low, author_id__lte=high).values_list(
            "author_id", "mission_id"
        )
    )
    trained: dict[int, datetime.datetime] = {}
    for user_id, at in CourseCompletion.objects.filter(**in_range).values_list(
        "user_id", "completed_at"
    ):
        trained[user_id] = min(at, trained.get(user_id, at))
    attended: dict[int, list] = {}
    for user_id, mission_id, slug, kind, ends in (
        Signup.objects.filter(**in_range, status=SignupStatus.ATTENDED, mission__ends_at__lt=now)
        .order_by("mission__ends_at")
        .values_list("user_id", "mission_id", "mission__slug", "mission__kind", "mission__ends_at")
    ):
        attended.setdefault(user_id, []).append((mission_id, slug, kind, ends))
    staff = [people["equipe"], people["responsable"]]
    reports = []
    for author_id in authors:
        rng = random.Random(GENERATED_SEED * 1_000_003 + author_id)
        went = attended.get(author_id, [])
        anchors = [at for at in (trained.get(author_id), went[0][3] if went else None) if at]
        chance = REPORT_CHANCE["attended" if went else "completed" if anchors else "other"]
        if rng.random() < chance and (author_id, None) not in made:
            if anchors:  # after the training or the first mission
                anchor = max(min(anchors), now - YEAR)
                sent = anchor + (now - anchor) * rng.uniform(0.05, 1.0)
            else:  # more of them lately: the club grows
                sent = now - YEAR * rng.random() ** 1.3
            reports.append(
                _generated_report(
                    rng, author_id=author_id, mission_id=None, sent=sent, now=now,
                    trained=bool(anchors), staff=staff,
                )
            )  # fmt: skip
        for mission_id, slug, kind, ends in went:
            if kind not in REPORTING_KINDS or (author_id, mission_id) in made:
                continue
            rng = random.Random(f"{GENERATED_SEED}/{slug}/{author_id}")
            if rng.random() >= MISSION_REPORT_CHANCE:
                continue
            sent = min(ends + datetime.timedelta(days=rng.uniform(0.5, 30)), now)
            reports.append(
                _generated_report(
                    rng, author_id=author_id, mission_id=mission_id, sent=sent, now=now,
                    trained=True, staff=staff,
                )
            )  # fmt: skip
    ProjectReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)
    return len(reports)


@hooks.register(home_hooks.DEMO_DATA, order=36)
def demo_reports(demo: home_hooks.DemoContext) -> None:
    """The past mission's debriefs and reports, reports at every status with their
    history, feedback and internal notes, and, at scale, generated reports."""
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        people = _people(demo.named)
        mission = MissionPage.objects.filter(slug=PAST_MISSION).first()
        debriefs = _debriefs(mission, people, now) if mission is not None else 0
        created = sum(_report(data, people, mission, now) for data in REPORTS)
        generated = _generated_reports(demo.generated_ids, people, now)
    seconds = time.perf_counter() - started
    demo.stdout.write(
        f"project reports: {ProjectReport.objects.count()} reports ({created} created, "
        f"{generated} generated); {debriefs} debriefs created ({seconds:.1f} s).\n"
    )

"""Demo courses for `seed_demo` (registered through `home.hooks.DEMO_DATA`).

Three courses in French, written as the agency would publish them, whose lessons use
every block of `LessonBodyBlock`; the demo ambassadors' progress (camille half-way
through the first course, certifie done with all three, nouvelle nothing); and, with
`--scale N`, a year of history for the generated ambassadors, inserted in bulk.

Idempotent: pages are looked up by slug under their parent, competences by name, images
and documents by title, and only ambassadors without any completion get a history.
The demo's content is French (it is content, not interface); what the command prints
is for developers and stays in English like the rest of `seed_demo`'s output.
"""

from __future__ import annotations

import datetime
import io
import logging
import random
import re

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from home import hooks as home_hooks
from home.models import AmbassadorProfile, HomePage, MembershipStatus

from .models import (
    CATALOGUE_SLUG,
    Competence,
    CompetenceIcon,
    CourseCompletion,
    CourseIndexPage,
    CourseLevel,
    CoursePage,
    LessonPage,
    StepCompletion,
)
from .selectors import course_steps
from .services import step_complete

HISTORY_SEED = 2026
BATCH_SIZE = 2000

# --- French typography ----------------------------------------------------------------

_SPACE_BEFORE = re.compile(r" ([?!;:»])")


def _fr(value):
    """French typography for content: a no-break space before ? ! ; : and », and after «,
    so a line never starts with a lone question mark. Walks dicts and lists (StreamField
    values); anything but text is returned as it is."""
    if isinstance(value, str):
        return _SPACE_BEFORE.sub("\u00a0\\1", value).replace("« ", "«\u00a0")
    if isinstance(value, list):
        return [_fr(item) for item in value]
    if isinstance(value, dict):
        return {key: _fr(item) for key, item in value.items()}
    return value


# --- Blocks ---------------------------------------------------------------------------
# Raw StreamField values, as the admin would store them.


def _text(html: str) -> dict:
    return {"type": "text", "value": html}


def _h2(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _h3(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h3"}}


def _figure(value, label, *, source="", date=None, illustrative=False) -> dict:
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


def _pitch(argument: str, proof: str, audience: str = "") -> dict:
    return {
        "type": "pitch_card",
        "value": {"argument": argument, "proof": proof, "audience": audience},
    }


def _signal(sign: str, why: str, ask: str) -> dict:
    return {"type": "signal", "value": {"sign": sign, "why": why, "ask": ask}}


def _case(title: str, situation: str, question: str, reveal: str) -> dict:
    return {
        "type": "case_study",
        "value": {"title": title, "situation": situation, "question": question, "reveal": reveal},
    }


def _callout(tone: str, title: str, html: str) -> dict:
    return {"type": "callout", "value": {"tone": tone, "title": title, "text": html}}


def _video(url: str, title: str, transcript: str) -> dict:
    return {"type": "video", "value": {"video": url, "title": title, "transcript": transcript}}


def _image(image, alt_text: str, caption: str = "") -> dict:
    return {
        "type": "image",
        "value": {
            "image": {"image": image.pk, "decorative": False, "alt_text": alt_text},
            "caption": caption,
        },
    }


def _document(document, label: str) -> dict:
    return {"type": "document", "value": {"document": document.pk, "label": label}}


# --- Competences ----------------------------------------------------------------------

DETECT = "Détecter un projet"
PITCH = "Pitcher le territoire"
TRADE_FAIR = "Représenter le territoire sur un salon"

COMPETENCES = [
    (
        DETECT,
        CompetenceIcon.TARGET,
        "Repérer, dans une conversation ou dans l'actualité, les signes qu'une entreprise "
        "prépare une implantation, une extension ou une relocalisation ; poser la question "
        "qui le confirme et transmettre le projet à l'agence avec l'accord du contact.",
    ),
    (
        PITCH,
        CompetenceIcon.MEGAPHONE,
        "Présenter la Sarthe en trois minutes avec des chiffres sourcés, choisir les "
        "arguments qui parlent à son interlocuteur et répondre aux objections courantes.",
    ),
    (
        TRADE_FAIR,
        CompetenceIcon.HANDSHAKE,
        "Préparer une mission sur un salon professionnel, tenir le stand du territoire, "
        "qualifier les visiteurs et transmettre les projets détectés dans les 48 heures.",
    ),
]

# --- The catalogue and the courses -----------------------------------------------------

CATALOGUE_TITLE = "Parcours"
CATALOGUE_INTRODUCTION = (
    "<p>Quelques dizaines de minutes pour apprendre à repérer un projet d'implantation, à "
    "présenter la Sarthe en trois minutes et à représenter le territoire sur un salon. "
    "Les parcours se suivent à votre rythme, depuis votre téléphone si vous le voulez, et "
    "ouvrent l'accès aux missions de prospection.</p>"
)

VIDEO_TESTIMONIES = "https://www.youtube.com/watch?v=Signaux2026"
VIDEO_PITCH = "https://www.youtube.com/watch?v=Sarthe54min"
VIDEO_TRADE_FAIR = "https://www.youtube.com/watch?v=SalonSIMA27"


def _course_detect(assets: dict) -> dict:
    return {
        "slug": "detecter-un-projet",
        "title": "Détecter un projet d'implantation",
        "summary": (
            "Reconnaître, dans une conversation ou une actualité, les signes qu'une entreprise "
            "prépare une implantation, une extension ou une relocalisation, et transmettre "
            "l'information à l'agence au bon moment, avec l'accord de votre contact."
        ),
        "level": CourseLevel.DISCOVERY,
        "competences": [DETECT],
        "prerequisites": [],
        "cover": assets["cover_detect"],
        "introduction": [
            _text(
                "<p>La plupart des implantations se décident des mois avant d'être annoncées. "
                "Pendant ce temps, l'information ne circule pas dans la presse mais dans les "
                "conversations : c'est là que vous l'entendez. Ce parcours vous apprend à :</p>"
                "<ul><li>reconnaître les signaux les plus fréquents d'un projet ;</li>"
                "<li>poser la question qui confirme, sans être indiscret ;</li>"
                "<li>transmettre le projet à l'agence sans trahir la confiance de votre "
                "contact.</li></ul>"
            ),
            _callout(
                "info",
                "Rien à vendre",
                "<p>Vous n'avez ni terrain à vendre ni aide à promettre : votre rôle est de "
                "repérer et de mettre en relation. L'agence fait le reste.</p>",
            ),
        ],
        "lessons": [
            {
                "slug": "un-projet-se-voit-avant-de-s-annoncer",
                "title": "Un projet se voit avant de s'annoncer",
                "minutes": 8,
                "body": [
                    _text(
                        "<p>Quand une entreprise annonce l'ouverture d'un site, la décision est "
                        "presque toujours prise depuis longtemps. Entre la première réflexion "
                        "d'un dirigeant et le communiqué de presse, il se passe souvent une à "
                        "deux années : on compare des territoires, on consulte des cabinets, on "
                        "visite des terrains. C'est pendant cette phase discrète qu'un "
                        "territoire peut encore peser sur le choix.</p>"
                        "<p>Pendant cette phase, l'information circule dans les conversations. "
                        "Un fournisseur qui évoque des délais de livraison intenables, un ancien "
                        "camarade de promotion qui recrute « à tour de bras », une cliente qui "
                        "cherche un entrepôt plus proche de l'Ouest : vous, ambassadeur, êtes "
                        "dans ces conversations.</p>"
                    ),
                    _figure(
                        "12 à 24 mois",
                        "entre la première réflexion d'une entreprise et l'annonce de son "
                        "implantation",
                        source="Ordre de grandeur couramment observé par les agences de "
                        "développement",
                        illustrative=True,
                    ),
                    _h2("Les projets qui intéressent l'agence"),
                    _text(
                        "<ul><li><b>Implantation</b> : une entreprise extérieure au territoire "
                        "y ouvre un site (usine, entrepôt, agence commerciale, centre de "
                        "recherche).</li>"
                        "<li><b>Extension</b> : une entreprise déjà présente agrandit son site ou "
                        "en ouvre un second.</li>"
                        "<li><b>Relocalisation</b> : une production faite à l'étranger revient en "
                        "France, et peut revenir en Sarthe.</li>"
                        "<li><b>Reprise</b> : un dirigeant part à la retraite, un site cherche "
                        "un repreneur.</li>"
                        "<li><b>Événement</b> : un congrès, un séminaire ou une compétition "
                        "cherche une ville d'accueil.</li></ul>"
                    ),
                    _image(
                        assets["funnel"],
                        "Schéma en quatre étapes : le signal, la question qui le confirme, la "
                        "transmission à l'agence, puis la qualification du projet par l'agence.",
                        "Votre rôle s'arrête à la transmission : l'agence qualifie, puis "
                        "accompagne le projet.",
                    ),
                    _h2("Ce que l'on attend de vous, et ce que l'on n'attend pas"),
                    _text(
                        "<p>On attend de vous des <b>oreilles attentives</b> et un "
                        "<b>réflexe</b> : quand un signal apparaît, poser une question de plus, "
                        "puis prévenir l'agence. On n'attend pas de vous que vous vendiez un "
                        "terrain, que vous promettiez une aide publique ou que vous négociiez "
                        "quoi que ce soit : ces sujets engagent la collectivité, et seule "
                        "l'agence peut les traiter.</p>"
                    ),
                    _callout(
                        "warning",
                        "Ne promettez jamais rien",
                        "<p>Ni subvention, ni terrain, ni délai. Une promesse non tenue coûte "
                        "plus cher au territoire qu'une information manquée. Dites plutôt : "
                        "« Je connais les bonnes personnes ; voulez-vous que je vous mette en "
                        "relation ? »</p>",
                    ),
                    _video(
                        VIDEO_TESTIMONIES,
                        "Trois ambassadeurs racontent le projet qu'ils ont repéré",
                        "Une dirigeante de PME, un chercheur et un expatrié installé à Montréal "
                        "racontent comment une conversation ordinaire (un dîner, une pause entre "
                        "deux conférences, un appel à un fournisseur) les a mis sur la piste "
                        "d'un projet, et ce qu'ils ont fait ensuite. Vidéo de démonstration.",
                    ),
                ],
            },
            {
                "slug": "les-signaux-de-croissance",
                "title": "Les signaux de croissance",
                "minutes": 12,
                "body": [
                    _text(
                        "<p>Une entreprise qui grandit finit par manquer de place, de personnel "
                        "ou de proximité avec ses clients. Chacun de ces manques peut déboucher "
                        "sur un nouveau site. Voici les cinq signaux de croissance les plus "
                        "fréquents, ce qu'ils révèlent et la question qui permet de savoir si "
                        "un projet se prépare.</p>"
                    ),
                    _h2("Cinq signaux à reconnaître"),
                    _signal(
                        "Une vague de recrutements",
                        "Une entreprise qui publie des dizaines d'offres d'emploi, ou qui "
                        "recrute dans une région où elle n'a pas de site, prépare souvent une "
                        "extension : des effectifs qui augmentent finissent par ne plus tenir "
                        "dans les murs.",
                        "« Vous recrutez beaucoup en ce moment : ces nouvelles équipes, vous "
                        "allez les installer où ? »",
                    ),
                    _signal(
                        "La recherche d'un terrain ou de locaux",
                        "C'est le signal le plus direct : le projet existe et il cherche un "
                        "lieu. Il arrive souvent tard dans la réflexion, et le choix du "
                        "territoire peut alors se jouer en quelques semaines.",
                        "« Quelle surface vous faut-il, pour quand, et quels territoires "
                        "avez-vous déjà regardés ? »",
                    ),
                    _signal(
                        "Une levée de fonds",
                        "Une start-up ou une PME qui vient de lever des fonds doit transformer "
                        "cet argent en croissance : recrutements, industrialisation, nouveaux "
                        "marchés. Ses investisseurs attendent souvent un plan précis pour les "
                        "douze à dix-huit mois qui suivent.",
                        "« Félicitations pour la levée ! Qu'allez-vous en faire en priorité : "
                        "une usine, une équipe commerciale, un laboratoire ? »",
                    ),
                    _signal(
                        "Un site saturé",
                        "Des camions qui attendent sur le parking, des bureaux improvisés, des "
                        "stocks dans des conteneurs : un site saturé oblige à choisir entre "
                        "s'agrandir sur place, déménager ou ouvrir un second site. Les deux "
                        "dernières options sont des projets pour le territoire.",
                        "« Vous avez encore de la place pour grandir sur votre site actuel ? »",
                    ),
                    _signal(
                        "Un nouveau marché ou un gros client",
                        "Un contrat avec un grand donneur d'ordres de l'Ouest, l'arrivée d'une "
                        "entreprise étrangère sur le marché européen : produire ou stocker près "
                        "de ses clients devient stratégique.",
                        "« Pour livrer ce nouveau client, vous comptez produire depuis votre "
                        "site actuel ou vous rapprocher de lui ? »",
                    ),
                    _h3("Un signal seul ne suffit pas"),
                    _text(
                        "<p>Un recrutement isolé ne fait pas un projet. Ce qui compte, c'est la "
                        "<b>combinaison</b> de signaux : une levée de fonds <i>et</i> des offres "
                        "d'emploi dans une ville où l'entreprise n'est pas présente ; un site "
                        "saturé <i>et</i> un nouveau client. Dès que deux signaux se recoupent, "
                        "posez la question.</p>"
                    ),
                    _callout(
                        "tip",
                        "Où repérer ces signaux",
                        "<ul><li>les offres d'emploi des entreprises et les changements de poste "
                        "annoncés sur les réseaux professionnels ;</li>"
                        "<li>la presse économique régionale et les annonces de levées de "
                        "fonds ;</li>"
                        "<li>vos échanges avec vos fournisseurs, vos clients et vos anciens "
                        "collègues ;</li>"
                        "<li>les permis de construire et les annonces d'immobilier "
                        "d'entreprise.</li></ul>",
                    ),
                ],
            },
            {
                "slug": "les-signaux-de-transformation",
                "title": "Les signaux de transformation",
                "minutes": 12,
                "body": [
                    _text(
                        "<p>Certains projets ne naissent pas de la croissance mais d'un "
                        "changement : une nouvelle direction, un marché remporté, une contrainte "
                        "nouvelle. Ces signaux sont plus discrets ; ils demandent de connaître "
                        "un peu l'entreprise pour être compris.</p>"
                    ),
                    _h2("Quatre signaux de changement"),
                    _signal(
                        "Un changement de direction ou d'actionnaire",
                        "Un nouveau dirigeant, un rachat, l'entrée d'un fonds d'investissement : "
                        "les premiers mois d'une nouvelle direction sont ceux où l'on revoit "
                        "l'organisation des sites. Une fermeture ailleurs peut devenir une "
                        "implantation ici.",
                        "« Avec la nouvelle direction, l'organisation de vos sites va-t-elle "
                        "évoluer ? »",
                    ),
                    _signal(
                        "Un appel d'offres public remporté",
                        "Un marché public important (infrastructures, défense, santé) impose "
                        "souvent des délais et une présence locale : l'entreprise doit produire, "
                        "stocker ou recruter près du chantier ou du client.",
                        "« Pour exécuter ce marché, allez-vous renforcer vos équipes ou ouvrir "
                        "une base à proximité ? »",
                    ),
                    _signal(
                        "Une relocalisation envisagée",
                        "Ruptures d'approvisionnement, coût du transport, clients attentifs à "
                        "l'origine des produits : beaucoup d'entreprises réexaminent leur "
                        "production à l'étranger, et les aides à la réindustrialisation rendent "
                        "ces projets plus fréquents.",
                        "« Vos fournisseurs à l'étranger vous posent-ils des difficultés ? "
                        "Avez-vous envisagé de produire en France ? »",
                    ),
                    _signal(
                        "Une fin de bail ou une contrainte sur le site actuel",
                        "Fin de bail, nouvelles normes environnementales, riverains qui se "
                        "plaignent, site enclavé par la ville : l'entreprise doit partir, et "
                        "tous les territoires sont alors en concurrence.",
                        "« Votre bail arrive à échéance quand ? Avez-vous déjà une piste pour "
                        "la suite ? »",
                    ),
                    _h2("Cas pratique"),
                    _case(
                        "Le sous-traitant qui ne trouvait plus de soudeurs",
                        "<p>Sur un salon à Lyon, Claire, ambassadrice et dirigeante d'un bureau "
                        "d'études, déjeune avec le directeur industriel d'un sous-traitant "
                        "automobile installé en Île-de-France. Il se plaint : son site est "
                        "coincé entre des immeubles, il ne trouve plus de soudeurs, et son "
                        "principal client vient de lui confier une nouvelle gamme de "
                        "pièces.</p>",
                        "Combien de signaux repérez-vous, et que devrait faire Claire ?",
                        "<p>Trois signaux se recoupent : un <b>site saturé</b> et enclavé, des "
                        "<b>difficultés de recrutement</b> et un <b>nouveau marché</b>. Claire a "
                        "posé une question simple : « Vous avez pensé à vous agrandir "
                        "ailleurs ? » Le directeur a répondu qu'un second site était à l'étude, "
                        "« quelque part dans l'Ouest ».</p>"
                        "<p>Elle lui a demandé s'il acceptait d'être appelé par l'agence, puis a "
                        "rempli la fiche de transmission le soir même. Six mois plus tard, "
                        "l'entreprise visitait deux terrains en Sarthe.</p>"
                        "<p><i>Cas inspiré de situations réelles ; les noms et les détails ont "
                        "été changés.</i></p>",
                    ),
                    _callout(
                        "info",
                        "Et la concurrence entre territoires ?",
                        "<p>Un projet repéré tôt n'est pas gagné pour autant : l'entreprise "
                        "comparera plusieurs territoires. Mais un territoire qui arrive tôt, "
                        "avec un interlocuteur identifié, a une longueur d'avance sur ceux qui "
                        "découvrent le projet dans un cahier des charges.</p>",
                    ),
                ],
            },
            {
                "slug": "transmettre-un-projet",
                "title": "Transmettre un projet à l'agence",
                "minutes": 10,
                "body": [
                    _text(
                        "<p>Vous avez repéré un signal et posé la bonne question : votre contact "
                        "confirme qu'un projet se prépare. Reste l'étape décisive : transmettre "
                        "l'information à l'agence, vite, complètement et sans trahir la "
                        "confiance qu'on vous a accordée.</p>"
                    ),
                    _h2("Ce que l'agence a besoin de savoir"),
                    _text(
                        "<ul><li><b>L'entreprise</b> : son nom, son secteur, sa taille, où elle "
                        "est installée aujourd'hui ;</li>"
                        "<li><b>le projet</b> : implantation, extension, relocalisation, "
                        "reprise, et ce qu'il lui faut (terrain, bâtiment, bureaux, profils à "
                        "recruter) ;</li>"
                        "<li><b>l'horizon</b> : dans six mois, dans deux ans, « un jour » ;</li>"
                        "<li><b>les emplois</b> envisagés, même approximativement ;</li>"
                        "<li><b>le contact</b> : nom, fonction, coordonnées, et son accord pour "
                        "être appelé ;</li>"
                        "<li><b>comment vous le savez</b> : une conversation directe, une "
                        "information de seconde main, un article.</li></ul>"
                        "<p>Ne vous arrêtez pas si une information manque : un signalement "
                        "incomplet mais rapide vaut mieux qu'une fiche parfaite trois mois plus "
                        "tard.</p>"
                    ),
                    _document(
                        assets["handover_sheet"],
                        "La fiche de transmission d'un projet (PDF, une page)",
                    ),
                    _h2("Confidentialité et consentement"),
                    _text(
                        "<p>Un projet d'implantation est une information stratégique : s'il "
                        "s'ébruite, l'entreprise peut perdre une négociation, inquiéter ses "
                        "salariés ou alerter un concurrent. L'agence traite donc chaque "
                        "signalement de façon confidentielle : seuls les membres de l'équipe "
                        "chargés du dossier y ont accès.</p>"
                        "<p>Votre contact doit savoir que vous transmettez son projet et "
                        "<b>accepter d'être contacté</b>. Sans cet accord, transmettez quand "
                        "même l'information en le précisant : l'agence ne l'appellera pas "
                        "directement et cherchera avec vous le bon moment.</p>"
                    ),
                    _callout(
                        "warning",
                        "Conflit d'intérêts",
                        "<p>Si vous avez un intérêt personnel dans le projet (vous êtes "
                        "fournisseur, propriétaire d'un terrain, associé…), dites-le dans votre "
                        "signalement. Ce n'est pas disqualifiant : c'est ce qui permet à "
                        "l'agence de vous protéger.</p>",
                    ),
                    _h3("Et ensuite ?"),
                    _text(
                        "<p>L'agence accuse réception, puis qualifie le projet : est-il réel, à "
                        "quel horizon, le territoire peut-il y répondre ? S'il se confirme, elle "
                        "accompagne l'entreprise : recherche de terrain, recrutement, "
                        "financements, visites. Vous suivez l'avancement du projet dans votre "
                        "espace et y lisez les retours de l'équipe.</p>"
                        "<p>Certains projets aboutissent en quelques mois, d'autres en plusieurs "
                        "années ; d'autres s'arrêtent. C'est normal, et votre signalement n'aura "
                        "pas été inutile : l'entreprise connaît désormais le territoire.</p>"
                    ),
                ],
            },
        ],
    }


def _course_pitch(assets: dict) -> dict:
    return {
        "slug": "pitcher-le-territoire",
        "title": "Pitcher le territoire en trois minutes",
        "summary": (
            "Trois minutes pour donner envie de la Sarthe : les chiffres clés à connaître, avec "
            "leur source, les arguments qui portent selon votre interlocuteur et une structure "
            "de pitch simple à retenir."
        ),
        "level": CourseLevel.INTERMEDIATE,
        "competences": [PITCH],
        "prerequisites": [],
        "cover": assets["cover_pitch"],
        "introduction": [
            _text(
                "<p>Sur un salon, dans un avion, à la fin d'un dîner : on a rarement plus de "
                "trois minutes pour présenter un territoire. Ce parcours vous donne de quoi les "
                "remplir : des chiffres exacts et sourcés, des arguments adaptés à chaque "
                "interlocuteur, une trame que vous ferez vôtre et des réponses aux objections "
                "que vous entendrez.</p>"
            ),
        ],
        "lessons": [
            {
                "slug": "les-chiffres-qui-comptent",
                "title": "Les chiffres qui comptent",
                "minutes": 10,
                "body": [
                    _text(
                        "<p>Un chiffre précis rend un discours crédible ; un chiffre faux le "
                        "ruine. Retenez peu de chiffres, mais retenez-les bien, avec leur "
                        "source et leur date : votre interlocuteur peut les vérifier en une "
                        "minute sur son téléphone.</p>"
                    ),
                    _h2("Le territoire"),
                    _figure(
                        "566 000",
                        "habitants en Sarthe",
                        source="INSEE, populations légales",
                        date="2024-01-01",
                    ),
                    _figure(
                        "54 min",
                        "entre Le Mans et Paris-Montparnasse par les TGV directs les plus rapides",
                        source="SNCF Voyageurs, horaires",
                    ),
                    _image(
                        assets["crossroads"],
                        "Carte schématique : Le Mans relié à Paris par la ligne à grande "
                        "vitesse (54 minutes), et par autoroute à Rouen, Tours, Angers, Nantes, "
                        "Laval et Rennes.",
                        "Le Mans, au croisement des autoroutes A11, A28 et A81 et des lignes à "
                        "grande vitesse vers Paris et vers Rennes (schéma, pas à l'échelle).",
                    ),
                    _h2("L'économie"),
                    _text(
                        "<p>Trois filières suffisent à situer l'économie sarthoise :</p>"
                        "<ul><li><b>La mécanique et l'automobile</b> : l'usine Renault du Mans, "
                        "l'une des plus anciennes du groupe, produit des éléments de châssis ; "
                        "CLAAS assemble ses tracteurs au Mans ; autour d'eux travaillent des "
                        "sous-traitants et des bureaux d'études.</li>"
                        "<li><b>L'agroalimentaire</b> : le groupe LDC, leader européen de la "
                        "volaille, a son siège à Sablé-sur-Sarthe, et les volailles de Loué "
                        "sont connues dans toute la France.</li>"
                        "<li><b>L'assurance</b> : MMA, les Mutuelles du Mans Assurances (groupe "
                        "Covéa), sont nées au Mans au XIXe siècle et y ont toujours leur "
                        "siège.</li></ul>"
                    ),
                    _figure(
                        "1923",
                        "première édition des 24 Heures du Mans, la plus célèbre course "
                        "d'endurance au monde",
                        source="Automobile Club de l'Ouest (ACO)",
                    ),
                    _figure(
                        "325 000",
                        "spectateurs pour l'édition du centenaire des 24 Heures du Mans",
                        source="ACO, bilan de l'édition 2023",
                        date="2023-06-11",
                        illustrative=True,
                    ),
                    _callout(
                        "warning",
                        "Quand vous n'êtes pas sûr d'un chiffre",
                        "<p>Dites « environ » ou « plus de », ou proposez d'envoyer le chiffre "
                        "exact : « Je vous le fais envoyer par l'agence. » C'est aussi une "
                        "excellente raison de reprendre contact. Les chiffres marqués comme "
                        "illustratifs sont des ordres de grandeur : vérifiez-les avant de les "
                        "citer.</p>",
                    ),
                ],
            },
            {
                "slug": "un-argument-par-interlocuteur",
                "title": "Un argument par interlocuteur",
                "minutes": 12,
                "body": [
                    _text(
                        "<p>Un investisseur industriel, une fondatrice de start-up, un directeur "
                        "de laboratoire et l'organisatrice d'un congrès n'écoutent pas la même "
                        "chose. Avant de parler, demandez-vous ce qui préoccupe votre "
                        "interlocuteur : ses coûts, ses recrutements, ses délais, ses "
                        "chercheurs, ses participants ? Choisissez ensuite deux arguments, pas "
                        "dix.</p>"
                    ),
                    _h2("L'investisseur industriel"),
                    _pitch(
                        "Servir l'Ouest et Paris depuis un seul site",
                        "Le Mans est au croisement des autoroutes A11 (Paris–Nantes), A28 "
                        "(Rouen–Tours) et A81 (vers Rennes), et à moins d'une heure de Paris en "
                        "TGV.",
                        "un investisseur industriel",
                    ),
                    _pitch(
                        "Une culture industrielle et mécanique",
                        "Renault produit au Mans depuis les années 1920 et CLAAS y assemble ses "
                        "tracteurs : les compétences en mécanique, en usinage et en maintenance "
                        "sont là, avec les formations qui vont avec.",
                        "un investisseur industriel",
                    ),
                    _h2("La start-up"),
                    _pitch(
                        "De la place pour grandir, Paris à portée de train",
                        "Les équipes se logent à des prix sans rapport avec ceux de la capitale "
                        "et rejoignent clients et investisseurs parisiens en moins d'une heure "
                        "de TGV.",
                        "une fondatrice de start-up",
                    ),
                    _h2("Le laboratoire de recherche"),
                    _pitch(
                        "Une référence en acoustique",
                        "Le Laboratoire d'acoustique de l'Université du Mans (LAUM, unité mixte "
                        "avec le CNRS) et le Centre de transfert de technologie du Mans (CTTM) "
                        "font du Mans l'un des grands pôles européens de l'acoustique et des "
                        "vibrations.",
                        "un directeur de laboratoire",
                    ),
                    _h2("L'organisateur de congrès"),
                    _pitch(
                        "Un nom que le monde entier connaît",
                        "Les 24 Heures du Mans, courues depuis 1923, font du Mans une "
                        "destination que les participants étrangers situent immédiatement, et "
                        "le circuit accueille aussi des événements d'entreprise.",
                        "une organisatrice de congrès",
                    ),
                    _pitch(
                        "Un centre historique pour les soirées",
                        "La Cité Plantagenêt, l'un des quartiers médiévaux les mieux conservés "
                        "de France, et la cathédrale Saint-Julien offrent un cadre dont les "
                        "participants se souviennent.",
                        "une organisatrice de congrès",
                    ),
                    _callout(
                        "tip",
                        "Une question avant les arguments",
                        "<p>« Qu'est-ce qui compte le plus pour vous dans le choix d'un "
                        "site ? » La réponse vous dit quel argument choisir, et c'est déjà une "
                        "conversation plutôt qu'une présentation.</p>",
                    ),
                ],
            },
            {
                "slug": "la-structure-du-pitch",
                "title": "La structure d'un pitch de trois minutes",
                "minutes": 10,
                "body": [
                    _text(
                        "<p>Un bon pitch ne se récite pas : il se construit en quatre temps, "
                        "que vous adaptez à chaque conversation.</p>"
                    ),
                    _h2("Quatre temps, trois minutes"),
                    _h3("1. L'accroche (30 secondes)"),
                    _text(
                        "<p>Un fait qui relie le territoire à votre interlocuteur : « Vous "
                        "connaissez sans doute Le Mans pour ses 24 Heures ; ce que l'on sait "
                        "moins, c'est que CLAAS y assemble ses tracteurs. »</p>"
                    ),
                    _h3("2. Deux preuves (1 minute 30)"),
                    _text(
                        "<p>Deux arguments choisis pour lui, chacun avec sa preuve : un chiffre "
                        "sourcé, une entreprise, votre propre expérience. Votre histoire avec la "
                        "Sarthe est souvent la preuve la plus convaincante.</p>"
                    ),
                    _h3("3. La question (30 secondes)"),
                    _text(
                        "<p>Rendez-lui la parole : « Et vous, quels sont vos projets de "
                        "développement ? » C'est là que les signaux apparaissent.</p>"
                    ),
                    _h3("4. La suite (30 secondes)"),
                    _text(
                        "<p>Proposez une suite concrète : une mise en relation avec l'agence, "
                        "une documentation, une visite. Notez ses coordonnées et son "
                        "accord.</p>"
                    ),
                    _video(
                        VIDEO_PITCH,
                        "Un pitch de trois minutes, commenté",
                        "Une ambassadrice présente la Sarthe à un dirigeant rencontré sur un "
                        "salon : une accroche sur les 24 Heures du Mans, deux preuves (la "
                        "proximité de Paris, la filière mécanique), une question sur ses "
                        "projets, puis la proposition d'une mise en relation. Une formatrice de "
                        "l'agence commente chaque étape. Vidéo de démonstration.",
                    ),
                    _case(
                        "Deux pitchs pour une même dirigeante",
                        "<p>Dans la navette d'un aéroport, Julien, ambassadeur installé à "
                        "Montréal, se retrouve à côté de la directrice des opérations d'un "
                        "fabricant canadien de matériel agricole qui cherche à s'implanter en "
                        "Europe. Il a trois minutes avant l'arrivée.</p>"
                        "<p><b>Version A</b> : il énumère la population, le TGV, les 24 Heures, "
                        "la cathédrale et les rillettes. <b>Version B</b> : il évoque les "
                        "tracteurs assemblés au Mans, lui demande ce qu'elle cherche en Europe, "
                        "puis lui propose une mise en relation.</p>",
                        "Quelle version a le plus de chances d'aboutir, et pourquoi ?",
                        "<p>La version B. Elle part d'un argument qui parle à cette "
                        "interlocutrice (une filière du machinisme agricole déjà présente), lui "
                        "rend la parole et se termine par une suite concrète. La version A est "
                        "exacte, mais elle ne dit rien à cette personne-là et ne lui laisse pas "
                        "placer un mot : elle repart avec une liste de faits, pas avec un "
                        "contact.</p><p><i>Cas fictif, construit pour l'exercice.</i></p>",
                    ),
                ],
            },
            {
                "slug": "repondre-aux-objections",
                "title": "Répondre aux objections",
                "minutes": 8,
                "body": [
                    _text(
                        "<p>Une objection est une bonne nouvelle : votre interlocuteur "
                        "s'intéresse assez pour douter. Ne la contestez pas ; reconnaissez-la, "
                        "puis apportez un fait.</p>"
                    ),
                    _h2("Les objections fréquentes"),
                    _pitch(
                        "« C'est loin » : Paris est à moins d'une heure",
                        "Le Mans est à 54 minutes de Paris-Montparnasse par les TGV directs les "
                        "plus rapides, et à moins de deux heures de Rennes, de Nantes et de "
                        "Tours par l'autoroute.",
                        "un dirigeant qui doute de l'accessibilité",
                    ),
                    _pitch(
                        "« Je ne trouverai pas de main-d'œuvre » : l'agence recrute avec vous",
                        "Avec les acteurs de l'emploi et de la formation du département, "
                        "l'agence accompagne les recrutements des entreprises qui s'implantent : "
                        "profils recherchés, sessions de recrutement, formations adaptées.",
                        "un industriel",
                    ),
                    _pitch(
                        "« Personne ne connaît la Sarthe » : tout le monde connaît Le Mans",
                        "Les 24 Heures du Mans, courues depuis 1923, sont connues dans le monde "
                        "entier : partez de ce nom, puis élargissez au département.",
                        "un interlocuteur étranger",
                    ),
                    _callout(
                        "info",
                        "Une objection sans réponse ?",
                        "<p>Notez-la et transmettez-la à l'agence avec votre signalement : "
                        "« Il craint de ne pas trouver de soudeurs. » C'est une information "
                        "précieuse pour préparer la suite, et l'équipe vous donnera la réponse "
                        "pour la prochaine fois.</p>",
                    ),
                ],
            },
        ],
    }


def _course_trade_fair(assets: dict) -> dict:
    return {
        "slug": "representer-sur-un-salon",
        "title": "Représenter le territoire sur un salon",
        "summary": (
            "Avant, pendant et après un salon professionnel : préparer sa mission avec "
            "l'agence, accueillir et qualifier les visiteurs du stand, puis transmettre les "
            "projets détectés dans les 48 heures."
        ),
        "level": CourseLevel.ADVANCED,
        "competences": [TRADE_FAIR, DETECT],
        "prerequisites": ["pitcher-le-territoire"],
        "cover": assets["cover_trade_fair"],
        "introduction": [
            _text(
                "<p>Un salon professionnel concentre en trois jours des centaines de dirigeants "
                "et de décideurs. Pour le territoire, c'est l'occasion de rencontrer des "
                "entreprises qui ne seraient jamais venues le voir ; pour vous, c'est la "
                "mission la plus exigeante et la plus utile. Ce parcours suit une mission de "
                "bout en bout : avant, pendant et après le salon.</p>"
            ),
            _callout(
                "info",
                "Prérequis",
                "<p>Ce parcours suppose que vous savez présenter le territoire : terminez "
                "d'abord « Pitcher le territoire en trois minutes ».</p>",
            ),
        ],
        "lessons": [
            {
                "slug": "avant-le-salon",
                "title": "Avant le salon : préparer sa mission",
                "minutes": 10,
                "body": [
                    _text(
                        "<p>Un salon se gagne avant son ouverture. Les visiteurs qui comptent "
                        "ont rempli leur agenda des semaines à l'avance ; un ambassadeur qui "
                        "arrive sans préparation passe trois jours à distribuer des "
                        "brochures.</p>"
                    ),
                    _h2("Le briefing de l'agence"),
                    _text(
                        "<p>Quelques semaines avant le salon, l'agence réunit les ambassadeurs "
                        "de la mission, sur place ou en visioconférence. Vous recevez le dossier "
                        "de mission : les objectifs, le planning du stand, les messages du "
                        "moment, la liste des entreprises ciblées et les contacts de l'équipe "
                        "sur place. Lisez-le en entier et confirmez sa lecture : c'est ce qui "
                        "permet à l'agence de vous confier des rendez-vous.</p>"
                    ),
                    _h2("Trois objectifs, pas plus"),
                    _text(
                        "<ul><li><b>Des rendez-vous</b> : par exemple, cinq entretiens avec des "
                        "entreprises de la liste cible ;</li>"
                        "<li><b>de la détection</b> : repérer au moins un projet à "
                        "transmettre ;</li>"
                        "<li><b>du réseau</b> : rencontrer les fédérations professionnelles, "
                        "les journalistes spécialisés, les autres territoires.</li></ul>"
                    ),
                    _h3("Préparer sa liste cible"),
                    _text(
                        "<p>À partir du catalogue des exposants, l'agence repère les entreprises "
                        "en croissance, celles qui recrutent ou qui viennent de lever des "
                        "fonds. Ajoutez-y les vôtres : un client, un fournisseur, une entreprise "
                        "de votre secteur que vous connaissez bien. Pour chacune, notez en une "
                        "ligne pourquoi elle pourrait s'intéresser à la Sarthe.</p>"
                    ),
                    _document(
                        assets["trade_fair_checklist"],
                        "La check-list de la mission salon (PDF, une page)",
                    ),
                    _callout(
                        "tip",
                        "Prenez rendez-vous avant le salon",
                        "<p>Un message personnel deux semaines avant, un rappel la veille : "
                        "c'est ainsi que l'on obtient un quart d'heure avec un dirigeant dont "
                        "l'agenda est plein.</p>",
                    ),
                ],
            },
            {
                "slug": "sur-le-stand",
                "title": "Sur le stand : accueillir et qualifier",
                "minutes": 12,
                "body": [
                    _text(
                        "<p>Sur un stand, on ne vend pas : on engage des conversations. Votre "
                        "objectif est de transformer un passage de trente secondes en un échange "
                        "de dix minutes, puis de savoir si cet échange cache un projet.</p>"
                    ),
                    _h2("L'attitude sur le stand"),
                    _text(
                        "<ul><li>Debout, devant le comptoir, jamais derrière un ordinateur ;</li>"
                        "<li>un badge lisible avec votre prénom et votre lien avec la "
                        "Sarthe ;</li>"
                        "<li>une question ouverte plutôt qu'une brochure : « Qu'est-ce qui vous "
                        "amène sur le salon ? » ;</li>"
                        "<li>ni téléphone en main ni repas sur le stand ;</li>"
                        "<li>une relève prévue : on n'est pas efficace plus de deux heures "
                        "d'affilée.</li></ul>"
                    ),
                    _video(
                        VIDEO_TRADE_FAIR,
                        "Une journée sur le stand de la Sarthe",
                        "Une journée sur le stand de la Sarthe lors d'un salon professionnel : "
                        "l'accueil des visiteurs, un entretien de qualification mené par un "
                        "ambassadeur, le point de mi-journée avec l'équipe de l'agence et la "
                        "saisie des contacts le soir. Vidéo de démonstration.",
                    ),
                    _h2("Qualifier un contact en cinq questions"),
                    _text(
                        "<ol><li><b>Qui</b> êtes-vous ? L'entreprise, son activité, le rôle de "
                        "la personne dans les décisions.</li>"
                        "<li><b>Quel</b> projet ? Un nouveau site, une extension, un entrepôt, "
                        "un bureau commercial, un laboratoire.</li>"
                        "<li><b>Quand</b> ? L'horizon de la décision et de l'ouverture.</li>"
                        "<li><b>Combien</b> ? La surface, l'investissement, les emplois.</li>"
                        "<li><b>Où</b> en êtes-vous ? Les territoires déjà étudiés, les critères "
                        "de choix.</li></ol>"
                        "<p>Vous n'obtiendrez pas toujours tout : deux réponses précises valent "
                        "mieux que cinq approximatives.</p>"
                    ),
                    _signal(
                        "Un visiteur qui pose des questions précises",
                        "Un curieux demande une brochure ; quelqu'un qui a un projet demande des "
                        "surfaces, des délais, des prix, des profils disponibles. La précision "
                        "de la question trahit la maturité du projet.",
                        "« Vous avez un projet en tête ? De quelle surface, et pour quand ? »",
                    ),
                    _h3("Les cartes de visite"),
                    _text(
                        "<p>Au dos de chaque carte reçue, notez aussitôt la date, ce qui a été "
                        "dit, la suite convenue (« rappeler en mars », « envoyer l'offre "
                        "foncière ») et l'accord de la personne pour être contactée par "
                        "l'agence. Le soir, saisissez vos cartes : une carte sans note est "
                        "illisible une semaine plus tard.</p>"
                    ),
                    _callout(
                        "warning",
                        "Ce que l'on ne dit pas sur un stand",
                        "<p>Aucune promesse de terrain, d'aide ou de délai ; aucun commentaire "
                        "sur le projet d'une autre entreprise dont vous auriez entendu parler ; "
                        "aucune critique des autres territoires. Les allées d'un salon ont des "
                        "oreilles.</p>",
                    ),
                ],
            },
            {
                "slug": "apres-le-salon",
                "title": "Après le salon : débriefer et transmettre sous 48 heures",
                "minutes": 8,
                "body": [
                    _text(
                        "<p>Un contact de salon refroidit vite. Deux jours plus tard, votre "
                        "interlocuteur a repris ses habitudes, et un autre territoire l'a "
                        "peut-être déjà rappelé. D'où la règle des ambassadeurs : tout projet "
                        "détecté est transmis à l'agence dans les 48 heures.</p>"
                    ),
                    _figure(
                        "48 h",
                        "pour transmettre à l'agence un projet détecté sur un salon",
                        source="Charte des missions des Ambassadeurs de la Sarthe",
                    ),
                    _h2("Le débriefing"),
                    _text(
                        "<p>Le dernier jour du salon ou le lendemain, l'équipe réunit les "
                        "ambassadeurs de la mission pour un débriefing d'une demi-heure : "
                        "qu'avez-vous entendu, qui avez-vous rencontré, quels projets, quelles "
                        "objections ? Remplissez ensuite le compte rendu de mission dans votre "
                        "espace : il nourrit le bilan du salon et la préparation du "
                        "suivant.</p>"
                    ),
                    _h2("Transmettre et relancer"),
                    _text(
                        "<ul><li>Signalez chaque projet depuis votre espace, en indiquant si la "
                        "personne accepte d'être contactée ;</li>"
                        "<li>envoyez un message de remerciement personnel à vos contacts, en "
                        "annonçant l'appel de l'agence s'ils l'ont accepté ;</li>"
                        "<li>transmettez aussi les contacts utiles sans projet : un journaliste, "
                        "un réseau, un prescripteur.</li></ul>"
                    ),
                    _case(
                        "Trois cartes de visite et un projet",
                        "<p>De retour d'un salon de l'agroéquipement, Sophie, ambassadrice, a "
                        "trois cartes annotées : un distributeur espagnol qui « aimerait un "
                        "dépôt en France un jour », une start-up de robotique agricole qui "
                        "vient de lever des fonds et recrute des techniciens, et un journaliste "
                        "d'une revue spécialisée. La semaine qui suit est très chargée pour "
                        "elle.</p>",
                        "Que doit-elle transmettre, et quand ?",
                        "<p>Les trois, dans les 48 heures. La start-up cumule deux signaux (une "
                        "levée de fonds et des recrutements) : c'est le projet à signaler en "
                        "priorité. Le distributeur est un projet lointain, qui mérite un suivi. "
                        "Le journaliste n'est pas un projet mais un contact utile à l'agence. "
                        "Sophie a pris vingt minutes le soir même pour tout saisir depuis son "
                        "téléphone ; l'agence a appelé la start-up la semaine suivante.</p>"
                        "<p><i>Cas fictif, construit pour l'exercice.</i></p>",
                    ),
                    _callout(
                        "tip",
                        "Le compte rendu en dix minutes",
                        "<p>Rédigez-le dans le train du retour : vos souvenirs sont frais et vos "
                        "cartes dans votre poche.</p>",
                    ),
                ],
            },
        ],
    }


COURSE_BUILDERS = [_course_detect, _course_pitch, _course_trade_fair]

# --- Images and documents, made at run time (no network) ------------------------------

PALETTE = {
    "ink": (31, 41, 55),
    "muted": (107, 114, 128),
    "paper": (248, 246, 241),
    "red": (190, 30, 45),
    "blue": (30, 64, 125),
    "green": (21, 112, 82),
    "sand": (230, 222, 204),
    "grey": (176, 176, 176),
    "white": (255, 255, 255),
}


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _png(image) -> bytes:
    """Few colours and a palette: a few kilobytes."""
    buffer = io.BytesIO()
    image.convert("P", palette=1, colors=32).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_funnel() -> bytes:
    """Signal → question → transmission → qualification, as four boxes and arrows."""
    from PIL import Image, ImageDraw

    width, height = 800, 300
    image = Image.new("RGB", (width, height), PALETTE["paper"])
    draw = ImageDraw.Draw(image)
    steps = [
        ("1", "Signal", PALETTE["blue"]),
        ("2", "Question", PALETTE["blue"]),
        ("3", "Transmission", PALETTE["red"]),
        ("4", "Qualification", PALETTE["green"]),
    ]
    box_w, box_h, gap = 160, 120, 40
    left = (width - (4 * box_w + 3 * gap)) // 2
    top = (height - box_h) // 2
    for i, (number, label, colour) in enumerate(steps):
        x = left + i * (box_w + gap)
        draw.rounded_rectangle([x, top, x + box_w, top + box_h], radius=14, fill=colour)
        draw.text((x + box_w / 2, top + 38), number, font=_font(34), fill="white", anchor="mm")
        draw.text((x + box_w / 2, top + 88), label, font=_font(19), fill="white", anchor="mm")
        if i < 3:
            ax = x + box_w + 6
            ay = top + box_h / 2
            draw.line([ax, ay, ax + gap - 14, ay], fill=PALETTE["ink"], width=4)
            draw.polygon(
                [(ax + gap - 12, ay - 8), (ax + gap - 2, ay), (ax + gap - 12, ay + 8)],
                fill=PALETTE["ink"],
            )
    draw.text(
        (width / 2, top + box_h + 40),
        "Ambassadeur  >  Agence",
        font=_font(18),
        fill=PALETTE["muted"],
        anchor="mm",
    )
    return _png(image)


# Longitude, latitude of the towns on the schematic map.
TOWNS = {
    "Le Mans": (0.20, 48.00),
    "Paris": (2.35, 48.86),
    "Rennes": (-1.68, 48.11),
    "Nantes": (-1.55, 47.22),
    "Angers": (-0.56, 47.47),
    "Tours": (0.69, 47.39),
    "Rouen": (1.10, 49.44),
    "Laval": (-0.77, 48.07),
}
MOTORWAYS = [
    ["Paris", "Le Mans", "Angers", "Nantes"],  # A11
    ["Rouen", "Le Mans", "Tours"],  # A28
    ["Le Mans", "Laval", "Rennes"],  # A81
]
HIGH_SPEED_LINES = [["Paris", "Le Mans", "Rennes"]]


def _draw_crossroads() -> bytes:
    """Le Mans between Paris and the West: motorways in grey, high-speed lines in red."""
    from PIL import Image, ImageDraw

    width, height, margin = 800, 450, 70
    lons = [lon for lon, _lat in TOWNS.values()]
    lats = [lat for _lon, lat in TOWNS.values()]
    scale_x = (width - 2 * margin) / (max(lons) - min(lons))
    scale_y = (height - 2 * margin) / (max(lats) - min(lats))

    def at(town):
        lon, lat = TOWNS[town]
        return margin + (lon - min(lons)) * scale_x, margin + (max(lats) - lat) * scale_y

    image = Image.new("RGB", (width, height), PALETTE["paper"])
    draw = ImageDraw.Draw(image)
    for road in MOTORWAYS:
        draw.line([at(town) for town in road], fill=PALETTE["grey"], width=6, joint="curve")
    for line in HIGH_SPEED_LINES:
        # Drawn a little above the motorways that run alongside, so both show.
        points = [(x, y - 7) for x, y in (at(town) for town in line)]
        draw.line(points, fill=PALETTE["red"], width=4, joint="curve")
    for town in TOWNS:
        x, y = at(town)
        main = town == "Le Mans"
        radius = 12 if main else 6
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius],
            fill=PALETTE["red"] if main else PALETTE["ink"],
        )
        draw.text(
            (x, y - radius - 6),
            town,
            font=_font(24 if main else 16),
            fill=PALETTE["ink"],
            anchor="md",
        )
    (px, py), (mx, my) = at("Paris"), at("Le Mans")
    draw.text(
        ((px + mx) / 2, (py + my) / 2 + 14),
        "54 min",
        font=_font(22),
        fill=PALETTE["red"],
        anchor="mt",
    )
    draw.line([24, height - 30, 64, height - 30], fill=PALETTE["grey"], width=6)
    draw.text((72, height - 30), "autoroute", font=_font(14), fill=PALETTE["ink"], anchor="lm")
    draw.line([170, height - 30, 210, height - 30], fill=PALETTE["red"], width=4)
    draw.text((218, height - 30), "TGV", font=_font(14), fill=PALETTE["ink"], anchor="lm")
    return _png(image)


def _draw_cover(motif: str, colour) -> bytes:
    """A course's cover: a flat colour and a simple motif (a target, speech bars, a
    stand), 16:9, without text."""
    from PIL import Image, ImageDraw

    width, height = 960, 540
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    cx, cy = width * 0.68, height / 2
    light = PALETTE["white"]
    if motif == "target":
        for i, radius in enumerate([210, 160, 110, 60, 16]):
            fill = light if i % 2 == 0 else colour
            draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=fill)
        draw.line([cx - 330, cy - 170, cx, cy], fill=PALETTE["ink"], width=10)
    elif motif == "speech":
        draw.rounded_rectangle([cx - 220, cy - 150, cx + 200, cy + 110], radius=40, fill=light)
        draw.polygon([(cx - 150, cy + 100), (cx - 190, cy + 190), (cx - 70, cy + 105)], fill=light)
        for i, length in enumerate([320, 260, 300, 180]):
            y = cy - 100 + i * 55
            draw.rounded_rectangle([cx - 170, y, cx - 170 + length, y + 22], radius=11, fill=colour)
    else:  # a trade-fair stand
        draw.rectangle([cx - 240, cy + 60, cx + 240, cy + 190], fill=light)
        draw.rectangle([cx - 200, cy - 200, cx + 200, cy + 40], fill=light)
        draw.rectangle([cx - 170, cy - 170, cx + 170, cy + 10], fill=colour)
        for i in range(3):
            x = cx - 150 + i * 120
            draw.ellipse([x, cy - 130, x + 60, cy - 70], fill=light)
            draw.rounded_rectangle([x - 10, cy - 60, x + 70, cy], radius=20, fill=light)
    for i in range(6):
        x = 60 + i * 46
        draw.ellipse([x, height - 90, x + 18, height - 72], fill=light)
    return _png(image)


IMAGES = {
    # key: (title, file name, drawing)
    "funnel": (
        "Démo — Du signal au projet accompagné",
        "demo-du-signal-au-projet.png",
        _draw_funnel,
    ),
    "crossroads": (
        "Démo — Le Mans au carrefour de l'Ouest",
        "demo-le-mans-carrefour.png",
        _draw_crossroads,
    ),
    "cover_detect": (
        "Démo — Couverture : Détecter un projet",
        "demo-couverture-detecter.png",
        lambda: _draw_cover("target", PALETTE["blue"]),
    ),
    "cover_pitch": (
        "Démo — Couverture : Pitcher le territoire",
        "demo-couverture-pitcher.png",
        lambda: _draw_cover("speech", PALETTE["red"]),
    ),
    "cover_trade_fair": (
        "Démo — Couverture : Représenter le territoire sur un salon",
        "demo-couverture-salon.png",
        lambda: _draw_cover("stand", PALETTE["green"]),
    ),
}

PDF_STYLE = """
@page { size: A4; margin: 18mm 18mm 16mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #1f2937; }
h1 { font-size: 17pt; margin: 0 0 2mm; color: #1e407d; }
.lead { color: #6b7280; margin: 0 0 6mm; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; border-bottom: 0.4mm solid #be1e2d; }
table { width: 100%; border-collapse: collapse; }
td { border: 0.3mm solid #b0b0b0; padding: 2.2mm 2.5mm; vertical-align: top; }
td.label { width: 38%; background: #f8f6f1; font-weight: bold; }
ul { margin: 0; padding-left: 5mm; }
li { margin: 0 0 1.6mm; list-style: none; }
li::before { content: "☐  "; }
footer { position: absolute; bottom: 0; font-size: 8.5pt; color: #6b7280; }
"""


def _rows(*rows) -> str:
    """Table rows to fill in: a label alone, or a label and the choices to tick."""
    html = []
    for row in rows:
        label, choices = row if isinstance(row, tuple) else (row, [])
        ticks = "&emsp;".join(f"☐&nbsp;{choice}" for choice in choices)
        html.append(f"<tr><td class='label'>{label}</td><td>{ticks}</td></tr>")
    return "<table>" + "".join(html) + "</table>"


def _checklist(*items) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _pdf_html(title: str, lead: str, sections: list[tuple[str, str]], footer: str) -> str:
    body = "".join(f"<h2>{heading}</h2>{content}" for heading, content in sections)
    return (
        f'<html lang="fr"><head><meta charset="utf-8"><style>{PDF_STYLE}</style></head>'
        f'<body><h1>{title}</h1><p class="lead">{lead}</p>{body}'
        f"<footer>{footer}</footer></body></html>"
    )


HANDOVER_SHEET_HTML = _pdf_html(
    "Fiche de transmission d'un projet",
    "Les Ambassadeurs de la Sarthe — à remplir dès que possible et à transmettre à l'agence "
    "dans les 48 heures, depuis votre espace ou par courriel.",
    [
        (
            "L'entreprise",
            _rows(
                "Nom",
                "Secteur d'activité",
                "Implantation actuelle (ville, pays)",
                "Taille (effectif, chiffre d'affaires)",
            ),
        ),
        (
            "Le projet",
            _rows(
                (
                    "Type de projet",
                    ["implantation", "extension", "relocalisation", "reprise", "événement"],
                ),
                "Besoins (terrain, bâtiment, bureaux, profils)",
                "Horizon (décision, ouverture)",
                "Emplois envisagés",
                "Territoires déjà étudiés",
            ),
        ),
        (
            "Le contact",
            _rows(
                "Nom et fonction",
                "Téléphone, courriel",
                ("Accepte d'être contacté par l'agence", ["oui", "non", "à confirmer"]),
            ),
        ),
        (
            "Votre signalement",
            _rows(
                "Comment le savez-vous ? (conversation, article, tiers)",
                "Date de l'information",
                ("Confidentialité demandée", ["oui", "non"]),
                ("Intérêt personnel dans le projet", ["aucun", "oui, lequel :"]),
            ),
        ),
    ],
    "Les informations transmises sont traitées de façon confidentielle par l'équipe de "
    "l'agence. Document de démonstration.",
)

TRADE_FAIR_CHECKLIST_HTML = _pdf_html(
    "Check-list de la mission salon",
    "Les Ambassadeurs de la Sarthe — avant, pendant et après le salon.",
    [
        (
            "Avant",
            _checklist(
                "J'ai lu le dossier de mission et confirmé sa lecture.",
                "Je connais mes trois objectifs : rendez-vous, détection, réseau.",
                "J'ai complété la liste cible avec mes propres contacts.",
                "J'ai pris mes rendez-vous et prévu de les rappeler la veille.",
                "J'ai révisé les chiffres clés et leur source.",
                "J'ai mes cartes de visite, mon badge, un stylo.",
            ),
        ),
        (
            "Pendant",
            _checklist(
                "Debout devant le comptoir, une question ouverte plutôt qu'une brochure.",
                "Cinq questions pour qualifier : qui, quel projet, quand, combien, où en "
                "êtes-vous.",
                "Au dos de chaque carte : la date, ce qui a été dit, la suite, l'accord du "
                "contact.",
                "Aucune promesse de terrain, d'aide ou de délai.",
                "Le point de mi-journée avec l'équipe de l'agence.",
            ),
        ),
        (
            "Après",
            _checklist(
                "Le débriefing avec l'équipe, le dernier jour ou le lendemain.",
                "Chaque projet signalé dans les 48 heures, avec l'accord du contact.",
                "Un message de remerciement personnel à chaque contact.",
                "Le compte rendu de mission rempli dans mon espace.",
            ),
        ),
    ],
    "Document de démonstration.",
)

DOCUMENTS = {
    # key: (title, file name, HTML rendered by WeasyPrint)
    "handover_sheet": (
        "Démo — Fiche de transmission d'un projet",
        "demo-fiche-de-transmission.pdf",
        HANDOVER_SHEET_HTML,
    ),
    "trade_fair_checklist": (
        "Démo — Check-list de la mission salon",
        "demo-check-list-salon.pdf",
        TRADE_FAIR_CHECKLIST_HTML,
    ),
}


def _images() -> dict:
    Image = get_image_model()
    assets = {}
    for key, (title, filename, draw) in IMAGES.items():
        image = Image.objects.filter(title=title).order_by("pk").first()
        if image is None:
            image = Image(title=title, file=ImageFile(io.BytesIO(draw()), name=filename))
            image._set_image_file_metadata()
            image.save()
        assets[key] = image
    return assets


def _pdf(html: str) -> bytes:
    """The PDF of `html`, without WeasyPrint's step-by-step progress in the logs."""
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        from weasyprint import HTML

        return HTML(string=html).write_pdf()
    finally:
        progress.setLevel(level)


def _documents() -> dict:
    Document = get_document_model()
    assets = {}
    for key, (title, filename, html) in DOCUMENTS.items():
        document = Document.objects.filter(title=title).order_by("pk").first()
        if document is None:
            document = Document(title=title, file=ContentFile(_pdf(html), name=filename))
            document._set_document_file_metadata()
            document.save()
        assets[key] = document
    return assets


# --- Pages ---------------------------------------------------------------------------


def _publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _catalogue() -> CourseIndexPage:
    home = HomePage.objects.get()
    catalogue = CourseIndexPage.objects.child_of(home).filter(slug=CATALOGUE_SLUG).first()
    if catalogue is None:
        catalogue = _publish_child(
            home,
            CourseIndexPage(
                title=CATALOGUE_TITLE, slug=CATALOGUE_SLUG, introduction=_fr(CATALOGUE_INTRODUCTION)
            ),
        )
    return catalogue


def _competences() -> dict[str, Competence]:
    competences = {}
    for name, icon, description in COMPETENCES:
        competences[name], _created = Competence.objects.get_or_create(
            name=name, defaults={"icon": icon, "description": _fr(description)}
        )
    return competences


def _course(catalogue, data: dict, competences: dict) -> CoursePage:
    course = CoursePage.objects.child_of(catalogue).filter(slug=data["slug"]).first()
    if course is None:
        course = CoursePage(
            title=_fr(data["title"]),
            slug=data["slug"],
            summary=_fr(data["summary"]),
            level=data["level"],
            duration_minutes=sum(lesson["minutes"] for lesson in data["lessons"]),
            cover=data["cover"],
            introduction=_fr(data["introduction"]),
        )
        course.competences.set([competences[name] for name in data["competences"]])
        course.prerequisites.set(
            CoursePage.objects.child_of(catalogue).filter(slug__in=data["prerequisites"])
        )
        _publish_child(catalogue, course)
    existing = set(LessonPage.objects.child_of(course).values_list("slug", flat=True))
    for lesson in data["lessons"]:
        if lesson["slug"] not in existing:
            _publish_child(
                course,
                LessonPage(
                    title=_fr(lesson["title"]),
                    slug=lesson["slug"],
                    estimated_minutes=lesson["minutes"],
                    body=_fr(lesson["body"]),
                ),
            )
    return course


# --- Progress ------------------------------------------------------------------------


def _named_progress(named: dict, courses: list[CoursePage]) -> None:
    """camille: half of the first course, these last two weeks; certifie: all three,
    over the spring; nouvelle: nothing. Recorded through `step_complete`, like an
    ambassador's "J'ai terminé", then dated back so Mon espace tells a believable story."""
    now = timezone.now()
    detect, *_others = courses
    camille, certifie = named.get("camille"), named.get("certifie")
    if camille is not None:
        steps = course_steps(detect)
        for step in steps[: len(steps) // 2]:
            step_complete(user=camille, step=step)
        _date_back(camille, detect, since=now, start=now - datetime.timedelta(days=12))
    if certifie is not None:
        for number, course in enumerate(courses):
            for step in course_steps(course):
                step_complete(user=certifie, step=step)
            start = now - datetime.timedelta(days=200 - 45 * number)
            _date_back(certifie, course, since=now, start=start)


def _date_back(user, course: CoursePage, *, since, start) -> None:
    """Move the completions of `course` that `user` recorded from `since` on (in this
    run) to `start`, two days apart, in the order of the steps; the course's completion
    goes with its last step. Earlier runs' completions are left as they are."""
    when = start
    recent = StepCompletion.objects.filter(user=user, course=course, completed_at__gte=since)
    for completion in recent.order_by("step__path"):
        when += datetime.timedelta(days=2, hours=3)
        completion.completed_at = when
        completion.save(update_fields=["completed_at"])
    CourseCompletion.objects.filter(user=user, course=course, completed_at__gte=since).update(
        completed_at=when
    )


# (probability of completing the course, probability of having started it at all)
COURSE_TAKE_UP = {
    "detecter-un-projet": (0.35, 0.60),
    "pitcher-le-territoire": (0.15, 0.25),
    "representer-sur-un-salon": (0.50, 0.75),  # of those who completed its prerequisite
}


# How many start a course in each month, relative to the others: fewer in the summer and
# at Christmas, more at the rentrée and in January.
SEASON = {1: 1.2, 2: 1.0, 3: 1.1, 4: 1.0, 5: 0.9, 6: 0.9, 7: 0.7, 8: 0.45, 9: 1.4, 10: 1.2}
SEASON |= {11: 1.1, 12: 0.7}


def _first_start(rng, now: datetime.datetime) -> datetime.datetime:
    """When someone started their first course, within the last year: more of them
    lately (the club grows by half over the year), following `SEASON`. Drawn by
    rejection, from `rng` only (deterministic)."""
    while True:
        ago = rng.random()  # in years
        moment = now - datetime.timedelta(days=365 * ago)
        weight = (1.5 - 0.5 * ago) * SEASON[timezone.localtime(moment).month]
        if rng.random() * 1.5 * 1.4 < weight:
            return moment


def _generated_history(generated_ids: list[int], courses: list[CoursePage]) -> tuple[int, int, int]:
    """A year of believable progress for the generated ambassadors who have none yet:
    some started the first course, fewer finished it, fewer still went on. Bulk inserts,
    deterministic. Invited ambassadors (not yet members) get nothing. Returns (people,
    step completions, course completions) inserted."""
    if not generated_ids:
        return 0, 0, 0
    # A range rather than `__in`: 50,000 parameters exceed SQLite's limit.
    low, high = min(generated_ids), max(generated_ids)
    wanted = set(generated_ids)
    with_history = set(
        StepCompletion.objects.filter(user__gte=low, user__lte=high)
        .values_list("user_id", flat=True)
        .distinct()
    ) | set(
        CourseCompletion.objects.filter(user__gte=low, user__lte=high)
        .values_list("user_id", flat=True)
        .distinct()
    )
    members = {
        user_id
        for user_id, status in AmbassadorProfile.objects.filter(
            user__gte=low, user__lte=high
        ).values_list("user_id", "status")
        if status != MembershipStatus.INVITED
    }
    people = sorted((wanted & members) - with_history)
    steps = {course.pk: [page.pk for page in course_steps(course)] for course in courses}
    prerequisites = {course.pk: {p.pk for p in course.prerequisites.all()} for course in courses}
    take_up = {course.pk: COURSE_TAKE_UP.get(course.slug, (0.1, 0.2)) for course in courses}

    now = timezone.now()
    step_rows: list[StepCompletion] = []
    course_rows: list[CourseCompletion] = []
    for user_id in people:
        # One generator per person: whoever drew "nothing" draws it again next run.
        rng = random.Random(HISTORY_SEED * 1_000_003 + user_id)
        finished: dict[int, datetime.datetime] = {}
        for course in courses:
            course_steps_ids = steps[course.pk]
            if not course_steps_ids:
                continue
            after = [finished[p] for p in prerequisites[course.pk] if p in finished]
            if len(after) < len(prerequisites[course.pk]):
                continue  # a prerequisite is not completed: the course is locked
            complete_p, start_p = take_up[course.pk]
            draw = rng.random()
            if draw >= start_p:
                continue
            count = len(course_steps_ids)
            if draw >= complete_p:
                count = rng.randint(1, len(course_steps_ids) - 1) if count > 1 else 0
            if after:
                when = max(after) + datetime.timedelta(hours=rng.uniform(12, 60 * 24))
            else:
                when = _first_start(rng, now)
            done = 0
            for step_id in course_steps_ids[:count]:
                when += datetime.timedelta(minutes=rng.uniform(5, 7 * 24 * 60))
                if when > now:
                    break  # not read yet: the rest of the course is still ahead of them
                done += 1
                step_rows.append(
                    StepCompletion(
                        user_id=user_id, step_id=step_id, course_id=course.pk, completed_at=when
                    )
                )
            if done == len(course_steps_ids):
                finished[course.pk] = when
                course_rows.append(
                    CourseCompletion(user_id=user_id, course_id=course.pk, completed_at=when)
                )
    StepCompletion.objects.bulk_create(step_rows, batch_size=BATCH_SIZE)
    CourseCompletion.objects.bulk_create(course_rows, batch_size=BATCH_SIZE)
    return len({row.user_id for row in step_rows}), len(step_rows), len(course_rows)


# --- The hook -------------------------------------------------------------------------


@hooks.register(home_hooks.DEMO_DATA, order=10)
def demo_courses(demo: home_hooks.DemoContext) -> None:
    """The catalogue, three courses and their lessons, the competences they train, the
    demo ambassadors' progress and, at scale, the generated ambassadors' history."""
    with transaction.atomic():
        assets = {**_images(), **_documents()}
        catalogue = _catalogue()
        competences = _competences()
        courses = [_course(catalogue, build(assets), competences) for build in COURSE_BUILDERS]
        _named_progress(demo.named, courses)
        people, step_rows, course_rows = _generated_history(demo.generated_ids, courses)
    lessons = LessonPage.objects.live().descendant_of(catalogue).count()
    demo.stdout.write(
        f"lms: {len(courses)} courses, {lessons} lessons; history for {people:,} generated "
        f"ambassadors ({step_rows:,} step and {course_rows:,} course completions).\n"
    )

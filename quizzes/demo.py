"""Demo quizzes for `seed_demo` (registered through `home.hooks.DEMO_DATA`, after `lms`).

Each of the three demo courses (`lms/demo.py`) ends with a real quiz in French, written
from what its lessons teach, using every question type and varied rules (pass mark, a
limit of three attempts with a cooldown, a time limit, shuffling, review policies); the
demo ambassadors' attempts; and, with `--scale N`, the generated ambassadors' attempts,
inserted in bulk.

- `certifie@…` passed every quiz at the first attempt, the morning after reading the
  course's last lesson: the attempts go through `quizzes.services` like anyone's, and
  the quiz step's completion (with the course's: a course is completed with its last
  step) is dated back to the attempt.
- `camille@…` has one failed attempt, yesterday evening. She is half-way through
  "Détecter un projet d'implantation", so that quiz is still closed to her, and
  "Représenter le territoire sur un salon" needs "Pitcher le territoire en trois
  minutes" completed first. So she read every lesson of "Pitcher le territoire en trois
  minutes" (no prerequisite) over the last week, through `lms.services.step_complete`,
  then failed its quiz (10.5 points out of 17, some answers right, one half right, some
  wrong). That quiz allows three attempts, an hour apart: Mon espace and the quiz page
  show the failed attempt, two attempts left and the next one open now. Her first
  course stays half done.
- `nouvelle@…`: nothing.
- Generated ambassadors who read every lesson of a course get attempts at its quiz.
  Whoever holds the quiz step's completion or the course's must have passed: `lms`
  records the course's completion for everyone who read every lesson while the quiz
  does not exist yet (the run that creates it), and the quiz step's completion once it
  exists (a later run at a larger scale). They pass, most at the first attempt, some
  after one or two failures, and the course's completion moves to the passing attempt.
  Those who read every lesson but hold neither (only in a later run) failed once or
  twice, or have not tried yet. Each answer is drawn from a bank of responses graded
  once with `grading.grade`; a few questions per quiz are harder (`DIFFICULT`), so the
  statistics staff read have something to say. The answers, half a million at 50,000
  ambassadors, are inserted with `executemany` rather than `bulk_create` (see
  `_answers_insert`).

Idempotent: quizzes are looked up by slug under their course; question and choice ids
are uuid5s of the quiz's slug and a key, so a quiz built again holds the same data; the
named ambassadors' attempts are made once; only generated ambassadors without any
attempt get a history, drawn from a generator seeded by their id.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from wagtail import hooks

from home import hooks as home_hooks
from lms.demo import _fr
from lms.models import (
    CATALOGUE_SLUG,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    StepCompletion,
)
from lms.selectors import course_steps
from lms.services import step_complete

from . import grading, services, versions
from .blocks import SCORING_ALL_OR_NOTHING, SCORING_PARTIAL
from .models import (
    Answer,
    AnswersShown,
    Attempt,
    AttemptState,
    ClosedBy,
    QuizPage,
    QuizVersion,
    ReviewPolicy,
)
from .selectors import quiz_gate

HISTORY_SEED = 2027
BATCH_SIZE = 2000
ID_NAMESPACE = uuid.UUID("6f1d2c4e-5a3b-4c8d-9e7f-0a1b2c3d4e5f")
ALL_OR_NOTHING, PARTIAL = SCORING_ALL_OR_NOTHING, SCORING_PARTIAL

# --- Questions -------------------------------------------------------------------------
# Raw StreamField values, as the admin would store them. A choice is (text, correct,
# feedback); ids are added by `_stream`.


def _choices(items) -> list[dict]:
    choices = []
    for text, correct, *feedback in items:
        choices.append({"text": text, "correct": correct, "feedback": "".join(feedback)})
    return choices


def _single(key, prompt, choices, *, explanation, points=1) -> dict:
    return {
        "key": key,
        "type": grading.SINGLE,
        "value": {
            "prompt": prompt,
            "choices": _choices(choices),
            "points": points,
            "explanation": explanation,
        },
    }


def _multiple(key, prompt, choices, *, scoring, explanation, points=2) -> dict:
    return {
        "key": key,
        "type": grading.MULTIPLE,
        "value": {
            "prompt": prompt,
            "choices": _choices(choices),
            "scoring": scoring,
            "points": points,
            "explanation": explanation,
        },
    }


def _true_false(key, prompt, answer: bool, *, explanation, if_true="", if_false="", points=1):
    return {
        "key": key,
        "type": grading.TRUE_FALSE,
        "value": {
            "prompt": prompt,
            "answer": "true" if answer else "false",
            "feedback_true": if_true,
            "feedback_false": if_false,
            "points": points,
            "explanation": explanation,
        },
    }


def _numeric(key, prompt, answer, *, tolerance="0", unit, explanation, points=1) -> dict:
    return {
        "key": key,
        "type": grading.NUMERIC,
        "value": {
            "prompt": prompt,
            "answer": answer,
            "tolerance": tolerance,
            "unit": unit,
            "points": points,
            "explanation": explanation,
        },
    }


def _scenario(
    key, situation, prompt, choices, *, explanation, multiple=False, scoring=PARTIAL, points=2
):
    return {
        "key": key,
        "type": grading.SCENARIO,
        "value": {
            "situation": situation,
            "prompt": prompt,
            "multiple": multiple,
            "choices": _choices(choices),
            "scoring": scoring if multiple else ALL_OR_NOTHING,
            "points": points,
            "explanation": explanation,
        },
    }


def demo_id(slug: str, key: str) -> str:
    """The stable id of a question (`key`) or choice (`key/n`) of the demo quiz `slug`."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{slug}/{key}"))


def _stream(slug: str, questions: list[dict]) -> list[dict]:
    """The questions as stored: each question and each choice with its stable id."""
    stream = []
    for question in questions:
        key, value = question["key"], dict(question["value"])
        if "choices" in value:
            value["choices"] = [
                {"type": "item", "id": demo_id(slug, f"{key}/{n}"), "value": choice}
                for n, choice in enumerate(value["choices"], start=1)
            ]
        stream.append({"type": question["type"], "id": demo_id(slug, key), "value": value})
    return _fr(stream)


# --- Quiz 1: Détecter un projet d'implantation ------------------------------------------------

QUIZ_DETECT = {
    "course": "detecter-un-projet",
    "slug": "quiz-reperer-et-transmettre",
    "title": "Quiz : repérer et transmettre un projet",
    "introduction": (
        "<p>Onze questions pour vérifier que vous savez reconnaître les signaux d'un projet "
        "d'implantation, poser la question qui le confirme et le transmettre à l'agence sans "
        "trahir la confiance de votre contact. Plusieurs questions partent de situations "
        "que rencontrent les ambassadeurs.</p>"
        "<p>Il faut 70\u00a0% des points pour réussir ; vous pouvez recommencer autant de fois "
        "que vous le voulez. Après chaque tentative, vous voyez ce qui était juste et les "
        "explications ; les bonnes réponses elles-mêmes, une fois le quiz réussi.</p>"
    ),
    "estimated_minutes": 12,
    "pass_mark": 70,
    "attempt_limit": 0,
    "cooldown_minutes": 0,
    "time_limit_minutes": None,
    "shuffle_questions": False,
    "shuffle_choices": True,
    "review": ReviewPolicy.FULL,
    "answers_shown": AnswersShown.ONCE_PASSED,
    "questions": [
        _single(
            "role",
            "<p>Quand vous repérez un projet d'implantation, quel est votre rôle "
            "d'ambassadeur ?</p>",
            [
                (
                    "Négocier avec l'entreprise le prix et la surface du terrain",
                    False,
                    "La négociation engage la collectivité : seule l'agence peut la mener.",
                ),
                (
                    "Poser une question de plus, puis mettre l'entreprise en relation avec "
                    "l'agence",
                    True,
                ),
                (
                    "Promettre une aide publique pour emporter la décision",
                    False,
                    "Jamais : une promesse non tenue coûte plus cher au territoire qu'une "
                    "information manquée.",
                ),
                (
                    "Vérifier soi-même que le projet est sérieux avant d'en parler à quiconque",
                    False,
                    "C'est l'agence qui qualifie le projet ; votre rôle s'arrête à la "
                    "transmission.",
                ),
            ],
            explanation=(
                "<p>On attend de vous des oreilles attentives et un réflexe : quand un signal "
                "apparaît, poser une question de plus, puis prévenir l'agence. Vous n'avez ni "
                "terrain à vendre ni aide à promettre ; l'agence qualifie le projet, puis "
                "l'accompagne.</p>"
            ),
        ),
        _multiple(
            "growth-signals",
            "<p>Parmi ces situations, lesquelles sont des <b>signaux de croissance</b> qui "
            "peuvent annoncer un nouveau site ?</p>",
            [
                ("Une entreprise publie des dizaines d'offres d'emploi en quelques semaines", True),
                ("Un dirigeant cherche un terrain ou des locaux", True),
                ("Une PME vient de lever des fonds", True),
                (
                    "Des camions attendent sur le parking et des stocks débordent dans des "
                    "conteneurs",
                    True,
                ),
                (
                    "Une entreprise change de logo et de charte graphique",
                    False,
                    "Un changement d'image ne dit rien des besoins en place ou en personnel.",
                ),
                (
                    "Une entreprise lance une campagne de publicité à la radio",
                    False,
                    "Elle cherche des clients, pas forcément un nouveau site.",
                ),
            ],
            scoring=PARTIAL,
            points=3,
            explanation=(
                "<p>Vague de recrutements, recherche d'un terrain ou de locaux, levée de fonds, "
                "site saturé : avec le nouveau marché ou le gros client, ce sont les cinq "
                "signaux de croissance du parcours. Chacun révèle un manque de place, de "
                "personnel ou de proximité avec les clients, qui peut déboucher sur un "
                "nouveau site.</p>"
            ),
        ),
        _true_false(
            "single-signal",
            "<p>Une entreprise publie une offre d'emploi : cela suffit à dire qu'elle prépare "
            "une implantation.</p>",
            False,
            if_true="Un recrutement isolé ne fait pas un projet : cherchez un deuxième signal.",
            if_false="Exact : c'est la combinaison de signaux qui compte.",
            explanation=(
                "<p>Un signal seul ne suffit pas. Une levée de fonds <i>et</i> des offres "
                "d'emploi dans une ville où l'entreprise n'est pas présente, un site saturé "
                "<i>et</i> un nouveau client : dès que deux signaux se recoupent, posez la "
                "question.</p>"
            ),
        ),
        _scenario(
            "station",
            "<p>À la fin d'un dîner d'anciens élèves, le dirigeant d'une entreprise de "
            "services informatiques vous dit qu'il cherche 3\u00a0000\u00a0m² de bureaux près d'une "
            "gare pour regrouper ses équipes d'ici dix-huit mois. Il hésite encore entre "
            "plusieurs villes.</p>",
            "<p>Que faites-vous ?</p>",
            [
                (
                    "Vous lui assurez que Le Mans a exactement ce qu'il lui faut, près de la gare",
                    False,
                    "Vous ne savez pas ce qui est disponible : ne promettez ni terrain ni délai.",
                ),
                (
                    "Vous lui demandez quels territoires il a déjà regardés et s'il accepte "
                    "que l'agence l'appelle, puis vous transmettez le projet",
                    True,
                    "C'est la bonne démarche : une question pour confirmer, l'accord du "
                    "contact, la transmission.",
                ),
                (
                    "Vous attendez qu'il vous en reparle : le projet n'est pas encore mûr",
                    False,
                    "La recherche de locaux est le signal le plus direct, et le choix du "
                    "territoire peut se jouer en quelques semaines.",
                ),
                (
                    "Vous cherchez vous-même des annonces de bureaux à lui envoyer",
                    False,
                    "L'agence connaît l'offre immobilière et accompagnera le projet : "
                    "mettez-les en relation.",
                ),
            ],
            explanation=(
                "<p>Chercher des locaux est le signal le plus direct : le projet existe et il "
                "cherche un lieu. La question du parcours : « Quelle surface vous faut-il, "
                "pour quand, et quels territoires avez-vous déjà regardés ? » Ensuite, son "
                "accord pour être appelé, et la fiche de transmission.</p>"
            ),
        ),
        _scenario(
            "linkedin",
            "<p>Sur LinkedIn, vous remarquez qu'un fabricant de batteries installé près de "
            "Lyon publie depuis un mois une trentaine d'offres d'emploi (techniciens de "
            "maintenance, opérateurs, un responsable de site) basées « dans l'Ouest, site "
            "à définir ». La presse régionale a annoncé en début d'année qu'il avait levé "
            "40 millions d'euros. <i>Entreprise et chiffres fictifs.</i></p>",
            "<p>Quels signaux se recoupent ici ?</p>",
            [
                ("Une vague de recrutements", True),
                ("Des recrutements dans une région où l'entreprise n'a pas de site", True),
                ("Une levée de fonds", True),
                (
                    "Un changement de direction",
                    False,
                    "Rien ne l'indique : un responsable de site recruté n'est pas une "
                    "nouvelle direction.",
                ),
                (
                    "Une fin de bail",
                    False,
                    "Rien ne dit que son site actuel doive fermer.",
                ),
            ],
            multiple=True,
            points=3,
            explanation=(
                "<p>Trois signaux se recoupent : des recrutements nombreux, dans une région "
                "où l'entreprise n'est pas présente, après une levée de fonds que ses "
                "investisseurs veulent voir transformée en croissance. C'est le moment de "
                "poser la question : « Ces nouvelles équipes, vous allez les installer "
                "où ? »</p>"
            ),
        ),
        _scenario(
            "fund-raising",
            "<p>Une start-up de robotique agricole dont vous connaissez bien la fondatrice "
            "annonce avoir levé 8 millions d'euros. <i>Chiffre fictif.</i> Vous la "
            "croisez le lendemain lors d'un petit-déjeuner d'entrepreneurs.</p>",
            "<p>Quelle question lui posez-vous ?</p>",
            [
                (
                    "« Félicitations pour la levée ! Qu'allez-vous en faire en priorité : une "
                    "usine, une équipe commerciale, un laboratoire ? »",
                    True,
                ),
                (
                    "« Combien allez-vous investir en Sarthe ? »",
                    False,
                    "La question présuppose la réponse et ferme la conversation.",
                ),
                (
                    "« Vous savez que je peux vous obtenir une aide de la Région ? »",
                    False,
                    "Aucune aide ne se promet : seule l'agence peut en parler.",
                ),
            ],
            explanation=(
                "<p>Une entreprise qui vient de lever des fonds doit transformer cet argent "
                "en croissance, souvent selon un plan à douze ou dix-huit mois. Une question "
                "ouverte sur ses priorités lui laisse dire où le projet se prépare.</p>"
            ),
        ),
        _multiple(
            "handover",
            "<p>Votre contact confirme qu'un projet se prépare. Que doit contenir votre "
            "signalement à l'agence ? Cochez tout ce qui convient.</p>",
            [
                ("Le nom de l'entreprise, son secteur et où elle est installée", True),
                ("Le projet, son horizon et les emplois envisagés", True),
                ("L'accord de votre contact pour être appelé par l'agence", True),
                ("Comment vous le savez : une conversation, un article, un tiers", True),
                (
                    "L'aide publique que vous lui avez laissé espérer",
                    False,
                    "Vous n'avez rien à promettre, donc rien de tel à signaler.",
                ),
            ],
            scoring=ALL_OR_NOTHING,
            points=2,
            explanation=(
                "<p>L'entreprise, le projet, l'horizon, les emplois, le contact et son "
                "accord, la source de l'information : c'est la fiche de transmission. Il vous "
                "manque une information ? Transmettez quand même : un signalement incomplet "
                "mais rapide vaut mieux qu'une fiche parfaite trois mois plus tard.</p>"
            ),
        ),
        _true_false(
            "consent",
            "<p>Votre contact ne souhaite pas être appelé par l'agence pour l'instant : vous "
            "ne transmettez donc rien.</p>",
            False,
            if_true="Transmettez quand même, en précisant qu'il ne veut pas être appelé.",
            if_false="Exact : vous transmettez en le précisant, et l'agence attend le bon "
            "moment avec vous.",
            explanation=(
                "<p>Sans l'accord de votre contact, transmettez quand même l'information en "
                "le précisant : l'agence ne l'appellera pas directement et cherchera avec "
                "vous le bon moment. Le signalement reste confidentiel.</p>"
            ),
        ),
        _numeric(
            "lead-time",
            "<p>Combien de mois s'écoulent le plus souvent entre la première réflexion "
            "d'une entreprise et l'annonce de son implantation, selon l'ordre de grandeur "
            "vu dans le parcours ?</p>",
            "18",
            tolerance="6",
            unit="mois",
            explanation=(
                "<p>Douze à vingt-quatre mois : toute réponse dans cet intervalle est juste. "
                "C'est un ordre de grandeur illustratif, pas une statistique. Il dit "
                "l'essentiel : un projet se voit longtemps avant de s'annoncer, et c'est "
                "pendant cette phase discrète qu'un territoire peut encore peser.</p>"
            ),
        ),
        _single(
            "conflict",
            "<p>Vous possédez un terrain qui pourrait intéresser l'entreprise dont vous "
            "signalez le projet. Que faites-vous ?</p>",
            [
                (
                    "Vous renoncez à signaler le projet, pour éviter tout soupçon",
                    False,
                    "Le territoire perdrait l'information : signalez en déclarant votre intérêt.",
                ),
                ("Vous le signalez en déclarant votre intérêt personnel", True),
                (
                    "Vous proposez directement votre terrain au dirigeant",
                    False,
                    "Vous agiriez pour vous, pas pour le territoire : déclarez votre intérêt "
                    "et laissez l'agence accompagner le projet.",
                ),
            ],
            explanation=(
                "<p>Un intérêt personnel (fournisseur, propriétaire d'un terrain, associé…) "
                "n'est pas disqualifiant : dites-le dans votre signalement. C'est ce qui "
                "permet à l'agence de vous protéger.</p>"
            ),
        ),
        _scenario(
            "lease",
            "<p>Un ancien collègue, directeur industriel d'un sous-traitant automobile, vous "
            "raconte au téléphone que son bail se termine dans un an et que la commune "
            "refuse qu'il agrandisse son atelier, coincé entre des immeubles.</p>",
            "<p>Quelle question lui posez-vous ?</p>",
            [
                (
                    "« Votre bail arrive à échéance quand ? Avez-vous déjà une piste pour la "
                    "suite ? »",
                    True,
                ),
                (
                    "« Vous ne pouvez pas négocier un nouveau bail avec votre propriétaire ? »",
                    False,
                    "Vous l'aidez à rester où il est, pas à envisager un nouveau site.",
                ),
                (
                    "Aucune : ce sont ses difficultés, pas un projet",
                    False,
                    "Une fin de bail et un site enclavé obligent l'entreprise à partir : "
                    "c'est un signal de transformation.",
                ),
            ],
            explanation=(
                "<p>Une fin de bail ou une contrainte sur le site actuel oblige l'entreprise "
                "à partir, et tous les territoires sont alors en concurrence. Celui qui arrive "
                "tôt, avec un interlocuteur identifié, a une longueur d'avance.</p>"
            ),
        ),
    ],
}

# --- Quiz 2: Pitcher le territoire en trois minutes ---------------------------------------------

QUIZ_PITCH = {
    "course": "pitcher-le-territoire",
    "slug": "quiz-pitcher-la-sarthe",
    "title": "Quiz : pitcher la Sarthe",
    "introduction": (
        "<p>Les chiffres clés et leur source, l'argument qui porte selon l'interlocuteur, "
        "la trame en quatre temps et les objections : onze questions, dont plusieurs "
        "situations de rencontre.</p>"
        "<p>Il faut 75\u00a0% des points pour réussir. Vous avez trois tentatives, à une heure "
        "d'intervalle au moins : relisez les leçons entre deux. Les explications "
        "s'affichent après chaque tentative, les bonnes réponses une fois le quiz réussi "
        "ou vos tentatives épuisées.</p>"
    ),
    "estimated_minutes": 12,
    "pass_mark": 75,
    "attempt_limit": 3,
    "cooldown_minutes": 60,
    "time_limit_minutes": None,
    "shuffle_questions": False,
    "shuffle_choices": True,
    "review": ReviewPolicy.FULL,
    "answers_shown": AnswersShown.ONCE_FINISHED,
    "questions": [
        _numeric(
            "train",
            "<p>Combien de minutes faut-il entre Le Mans et Paris-Montparnasse par les TGV "
            "directs les plus rapides ?</p>",
            "54",
            tolerance="1",
            unit="minutes",
            explanation=(
                "<p>54 minutes par les TGV directs les plus rapides (SNCF Voyageurs, "
                "horaires) : « moins d'une heure » si vous n'êtes pas sûr de la minute.</p>"
            ),
        ),
        _numeric(
            "population",
            "<p>Combien d'habitants compte la Sarthe selon l'INSEE (populations légales au "
            "1er janvier 2024) ? Répondez en milliers.</p>",
            "566",
            tolerance="5",
            unit="milliers d'habitants",
            explanation=(
                "<p>566\u00a0000 habitants (INSEE, populations légales au 1er janvier "
                "2024). Citez la source et la date : votre interlocuteur peut les vérifier "
                "en une minute.</p>"
            ),
        ),
        _single(
            "first-race",
            "<p>En quelle année a été courue la première édition des 24 Heures du Mans ?</p>",
            [("1906", False), ("1923", True), ("1949", False), ("1967", False)],
            explanation=(
                "<p>En 1923 (Automobile Club de l'Ouest). C'est le nom du Mans que le monde "
                "entier connaît : une bonne accroche pour un interlocuteur étranger.</p>"
            ),
        ),
        _true_false(
            "illustrative",
            "<p>Le parcours présente les 325\u00a0000 spectateurs de l'édition du centenaire des "
            "24 Heures comme un chiffre illustratif : c'est un ordre de grandeur, à vérifier "
            "avant de le citer.</p>",
            True,
            if_true="Exact : un chiffre marqué comme illustratif se vérifie avant d'être cité.",
            if_false="Un chiffre marqué comme illustratif est un ordre de grandeur : "
            "vérifiez-le avant de le citer.",
            explanation=(
                "<p>Le parcours marque comme illustratifs les chiffres qui sont des ordres de "
                "grandeur. Avant de les citer, vérifiez-les, ou dites « environ ».</p>"
            ),
        ),
        _single(
            "unsure",
            "<p>Un investisseur vous demande un chiffre dont vous n'êtes pas sûr. Que "
            "faites-vous ?</p>",
            [
                (
                    "Vous donnez le chiffre le plus flatteur : il marquera les esprits",
                    False,
                    "Un chiffre faux ruine un discours, et votre interlocuteur peut le "
                    "vérifier sur son téléphone.",
                ),
                (
                    "Vous dites « environ », ou vous proposez de lui faire envoyer le chiffre "
                    "exact par l'agence",
                    True,
                    "Et c'est une excellente raison de reprendre contact.",
                ),
                (
                    "Vous changez de sujet",
                    False,
                    "Mieux vaut un ordre de grandeur honnête, ou la promesse d'envoyer le "
                    "chiffre exact.",
                ),
            ],
            points=2,
            explanation=(
                "<p>Un chiffre précis rend un discours crédible ; un chiffre faux le ruine. "
                "Quand vous n'êtes pas sûr, dites « environ » ou « plus de », ou proposez : "
                "« Je vous le fais envoyer par l'agence. »</p>"
            ),
        ),
        _multiple(
            "sectors",
            "<p>Quelles sont les trois filières qui, selon le parcours, suffisent à situer "
            "l'économie sarthoise ?</p>",
            [
                ("La mécanique et l'automobile", True),
                ("L'agroalimentaire", True),
                ("L'assurance", True),
                ("L'aéronautique", False),
                ("Le luxe et la cosmétique", False),
            ],
            scoring=ALL_OR_NOTHING,
            points=2,
            explanation=(
                "<p>La mécanique et l'automobile (Renault, CLAAS et leurs sous-traitants), "
                "l'agroalimentaire (le groupe LDC à Sablé-sur-Sarthe, les volailles de Loué) "
                "et l'assurance (MMA, nées au Mans au XIXe siècle).</p>"
            ),
        ),
        _scenario(
            "investor",
            "<p>Au déjeuner d'un congrès, le directeur financier d'un équipementier "
            "allemand vous dit : « Nous voulons livrer à la fois la région parisienne et nos "
            "clients de l'Ouest, sans ouvrir deux sites. »</p>",
            "<p>Quel argument choisissez-vous d'abord ?</p>",
            [
                (
                    "Servir l'Ouest et Paris depuis un seul site : les autoroutes A11, A28 et "
                    "A81 se croisent au Mans, à moins d'une heure de Paris en TGV",
                    True,
                ),
                (
                    "La Cité Plantagenêt et la cathédrale Saint-Julien",
                    False,
                    "Un bel argument pour une organisatrice de congrès, pas pour sa logistique.",
                ),
                (
                    "Le Laboratoire d'acoustique de l'Université du Mans",
                    False,
                    "L'argument d'un directeur de laboratoire : il parle ici de livraisons.",
                ),
            ],
            explanation=(
                "<p>Il vous a dit ce qui le préoccupe : livrer deux marchés depuis un site. "
                "L'argument du carrefour de l'Ouest y répond, avec sa preuve : trois "
                "autoroutes et le TGV. Deux arguments choisis pour lui, pas dix.</p>"
            ),
        ),
        _scenario(
            "objection",
            "<p>Une fondatrice de start-up parisienne du logiciel vous dit qu'elle hésite "
            "entre Nantes et Rennes pour ouvrir un bureau de vingt personnes. Elle ajoute en "
            "souriant : « La Sarthe ? Personne ne connaît. »</p>",
            "<p>Quelles réponses sont dans l'esprit du parcours ?</p>",
            [
                (
                    "Reconnaître l'objection, puis partir d'un nom que tout le monde connaît : "
                    "Le Mans et ses 24 Heures",
                    True,
                ),
                (
                    "Rappeler que ses équipes seraient à moins d'une heure de Paris en TGV, "
                    "avec des logements à des prix sans rapport avec ceux de la capitale",
                    True,
                ),
                (
                    "Lui demander ce qui compte le plus pour elle dans le choix d'une ville",
                    True,
                ),
                (
                    "Lui expliquer que Nantes et Rennes sont saturées et hors de prix",
                    False,
                    "On ne critique pas les autres territoires : on apporte un fait sur le sien.",
                ),
                (
                    "Lui promettre des bureaux gratuits la première année",
                    False,
                    "Aucune promesse : l'agence seule peut parler d'accompagnement.",
                ),
            ],
            multiple=True,
            points=3,
            explanation=(
                "<p>Une objection est une bonne nouvelle : ne la contestez pas, reconnaissez-la "
                "et apportez un fait. Pour une start-up, l'argument qui porte est la place "
                "pour grandir avec Paris à portée de train ; et une question sur ses critères "
                "vous dit quel argument choisir.</p>"
            ),
        ),
        _single(
            "structure",
            "<p>Dans la trame de pitch en quatre temps, que vient-il juste après les deux "
            "preuves ?</p>",
            [
                ("L'accroche", False, "L'accroche ouvre le pitch, avant les preuves."),
                ("Une question qui lui rend la parole", True),
                (
                    "La proposition d'une suite concrète",
                    False,
                    "La suite vient en dernier, une fois qu'il vous a parlé de ses projets.",
                ),
                ("Une troisième preuve", False, "Deux preuves choisies pour lui suffisent."),
            ],
            explanation=(
                "<p>L'accroche (30 secondes), deux preuves (1 minute 30), la question "
                "(30 secondes), la suite (30 secondes). La question — « Et vous, quels sont "
                "vos projets de développement ? » — est le moment où les signaux "
                "apparaissent.</p>"
            ),
        ),
        _scenario(
            "workforce",
            "<p>Sur un salon, le dirigeant d'une entreprise de plasturgie vous dit : "
            "« Votre territoire est sympathique, mais je ne trouverai jamais trente régleurs "
            "chez vous. » Vous ne connaissez pas les chiffres de l'emploi dans sa "
            "filière.</p>",
            "<p>Que répondez-vous ?</p>",
            [
                (
                    "Vous reconnaissez la difficulté, expliquez que l'agence accompagne les "
                    "recrutements avec les acteurs de l'emploi et de la formation, et notez "
                    "l'objection pour la transmettre",
                    True,
                ),
                (
                    "Vous lui assurez qu'il trouvera ses trente régleurs sans peine",
                    False,
                    "Vous n'en savez rien : c'est une promesse.",
                ),
                (
                    "Vous passez à un autre argument sans relever",
                    False,
                    "Une objection ignorée reste dans sa tête ; reconnaissez-la.",
                ),
            ],
            explanation=(
                "<p>« Je ne trouverai pas de main-d'œuvre » : l'agence recrute avec vous "
                "(profils, sessions de recrutement, formations adaptées). Une objection sans "
                "réponse précise se note et se transmet avec le signalement : l'équipe vous "
                "donnera la réponse pour la prochaine fois.</p>"
            ),
        ),
        _true_false(
            "list",
            "<p>Pour convaincre en trois minutes, mieux vaut citer le plus d'atouts "
            "possible : population, TGV, 24 Heures, cathédrale, rillettes.</p>",
            False,
            if_true="Une liste de faits ne dit rien à votre interlocuteur : choisissez.",
            if_false="Exact : deux arguments choisis pour lui, pas dix.",
            explanation=(
                "<p>Choisissez deux arguments qui répondent à ce qui préoccupe votre "
                "interlocuteur, chacun avec sa preuve, et laissez-lui la parole : il doit "
                "repartir avec un contact, pas avec une liste de faits.</p>"
            ),
        ),
    ],
}

# --- Quiz 3: Représenter le territoire sur un salon ---------------------------------------------

QUIZ_TRADE_FAIR = {
    "course": "representer-sur-un-salon",
    "slug": "quiz-mission-salon",
    "title": "Quiz : la mission salon",
    "introduction": (
        "<p>Avant, pendant et après le salon : onze questions pour vérifier que vous êtes "
        "prêt à tenir le stand du territoire, dont plusieurs situations de stand.</p>"
        "<p>Vous avez 20\u00a0minutes une fois le quiz commencé, et il faut 80\u00a0% des points : "
        "c'est la mission la plus exigeante. Les questions et les réponses sont mélangées à "
        "chaque tentative ; vous pouvez recommencer autant de fois que nécessaire. Après "
        "chaque tentative, vous voyez votre score et les réponses justes ou fausses.</p>"
    ),
    "estimated_minutes": 15,
    "pass_mark": 80,
    "attempt_limit": 0,
    "cooldown_minutes": 0,
    "time_limit_minutes": 20,
    "shuffle_questions": True,
    "shuffle_choices": True,
    "review": ReviewPolicy.RESPONSES,
    "answers_shown": AnswersShown.NEVER,
    "questions": [
        _numeric(
            "48-hours",
            "<p>Dans quel délai au plus, en heures, un projet détecté sur un salon doit-il "
            "être transmis à l'agence ?</p>",
            "48",
            unit="heures",
            explanation=(
                "<p>48 heures (Charte des missions des Ambassadeurs de la Sarthe) : un contact "
                "de salon refroidit vite, et un autre territoire l'a peut-être déjà "
                "rappelé.</p>"
            ),
        ),
        _multiple(
            "objectives",
            "<p>Quels sont les trois objectifs d'une mission salon ?</p>",
            [
                ("Des rendez-vous avec des entreprises de la liste cible", True),
                ("De la détection : repérer au moins un projet à transmettre", True),
                ("Du réseau : fédérations, journalistes spécialisés, autres territoires", True),
                (
                    "Distribuer le plus de brochures possible",
                    False,
                    "Trois jours à distribuer des brochures, c'est le salon d'un ambassadeur "
                    "qui ne l'a pas préparé.",
                ),
                ("Vendre des terrains aux exposants", False, "Vous n'avez rien à vendre."),
            ],
            scoring=ALL_OR_NOTHING,
            points=2,
            explanation=(
                "<p>Trois objectifs, pas plus : des rendez-vous (par exemple cinq entretiens "
                "avec des entreprises de la liste cible), de la détection et du réseau.</p>"
            ),
        ),
        _single(
            "mission-file",
            "<p>Quelques semaines avant le salon, l'agence vous envoie le dossier de mission. "
            "Que faites-vous ?</p>",
            [
                ("Je le lis en entier et je confirme sa lecture", True),
                (
                    "Je le parcourrai dans le train, le premier matin",
                    False,
                    "Trop tard pour prendre des rendez-vous : les agendas sont pleins.",
                ),
                (
                    "Je le transmets aux entreprises de la liste cible",
                    False,
                    "Le dossier est interne à la mission : la liste cible, les messages et "
                    "les contacts de l'équipe ne se diffusent pas.",
                ),
            ],
            explanation=(
                "<p>Le dossier de mission donne les objectifs, le planning du stand, les "
                "messages du moment, la liste des entreprises ciblées et les contacts de "
                "l'équipe. Confirmer sa lecture permet à l'agence de vous confier des "
                "rendez-vous.</p>"
            ),
        ),
        _true_false(
            "counter",
            "<p>Sur le stand, on se tient derrière le comptoir, l'ordinateur ouvert, pour "
            "être prêt à noter.</p>",
            False,
            if_true="Derrière un comptoir et un écran, on n'engage aucune conversation.",
            if_false="Exact : debout, devant le comptoir.",
            explanation=(
                "<p>Debout, devant le comptoir, jamais derrière un ordinateur ; un badge "
                "lisible ; une question ouverte plutôt qu'une brochure : « Qu'est-ce qui vous "
                "amène sur le salon ? »</p>"
            ),
        ),
        _scenario(
            "land",
            "<p>Le deuxième jour, une visiteuse s'arrête au stand. Responsable immobilier "
            "d'un logisticien, elle demande : « Vous avez des terrains de cinq hectares avec "
            "un accès poids lourds ? Il nous faudrait quelque chose d'opérationnel fin "
            "2027. »</p>",
            "<p>Que faites-vous ? Plusieurs réponses sont possibles.</p>",
            [
                (
                    "Vous lui demandez où en est son projet : les territoires déjà étudiés, "
                    "ses critères de choix",
                    True,
                ),
                (
                    "Vous notez au dos de sa carte la date, sa demande, la suite convenue et "
                    "son accord pour être contactée par l'agence",
                    True,
                ),
                (
                    "Vous lui proposez de rencontrer l'équipe de l'agence présente sur le salon",
                    True,
                ),
                (
                    "Vous lui confirmez qu'un terrain de cinq hectares sera prêt à temps",
                    False,
                    "Aucune promesse de terrain ni de délai sur un stand.",
                ),
                (
                    "Vous lui donnez une brochure et passez au visiteur suivant",
                    False,
                    "Elle demande une surface et une date : c'est un projet, pas une curiosité.",
                ),
            ],
            multiple=True,
            points=3,
            explanation=(
                "<p>Une surface, une contrainte, une date : la précision de la question "
                "trahit la maturité du projet. Qualifiez-le (qui, quel projet, quand, "
                "combien, où en êtes-vous), notez tout au dos de la carte avec son accord, "
                "et mettez-la en relation avec l'équipe, sans rien promettre.</p>"
            ),
        ),
        _single(
            "precise",
            "<p>Quel indice trahit le mieux un visiteur qui a un vrai projet ?</p>",
            [
                ("Il demande des surfaces, des délais, des prix, des profils disponibles", True),
                ("Il prend une brochure de chaque sorte", False),
                ("Il reste longtemps sur le stand", False),
                ("Il vous laisse sa carte de visite", False),
            ],
            explanation=(
                "<p>Un curieux demande une brochure ; quelqu'un qui a un projet demande des "
                "surfaces, des délais, des prix, des profils disponibles. Question à poser "
                "alors : « Vous avez un projet en tête ? De quelle surface, et pour "
                "quand ? »</p>"
            ),
        ),
        _scenario(
            "neighbour",
            "<p>Un visiteur arrive du stand voisin, celui d'un autre territoire : « Eux "
            "m'ont promis un terrain viabilisé en six mois et une aide par emploi créé. "
            "Vous faites mieux ? »</p>",
            "<p>Que répondez-vous ?</p>",
            [
                (
                    "Vous ne commentez pas l'offre du voisin, ne promettez rien et proposez "
                    "que l'agence lui présente précisément ce que la Sarthe peut offrir",
                    True,
                ),
                (
                    "« Nous, c'est quatre mois. »",
                    False,
                    "Une promesse que vous ne pouvez pas tenir engage la collectivité.",
                ),
                (
                    "« Ils promettent beaucoup, mais ne tiennent jamais leurs promesses. »",
                    False,
                    "Aucune critique des autres territoires : les allées d'un salon ont des "
                    "oreilles.",
                ),
            ],
            explanation=(
                "<p>Sur un stand, ni promesse de terrain, d'aide ou de délai, ni critique des "
                "autres territoires. Ramenez la conversation à son projet et à ce que "
                "l'agence peut lui présenter.</p>"
            ),
        ),
        _scenario(
            "cards",
            "<p>De retour d'un salon de l'emballage, vous avez quatre cartes annotées : le "
            "directeur d'un fabricant de films plastiques qui vient de lever des fonds et "
            "« regarde l'Ouest » pour un second site ; une journaliste d'une revue "
            "professionnelle ; un étudiant qui cherchait un stage ; un commercial qui "
            "voulait vous vendre des objets publicitaires.</p>",
            "<p>Que transmettez-vous à l'agence dans les 48 heures ?</p>",
            [
                ("Le fabricant de films plastiques", True),
                ("La journaliste", True),
                (
                    "L'étudiant",
                    False,
                    "Ni projet ni contact utile au territoire : orientez-le vous-même.",
                ),
                ("Le commercial", False, "Ni projet ni contact utile au territoire."),
            ],
            multiple=True,
            scoring=ALL_OR_NOTHING,
            points=2,
            explanation=(
                "<p>Le fabricant cumule une levée de fonds et la recherche d'un second site : "
                "c'est le projet à signaler en priorité. La journaliste n'est pas un projet "
                "mais un contact utile : transmettez-la aussi.</p>"
            ),
        ),
        _single(
            "report",
            "<p>Quand rédiger le compte rendu de mission ?</p>",
            [
                ("Dans le train du retour, tant que les souvenirs sont frais", True),
                ("À la fin du mois, avec les autres comptes rendus", False),
                ("Seulement si vous avez détecté un projet", False),
            ],
            explanation=(
                "<p>Rédigez-le dans le train du retour : vos souvenirs sont frais et vos cartes "
                "dans votre poche. Il nourrit le bilan du salon et la préparation du "
                "suivant, projet détecté ou pas.</p>"
            ),
        ),
        _true_false(
            "relief",
            "<p>On n'est pas efficace plus de deux heures d'affilée sur un stand : la relève "
            "se prévoit.</p>",
            True,
            if_true="Exact : une relève prévue, toutes les deux heures au plus.",
            if_false="Au-delà de deux heures d'affilée, on n'est plus efficace : prévoyez "
            "la relève.",
            explanation=(
                "<p>Sur un stand, l'attention baisse vite : au-delà de deux heures d'affilée, on "
                "n'est plus efficace. Le planning du stand, dans le dossier de mission, prévoit "
                "donc des relèves.</p>"
            ),
        ),
        _numeric(
            "appointments",
            "<p>Combien de semaines avant le salon envoyer un message personnel pour obtenir "
            "un rendez-vous avec un dirigeant ?</p>",
            "2",
            tolerance="1",
            unit="semaines",
            explanation=(
                "<p>Environ deux semaines avant (d'une à trois, c'est juste), puis un rappel "
                "la veille : c'est ainsi que l'on obtient un quart d'heure avec un dirigeant "
                "dont l'agenda est plein.</p>"
            ),
        ),
    ],
}

QUIZZES = [QUIZ_DETECT, QUIZ_PITCH, QUIZ_TRADE_FAIR]
QUIZ_FIELDS = (
    "estimated_minutes",
    "pass_mark",
    "attempt_limit",
    "cooldown_minutes",
    "time_limit_minutes",
    "shuffle_questions",
    "shuffle_choices",
    "review",
    "answers_shown",
)

# --- Pages ------------------------------------------------------------------------------------


def _quiz(course: CoursePage, data: dict) -> QuizPage:
    """The course's demo quiz: added after its lessons (its last step) and published, the
    first time; found by its slug under the course after that."""
    quiz = QuizPage.objects.child_of(course).filter(slug=data["slug"]).first()
    if quiz is None:
        quiz = QuizPage(
            title=_fr(data["title"]),
            slug=data["slug"],
            introduction=_fr(data["introduction"]),
            questions=_stream(data["slug"], data["questions"]),
            **{name: data[name] for name in QUIZ_FIELDS},
        )
        course.add_child(instance=quiz)
        quiz.save_revision().publish()
    return quiz


# --- The demo ambassadors ------------------------------------------------------------------


def _field(question_id: str) -> str:
    return f"q-{question_id}"


def _right_answers(version) -> dict[str, list[str]]:
    """The form data of an attempt that answers every question right."""
    return {
        _field(question["id"]): (
            [format(Decimal(question["answer"]), "f")]
            if question["type"] == grading.NUMERIC
            else [i for i in grading.choice_ids(question) if i in grading.correct_ids(question)]
        )
        for question in version.questions
    }


def _lessons_read_at(user, course: CoursePage, quiz: QuizPage):
    """When this person read the last of the course's other steps (None: not all read)."""
    steps = [step.pk for step in course_steps(course) if step.pk != quiz.pk]
    done = dict(
        StepCompletion.objects.filter(user=user, step_id__in=steps).values_list(
            "step_id", "completed_at"
        )
    )
    if not steps or len(done) < len(steps):
        return None
    return max(done.values())


def _completion_date_back(user, course: CoursePage, quiz: QuizPage, *, when, since) -> None:
    """The quiz step's completion recorded in this run goes back to the passing attempt,
    and the course's completion with it: a course is completed with its last step."""
    moved = StepCompletion.objects.filter(user=user, step_id=quiz.pk, completed_at__gte=since)
    if moved.update(completed_at=when):
        CourseCompletion.objects.filter(user=user, course=course).update(completed_at=when)


def _certifie_passes(user, pairs, *, now, since) -> None:
    """certifie passed every quiz at the first attempt, the morning after reading the
    course's last lesson, in about twelve minutes."""
    for course, quiz in pairs:
        if Attempt.objects.filter(quiz=quiz, user=user).exists():
            continue
        read_at = _lessons_read_at(user, course, quiz)
        gate, _progress = quiz_gate(user=user, quiz=quiz)
        if read_at is None or not gate.allowed:
            continue
        next_day = timezone.localtime(read_at) + datetime.timedelta(days=1)
        started = min(
            next_day.replace(hour=10, minute=15, second=0, microsecond=0),
            now - datetime.timedelta(hours=1),
        )
        attempt = services.attempt_start(user=user, quiz=quiz, now=started)
        attempt, _graded = services.attempt_submit(
            attempt=attempt,
            data=_right_answers(attempt.version),
            now=started + datetime.timedelta(minutes=12, seconds=40),
        )
        _completion_date_back(user, course, quiz, when=attempt.submitted_at, since=since)


# camille's answers to the pitch quiz, by question key: choice numbers (from 1), "true" or
# "false", or the number typed. 10.5 points out of 17 (62 %, the pass mark is 75 %): right
# on the train time, the first race, the illustrative figure, an unsure figure, the
# investor, the objection on workforce and the list; wrong on the population, the three
# sectors (all or nothing) and the pitch's structure; half right on "Personne ne connaît".
CAMILLE_ANSWERS = {
    "train": "54",
    "population": "600",
    "first-race": [2],
    "illustrative": "true",
    "unsure": [2],
    "sectors": [1, 2, 4],
    "investor": [1],
    "objection": [1, 2, 4],
    "structure": [3],
    "workforce": [1],
    "list": "false",
}
# When she read the pitch course's lessons: (days ago, hour, minute), local time.
CAMILLE_READ_AT = [(6, 12, 40), (5, 21, 10), (3, 12, 50), (2, 20, 45)]
CAMILLE_SAVED_FIRST = ("train", "population", "first-race", "illustrative", "unsure")


def _camille_form(slug: str, keys) -> dict[str, list[str]]:
    data = {}
    for key in keys:
        answer = CAMILLE_ANSWERS[key]
        values = (
            [demo_id(slug, f"{key}/{n}") for n in answer] if isinstance(answer, list) else [answer]
        )
        data[_field(demo_id(slug, key))] = values
    return data


def _camille_fails(user, course: CoursePage, quiz: QuizPage, *, now, since) -> None:
    """camille read every lesson of the pitch course this last week, then failed its
    quiz yesterday evening (answers saved as she went, then submitted)."""
    if Attempt.objects.filter(quiz=quiz, user=user).exists():
        return
    for step in course_steps(course):
        if step.pk != quiz.pk:
            step_complete(user=user, step=step)
    recent = list(
        StepCompletion.objects.filter(user=user, course=course, completed_at__gte=since).order_by(
            "step__path"
        )
    )
    today = timezone.localtime(now)
    for completion, (days_ago, hour, minute) in zip(recent, CAMILLE_READ_AT, strict=False):
        when = today - datetime.timedelta(days=days_ago)
        completion.completed_at = when.replace(hour=hour, minute=minute, second=0, microsecond=0)
    StepCompletion.objects.bulk_update(recent, ["completed_at"])
    gate, _progress = quiz_gate(user=user, quiz=quiz)
    if not gate.allowed:
        return
    yesterday = timezone.localtime(now) - datetime.timedelta(days=1)
    started = yesterday.replace(hour=18, minute=30, second=0, microsecond=0)
    attempt = services.attempt_start(user=user, quiz=quiz, now=started)
    services.answers_save(
        attempt=attempt,
        data=_camille_form(quiz.slug, CAMILLE_SAVED_FIRST),
        now=started + datetime.timedelta(minutes=6),
    )
    rest = [key for key in CAMILLE_ANSWERS if key not in CAMILLE_SAVED_FIRST]
    services.attempt_submit(
        attempt=attempt,
        data=_camille_form(quiz.slug, rest),
        now=started + datetime.timedelta(minutes=15, seconds=20),
    )


def _named_attempts(named: dict, pairs, *, now, since) -> None:
    certifie, camille = named.get("certifie"), named.get("camille")
    if certifie is not None:
        _certifie_passes(certifie, pairs, now=now, since=since)
    if camille is not None:
        by_slug = {course.slug: (course, quiz) for course, quiz in pairs}
        if QUIZ_PITCH["course"] in by_slug:
            course, quiz = by_slug[QUIZ_PITCH["course"]]
            _camille_fails(camille, course, quiz, now=now, since=since)


# --- The generated ambassadors' history ----------------------------------------------------------

# Of those who hold the quiz step's or the course's completion: how many passed at the
# first attempt, after one failure, after two (cumulative).
MUST_PASS = ((0.78, [True]), (0.95, [False, True]), (1.0, [False, False, True]))
# Of those who read every lesson without completing the course: not tried yet, failed
# once, failed twice.
NOT_PASSED = ((0.45, []), (0.80, [False]), (1.0, [False, False]))


def _draw(rng, table) -> list[bool]:
    draw = rng.random()
    return list(next(outcomes for bound, outcomes in table if draw < bound))


@dataclass(frozen=True)
class _Frozen:
    """A quiz as the generated attempts need it: its frozen version, the graded
    responses to each question (`_bank`), orders its choices may be shown in
    (`_choice_orders`), and the course's other steps."""

    quiz: QuizPage
    version: QuizVersion
    banks: dict[str, tuple[list, list]]
    choice_orders: dict[str, list[list[str]]]
    ease: dict[str, float]  # how much of someone's ability shows on each question
    lessons: list[int]


# The questions the generated ambassadors get wrong more often, so that the statistics
# staff read show which part of the training does not land: the lead time of a project,
# the signal "no site in that region", the consent rule; the three sectors, the
# population, the place of the question in the pitch; the journalist to pass on too,
# when to ask for appointments, the rule against promises on the stand.
DIFFICULT = {
    "quiz-reperer-et-transmettre": ("lead-time", "linkedin", "consent"),
    "quiz-pitcher-la-sarthe": ("sectors", "population", "structure"),
    "quiz-mission-salon": ("cards", "appointments", "land"),
}


def _ease(quiz: QuizPage, question_id: str) -> float:
    difficult = {demo_id(quiz.slug, key) for key in DIFFICULT.get(quiz.slug, ())}
    return 0.6 if question_id in difficult else random.Random(question_id).uniform(0.95, 1.1)


CHOICE_ORDERS = 24


def _choice_orders(quiz: QuizPage, question: dict) -> list[list[str]]:
    """The orders a question's choices are shown in: the author's, or when the quiz
    shuffles them, a few drawn once (drawing for each of half a million answers would
    cost seconds and show nothing more)."""
    ids = grading.choice_ids(question)
    if not quiz.shuffle_choices or question["type"] == grading.TRUE_FALSE:
        return [ids]
    rng = random.Random(f"{HISTORY_SEED}/{question['id']}")
    return [rng.sample(ids, len(ids)) for _ in range(CHOICE_ORDERS)]


class _Graded(NamedTuple):
    """A response graded once with `grading.grade`; the response and its score as the
    database stores them (`_answers_insert`)."""

    correct: bool
    cents: int  # the score in hundredths of a point: summed as integers
    response: object
    score: object


RESPONSE_FIELD = Answer._meta.get_field("response")
SCORE_FIELD = Answer._meta.get_field("score")


def _bank(question: dict) -> tuple[list[_Graded], list[_Graded]]:
    """Responses someone might give to the question, each graded once: (right ones,
    wrong ones). Wrong ones include partly right choices, numbers outside the
    tolerance and no answer (the last one)."""
    if question["type"] == grading.NUMERIC:
        answer, tolerance = Decimal(question["answer"]), Decimal(question["tolerance"])
        numbers = [answer, answer - tolerance, answer + tolerance]
        numbers += [answer / 2, answer * Decimal("1.5"), answer * 2, answer + tolerance + 1]
        responses = [{"value": format(n.to_integral_value(), "f")} for n in numbers]
    else:
        ids = grading.choice_ids(question)
        right = [i for i in ids if i in grading.correct_ids(question)]
        wrong = [i for i in ids if i not in right]
        if grading.takes_several(question):
            responses = [{"choices": right}, {"choices": wrong[:1]}]
            responses += [{"choices": [i for i in right if i != left]} for left in right]
            responses += [{"choices": sorted(right + [extra], key=ids.index)} for extra in wrong]
            responses = [r for r in responses if r["choices"]]
        else:
            responses = [{"choices": [i]} for i in ids]
    right_ones, wrong_ones, seen = [], [], set()
    for response in [*responses, None]:
        key = repr(response)
        if key in seen:
            continue
        seen.add(key)
        grade = grading.grade(question, response)
        graded = _Graded(
            correct=grade.correct,
            cents=int(grade.score * 100),
            response=RESPONSE_FIELD.get_db_prep_save(response, connection),
            score=SCORE_FIELD.get_db_prep_save(grade.score, connection),
        )
        (right_ones if grade.correct else wrong_ones).append(graded)
    return right_ones, wrong_ones


ANSWER_COLUMNS = ("attempt", "question_id", "response", "saved_at", "score", "correct")


def _answers_insert(rows: list[tuple]) -> None:
    """Insert answers given as rows of `ANSWER_COLUMNS`, their values ready for the
    database. At 50,000 ambassadors that is half a million answers: Django's
    `bulk_create` would spend most of the demo's time preparing their three million
    values one by one, when every response and score comes from a small bank adapted
    once (`_bank`)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Answer._meta.get_field(name).column) for name in ANSWER_COLUMNS)
    values = ", ".join(["%s"] * len(ANSWER_COLUMNS))
    sql = f"INSERT INTO {quote(Answer._meta.db_table)} ({columns}) VALUES ({values})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE * 5):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE * 5])


def _responses(rng, frozen: _Frozen, order: list[str], *, passed: bool):
    """Responses to the questions of `order` by someone who passes (or fails) the quiz:
    drawn for an ability that makes it likely, again until it comes out so (the last
    resort: every answer right, or none given). Returns ([(question id, _Graded)],
    score, percent)."""
    total = frozen.version.total_points
    for _try in range(40):
        ability = rng.uniform(0.8, 1.0) if passed else rng.uniform(0.3, 0.65)
        picks, cents = [], 0
        for question_id in order:
            right, wrong = frozen.banks[question_id]
            pool = right if rng.random() < ability * frozen.ease[question_id] else wrong
            graded = pool[int(rng.random() * len(pool))]
            picks.append((question_id, graded))
            cents += graded.cents
        score = Decimal(cents).scaleb(-2)
        percent = grading.percent(score, total)
        if grading.passes(percent, frozen.quiz.pass_mark) == passed:
            return picks, score, percent
    picks = []
    for question_id in order:
        right, wrong = frozen.banks[question_id]
        picks.append((question_id, right[0] if passed else wrong[-1]))
    score = Decimal(sum(graded.cents for _id, graded in picks)).scaleb(-2)
    return picks, score, grading.percent(score, total)


def _schedule(rng, outcomes: list[bool], *, after, end, until, quiz: QuizPage):
    """(start, close, passed) of attempts with these outcomes, after `after` (the last
    lesson read), within the cooldown and the time limit: the last one closing at `end`
    when given (the quiz step's completion), else within eleven hours (`lms` starts a
    course twelve hours at least after its prerequisite's completion, which moves to
    the passing attempt); never after `until`. Earlier failures that do not fit are
    left out; a single attempt that does not fit is squeezed in."""
    if not outcomes:
        return []
    longest = min(quiz.time_limit_minutes or 18, 18)
    pause = max(quiz.cooldown_minutes, 20)
    durations = [rng.uniform(4, longest) for _ in outcomes]
    gaps = [rng.uniform(10, 180)] + [rng.uniform(pause, pause + 150) for _ in outcomes[1:]]
    limit = ((end or until) - after).total_seconds() / 60
    while len(outcomes) > 1 and sum(durations) + sum(gaps) > limit:
        outcomes, durations, gaps = outcomes[1:], durations[1:], [gaps[0], *gaps[2:]]
    span = sum(durations) + sum(gaps)
    scale = max(0.0, min(1.0, limit / span)) if span else 1.0
    minutes = (limit - span * scale) if end is not None else 0.0
    plan = []
    for passed, gap, duration in zip(outcomes, gaps, durations, strict=True):
        start = minutes + gap * scale
        minutes = start + duration * scale
        plan.append(
            (
                after + datetime.timedelta(minutes=start),
                after + datetime.timedelta(minutes=minutes),
                passed,
            )
        )
    if end is not None and plan:  # exactly at the quiz step's completion, whatever rounding
        start, _close, passed = plan[-1]
        plan[-1] = (min(start, end), end, passed)
    return plan


def _attempt(rng, frozen: _Frozen, *, user_id: int, number: int, started, closed, passes: bool):
    """A graded attempt (not saved yet) and its answers as (question id, `_Graded`),
    its questions and choices in an order drawn as `services.attempt_start` would."""
    quiz, version = frozen.quiz, frozen.version
    order = [question["id"] for question in version.questions]
    if quiz.shuffle_questions:
        rng.shuffle(order)
    choice_order = {
        question_id: orders[int(rng.random() * len(orders))]
        for question_id, orders in frozen.choice_orders.items()
    }
    answers, score, percent = _responses(rng, frozen, order, passed=passes)
    attempt = Attempt(
        quiz_id=quiz.pk,
        user_id=user_id,
        number=number,
        version_id=version.pk,
        key_version_id=version.pk,
        question_order=order,
        choice_order=choice_order,
        state=AttemptState.GRADED,
        started_at=started,
        deadline=(
            started + datetime.timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None
        ),
        submitted_at=closed,
        closed_by=ClosedBy.SUBMITTED,
        score=score,
        max_score=version.total_points,
        percent=percent,
        passed=grading.passes(percent, quiz.pass_mark),
    )
    return attempt, answers


class _History:
    """The generated attempts, inserted in batches with their answers."""

    def __init__(self):
        self.pending: list[tuple[Attempt, list]] = []
        self.people: set[int] = set()
        self.attempts = 0
        self.passed = 0

    def add(self, attempt: Attempt, answers: list) -> None:
        self.pending.append((attempt, answers))
        self.people.add(attempt.user_id)
        self.attempts += 1
        self.passed += bool(attempt.passed)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        """Insert the attempts (their ids come back from the insert), then their answers,
        each saved as the attempt went."""
        if not self.pending:
            return
        Attempt.objects.bulk_create([attempt for attempt, _answers in self.pending])
        adapt = connection.ops.adapt_datetimefield_value
        rows = []
        for attempt, answers in self.pending:
            step = (attempt.submitted_at - attempt.started_at) / (len(answers) + 1)
            for number, (question_id, graded) in enumerate(answers, start=1):
                saved_at = adapt(attempt.started_at + step * number)
                rows.append(
                    (
                        attempt.pk,
                        question_id,
                        graded.response,
                        saved_at,
                        graded.score,
                        graded.correct,
                    )
                )
        _answers_insert(rows)
        self.pending = []


def _generated_history(generated_ids: list[int], pairs, *, now) -> tuple[int, int, int, int, int]:
    """Attempts of the generated ambassadors without any yet at the quiz of each course
    whose lessons they all read (see the module's docstring), inserted in bulk, graded
    against the quiz's frozen version. Returns (people, attempts, passed, quiz step
    completions added, course completions added or moved)."""
    if not generated_ids or not pairs:
        return 0, 0, 0, 0, 0
    # A range rather than `__in`: 50,000 parameters exceed SQLite's limit.
    low, high = min(generated_ids), max(generated_ids)
    wanted = set(generated_ids)
    in_range = {"user__gte": low, "user__lte": high}
    tried = set(Attempt.objects.filter(**in_range).values_list("user_id", flat=True).distinct())
    done: dict[int, dict[int, datetime.datetime]] = {}
    rows = StepCompletion.objects.filter(**in_range, course__in=[c.pk for c, _q in pairs])
    for user_id, step_id, completed_at in rows.values_list("user_id", "step_id", "completed_at"):
        if user_id in wanted and user_id not in tried:
            done.setdefault(user_id, {})[step_id] = completed_at
    completed = {
        (user_id, course_id): (pk, completed_at)
        for pk, user_id, course_id, completed_at in CourseCompletion.objects.filter(
            **in_range
        ).values_list("pk", "user_id", "course_id", "completed_at")
    }
    frozen = {}
    for course, quiz in pairs:
        version = versions.version_for(quiz)
        frozen[quiz.pk] = _Frozen(
            quiz=quiz,
            version=version,
            banks={question["id"]: _bank(question) for question in version.questions},
            choice_orders={
                question["id"]: _choice_orders(quiz, question) for question in version.questions
            },
            ease={question["id"]: _ease(quiz, question["id"]) for question in version.questions},
            lessons=[step.pk for step in course_steps(course) if step.pk != quiz.pk],
        )

    history = _History()
    step_rows: list[StepCompletion] = []
    course_rows: list[CourseCompletion] = []
    moved: list[CourseCompletion] = []
    for user_id in sorted(done):
        # One generator per person: whoever drew "not tried yet" draws it again next run.
        rng = random.Random(HISTORY_SEED * 1_000_003 + user_id)
        steps = done[user_id]
        for course, quiz in pairs:
            read = [steps.get(step_id) for step_id in frozen[quiz.pk].lessons]
            if not read or None in read:
                continue
            passed_at = steps.get(quiz.pk)
            completion = completed.get((user_id, course.pk))
            must_pass = passed_at is not None or completion is not None
            outcomes = _draw(rng, MUST_PASS if must_pass else NOT_PASSED)
            if quiz.attempt_limit:
                outcomes = outcomes[-quiz.attempt_limit :]
            plan = _schedule(rng, outcomes, after=max(read), end=passed_at, until=now, quiz=quiz)
            for number, (started, closed, passes) in enumerate(plan, start=1):
                history.add(
                    *_attempt(
                        rng,
                        frozen[quiz.pk],
                        user_id=user_id,
                        number=number,
                        started=started,
                        closed=closed,
                        passes=passes,
                    )
                )
            if not must_pass or not plan:
                continue
            when = plan[-1][1]
            if passed_at is None:
                step_rows.append(
                    StepCompletion(
                        user_id=user_id, step_id=quiz.pk, course_id=course.pk, completed_at=when
                    )
                )
            if completion is None:
                course_rows.append(
                    CourseCompletion(user_id=user_id, course_id=course.pk, completed_at=when)
                )
            elif completion[1] < when:
                moved.append(CourseCompletion(pk=completion[0], completed_at=when))
    history.flush()
    StepCompletion.objects.bulk_create(step_rows, batch_size=BATCH_SIZE)
    CourseCompletion.objects.bulk_create(course_rows, batch_size=BATCH_SIZE)
    CourseCompletion.objects.bulk_update(moved, ["completed_at"], batch_size=500)
    return (
        len(history.people),
        history.attempts,
        history.passed,
        len(step_rows),
        len(course_rows) + len(moved),
    )


# --- The hook ------------------------------------------------------------------------------


@hooks.register(home_hooks.DEMO_DATA, order=20)
def demo_quizzes(demo: home_hooks.DemoContext) -> None:
    """A quiz at the end of each demo course, the demo ambassadors' attempts and, at
    scale, the generated ambassadors' history."""
    since = now = timezone.now()
    with transaction.atomic():
        catalogue = CourseIndexPage.objects.filter(slug=CATALOGUE_SLUG).first()
        courses = {
            course.slug: course
            for course in (
                CoursePage.objects.child_of(catalogue) if catalogue else CoursePage.objects.none()
            )
        }
        pairs = [
            (courses[data["course"]], _quiz(courses[data["course"]], data))
            for data in QUIZZES
            if data["course"] in courses
        ]
        _named_attempts(demo.named, pairs, now=now, since=since)
        people, attempts, passed, steps, completions = _generated_history(
            demo.generated_ids, pairs, now=now
        )
    questions = sum(len(quiz.questions) for _course, quiz in pairs)
    demo.stdout.write(
        f"quizzes: {len(pairs)} quizzes, {questions} questions; attempts for {people:,} "
        f"generated ambassadors ({attempts:,} attempts, {passed:,} passed; {steps:,} quiz step "
        f"and {completions:,} course completions added or moved).\n"
    )

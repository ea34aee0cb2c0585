"""Builders shared by the quizzes tests: a quiz with one question of each type, whose
answer keys the tests know, and the form data a browser would send."""

from __future__ import annotations

import uuid

from quizzes.models import QuizPage

# Stable ids, so tests can name questions and choices.
Q_SINGLE, Q_MULTIPLE, Q_TRUE_FALSE, Q_NUMERIC, Q_SCENARIO = (
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
    "44444444-4444-4444-8444-444444444444",
    "55555555-5555-4555-8555-555555555555",
)
IDS = [Q_SINGLE, Q_MULTIPLE, Q_TRUE_FALSE, Q_NUMERIC, Q_SCENARIO]


def choice(text: str, correct: bool = False, feedback: str = "", id: str | None = None) -> dict:
    return {
        "type": "item",
        "id": id or str(uuid.uuid4()),
        "value": {"text": text, "correct": correct, "feedback": feedback},
    }


def every_question_type() -> list[dict]:
    """One question of each type (raw StreamField data), 1 + 2 + 1 + 1 + 2 = 7 points.

    Right answers: single "s-right"; multiple "m-a" and "m-b" (partial credit);
    true/false "false"; numeric 3000 ± 100; scenario "sc-pass"."""
    return [
        {
            "type": "single_choice",
            "id": Q_SINGLE,
            "value": {
                "prompt": "<p>Quel signe annonce un projet ?</p>",
                "choices": [
                    choice(
                        "Une vague de recrutements", True, "Oui : c'est le signe clé.", "s-right"
                    ),
                    choice("Un nouveau logo", False, "Non : c'est cosmétique.", "s-wrong"),
                ],
                "points": 1,
                "explanation": "<p>Les recrutements précèdent l'implantation.</p>",
            },
        },
        {
            "type": "multiple_choice",
            "id": Q_MULTIPLE,
            "value": {
                "prompt": "<p>Lesquels transmettre ?</p>",
                "choices": [
                    choice("Levée de fonds", True, id="m-a"),
                    choice("Recherche de locaux", True, id="m-b"),
                    choice("Nouveau standard", False, id="m-c"),
                ],
                "scoring": "partial",
                "points": 2,
                "explanation": "",
            },
        },
        {
            "type": "true_false",
            "id": Q_TRUE_FALSE,
            "value": {
                "prompt": "<p>Un projet confidentiel ne se signale jamais.</p>",
                "answer": "false",
                "feedback_true": "Si : en mode restreint.",
                "feedback_false": "Exact.",
                "points": 1,
                "explanation": "",
            },
        },
        {
            "type": "numeric",
            "id": Q_NUMERIC,
            "value": {
                "prompt": "<p>Combien de m² cherche-t-il ?</p>",
                "answer": "3000",
                "tolerance": "100",
                "unit": "m²",
                "points": 1,
                "explanation": "",
            },
        },
        {
            "type": "scenario",
            "id": Q_SCENARIO,
            "value": {
                "situation": "<p>Un dirigeant cherche 3 000 m² près d'une gare.</p>",
                "prompt": "<p>Que faites-vous ?</p>",
                "multiple": False,
                "choices": [
                    choice("Je le signale", True, id="sc-pass"),
                    choice("J'attends", False, id="sc-wait"),
                ],
                "scoring": "all_or_nothing",
                "points": 2,
                "explanation": "",
            },
        },
    ]


ALL_RIGHT = {
    f"q-{Q_SINGLE}": ["s-right"],
    f"q-{Q_MULTIPLE}": ["m-a", "m-b"],
    f"q-{Q_TRUE_FALSE}": ["false"],
    f"q-{Q_NUMERIC}": ["3 050"],
    f"q-{Q_SCENARIO}": ["sc-pass"],
}

ALL_WRONG = {
    f"q-{Q_SINGLE}": ["s-wrong"],
    f"q-{Q_MULTIPLE}": ["m-c"],
    f"q-{Q_TRUE_FALSE}": ["true"],
    f"q-{Q_NUMERIC}": ["12"],
    f"q-{Q_SCENARIO}": ["sc-wait"],
}


def add_quiz(course, title: str = "Quiz final", *, questions=None, **fields) -> QuizPage:
    """A live quiz as the last step of `course` (every question type by default)."""
    fields.setdefault("pass_mark", 70)
    quiz = QuizPage(
        title=title,
        questions=questions if questions is not None else every_question_type(),
        **fields,
    )
    return course.add_child(instance=quiz)

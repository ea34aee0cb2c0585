"""Freezing a quiz's live questions into an immutable `QuizVersion`.

`freeze(questions)` turns the StreamField value into plain data — each question's
stable id (its block id), type, texts, choices with their ids, the key and the points —
and `version_for(quiz)` finds or creates the version with that content (one row per
distinct content: every attempt on the same questions shares it). Editing the quiz
later changes the live page, never a version.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.db import IntegrityError, transaction

from . import grading
from .models import QuizPage, QuizVersion


def _text(value) -> str:
    """Rich text as its stored HTML (what the templates render with `|richtext`)."""
    if value is None:
        return ""
    source = getattr(value, "source", None)
    return source if source is not None else str(value)


def _decimal_text(value) -> str:
    """A decimal as plain text without trailing zeros: "3000", "2.5" (never "3E+3")."""
    return format(Decimal(value or 0).normalize(), "f")


def _choices(items) -> list[dict]:
    frozen = []
    for item in items.bound_blocks if hasattr(items, "bound_blocks") else items:
        value = getattr(item, "value", item)
        frozen.append(
            {
                "id": str(getattr(item, "id", "") or ""),
                "text": value.get("text") or "",
                "correct": bool(value.get("correct")),
                "feedback": value.get("feedback") or "",
            }
        )
    return frozen


def freeze(questions) -> list[dict]:
    """The live questions (a StreamValue of `QuizQuestionsBlock`) as plain data."""
    frozen = []
    for block in questions:
        value = block.value
        question = {
            "id": str(block.id or ""),  # a question not saved yet has no id
            "type": block.block_type,
            "prompt": _text(value.get("prompt")),
            "points": int(value.get("points") or 1),
            "explanation": _text(value.get("explanation")),
        }
        if block.block_type == grading.TRUE_FALSE:
            question.update(
                answer=value.get("answer") or "true",
                feedback={
                    "true": value.get("feedback_true") or "",
                    "false": value.get("feedback_false") or "",
                },
            )
        elif block.block_type == grading.NUMERIC:
            question.update(
                answer=_decimal_text(value.get("answer")),
                tolerance=_decimal_text(value.get("tolerance")),
                unit=value.get("unit") or "",
            )
        else:
            question.update(
                choices=_choices(value.get("choices") or []),
                scoring=value.get("scoring") or "all_or_nothing",
                multiple=block.block_type == grading.MULTIPLE or bool(value.get("multiple")),
            )
            if block.block_type == grading.SCENARIO:
                question["situation"] = _text(value.get("situation"))
        frozen.append(question)
    return frozen


def digest(frozen: list[dict]) -> str:
    canonical = json.dumps(frozen, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def total_points(frozen: list[dict]) -> Decimal:
    return Decimal(sum(question["points"] for question in frozen))


def version_for(quiz: QuizPage) -> QuizVersion:
    """The version holding the quiz's live questions: the existing one with the same
    content, or a new one. Safe when two attempts start at once (the unique digest)."""
    frozen = freeze(quiz.questions)
    key = digest(frozen)
    existing = QuizVersion.objects.filter(quiz=quiz, digest=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return QuizVersion.objects.create(
                quiz=quiz, digest=key, questions=frozen, total_points=total_points(frozen)
            )
    except IntegrityError:
        return QuizVersion.objects.get(quiz=quiz, digest=key)


def key_for(shown: list[dict], key: list[dict]) -> list[dict]:
    """The questions an attempt was shown, each with the key that grades it: the
    question with the same id in `key` (a later version, after a regrade) when it still
    has the same type and the same choices, else the question as it was shown. Grading
    and the review both read it, so they never disagree."""
    by_id = {question["id"]: question for question in key}
    graded = []
    for question in shown:
        candidate = by_id.get(question["id"])
        if (
            candidate is not None
            and candidate["type"] == question["type"]
            and set(grading.choice_ids(candidate)) == set(grading.choice_ids(question))
        ):
            graded.append(candidate)
        else:
            graded.append(question)
    return graded

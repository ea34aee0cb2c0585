"""Grading: pure functions from a frozen question and a response to a score.

No database, no request: `tests/quizzes/test_grading.py` tables every case. A frozen
question is the dict `versions.freeze` makes (stable ids, the key, points); a response
is what `parse_response` returned for it (or None when unanswered):

- choice questions (single, multiple, scenario, true/false): ``{"choices": [ids]}``
  (true/false uses the ids ``"true"`` and ``"false"``);
- numeric: ``{"value": "3.5"}`` (a decimal as text).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

SINGLE = "single_choice"
MULTIPLE = "multiple_choice"
TRUE_FALSE = "true_false"
NUMERIC = "numeric"
SCENARIO = "scenario"
QUESTION_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, NUMERIC, SCENARIO)

ERROR_UNKNOWN_CHOICE = _("This choice is not one of the question's.")
ERROR_ONE_CHOICE = _("Choose one answer only.")
ERROR_NOT_A_NUMBER = _("Enter a number, such as 12 or 3,5.")
ERROR_NUMBER_TOO_LONG = _("This number is too long.")

TWO_PLACES = Decimal("0.01")
MAX_EXPONENT = 30  # at most 30 digits either side of the point, as the length check allows


class ResponseInvalid(ValueError):
    """The response cannot be an answer to the question; `message` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Grade:
    score: Decimal  # points earned, two decimal places
    points: Decimal  # the question's points
    correct: bool  # fully right

    @property
    def partial(self) -> bool:
        return not self.correct and self.score > 0


def takes_several(question: dict) -> bool:
    """Does the question take several choices (checkboxes) rather than one (radios)?"""
    return question["type"] == MULTIPLE or (question["type"] == SCENARIO and question["multiple"])


def choice_ids(question: dict) -> list[str]:
    """The ids of the question's choices, in the author's order (none for numeric)."""
    if question["type"] == TRUE_FALSE:
        return ["true", "false"]
    return [choice["id"] for choice in question.get("choices", [])]


def correct_ids(question: dict) -> set[str]:
    """The ids of the right choices (none for numeric)."""
    if question["type"] == TRUE_FALSE:
        return {question["answer"]}
    return {choice["id"] for choice in question.get("choices", []) if choice["correct"]}


def parse_response(question: dict, values: list[str]) -> dict | None:
    """The response to store for what the form sent for this question (`values`, the
    submitted values of its field), or None when nothing was answered. Raises
    `ResponseInvalid` for unknown choices, several choices where one is expected, or
    text that is not a number."""
    values = [value.strip() for value in values if value is not None and value.strip()]
    if not values:
        return None
    if question["type"] == NUMERIC:
        raw = values[-1].replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        raw = raw.replace(",", ".")
        if len(raw) > 30:
            raise ResponseInvalid(ERROR_NUMBER_TOO_LONG)
        try:
            number = Decimal(raw)
        except InvalidOperation as error:
            raise ResponseInvalid(ERROR_NOT_A_NUMBER) from error
        if not number.is_finite():
            raise ResponseInvalid(ERROR_NOT_A_NUMBER)
        if number and abs(number.adjusted()) > MAX_EXPONENT:
            raise ResponseInvalid(ERROR_NUMBER_TOO_LONG)  # "1e999999999" would overflow
        return {"value": format(number, "f")}
    known = choice_ids(question)
    chosen = list(dict.fromkeys(values))  # keeps order, drops repeats
    if any(value not in known for value in chosen):
        raise ResponseInvalid(ERROR_UNKNOWN_CHOICE)
    if len(chosen) > 1 and not takes_several(question):
        raise ResponseInvalid(ERROR_ONE_CHOICE)
    return {"choices": sorted(chosen, key=known.index)}


def grade(question: dict, response: dict | None) -> Grade:
    """The grade of one response (None: unanswered, worth nothing)."""
    points = Decimal(question["points"])
    if response is None:
        return Grade(Decimal("0.00"), points, False)
    if question["type"] == NUMERIC:
        return _grade_numeric(question, response, points)
    chosen = set(response.get("choices", []))
    right = correct_ids(question)
    if takes_several(question) and question.get("scoring") == "partial":
        return _grade_partial(question, chosen, right, points)
    correct = chosen == right
    return Grade(_round(points if correct else Decimal(0)), points, correct)


def _grade_numeric(question, response, points) -> Grade:
    try:
        value = Decimal(response["value"])
    except (KeyError, ArithmeticError):  # a response stored before the bounds existed
        return Grade(Decimal("0.00"), points, False)
    try:
        correct = abs(value - Decimal(question["answer"])) <= Decimal(question["tolerance"])
    except ArithmeticError:
        correct = False
    return Grade(_round(points if correct else Decimal(0)), points, correct)


def _grade_partial(question, chosen: set, right: set, points) -> Grade:
    """Each right choice ticked earns its share of the points; each wrong one ticked
    costs its share of them (shares over the right choices and over the wrong ones);
    never below zero. All the right ones and none of the wrong ones: full marks."""
    wrong = set(choice_ids(question)) - right
    earned = Decimal(len(chosen & right)) / Decimal(len(right))
    lost = Decimal(len(chosen & wrong)) / Decimal(len(wrong)) if wrong else Decimal(0)
    fraction = max(Decimal(0), earned - lost)
    correct = chosen == right
    return Grade(_round(points * fraction), points, correct)


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def percent(score: Decimal, total: Decimal) -> Decimal:
    """The score as a percentage of the total, two decimal places (0 when no points)."""
    if not total:
        return Decimal("0.00")
    return _round(Decimal(100) * score / total)


def passes(score_percent: Decimal, pass_mark: int) -> bool:
    return score_percent >= Decimal(pass_mark)

"""Grading is pure: a frozen question and a response in, a grade out. Every question type
and edge case is tabled here (`pytest.mark.parametrize`), then the rules that must hold
for any input are checked with Hypothesis: partial credit stays within [0, points], full
marks only for exactly the right choices, ticking a right choice never lowers a score
and a wrong one never raises it; a number is right exactly when it is within the
tolerance.

No database: the questions are the plain dicts `quizzes.versions.freeze` makes.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes import grading
from quizzes.grading import (
    ERROR_NOT_A_NUMBER,
    ERROR_NUMBER_TOO_LONG,
    ERROR_ONE_CHOICE,
    ERROR_UNKNOWN_CHOICE,
    Grade,
    ResponseInvalid,
    grade,
    parse_response,
    percent,
)

# No example database on disk (no `.hypothesis/` folder in the checkout), no deadline
# (a loaded machine must not fail a pure test), and enough examples to find edges.
PROPERTIES = settings(
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- Frozen questions, as `versions.freeze` makes them -------------------------------------


def choices(*spec: str) -> list[dict]:
    """Choices from ids; an id ending in "+" is a right one ("a+", "b", …)."""
    return [
        {"id": item.rstrip("+"), "text": item, "correct": item.endswith("+"), "feedback": ""}
        for item in spec
    ]


def single(*spec, points=1) -> dict:
    return {
        "id": "q-single",
        "type": grading.SINGLE,
        "prompt": "<p>?</p>",
        "points": points,
        "explanation": "",
        "choices": choices(*spec),
        "scoring": "all_or_nothing",
        "multiple": False,
    }


def multiple(*spec, scoring="all_or_nothing", points=2) -> dict:
    return {**single(*spec, points=points), "type": grading.MULTIPLE, "scoring": scoring}


def scenario(*spec, several=False, scoring="all_or_nothing", points=2) -> dict:
    return {
        **single(*spec, points=points),
        "type": grading.SCENARIO,
        "multiple": several,
        "scoring": scoring,
        "situation": "<p>Un dirigeant cherche 3 000 m² près d'une gare.</p>",
    }


def true_false(answer="false", points=1) -> dict:
    return {
        "id": "q-tf",
        "type": grading.TRUE_FALSE,
        "prompt": "<p>?</p>",
        "points": points,
        "explanation": "",
        "answer": answer,
        "feedback": {"true": "", "false": ""},
    }


def numeric(answer="3000", tolerance="100", points=1) -> dict:
    return {
        "id": "q-num",
        "type": grading.NUMERIC,
        "prompt": "<p>?</p>",
        "points": points,
        "explanation": "",
        "answer": answer,
        "tolerance": tolerance,
        "unit": "m²",
    }


def picked(*ids: str) -> dict:
    return {"choices": list(ids)}


def D(value) -> Decimal:
    return Decimal(str(value))


# --- Choice questions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "response", "score", "correct"),
    [
        # Single choice: the right one, a wrong one, nothing.
        (single("a+", "b", "c"), picked("a"), "1.00", True),
        (single("a+", "b", "c"), picked("b"), "0.00", False),
        (single("a+", "b", "c"), None, "0.00", False),
        (single("a+", "b", points=3), picked("a"), "3.00", True),
        # True/false: the choice ids are "true" and "false".
        (true_false("false"), picked("false"), "1.00", True),
        (true_false("false"), picked("true"), "0.00", False),
        (true_false("true"), picked("true"), "1.00", True),
        (true_false("true"), None, "0.00", False),
        # Multiple, all or nothing: exactly the right set, nothing else.
        (multiple("a+", "b+", "c"), picked("a", "b"), "2.00", True),
        (multiple("a+", "b+", "c"), picked("a"), "0.00", False),  # one missing
        (multiple("a+", "b+", "c"), picked("a", "b", "c"), "0.00", False),  # one extra
        (multiple("a+", "b+", "c"), picked("c"), "0.00", False),
        (multiple("a+", "b+", "c"), None, "0.00", False),
        # Multiple, partial credit: right ones earn a share over the right choices, wrong
        # ones cost a share over the wrong choices, never below zero.
        (multiple("a+", "b+", "c", scoring="partial"), picked("a", "b"), "2.00", True),
        (multiple("a+", "b+", "c", "d", scoring="partial"), picked("a"), "1.00", False),
        # One right of two (+1/2), one wrong of two (−1/2): they cancel.
        (multiple("a+", "b+", "c", "d", scoring="partial"), picked("a", "c"), "0.00", False),
        # Both right (+1), one wrong of two (−1/2): half the points.
        (multiple("a+", "b+", "c", "d", scoring="partial"), picked("a", "b", "c"), "1.00", False),
        # Only wrong ones: zero, never negative.
        (multiple("a+", "b+", "c", "d", scoring="partial"), picked("c", "d"), "0.00", False),
        (multiple("a+", "b+", "c", scoring="partial"), picked("c"), "0.00", False),
        # Every choice right (no wrong choice exists): each one earns its share.
        (multiple("a+", "b+", "c+", scoring="partial", points=3), picked("a", "b"), "2.00", False),
        (
            multiple("a+", "b+", "c+", scoring="partial", points=3),
            picked("a", "b", "c"),
            "3.00",
            True,
        ),
        # Thirds round to two places, half up.
        (multiple("a+", "b+", "c+", scoring="partial", points=1), picked("a"), "0.33", False),
        (multiple("a+", "b+", "c+", scoring="partial", points=1), picked("a", "b"), "0.67", False),
        (multiple("a+", "b+", "c", scoring="partial"), None, "0.00", False),
        # Scenario, one answer (radios) or several (checkboxes, scored like multiple).
        (scenario("pass+", "wait"), picked("pass"), "2.00", True),
        (scenario("pass+", "wait"), picked("wait"), "0.00", False),
        (scenario("a+", "b+", "c", several=True), picked("a", "b"), "2.00", True),
        (scenario("a+", "b+", "c", several=True), picked("a"), "0.00", False),
        (
            scenario("a+", "b+", "c", "d", several=True, scoring="partial"),
            picked("a"),
            "1.00",
            False,
        ),
        (
            scenario("a+", "b+", "c", "d", several=True, scoring="partial"),
            picked("a", "c"),
            "0.00",
            False,
        ),
        # "partial" only applies where several answers are taken: a one-answer scenario
        # with that setting left over is still all or nothing.
        (scenario("a+", "b", scoring="partial"), picked("b"), "0.00", False),
    ],
)
def test_choice_questions_are_graded_by_their_rules(question, response, score, correct):
    result = grade(question, response)

    assert result == Grade(D(score), D(question["points"]), correct)
    assert result.score.as_tuple().exponent == -2  # two decimal places, always
    assert result.partial == (not correct and result.score > 0)


# --- Numeric questions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "typed", "correct"),
    [
        (numeric("3000", "100"), "3000", True),  # exact
        (numeric("3000", "100"), "2950", True),  # within, below
        (numeric("3000", "100"), "3050", True),  # within, above
        (numeric("3000", "100"), "2900", True),  # exactly at the lower bound
        (numeric("3000", "100"), "3100", True),  # exactly at the upper bound
        (numeric("3000", "100"), "2899.99", False),  # just outside
        (numeric("3000", "100"), "3100.01", False),
        (numeric("3000", "100"), "12", False),
        (numeric("3000", "100"), "3 000", True),  # thousands separated by a space
        (numeric("3000", "100"), "3\u00a0000", True),  # … a no-break space
        (numeric("3000", "100"), "3\u202f000", True),  # … a narrow no-break space
        (numeric("3.5", "0"), "3,5", True),  # decimal comma
        (numeric("3.5", "0"), "3.5", True),
        (numeric("3.5", "0"), "3,50", True),
        (numeric("3.5", "0"), "3,51", False),  # tolerance 0: exact only
        (numeric("-12.5", "0.5"), "-12", True),  # negative numbers
        (numeric("-12.5", "0.5"), "-13", True),
        (numeric("-12.5", "0.5"), "-13,01", False),
        (numeric("-12.5", "0.5"), "12.5", False),
        (numeric("0", "0"), "-0", True),
        (numeric("1E+3", "0"), "1000", True),  # a key frozen in exponent form
    ],
)
def test_numeric_questions_are_right_within_the_tolerance_inclusive(question, typed, correct):
    result = grade(question, parse_response(question, [typed]))

    assert result.correct is correct
    assert result.score == (D(question["points"]) if correct else D("0.00"))


def test_a_numeric_question_unanswered_or_stored_oddly_scores_nothing():
    question = numeric()

    assert grade(question, None) == Grade(D("0.00"), D(1), False)
    # A response of the wrong shape (data from before a question's type changed) is
    # worth nothing; it never raises.
    assert grade(question, picked("a")) == Grade(D("0.00"), D(1), False)
    assert grade(question, {"value": "abc"}) == Grade(D("0.00"), D(1), False)


# --- Parsing what the form sent --------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "values", "expected"),
    [
        (single("a+", "b"), ["a"], picked("a")),
        (single("a+", "b"), ["a", "a"], picked("a")),  # repeats collapse
        (single("a+", "b"), [" a "], picked("a")),
        (single("a+", "b"), [], None),  # nothing sent
        (single("a+", "b"), [""], None),  # an empty value
        (single("a+", "b"), ["  ", ""], None),
        (multiple("a+", "b+", "c"), ["c", "a"], picked("a", "c")),  # the author's order
        (multiple("a+", "b+", "c"), ["b", "a", "b"], picked("a", "b")),
        (multiple("a+", "b+", "c"), ["", "b"], picked("b")),
        (scenario("a+", "b+", "c", several=True), ["a", "b"], picked("a", "b")),
        (true_false(), ["true"], picked("true")),
        (numeric(), ["3000"], {"value": "3000"}),
        (numeric(), ["3,5"], {"value": "3.5"}),
        (numeric(), [" 3 000 "], {"value": "3000"}),
        (numeric(), ["-0,25"], {"value": "-0.25"}),
        (numeric(), ["1", "2"], {"value": "2"}),  # the last value counts
        (numeric(), [""], None),
        (numeric(), [], None),
    ],
)
def test_parse_response_keeps_what_was_answered(question, values, expected):
    assert parse_response(question, values) == expected


@pytest.mark.parametrize(
    ("question", "values", "message"),
    [
        (single("a+", "b"), ["z"], ERROR_UNKNOWN_CHOICE),
        (single("a+", "b"), ["a", "z"], ERROR_UNKNOWN_CHOICE),
        (multiple("a+", "b+", "c"), ["a", "<script>"], ERROR_UNKNOWN_CHOICE),
        (true_false(), ["vrai"], ERROR_UNKNOWN_CHOICE),
        (true_false(), ["True"], ERROR_UNKNOWN_CHOICE),
        (single("a+", "b"), ["a", "b"], ERROR_ONE_CHOICE),
        (scenario("a+", "b"), ["a", "b"], ERROR_ONE_CHOICE),
        (true_false(), ["true", "false"], ERROR_ONE_CHOICE),
        (numeric(), ["abc"], ERROR_NOT_A_NUMBER),
        (numeric(), ["3,5,2"], ERROR_NOT_A_NUMBER),
        (numeric(), ["12 m²"], ERROR_NOT_A_NUMBER),
        (numeric(), ["NaN"], ERROR_NOT_A_NUMBER),
        (numeric(), ["sNaN"], ERROR_NOT_A_NUMBER),
        (numeric(), ["Infinity"], ERROR_NOT_A_NUMBER),
        (numeric(), ["-inf"], ERROR_NOT_A_NUMBER),
        (numeric(), ["1" * 31], ERROR_NUMBER_TOO_LONG),
        (numeric(), ["1 " * 31], ERROR_NUMBER_TOO_LONG),  # 31 digits once spaces are gone
    ],
)
def test_parse_response_refuses_what_cannot_be_an_answer(question, values, message):
    with pytest.raises(ResponseInvalid) as refused:
        parse_response(question, values)

    assert refused.value.message == message
    assert str(refused.value) == str(message)


def test_a_thirty_digit_number_is_still_accepted():
    assert parse_response(numeric(), ["1" * 30]) == {"value": "1" * 30}


@pytest.mark.parametrize("typed", ["1e999999999", "-1E+999999999", "9e9999999"])
def test_a_number_with_a_huge_exponent_is_refused_or_graded_zero_never_an_error(typed):
    question = numeric("3000", "100")
    try:
        response = parse_response(question, [typed])
    except ResponseInvalid as refused:
        assert refused.message == ERROR_NUMBER_TOO_LONG
        return
    assert grade(question, response) == Grade(D("0.00"), D(1), False)


def test_helpers_name_the_choices_and_the_key():
    assert grading.choice_ids(true_false()) == ["true", "false"]
    assert grading.correct_ids(true_false("false")) == {"false"}
    assert grading.choice_ids(multiple("a+", "b", "c+")) == ["a", "b", "c"]
    assert grading.correct_ids(multiple("a+", "b", "c+")) == {"a", "c"}
    assert grading.choice_ids(numeric()) == [] and grading.correct_ids(numeric()) == set()
    assert grading.takes_several(multiple("a+", "b"))
    assert grading.takes_several(scenario("a+", "b", several=True))
    assert not grading.takes_several(scenario("a+", "b"))
    assert not grading.takes_several(single("a+", "b"))
    assert not grading.takes_several(true_false())


# --- Percent and pass mark ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "total", "expected"),
    [
        ("2", "3", "66.67"),
        ("1", "3", "33.33"),
        ("7", "7", "100.00"),
        ("0", "7", "0.00"),
        ("4.9", "7", "70.00"),
        ("1", "8", "12.50"),
        ("1", "16", "6.25"),
        ("1", "160", "0.63"),  # 0.625 rounds half up
        ("3", "0", "0.00"),  # no points at all: 0, no division error
    ],
)
def test_percent_has_two_places_rounded_half_up(score, total, expected):
    assert percent(D(score), D(total)) == D(expected)
    assert percent(D(score), D(total)).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("score_percent", "pass_mark", "passes"),
    [
        ("70.00", 70, True),  # exactly the pass mark passes
        ("69.99", 70, False),
        ("70.01", 70, True),
        ("100.00", 100, True),
        ("99.99", 100, False),
        ("1.00", 1, True),
        ("0.00", 1, False),
        ("66.67", 67, False),  # 2 of 3 is not 67 %
        ("66.67", 66, True),
    ],
)
def test_passes_from_the_pass_mark_inclusive(score_percent, pass_mark, passes):
    assert grading.passes(D(score_percent), pass_mark) is passes


# --- Properties (Hypothesis) ------------------------------------------------------------------


@st.composite
def choice_question(draw, *, scoring: str):
    """A question taking several answers: 2 to 8 choices, at least one right, 1 to 10
    points; and a response among its choices."""
    count = draw(st.integers(min_value=2, max_value=8))
    ids = [f"c{n}" for n in range(count)]
    right = draw(st.sets(st.sampled_from(ids), min_size=1))
    kind = draw(st.sampled_from(["multiple", "scenario"]))
    spec = [f"{i}+" if i in right else i for i in ids]
    points = draw(st.integers(min_value=1, max_value=10))
    question = (
        multiple(*spec, scoring=scoring, points=points)
        if kind == "multiple"
        else scenario(*spec, several=True, scoring=scoring, points=points)
    )
    chosen = draw(st.sets(st.sampled_from(ids)))
    return question, chosen


def as_response(chosen) -> dict:
    return {"choices": sorted(chosen)}


@PROPERTIES
@given(choice_question(scoring="partial"))
def test_partial_credit_stays_within_zero_and_the_points(case):
    question, chosen = case
    result = grade(question, as_response(chosen))

    assert D(0) <= result.score <= D(question["points"])
    assert result.points == D(question["points"])


@PROPERTIES
@given(st.sampled_from(["partial", "all_or_nothing"]).flatmap(lambda s: choice_question(scoring=s)))
def test_full_marks_exactly_when_the_right_choices_and_only_them_are_ticked(case):
    question, chosen = case
    result = grade(question, as_response(chosen))
    exactly_right = chosen == grading.correct_ids(question)

    assert (result.score == D(question["points"])) is exactly_right
    assert result.correct is exactly_right
    if question["scoring"] == "all_or_nothing":
        assert result.score in {D("0.00"), D(question["points"])}


@PROPERTIES
@given(choice_question(scoring="partial"), st.data())
def test_ticking_a_right_choice_never_lowers_the_score_and_a_wrong_one_never_raises_it(case, data):
    question, chosen = case
    right = grading.correct_ids(question)
    wrong = set(grading.choice_ids(question)) - right
    before = grade(question, as_response(chosen)).score

    unticked_right = sorted(right - chosen)
    if unticked_right:
        extra = data.draw(st.sampled_from(unticked_right))
        assert grade(question, as_response(chosen | {extra})).score >= before
    unticked_wrong = sorted(wrong - chosen)
    if unticked_wrong:
        extra = data.draw(st.sampled_from(unticked_wrong))
        assert grade(question, as_response(chosen | {extra})).score <= before


def decimals(places: int, bound: int):
    return st.decimals(
        min_value=-bound, max_value=bound, places=places, allow_nan=False, allow_infinity=False
    )


@PROPERTIES
@given(
    answer=decimals(4, 10**6),
    tolerance=st.decimals(min_value=0, max_value=1000, places=4),
    value=decimals(4, 10**6),
    comma=st.booleans(),
)
def test_a_number_is_right_exactly_when_within_the_tolerance(answer, tolerance, value, comma):
    question = numeric(str(answer), str(tolerance))
    typed = str(value).replace(".", ",") if comma else str(value)

    result = grade(question, parse_response(question, [typed]))

    assert result.correct is (abs(value - answer) <= tolerance)


@PROPERTIES
@given(answer=decimals(2, 10**5), tolerance=st.decimals(min_value=0, max_value=100, places=2))
def test_both_bounds_of_the_tolerance_are_right_and_one_hundredth_beyond_is_not(answer, tolerance):
    question = numeric(str(answer), str(tolerance))
    hundredth = D("0.01")

    def right(value) -> bool:
        return grade(question, parse_response(question, [str(value)])).correct

    assert right(answer - tolerance) and right(answer + tolerance)
    assert not right(answer - tolerance - hundredth)
    assert not right(answer + tolerance + hundredth)

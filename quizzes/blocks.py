"""The quiz's question blocks.

Each question has a prompt, its points and an explanation (shown in the review when the
quiz's policy allows), plus what its type needs: choices with the right ones ticked and
optional feedback, the true/false answer, or a number with its tolerance. The admin
refuses an invalid question with a message on the field at fault (`clean`).

A question's stable id is its block id in the StreamField, a choice's is its list item
id: both survive edits, so attempts, regrading and statistics follow them across
versions of the quiz (`quizzes.versions`).

The blocks' templates show a question as the ambassador reads it — never which answer
is right: they serve the block picker and the admin's preview, and the answer keys stay
on the server (`quizzes.selectors.attempt_questions`).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from home.blocks import RICH_TEXT_FEATURES

ERROR_NO_CHOICES = _("Give at least two choices.")
ERROR_SINGLE_NEEDS_ONE = _("Tick exactly one correct choice: this question takes one answer.")
ERROR_MULTIPLE_NEEDS_ONE = _("Tick at least one correct choice.")
ERROR_NEGATIVE_TOLERANCE = _("The tolerance cannot be negative.")
ERROR_POINTS = _("A question is worth at least one point.")

SCORING_ALL_OR_NOTHING = "all_or_nothing"
SCORING_PARTIAL = "partial"
SCORING_CHOICES = [
    (SCORING_ALL_OR_NOTHING, _("All or nothing: every right choice and no wrong one")),
    (SCORING_PARTIAL, _("Partial credit: right choices earn, wrong choices cost")),
]

TRUE_FALSE_CHOICES = [("true", _("True")), ("false", _("False"))]


class AnswerChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("choice"), max_length=300)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("feedback"),
        required=False,
        help_text=_("Shown with the review to whoever picked this choice (optional)."),
    )

    class Meta:
        icon = "tick"
        label = _("Choice")
        form_classname = "struct-block quiz-choice"


def _number(value) -> Decimal | None:
    """A child's value as a number. When a child is invalid, the others may still be the
    submitted text: the checks below must not fail on it."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def _prompt():
    return blocks.RichTextBlock(
        label=_("question"), features=["bold", "italic", "link"], help_text=_("The question asked.")
    )


def _points():
    return blocks.IntegerBlock(label=_("points"), default=1, min_value=1)


def _explanation():
    return blocks.RichTextBlock(
        label=_("explanation"),
        features=RICH_TEXT_FEATURES,
        required=False,
        help_text=_("Why the answer is what it is: shown in the review when the quiz allows it."),
    )


def _choices():
    return blocks.ListBlock(AnswerChoiceBlock(), label=_("choices"), min_num=2)


class _QuestionBlock(blocks.StructBlock):
    """What every question type shares: its prompt, points and explanation (declared by
    each type, so that the editor sees them in reading order), and the checks."""

    def clean(self, value):
        errors = {}
        try:
            value = super().clean(value)
        except StructBlockValidationError as error:
            errors.update(error.block_errors)
        points = _number(value.get("points"))
        if "points" not in errors and (points is None or points < 1):
            errors["points"] = ErrorList([ValidationError(ERROR_POINTS)])
        errors.update(self.question_errors(value))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def question_errors(self, value) -> dict:
        return {}


def _choices_errors(choices, *, single: bool) -> dict:
    """The choices must be at least two; a single-answer question has exactly one right
    choice, a multiple-answer question at least one."""
    if len(choices or []) < 2:
        return {"choices": ListBlockValidationError(non_block_errors=ErrorList([ERROR_NO_CHOICES]))}
    right = sum(1 for choice in choices if choice.get("correct"))
    if single and right != 1:
        message = ERROR_SINGLE_NEEDS_ONE
    elif not single and right < 1:
        message = ERROR_MULTIPLE_NEEDS_ONE
    else:
        return {}
    return {"choices": ListBlockValidationError(non_block_errors=ErrorList([message]))}


class SingleChoiceQuestionBlock(_QuestionBlock):
    prompt = _prompt()
    choices = _choices()
    points = _points()
    explanation = _explanation()

    class Meta:
        icon = "radio-full"
        label = _("Single choice")
        template = "blocks/quiz_question.html"
        description = _("One right answer among several choices.")
        preview_value = {
            "prompt": "<p>Quel signe annonce le plus sûrement un projet d'implantation ?</p>",
            "choices": [
                {"text": "Une vague de recrutements hors de son bassin", "correct": True},
                {"text": "Un nouveau logo", "correct": False},
                {"text": "Un salon annulé", "correct": False},
            ],
            "points": 1,
        }
        form_classname = "struct-block quiz-question"

    def question_errors(self, value):
        return _choices_errors(value.get("choices"), single=True)


class MultipleChoiceQuestionBlock(_QuestionBlock):
    prompt = _prompt()
    choices = _choices()
    scoring = blocks.ChoiceBlock(
        label=_("scoring"), choices=SCORING_CHOICES, default=SCORING_ALL_OR_NOTHING
    )
    points = _points()
    explanation = _explanation()

    class Meta:
        icon = "list-ul"
        label = _("Multiple choice")
        template = "blocks/quiz_question.html"
        description = _("Several right answers: all or nothing, or partial credit.")
        preview_value = {
            "prompt": "<p>Lesquels de ces signaux méritent d'être transmis ?</p>",
            "choices": [
                {"text": "Une levée de fonds de 12 M€", "correct": True},
                {"text": "La recherche de 3 000 m² près d'une gare", "correct": True},
                {"text": "Un changement de standard téléphonique", "correct": False},
            ],
            "scoring": SCORING_PARTIAL,
            "points": 2,
        }
        form_classname = "struct-block quiz-question"

    def question_errors(self, value):
        return _choices_errors(value.get("choices"), single=False)


class TrueFalseQuestionBlock(_QuestionBlock):
    prompt = _prompt()
    answer = blocks.ChoiceBlock(label=_("right answer"), choices=TRUE_FALSE_CHOICES, default="true")
    feedback_true = blocks.TextBlock(
        label=_("feedback for “true”"), required=False, help_text=_("Optional.")
    )
    feedback_false = blocks.TextBlock(
        label=_("feedback for “false”"), required=False, help_text=_("Optional.")
    )
    points = _points()
    explanation = _explanation()

    class Meta:
        icon = "tick-inverse"
        label = _("True or false")
        template = "blocks/quiz_question.html"
        description = _("A statement the ambassador judges true or false.")
        preview_value = {
            "prompt": "<p>Un projet confidentiel ne doit jamais être signalé.</p>",
            "answer": "false",
            "points": 1,
        }
        form_classname = "struct-block quiz-question"


class NumericQuestionBlock(_QuestionBlock):
    prompt = _prompt()
    answer = blocks.DecimalBlock(label=_("right answer"), decimal_places=4, max_digits=18)
    tolerance = blocks.DecimalBlock(
        label=_("tolerance"),
        decimal_places=4,
        max_digits=18,
        default=Decimal("0"),
        help_text=_("Answers within this distance of the right one are accepted (0 = exact)."),
    )
    unit = blocks.CharBlock(
        label=_("unit"),
        max_length=30,
        required=False,
        help_text=_("Shown after the field: “m²”, “%”, “jobs”."),
    )
    points = _points()
    explanation = _explanation()

    class Meta:
        icon = "decimal"
        label = _("Numeric answer")
        template = "blocks/quiz_question.html"
        description = _("A number, right within a tolerance.")
        preview_value = {
            "prompt": "<p>Combien d'emplois un projet doit-il annoncer pour être suivi par l'agence ?</p>",
            "answer": Decimal("10"),
            "tolerance": Decimal("0"),
            "unit": "emplois",
            "points": 1,
        }
        form_classname = "struct-block quiz-question"

    def question_errors(self, value):
        tolerance = _number(value.get("tolerance"))
        if tolerance is not None and tolerance < 0:
            return {"tolerance": ErrorList([ValidationError(ERROR_NEGATIVE_TOLERANCE)])}
        return {}


class ScenarioQuestionBlock(_QuestionBlock):
    situation = blocks.RichTextBlock(
        label=_("situation"),
        features=RICH_TEXT_FEATURES,
        help_text=_("The situation the ambassador reads first: who says what, where."),
    )
    prompt = _prompt()
    multiple = blocks.BooleanBlock(
        label=_("several answers"),
        required=False,
        help_text=_("Tick when several choices are right (“Which signals?”)."),
    )
    choices = _choices()
    scoring = blocks.ChoiceBlock(
        label=_("scoring (several answers)"),
        choices=SCORING_CHOICES,
        default=SCORING_ALL_OR_NOTHING,
    )
    points = _points()
    explanation = _explanation()

    class Meta:
        icon = "openquote"
        label = _("Scenario")
        template = "blocks/quiz_question.html"
        description = _(
            "A situation to read, then a choice question: is this a project to pass on?"
        )
        preview_value = {
            "situation": "<p>Au salon, un dirigeant vous dit qu'il cherche 3 000 m² près d'une gare "
            "pour ouvrir un site de 40 personnes d'ici un an.</p>",
            "prompt": "<p>Que faites-vous ?</p>",
            "choices": [
                {"text": "Je le signale à l'agence dans la journée", "correct": True},
                {"text": "J'attends qu'il rappelle", "correct": False},
            ],
            "points": 2,
        }
        form_classname = "struct-block quiz-question"

    def question_errors(self, value):
        return _choices_errors(value.get("choices"), single=not value.get("multiple"))


class QuizQuestionsBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    numeric = NumericQuestionBlock()
    scenario = ScenarioQuestionBlock()

    class Meta:
        block_counts = {}

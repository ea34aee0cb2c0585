"""The Wagtail page battery for `QuizPage`: tree rules on both ends, creation through
the admin with a question of each type by real block names (and what was stored), the
admin refusing invalid questions with clear messages, editing, previewing; and editing
a published quiz never changing an attempt already started."""

import copy
import json
from decimal import Decimal
from html import unescape

from django.utils import translation
from django.utils.html import escape
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import User
from home.services import site_tree_ensure
from lms.models import CourseIndexPage, CoursePage, LessonPage
from quizzes import blocks, report_selectors, services, versions
from quizzes.models import Attempt, QuizPage, QuizVersion
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_progress import add_catalogue, add_course, complete, lessons_of
from tests.quizzes.builders import (
    ALL_RIGHT,
    Q_MULTIPLE,
    Q_NUMERIC,
    Q_SCENARIO,
    Q_SINGLE,
    Q_TRUE_FALSE,
    add_quiz,
    every_question_type,
)


def fr(message) -> str:
    with translation.override("fr"):
        return str(message)


# --- The admin's form data ------------------------------------------------------------

RICH_TEXT_FIELDS = ("prompt", "situation", "explanation")


def choices_form_data(items: list[dict]) -> dict:
    """A ListBlock of choices as the editor posts it, each item with its id."""
    data = {"count": str(len(items))}
    for index, item in enumerate(items):
        value = item["value"]
        data[str(index)] = {
            "value": {
                "text": value["text"],
                "correct": "on" if value["correct"] else "",
                "feedback": value.get("feedback", ""),
            },
            "deleted": "",
            "order": str(index),
            "id": item["id"],
        }
    return data


def question_form_data(value: dict) -> dict:
    data = {}
    for name, field in value.items():
        if name in RICH_TEXT_FIELDS:
            data[name] = rich_text(field or "")
        elif name == "choices":
            data[name] = choices_form_data(field)
        elif isinstance(field, bool):
            data[name] = "on" if field else ""
        else:
            data[name] = str(field)
    return data


def questions_form_data(questions: list[dict]) -> dict:
    """Raw StreamField data (as `builders.every_question_type` writes it) as the admin
    posts it: real block names, each question and choice with its stable id."""
    data = streamfield([(q["type"], question_form_data(q["value"])) for q in questions])
    for index, question in enumerate(questions):
        data[str(index)]["id"] = question["id"]
    return data


def quiz_form_data(questions: list[dict], **fields) -> dict:
    data = {
        "title": "Quiz final",
        "slug": "quiz-final",
        "introduction": rich_text("<p>Vérifiez que vous savez repérer un projet.</p>"),
        "estimated_minutes": "12",
        "pass_mark": "80",
        "attempt_limit": "3",
        "cooldown_minutes": "30",
        "time_limit_minutes": "20",
        "shuffle_questions": "on",
        "shuffle_choices": "",
        "review": "responses",
        "answers_shown": "once_passed",
        "questions": questions_form_data(questions),
    }
    data.update(fields)
    return nested_form_data(data)


def plain(value) -> str:
    """Stored rich text as plain text (the editor adds its own attributes)."""
    return report_selectors.plain_text(getattr(value, "source", str(value)))


class QuizPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = site_tree_ensure()
        cls.admin = User.objects.create_superuser("admin@exemple.fr", "secret")
        cls.catalogue = add_catalogue(cls.home)
        cls.course = add_course(cls.catalogue, "Détecter un projet", lessons=1)
        cls.quiz = add_quiz(cls.course)

    def setUp(self):
        self.client.force_login(self.admin)

    # --- The tree ---------------------------------------------------------------------

    def test_tree_rules_on_both_ends(self):
        self.assertAllowedParentPageTypes(QuizPage, {CoursePage})
        self.assertAllowedSubpageTypes(QuizPage, set())
        self.assertCanCreateAt(CoursePage, QuizPage)
        self.assertCanNotCreateAt(CourseIndexPage, QuizPage)
        self.assertCanNotCreateAt(LessonPage, QuizPage)
        self.assertCanNotCreateAt(QuizPage, LessonPage)

    # --- Creating -------------------------------------------------------------------

    def test_quiz_created_through_the_admin_with_a_question_of_each_type(self):
        self.quiz.delete()
        self.assertCanCreate(self.course, QuizPage, quiz_form_data(every_question_type()))

        quiz = QuizPage.objects.get(slug="quiz-final")
        self.assertEqual(quiz.get_parent().specific, self.course)
        self.assertEqual(
            (quiz.estimated_minutes, quiz.pass_mark, quiz.attempt_limit, quiz.cooldown_minutes),
            (12, 80, 3, 30),
        )
        self.assertEqual(
            (quiz.time_limit_minutes, quiz.shuffle_questions, quiz.shuffle_choices),
            (20, True, False),
        )
        self.assertEqual((quiz.review, quiz.answers_shown), ("responses", "once_passed"))
        self.assertIn("Vérifiez que vous savez repérer un projet.", quiz.introduction)
        self.assertTrue(quiz.live)
        # Unknown block names would be dropped silently: check each one was stored,
        # with its stable id.
        self.assertEqual(
            [(block.block_type, block.id) for block in quiz.questions],
            [
                ("single_choice", Q_SINGLE),
                ("multiple_choice", Q_MULTIPLE),
                ("true_false", Q_TRUE_FALSE),
                ("numeric", Q_NUMERIC),
                ("scenario", Q_SCENARIO),
            ],
        )
        single, multiple, true_false, numeric, scenario = (b.value for b in quiz.questions)
        self.assertEqual(plain(single["prompt"]), "Quel signe annonce un projet ?")
        self.assertEqual(
            [
                (item.id, item.value["text"], item.value["correct"])
                for item in single["choices"].bound_blocks
            ],
            [("s-right", "Une vague de recrutements", True), ("s-wrong", "Un nouveau logo", False)],
        )
        self.assertEqual(single["choices"][1]["feedback"], "Non : c'est cosmétique.")
        self.assertEqual(single["points"], 1)
        self.assertEqual(plain(single["explanation"]), "Les recrutements précèdent l'implantation.")
        self.assertEqual(
            [item.id for item in multiple["choices"].bound_blocks], ["m-a", "m-b", "m-c"]
        )
        self.assertEqual([choice["correct"] for choice in multiple["choices"]], [True, True, False])
        self.assertEqual((multiple["scoring"], multiple["points"]), ("partial", 2))
        self.assertEqual(true_false["answer"], "false")
        self.assertEqual(
            (true_false["feedback_true"], true_false["feedback_false"]),
            ("Si : en mode restreint.", "Exact."),
        )
        self.assertEqual(
            (numeric["answer"], numeric["tolerance"], numeric["unit"]),
            (Decimal("3000"), Decimal("100"), "m²"),
        )
        self.assertIsInstance(numeric["answer"], Decimal)
        self.assertEqual(
            plain(scenario["situation"]), "Un dirigeant cherche 3 000 m² près d'une gare."
        )
        self.assertEqual(
            (scenario["multiple"], scenario["scoring"], scenario["points"]),
            (False, "all_or_nothing", 2),
        )
        # What an attempt would freeze: the same keys and points as the builder's quiz.
        frozen = versions.freeze(quiz.questions)
        reference = versions.freeze(QuizPage(questions=every_question_type()).questions)
        for keys in (("id", "type", "points"), ("answer", "tolerance", "unit", "feedback")):
            self.assertEqual(
                [{k: q[k] for k in keys if k in q} for q in frozen],
                [{k: q[k] for k in keys if k in q} for q in reference],
            )
        self.assertEqual(
            [[(c["id"], c["correct"]) for c in q.get("choices", [])] for q in frozen],
            [[(c["id"], c["correct"]) for c in q.get("choices", [])] for q in reference],
        )
        self.assertEqual(versions.total_points(frozen), 7)

    # --- Refusing invalid questions ---------------------------------------------------

    def assert_refused(self, questions, message, *, field="choices"):
        """Posting the quiz's edit form (publish) with `questions` is refused with
        `message` on the question's `field`, and nothing is saved."""
        quiz = QuizPage.objects.get(pk=self.quiz.pk)
        before = (_snapshot(quiz), quiz.latest_revision_id, quiz.revisions.count())
        data = quiz_form_data(questions, slug=quiz.slug)
        data["action-publish"] = "action-publish"

        response = self.client.post(f"/admin/pages/{quiz.pk}/edit/", data)

        self.assertEqual(response.status_code, 200)  # the form again, not a redirect
        errors = response.context["form"].errors["questions"].as_data()[0]
        messages = [
            str(error.message)
            for question_error in errors.block_errors.values()
            for error in _flatten(question_error.block_errors[field])
        ]
        self.assertIn(fr(message), messages)
        # The editor shows the message (in the StreamField's data, as JSON).
        self.assertIn(_json_text(fr(message)), response.content.decode())
        quiz.refresh_from_db()
        self.assertEqual((_snapshot(quiz), quiz.latest_revision_id, quiz.revisions.count()), before)

    def single(self, *correct):
        questions = every_question_type()
        for item in questions[0]["value"]["choices"]:
            item["value"]["correct"] = item["id"] in correct
        return questions

    def test_a_single_choice_question_without_a_correct_choice_is_refused(self):
        self.assert_refused(self.single(), blocks.ERROR_SINGLE_NEEDS_ONE)

    def test_a_single_choice_question_with_two_correct_choices_is_refused(self):
        self.assert_refused(self.single("s-right", "s-wrong"), blocks.ERROR_SINGLE_NEEDS_ONE)

    def test_a_single_answer_scenario_with_two_correct_choices_is_refused(self):
        questions = every_question_type()
        for item in questions[4]["value"]["choices"]:
            item["value"]["correct"] = True
        self.assert_refused(questions, blocks.ERROR_SINGLE_NEEDS_ONE)

    def test_a_multiple_choice_question_without_a_correct_choice_is_refused(self):
        questions = every_question_type()
        for item in questions[1]["value"]["choices"]:
            item["value"]["correct"] = False
        self.assert_refused(questions, blocks.ERROR_MULTIPLE_NEEDS_ONE)

    def test_a_negative_tolerance_is_refused(self):
        questions = every_question_type()
        questions[3]["value"]["tolerance"] = "-5"
        self.assert_refused(questions, blocks.ERROR_NEGATIVE_TOLERANCE, field="tolerance")

    # A question with a field the block itself refuses (too few choices for the list,
    # an empty required text) reaches `_QuestionBlock.clean` with some values still the
    # submitted text: the checks must refuse it with a message, never fail (a 500).

    def test_a_question_with_fewer_than_two_choices_is_refused(self):
        questions = every_question_type()
        questions[0]["value"]["choices"] = questions[0]["value"]["choices"][:1]
        self.assert_refused(questions, blocks.ERROR_NO_CHOICES)

    def test_a_question_without_choices_is_refused(self):
        questions = every_question_type()
        questions[1]["value"]["choices"] = []
        self.assert_refused(questions, blocks.ERROR_NO_CHOICES)

    def test_a_choice_without_text_is_refused_on_that_choice(self):
        questions = every_question_type()
        questions[4]["value"]["choices"][1]["value"]["text"] = ""
        quiz = QuizPage.objects.get(pk=self.quiz.pk)
        before = (_snapshot(quiz), quiz.revisions.count())
        data = quiz_form_data(questions, slug=quiz.slug)
        data["action-publish"] = "action-publish"

        response = self.client.post(f"/admin/pages/{quiz.pk}/edit/", data)

        self.assertEqual(response.status_code, 200)
        self.assertIn("questions", response.context["form"].errors)
        self.assertEqual((_snapshot(quiz), quiz.revisions.count()), before)

    def test_an_invalid_question_is_refused_in_a_draft_too(self):
        quiz = QuizPage.objects.get(pk=self.quiz.pk)
        revisions = quiz.revisions.count()
        data = quiz_form_data(self.single(), slug=quiz.slug)  # "Save draft": no action

        response = self.client.post(f"/admin/pages/{quiz.pk}/edit/", data)

        self.assertEqual(response.status_code, 200)
        self.assertIn(_json_text(fr(blocks.ERROR_SINGLE_NEEDS_ONE)), response.content.decode())
        self.assertEqual(quiz.revisions.count(), revisions)

    # --- Editing and previewing -------------------------------------------------------

    def test_quiz_is_editable_and_previewable(self):
        post_data = quiz_form_data(every_question_type(), slug=self.quiz.slug)
        self.assertPageIsEditable(self.quiz, post_data=post_data)
        self.assertPageIsPreviewable(self.quiz, post_data=post_data)

    def test_preview_shows_the_edited_questions_without_their_keys(self):
        questions = every_question_type()
        questions[0]["value"]["prompt"] = "<p>Quel signe, revu, annonce un projet ?</p>"
        preview_url = f"/admin/pages/{self.quiz.pk}/edit/preview/"
        data = quiz_form_data(questions, slug=self.quiz.slug)
        self.assertEqual(self.client.post(preview_url, data).json()["is_valid"], True)

        response = self.client.get(preview_url, {"mode": ""})

        html = unescape(response.content.decode())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Quel signe, revu, annonce un projet ?", html)
        self.assertIn("Une vague de recrutements", html)
        for secret in ("Oui : c'est le signe clé.", "Les recrutements précèdent", "Exact."):
            self.assertNotIn(secret, html)  # feedback and explanations stay on the server

    # --- Editing never changes an attempt already started -----------------------------

    def test_editing_and_publishing_never_changes_an_attempt_already_started(self):
        ambassador = AmbassadorProfileFactory().user
        complete(ambassador, *lessons_of(self.course))
        quiz = QuizPage.objects.get(pk=self.quiz.pk)
        attempt = services.attempt_start(user=ambassador, quiz=quiz)
        version = QuizVersion.objects.filter(pk=attempt.version_id).values().get()

        # Staff reword the first question, make the logo the right answer, and drop
        # the numeric question, through the admin.
        questions = copy.deepcopy(every_question_type())
        questions[0]["value"]["prompt"] = "<p>Quel signe, revu, annonce un projet ?</p>"
        for item in questions[0]["value"]["choices"]:
            item["value"]["correct"] = item["id"] == "s-wrong"
        del questions[3]
        data = quiz_form_data(questions, slug=quiz.slug, cooldown_minutes="0")
        data["action-publish"] = "action-publish"
        response = self.client.post(f"/admin/pages/{quiz.pk}/edit/", data)

        self.assertEqual(response.status_code, 302)
        quiz.refresh_from_db()
        self.assertEqual(len(quiz.questions), 4)  # published
        attempt.refresh_from_db()
        self.assertEqual(attempt.version_id, version["id"])
        self.assertEqual(attempt.key_version_id, version["id"])
        self.assertEqual(QuizVersion.objects.filter(pk=version["id"]).values().get(), version)
        self.assertEqual(
            QuizVersion.objects.filter(quiz=quiz).count(), 1
        )  # editing freezes nothing

        # The attempt is graded against what it showed: every answer right, 7 / 7.
        graded, _ = services.attempt_submit(attempt=attempt, data=ALL_RIGHT)
        self.assertEqual((graded.score, graded.max_score, graded.passed), (7, 7, True))

        # The next attempt gets the new questions, in a new version.
        following = services.attempt_start(user=ambassador, quiz=quiz)
        self.assertNotEqual(following.version_id, version["id"])
        new = following.version
        self.assertEqual(
            [q["id"] for q in new.questions], [Q_SINGLE, Q_MULTIPLE, Q_TRUE_FALSE, Q_SCENARIO]
        )
        self.assertEqual(
            [(c["id"], c["correct"]) for c in new.question(Q_SINGLE)["choices"]],
            [("s-right", False), ("s-wrong", True)],
        )
        self.assertEqual(new.total_points, 6)
        self.assertEqual(QuizVersion.objects.filter(pk=version["id"]).values().get(), version)
        self.assertEqual(Attempt.objects.get(pk=attempt.pk).version_id, version["id"])

    def test_the_quiz_page_offers_its_statistics_in_the_admin(self):
        response = self.client.get(f"/admin/pages/{self.quiz.pk}/edit/")

        self.assertContains(response, f'href="/admin/rapports/quiz/{self.quiz.pk}/"')
        self.assertIsInstance(Page.objects.get(pk=self.quiz.pk).specific, QuizPage)


def _snapshot(quiz) -> str:
    """The quiz's stored questions, as text (a copy, whatever happens to the page)."""
    return json.dumps(list(quiz.questions.raw_data), sort_keys=True, default=str)


def _flatten(error):
    """The ValidationErrors in a block's error (a list, or a ListBlock's errors)."""
    non_block = getattr(error, "non_block_errors", None)
    if non_block is not None:
        return [*non_block.as_data(), *getattr(error, "block_errors", {}).values()]
    if hasattr(error, "as_data"):
        return error.as_data()
    return [error]


def _json_text(message: str) -> str:
    """`message` as the editor's JSON carries it in the page's HTML."""
    return escape(json.dumps(message)[1:-1])

"""`seed_demo`'s quizzes (quizzes/demo.py): a real quiz at the end of each demo course,
certifie's passes, camille's failed attempt, the generated ambassadors' attempts, all
coherent with course progress; idempotent."""

import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Page, Revision

from home.demo import GENERATED_PREFIX
from home.models import User
from lms.models import CourseCompletion, CoursePage, LessonPage, StepCompletion
from lms.selectors import course_steps
from quizzes import demo as quizzes_demo
from quizzes import grading
from quizzes.models import Answer, Attempt, AttemptState, QuizPage, QuizVersion
from quizzes.selectors import quiz_gate, quiz_state

pytestmark = pytest.mark.django_db

SCALE = "200"
QUIZ_OF = {
    "detecter-un-projet": "quiz-reperer-et-transmettre",
    "pitcher-le-territoire": "quiz-pitcher-la-sarthe",
    "representer-sur-un-salon": "quiz-mission-salon",
}
SPACE_BEFORE_PUNCTUATION = re.compile(r" [?!;:»]|« ")
FRENCH = re.compile(r"\b(le|la|les|un|une|des|du|vous|votre|est|quel|quels|que)\b", re.I)


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    return _seed("--scale", SCALE)


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@ambassadeurs.example")


def _quizzes() -> dict[str, QuizPage]:
    """The demo quizzes by their course's slug."""
    return {quiz.get_parent().slug: quiz for quiz in QuizPage.objects.live()}


def _lessons(course) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def _texts(value) -> list[str]:
    """Every text of a question's raw value (prompts, situations, choices, feedback,
    explanations, units), without the ids and the keys."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        inner = value.get("value", value) if "type" in value else value
        return [
            text
            for key, item in inner.items()
            if key not in {"id", "type", "answer", "tolerance", "scoring"}
            for text in _texts(item)
        ]
    return []


def _counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "quizzes": QuizPage.objects.count(),
        "versions": QuizVersion.objects.count(),
        "attempts": Attempt.objects.count(),
        "answers": Answer.objects.count(),
        "step completions": StepCompletion.objects.count(),
        "course completions": CourseCompletion.objects.count(),
    }


# --- The quizzes ---------------------------------------------------------------------------


def test_each_demo_course_ends_with_its_quiz_with_sensible_rules(demo):
    quizzes = _quizzes()

    assert {slug: quiz.slug for slug, quiz in quizzes.items()} == QUIZ_OF
    assert QuizPage.objects.count() == 3
    for course in CoursePage.objects.live():
        quiz = quizzes[course.slug]
        steps = course_steps(course)
        assert [step.pk for step in steps] == [
            *(lesson.pk for lesson in _lessons(course)),
            quiz.pk,
        ]
        assert quiz.live and quiz.latest_revision_id and not quiz.has_unpublished_changes
        assert quiz.url == f"{course.url}{quiz.slug}/"
        assert quiz.title.startswith("Quiz") and FRENCH.search(strip_tags(quiz.introduction))
        assert 70 <= quiz.pass_mark <= 80
        assert f"{quiz.pass_mark}\u00a0%" in quiz.introduction
        assert quiz.estimated_minutes > 0

    rules = list(quizzes.values())
    assert {quiz.attempt_limit for quiz in rules} == {0, 3}
    assert any(quiz.cooldown_minutes == 60 for quiz in rules)
    assert any(quiz.time_limit_minutes == 20 for quiz in rules)
    assert any(quiz.shuffle_questions for quiz in rules)
    assert all(quiz.shuffle_choices for quiz in rules)
    assert len({(quiz.review, quiz.answers_shown) for quiz in rules}) == 3


def test_every_quiz_has_eight_to_twelve_valid_french_questions_of_every_type(demo):
    for course_slug, quiz in _quizzes().items():
        questions = list(quiz.questions)
        assert 8 <= len(questions) <= 12
        assert {question.block_type for question in questions} == set(grading.QUESTION_TYPES)

        # Every question as stored passes the admin's checks.
        quiz.questions.stream_block.clean(quiz.questions)

        several = [
            q.value
            for q in questions
            if q.block_type == "multiple_choice"
            or (q.block_type == "scenario" and q.value["multiple"])
        ]
        assert {value["scoring"] for value in several} == {"partial", "all_or_nothing"}
        scenarios = [q for q in questions if q.block_type == "scenario"]
        assert len(scenarios) >= 3
        numeric = [q.value for q in questions if q.block_type == "numeric"]
        assert any(value["tolerance"] > 0 and value["unit"] for value in numeric)
        assert any(choice["feedback"] for q in questions for choice in q.value.get("choices", []))
        for question in questions:
            assert question.value["points"] >= 1
            assert strip_tags(question.value["explanation"].source).strip()
            assert FRENCH.search(strip_tags(question.value["prompt"].source)), question.id

        raw = list(quiz.questions.raw_data)
        for text in _texts(raw):
            assert not SPACE_BEFORE_PUNCTUATION.search(text), text
        for question in raw:
            # A figure that is not sourced in the lessons says it is made up.
            if "millions d'euros" in " ".join(_texts(question)):
                assert "fictif" in " ".join(_texts(question))

        # Stable ids: the same quiz built again holds the same ids.
        data = next(d for d in quizzes_demo.QUIZZES if d["course"] == course_slug)
        rebuilt = quizzes_demo._stream(quiz.slug, data["questions"])
        assert [q["id"] for q in raw] == [q["id"] for q in rebuilt]
        assert [[c["id"] for c in q["value"].get("choices", [])] for q in raw] == [
            [c["id"] for c in q["value"].get("choices", [])] for q in rebuilt
        ]
    ids = [q["id"] for quiz in QuizPage.objects.all() for q in quiz.questions.raw_data]
    assert len(ids) == len(set(ids))


# --- The demo ambassadors -------------------------------------------------------------------


def test_certifie_passed_every_quiz_the_morning_after_the_lessons(demo):
    certifie = _user("certifie")
    now = timezone.now()

    for quiz in _quizzes().values():
        (attempt,) = Attempt.objects.filter(user=certifie, quiz=quiz)
        assert attempt.state == AttemptState.GRADED and attempt.passed
        assert attempt.score == attempt.max_score == quiz_version_total(attempt)
        assert attempt.percent == Decimal("100.00")
        assert quiz_state(user=certifie, quiz=quiz).passed

        course = quiz.get_parent().specific
        last_lesson = StepCompletion.objects.filter(
            user=certifie, step__in=[lesson.pk for lesson in _lessons(course)]
        ).latest("completed_at")
        quiz_step = StepCompletion.objects.get(user=certifie, step=quiz)
        completion = CourseCompletion.objects.get(user=certifie, course=course)
        assert last_lesson.completed_at < attempt.started_at < attempt.submitted_at
        assert attempt.started_at - last_lesson.completed_at < timedelta(days=2)
        # The course is completed with its last step, the quiz.
        assert quiz_step.completed_at == completion.completed_at == attempt.submitted_at
        assert attempt.submitted_at < now - timedelta(days=30)

    assert CourseCompletion.objects.filter(user=certifie).count() == 3


def quiz_version_total(attempt: Attempt) -> Decimal:
    return attempt.version.total_points


def test_camille_failed_the_pitch_quiz_yesterday_and_may_try_again(demo):
    camille = _user("camille")
    quizzes = _quizzes()
    pitch = quizzes["pitcher-le-territoire"]

    (attempt,) = Attempt.objects.filter(user=camille)
    assert attempt.quiz_id == pitch.pk and attempt.number == 1
    assert attempt.state == AttemptState.GRADED and attempt.passed is False
    assert 0 < attempt.score < attempt.max_score
    assert attempt.percent < pitch.pass_mark
    assert timezone.localtime(attempt.submitted_at).date() == (
        timezone.localdate() - timedelta(days=1)
    )
    answers = list(attempt.answers.all())
    assert len(answers) == len(pitch.questions)
    assert any(a.correct for a in answers) and any(not a.correct for a in answers)
    assert any(not a.correct and a.score > 0 for a in answers)  # partial credit
    assert sum(a.score for a in answers) == attempt.score

    # The quiz page tells her: failed, two attempts left, the next one open now.
    state = quiz_state(user=camille, quiz=pitch)
    assert not state.passed and state.attempts_left == 2
    assert state.start.allowed and state.next_at < timezone.now()
    assert quiz_gate(user=camille, quiz=pitch)[0].allowed

    # She read every lesson of the pitch course before, and is still half-way through
    # the first course, whose quiz is closed to her.
    pitch_course = pitch.get_parent().specific
    read = StepCompletion.objects.filter(user=camille, course=pitch_course)
    assert set(read.values_list("step_id", flat=True)) == {
        lesson.pk for lesson in _lessons(pitch_course)
    }
    assert all(c.completed_at < attempt.started_at for c in read)
    detect = CoursePage.objects.get(slug="detecter-un-projet")
    lessons = _lessons(detect)
    done = StepCompletion.objects.filter(user=camille, course=detect)
    assert done.count() == len(lessons) // 2
    assert not quiz_gate(user=camille, quiz=quizzes["detecter-un-projet"])[0].allowed
    assert not CourseCompletion.objects.filter(user=camille).exists()

    nouvelle = _user("nouvelle")
    assert not Attempt.objects.filter(user=nouvelle).exists()
    assert not StepCompletion.objects.filter(user=nouvelle).exists()


def test_the_demo_quiz_pages_answer_to_certifie_and_camille(demo, client):
    client.force_login(_user("certifie"))
    for quiz in _quizzes().values():
        page = client.get(quiz.url)
        result = client.get(f"{quiz.url}tentative/1/resultat/")
        assert page.status_code == result.status_code == 200
        assert quiz.title.replace("'", "&#x27;") in page.content.decode()

    client.force_login(_user("camille"))
    pitch = _quizzes()["pitcher-le-territoire"]
    assert client.get(pitch.url).status_code == 200
    assert client.get(f"{pitch.url}tentative/1/resultat/").status_code == 200
    assert client.get(f"{pitch.url}tentative/2/resultat/").status_code == 404


# --- Idempotence and the generated history -------------------------------------------------------


def test_running_it_twice_creates_nothing_more(demo):
    before = _counts()
    again = _seed("--scale", SCALE)

    assert _counts() == before
    assert "quizzes: 3 quizzes, 33 questions; attempts for " in demo
    assert "attempts for 0 generated ambassadors (0 attempts, 0 passed;" in again


@pytest.mark.parametrize(
    "runs",
    [
        pytest.param([["--scale", SCALE]], id="generated-with-the-courses"),
        pytest.param([[], ["--scale", SCALE]], id="generated-after-the-quizzes"),
    ],
)
def test_generated_attempts_are_coherent_with_course_progress(settings, runs):
    """Both orders: generated ambassadors made in the run that creates the quizzes (lms
    recorded course completions for lessons only), and in a later run (lms recorded the
    quiz step too, or stopped before it)."""
    settings.DEBUG = True
    for args in runs:
        _seed(*args)
    now = timezone.now()
    generated = set(
        User.objects.filter(email__startswith=GENERATED_PREFIX).values_list("pk", flat=True)
    )
    quizzes = {quiz.pk: quiz for quiz in QuizPage.objects.all()}
    course_of = {quiz.pk: quiz.get_parent().pk for quiz in quizzes.values()}
    lessons = {
        quiz.pk: {lesson.pk for lesson in _lessons(quiz.get_parent())} for quiz in quizzes.values()
    }
    steps = defaultdict(dict)
    for user_id, step_id, when in StepCompletion.objects.values_list(
        "user_id", "step_id", "completed_at"
    ):
        steps[user_id][step_id] = when
    completions = {
        (user_id, course_id): when
        for user_id, course_id, when in CourseCompletion.objects.values_list(
            "user_id", "course_id", "completed_at"
        )
    }
    attempts = defaultdict(list)
    for attempt in Attempt.objects.filter(user__in=generated).select_related("version"):
        attempts[(attempt.user_id, attempt.quiz_id)].append(attempt)
    answers = defaultdict(list)
    for answer in Answer.objects.filter(attempt__user__in=generated):
        answers[answer.attempt_id].append(answer)
    assert attempts

    outcomes = defaultdict(int)
    for (user_id, quiz_id), tries in attempts.items():
        quiz = quizzes[quiz_id]
        tries.sort(key=lambda attempt: attempt.number)
        # Only people who read every lesson of the course take its quiz.
        read = [steps[user_id].get(lesson) for lesson in lessons[quiz_id]]
        assert None not in read
        assert [attempt.number for attempt in tries] == list(range(1, len(tries) + 1))
        assert not quiz.attempt_limit or len(tries) <= quiz.attempt_limit
        assert [attempt.passed for attempt in tries[:-1]] == [False] * (len(tries) - 1)
        previous = max(read)
        for attempt in tries:
            assert attempt.state == AttemptState.GRADED and attempt.closed_by == "submitted"
            assert previous <= attempt.started_at <= attempt.submitted_at <= now
            if attempt.number > 1:
                gap = attempt.started_at - previous
                assert gap >= timedelta(minutes=quiz.cooldown_minutes)
            if quiz.time_limit_minutes:
                assert attempt.deadline == attempt.started_at + timedelta(
                    minutes=quiz.time_limit_minutes
                )
                assert attempt.submitted_at <= attempt.deadline
            previous = attempt.submitted_at
            _assert_graded_consistently(attempt, answers[attempt.pk], quiz)
        passed = tries[-1].passed
        outcomes[(len(tries) > 1, passed)] += 1
        quiz_step = steps[user_id].get(quiz_id)
        completion = completions.get((user_id, course_of[quiz_id]))
        if passed:
            assert quiz_step == completion == tries[-1].submitted_at
        else:
            assert quiz_step is None and completion is None

    # Whoever completed a course or its quiz step passed its quiz.
    for user_id in generated:
        for quiz_id, course_id in course_of.items():
            if steps[user_id].get(quiz_id) or (user_id, course_id) in completions:
                assert attempts[(user_id, quiz_id)][-1].passed

    # Most pass at the first attempt, some after failing.
    assert outcomes[(False, True)] > sum(outcomes.values()) / 2
    assert outcomes[(True, True)] > 0
    if len(runs) == 2:  # those who read every lesson without completing: some failed
        assert outcomes[(False, False)] + outcomes[(True, False)] > 0


def _assert_graded_consistently(attempt: Attempt, answers: list[Answer], quiz: QuizPage) -> None:
    questions = {question["id"]: question for question in attempt.version.questions}
    assert sorted(attempt.question_order) == sorted(questions)
    assert sorted(a.question_id for a in answers) == sorted(questions)
    for question_id, question in questions.items():
        assert sorted(attempt.choice_order[question_id]) == sorted(grading.choice_ids(question))
    for answer in answers:
        grade = grading.grade(questions[answer.question_id], answer.response)
        assert (answer.score, answer.correct) == (grade.score, grade.correct)
        assert attempt.started_at <= answer.saved_at <= attempt.submitted_at
    assert attempt.score == sum(answer.score for answer in answers)
    assert attempt.max_score == attempt.version.total_points
    assert attempt.percent == grading.percent(attempt.score, attempt.max_score)
    assert attempt.passed == grading.passes(attempt.percent, quiz.pass_mark)

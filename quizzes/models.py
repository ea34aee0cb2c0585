"""Quizzes: the quiz page (a step of its course), its frozen versions, attempts and
answers.

- `QuizPage` is a child of a `lms.CoursePage` and one of its steps; passing it completes
  the step through `lms.services.step_complete`.
- `QuizVersion` freezes the live questions (stable ids, choices, keys, points) when an
  attempt starts; every attempt on the same questions shares it, and is graded and
  reviewed against it whatever staff edit later. Rows are never changed.
- `Attempt` and `Answer` hold who answered what, and the grades. At most one attempt per
  quiz and person is in progress (a database constraint); an attempt is graded once
  (`services.attempt_submit` claims it with a conditional update).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES

from .blocks import QuizQuestionsBlock


class ReviewPolicy(models.TextChoices):
    SCORE = "score", _("The score only")
    RESPONSES = "responses", _("The score and which answers were right")
    FULL = "full", _("Everything, with the explanations and feedback")


class AnswersShown(models.TextChoices):
    ONCE_PASSED = "once_passed", _("Once the quiz is passed")
    ONCE_FINISHED = "once_finished", _("Once the quiz is passed or no attempt is left")
    NEVER = "never", _("Never")


class QuizPage(RoutablePageMixin, Page):
    """A quiz: one step of its course, passed with at least the pass mark.

    Routes (see `views.py`): the quiz's page (introduction, attempts, start or resume),
    `commencer/` (POST: start or resume an attempt), `tentative/<n>/` (the attempt's
    form), `tentative/<n>/enregistrer/` (POST: autosave), `tentative/<n>/envoyer/`
    (POST: submit) and `tentative/<n>/resultat/` (the result and review).
    """

    introduction = RichTextField(
        _("introduction"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("What the quiz checks, shown before the ambassador starts."),
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated time (minutes)"), default=10, help_text=_("Counts in the course's time left.")
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of the points needed to pass."),
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 = as many as wanted.")
    )
    cooldown_minutes = models.PositiveIntegerField(
        _("wait between attempts (minutes)"),
        default=0,
        help_text=_("How long after an attempt the next one may start (0 = at once)."),
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no time limit."),
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle the choices"), default=False)
    review = models.CharField(
        _("after submitting, show"),
        max_length=20,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.FULL,
    )
    answers_shown = models.CharField(
        _("the right answers appear"),
        max_length=20,
        choices=AnswersShown.choices,
        default=AnswersShown.ONCE_FINISHED,
        help_text=_("With “everything”: when the right answers themselves are shown."),
    )
    questions = StreamField(QuizQuestionsBlock(), verbose_name=_("questions"), blank=False)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("estimated_minutes"),
        FieldPanel("questions"),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("attempt_limit")]),
                FieldRowPanel([FieldPanel("cooldown_minutes"), FieldPanel("time_limit_minutes")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldRowPanel([FieldPanel("review"), FieldPanel("answers_shown")]),
            ],
            heading=_("Rules"),
        )
    ]
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ["lms.CoursePage"]
    subpage_types = []
    page_description = _("A quiz at the end of a course: questions graded on the server.")

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @path("", name="quiz")
    def quiz_view(self, request):
        from . import views

        return views.quiz(request, self)

    @path("commencer/", name="start")
    def start_view(self, request):
        from . import views

        return views.attempt_start(request, self)

    @re_path(r"^tentative/(?P<number>[0-9]{1,4})/$", name="attempt")
    def attempt_view(self, request, number):
        from . import views

        return views.attempt(request, self, int(number))

    @re_path(r"^tentative/(?P<number>[0-9]{1,4})/enregistrer/$", name="save")
    def save_view(self, request, number):
        from . import views

        return views.attempt_save(request, self, int(number))

    @re_path(r"^tentative/(?P<number>[0-9]{1,4})/envoyer/$", name="submit")
    def submit_view(self, request, number):
        from . import views

        return views.attempt_submit(request, self, int(number))

    @re_path(r"^tentative/(?P<number>[0-9]{1,4})/resultat/$", name="result")
    def result_view(self, request, number):
        from . import views

        return views.attempt_result(request, self, int(number))

    def serve_preview(self, request, mode_name):
        from . import views

        return views.quiz_preview(request, self)


class QuizVersion(models.Model):
    """The questions of a quiz as they were when an attempt started: stable ids, text,
    choices, answer keys and points, frozen (`versions.freeze`). Shared by every attempt
    on the same questions (one row per quiz and content digest); never changed."""

    quiz = models.ForeignKey(
        QuizPage, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="versions"
    )
    digest = models.CharField(_("digest"), max_length=64)
    questions = models.JSONField(_("questions"))
    total_points = models.DecimalField(_("total points"), max_digits=8, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz version")
        verbose_name_plural = _("quiz versions")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "digest"], name="quizzes_version_unique_digest")
        ]

    def __str__(self):
        return f"{self.quiz_id} · {self.digest[:8]}"

    def question(self, question_id: str) -> dict | None:
        return next((q for q in self.questions if q["id"] == question_id), None)


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    GRADED = "graded", _("Graded")


class ClosedBy(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    TIME_UP = "time_up", _("Time up")


class AttemptQuerySet(models.QuerySet):
    def graded(self):
        return self.filter(state=AttemptState.GRADED)

    def in_progress(self):
        return self.filter(state=AttemptState.IN_PROGRESS)


class Attempt(models.Model):
    """One try at a quiz by one person: the questions (a frozen version) in the order
    shown, the deadline when timed, then the grade. Numbered from 1 per quiz and person."""

    quiz = models.ForeignKey(
        QuizPage, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassador"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    version = models.ForeignKey(
        QuizVersion,
        verbose_name=_("questions shown"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    key_version = models.ForeignKey(
        QuizVersion,
        verbose_name=_("answer key used"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The version whose answer key graded the attempt: a later one after a regrade."
        ),
    )
    question_order = models.JSONField(_("question order"))
    choice_order = models.JSONField(_("choice order"), default=dict)
    state = models.CharField(
        _("state"), max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.CharField(
        _("closed by"), max_length=20, choices=ClosedBy.choices, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=8, decimal_places=2)
    percent = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    regraded_at = models.DateTimeField(_("regraded at"), null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="quizzes_attempt_one_in_progress",
            ),
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="quizzes_attempt_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(state="in_progress")
                | Q(submitted_at__isnull=False, score__isnull=False),
                name="quizzes_attempt_graded_has_score",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "state"], name="quizzes_attempt_quiz_state")]

    def __str__(self):
        return f"{self.quiz} · {self.user} · {self.number}"

    @property
    def is_graded(self) -> bool:
        return self.state == AttemptState.GRADED


class Answer(models.Model):
    """Someone's response to one question of an attempt (saved as they go), and its
    grade once the attempt is graded."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question_id = models.CharField(_("question"), max_length=64)
    response = models.JSONField(_("response"), null=True, blank=True)
    saved_at = models.DateTimeField(_("saved at"))
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    correct = models.BooleanField(_("right"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_id"], name="quizzes_answer_unique_question"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id} · {self.question_id}"

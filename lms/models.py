"""Courses and lessons (Wagtail pages), competences, and progress.

Progress is one record type for every kind of step (DESIGN.md, "Course steps"): a
`StepCompletion` says who completed which step page and when, whatever the step's type
(a lesson here, a quiz in the quizzes app). A `CourseCompletion` is recorded once, when
the last live step is completed, and is permanent.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES
from home.routing import FixedSlugMixin, SpecificChildRouteMixin

from .blocks import LessonBodyBlock

CATALOGUE_SLUG = "parcours"


def _is_preview(request) -> bool:
    return getattr(request, "is_preview", False)


def _personal(request, response):
    """Pages that show someone's own progress must never be stored by a cache."""
    if request.user.is_authenticated:
        add_never_cache_headers(response)
    return response


class CompetenceIcon(models.TextChoices):
    TARGET = "target", _("Target")
    MEGAPHONE = "megaphone", _("Megaphone")
    HANDSHAKE = "handshake", _("Handshake")
    GLOBE = "globe", _("Globe")
    COMPASS = "compass", _("Compass")
    CHART = "chart", _("Chart")
    LIGHTBULB = "lightbulb", _("Light bulb")
    STAR = "star", _("Star")


class Competence(index.Indexed, models.Model):
    """A skill a course trains and a badge certifies ("Détecter un projet")."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What someone with this competence can do.")
    )
    icon = models.CharField(
        _("icon"), max_length=20, choices=CompetenceIcon.choices, default=CompetenceIcon.STAR
    )

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("icon")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CourseIndexPage(FixedSlugMixin, SpecificChildRouteMixin, Page):
    """The catalogue of courses, at `/parcours/`. Visible to everyone."""

    fixed_slug = CATALOGUE_SLUG
    fixed_slug_error = _("The catalogue's address must be “%(slug)s”.")

    introduction = RichTextField(
        _("introduction"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Shown above the courses; invite people to learn."),
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["lms.CoursePage"]
    max_count = 1
    page_description = _("The catalogue of courses (/parcours/). There is only one.")

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def get_context(self, request, *args, **kwargs):
        from home.selectors import membership_gate

        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        # The admin's preview shows the catalogue as visitors see it.
        user = AnonymousUser() if _is_preview(request) else request.user
        context["catalogue"] = selectors.catalogue_for(user=user, index=self)
        context["membership"] = membership_gate(user) if user.is_authenticated else None
        return context

    def serve(self, request, *args, **kwargs):
        return _personal(request, super().serve(request, *args, **kwargs))


class CourseLevel(models.TextChoices):
    DISCOVERY = "discovery", _("Discovery")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class CoursePage(SpecificChildRouteMixin, Page):
    """A briefing course: its steps are its live children (lessons, and the quizzes app's
    quizzes), in the order of the page tree."""

    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("Two sentences shown in the catalogue.")
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(
        _("level"), max_length=16, choices=CourseLevel.choices, default=CourseLevel.DISCOVERY
    )
    duration_minutes = models.PositiveIntegerField(
        _("estimated duration (minutes)"),
        help_text=_("How long the whole course takes, quizzes included."),
    )
    competences = ParentalManyToManyField(
        Competence,
        verbose_name=_("competences trained"),
        blank=True,
        related_name="courses",
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=_("prerequisite courses"),
        blank=True,
        symmetrical=False,
        related_name="unlocks",
        help_text=_("Courses to complete before this one opens."),
    )
    introduction = StreamField(
        LessonBodyBlock(),
        blank=True,
        verbose_name=_("introduction"),
        help_text=_("What the course is for and what the ambassador will be able to do."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover"),
        MultiFieldPanel(
            [FieldPanel("level"), FieldPanel("duration_minutes")], heading=_("Level and duration")
        ),
        FieldPanel("competences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("prerequisites"),
        FieldPanel("introduction"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("introduction"),
    ]

    parent_page_types = ["lms.CourseIndexPage"]
    subpage_types = ["lms.LessonPage", "quizzes.QuizPage"]
    page_description = _("A briefing course: lessons (and a quiz) to follow in order.")

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        if self.pk and self.pk in {course.pk for course in self.prerequisites.all()}:
            raise ValidationError({"prerequisites": _("A course cannot be its own prerequisite.")})

    def child_route_hint(self, slug):
        """The live step with this slug, from the course's cached outline (see
        `SpecificChildRouteMixin`): a step's page is then read in one query."""
        from . import selectors

        return next(
            (step for step in selectors.course_outline(self).steps if step.slug == slug), None
        )

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        if _is_preview(request):
            # As an active ambassador who has not started the course sees it.
            context["progress"] = selectors.course_preview(course=self)
        else:
            context["progress"] = selectors.course_progress(user=request.user, course=self)
        context["competences"] = list(self.competences.all())
        context["catalogue_url"] = selectors.parent_url(self)
        return context

    def serve(self, request, *args, **kwargs):
        return _personal(request, super().serve(request, *args, **kwargs))


class LessonPage(RoutablePageMixin, Page):
    """A lesson: one step of its course, completed with "J'ai terminé cette leçon".

    Only active ambassadors for whom the step is open read it (`selectors.step_access`);
    `terminer/` records its completion (POST). The admin's preview shows it as an
    ambassador at this step sees it, with a completion button that does nothing.
    """

    estimated_minutes = models.PositiveIntegerField(
        _("estimated reading time (minutes)"), default=5
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("estimated_minutes"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["lms.CoursePage"]
    subpage_types = []
    page_description = _("A lesson of a course, with domain blocks (signals, pitch cards…).")

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @path("", name="lesson")
    def lesson(self, request):
        from . import views

        return views.lesson(request, self)

    @path("terminer/", name="complete")
    def complete(self, request):
        from . import views

        return views.lesson_complete(request, self)

    def serve_preview(self, request, mode_name):
        from . import views

        return views.lesson_preview(request, self)


class StepCompletion(models.Model):
    """Someone completed a step of a course (any step page type). Recorded once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassador"),
        on_delete=models.CASCADE,
        related_name="step_completions",
    )
    step = models.ForeignKey(
        Page, verbose_name=_("step"), on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="step_completions",
        help_text=_("The step's course when it was completed, so progress is one query."),
    )
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("step completion")
        verbose_name_plural = _("step completions")
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="lms_step_completed_once")
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self):
        return f"{self.user} — {self.step_id}"


class CourseCompletion(models.Model):
    """Someone completed a whole course. Recorded once, with its time; permanent, even if
    steps are added later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassador"),
        on_delete=models.CASCADE,
        related_name="course_completions",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="lms_course_completed_once")
        ]

    def __str__(self):
        return f"{self.user} — {self.course_id}"


# --- Badges --------------------------------------------------------------------------------


class BadgeColour(models.TextChoices):
    """The colour of a badge's generated image (when no image is uploaded)."""

    BLUE = "#1d4ed8", _("Blue")
    GREEN = "#15803d", _("Green")
    ORANGE = "#c2410c", _("Orange")
    PURPLE = "#7e22ce", _("Purple")
    RED = "#b91c1c", _("Red")
    TEAL = "#0f766e", _("Teal")


def criterion_kind_choices():
    """The registered criterion kinds (`lms.criteria`), for the admin's select."""
    from .criteria import kind_choices

    return kind_choices()


def mission_kind_choices():
    """The mission kinds the missions app registered (`lms.criteria`), for the select."""
    from .criteria import mission_kind_choices as choices

    return choices()


class Badge(index.Indexed, ClusterableModel):
    """A competence badge: earned when every one of its criteria is met (the rows of
    `BadgeCriterion`, edited inline), valid for `validity_months` (empty: for good)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Used in the badge's public address.")
    )
    description = models.TextField(
        _("description"), help_text=_("What a holder of this badge can do, in two sentences.")
    )
    criteria_narrative = models.TextField(
        _("how to earn it"),
        help_text=_("Said on the verification page and in the Open Badge: what was checked."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Square, at least 400 px. Leave empty for an image made from the name."),
    )
    colour = models.CharField(
        _("colour"), max_length=7, choices=BadgeColour.choices, default=BadgeColour.BLUE
    )
    competences = ParentalManyToManyField(
        Competence, verbose_name=_("competences certified"), blank=True, related_name="badges"
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a badge that never expires."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("criteria_narrative"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("colour")], heading=_("Image")),
        FieldPanel("competences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("validity_months"),
        InlinePanel("criteria", heading=_("Criteria"), label=_("Criterion"), min_num=1),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BadgeCriterion(Orderable):
    """One condition of a badge: a kind (registered by the app that knows it, see
    `lms.criteria`) and its parameters — a target page (a course, a quiz), a number (a
    minimum score, a count) and a mission kind — as the kind needs them."""

    badge = ParentalKey(Badge, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(_("kind"), max_length=40, choices=criterion_kind_choices)
    target_page = models.ForeignKey(
        Page,
        verbose_name=_("course or quiz"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveIntegerField(
        _("number"), null=True, blank=True, help_text=_("A minimum score (%) or a count.")
    )
    mission_kind = models.CharField(
        _("mission kind"), max_length=40, blank=True, choices=mission_kind_choices
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("target_page"),
        FieldPanel("number"),
        FieldPanel("mission_kind"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("badge criterion")
        verbose_name_plural = _("badge criteria")

    def __str__(self):
        from .criteria import describe

        return describe(self)

    def clean(self):
        super().clean()
        from .criteria import validate

        errors = validate(self)
        if errors:
            raise ValidationError(errors)


class BadgeAwardQuerySet(models.QuerySet):
    def current(self):
        """Neither revoked nor replaced by a renewal (maybe expired)."""
        return self.filter(revoked_at__isnull=True, replaced_at__isnull=True)

    def valid(self, now=None):
        """Current and not expired: what unlocks missions."""
        from django.utils import timezone

        now = now or timezone.now()
        return self.current().filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class BadgeAward(models.Model):
    """A badge awarded to an ambassador: public by its UUID (certificate, verification
    page, Open Badges assertion). At most one current award per person and badge (a
    database constraint); a renewal replaces the previous award and follows it."""

    uuid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(
        Badge, verbose_name=_("badge"), on_delete=models.PROTECT, related_name="awards"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassador"),
        on_delete=models.CASCADE,
        related_name="badge_awards",
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    evidence = models.JSONField(
        _("evidence"),
        default=list,
        help_text=_("What met each criterion (course, attempt, score)."),
    )
    recipient_salt = models.CharField(_("recipient salt"), max_length=32)
    recipient_hash = models.CharField(
        _("recipient hash"),
        max_length=80,
        help_text=_("Open Badges: sha256$ of the email address at award time and the salt."),
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Staff who awarded it by hand; empty when earned."),
    )
    note = models.TextField(_("evidence note"), blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal",
    )
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BadgeAwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "badge"],
                condition=models.Q(revoked_at__isnull=True, replaced_at__isnull=True),
                name="lms_award_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoked_reason=""),
                name="lms_award_revoked_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.badge} — {self.user}"

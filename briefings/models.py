"""Prospection missions and their sign-ups.

- `MissionIndexPage` (one, at `/missions/`) lists the upcoming missions;
- `MissionPage` is one mission: a trade fair stand, an investor delegation to welcome, a
  promotion operation, a briefing session or a webinar, with its own time zone, seats,
  sign-up window, required badges and briefing;
- `Roster` is the mission's lock and queue counter: a row apart from the page, so that
  publishing a revision never overwrites it (a page's fields are copied from the
  revision on publish);
- `Signup` is one person's sign-up, in a status; its `queue_number` orders the waiting
  list (positions are computed, never stored);
- `CalendarFeed` is the secret token of a person's calendar subscription.

Rules live in `selectors.signup_gate` (who may sign up) and `services` (seats, waiting
list, promotion), backed here by constraints: one live sign-up per person and mission,
one queue number per mission.
"""

from __future__ import annotations

import datetime
import functools
import secrets
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES
from home.languages import language_choices
from home.models import Sector
from home.routing import FixedSlugMixin, SpecificChildRouteMixin

from .blocks import BriefingBlock
from .forms import MissionPageForm

INDEX_SLUG = "missions"


class MissionKind(models.TextChoices):
    TRADE_FAIR = "trade_fair", _("Trade fair")
    INVESTOR_WELCOME = "investor_welcome", _("Investor welcome")
    PROMOTION = "promotion", _("Promotion operation")
    BRIEFING_SESSION = "briefing_session", _("Briefing session")
    WEBINAR = "webinar", _("Webinar")


class SelectionMode(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served")
    STAFF = "staff", _("Selected by the staff")


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone (read from the system's database once: it walks files)."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class MissionIndexPage(FixedSlugMixin, SpecificChildRouteMixin, Page):
    """The list of missions, at `/missions/`. Visible to everyone; each mission says who
    may sign up and why not."""

    fixed_slug = INDEX_SLUG
    fixed_slug_error = _("The list's address must be “%(slug)s”.")

    introduction = RichTextField(
        _("introduction"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Shown above the missions."),
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["briefings.MissionPage"]
    max_count = 1
    page_description = _("The list of prospection missions (/missions/). There is only one.")

    class Meta:
        verbose_name = _("mission list")
        verbose_name_plural = _("mission lists")

    def get_context(self, request, *args, **kwargs):
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.index_context(request, self))
        return context

    def serve(self, request, *args, **kwargs):
        from .views import personal

        return personal(request, super().serve(request, *args, **kwargs))


class MissionPage(RoutablePageMixin, Page):
    """One prospection mission. Routes (see `views.py`): the page, `inscription/` (POST:
    sign up), `annulation/` (cancel), `mission.ics` and `dossier.pdf` (the briefing
    pack, for confirmed participants and staff)."""

    kind = models.CharField(_("kind"), max_length=32, choices=MissionKind.choices, db_index=True)
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("Two sentences shown in the list of missions.")
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default="Europe/Paris",
        help_text=_(
            "Where the mission takes place. Dates are entered and shown in this time zone."
        ),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Venue, hall and stand number…")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), default="FR", db_index=True)
    online_url = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_("For a webinar: shown to confirmed participants only."),
    )
    seats = models.PositiveIntegerField(
        _("seats"), validators=[MinValueValidator(1)], help_text=_("How many ambassadors go.")
    )
    signup_opens_at = models.DateTimeField(
        _("sign-up opens at"), null=True, blank=True, help_text=_("Empty: as soon as published.")
    )
    signup_closes_at = models.DateTimeField(
        _("sign-up closes at"),
        null=True,
        blank=True,
        help_text=_("Empty: when the mission starts."),
    )
    cancellation_deadline = models.DateTimeField(
        _("cancellation deadline"),
        null=True,
        blank=True,
        help_text=_(
            "Until then, participants cancel themselves and a freed seat goes to the waiting "
            "list at once. Empty: when the mission starts."
        ),
    )
    selection_mode = models.CharField(
        _("selection"),
        max_length=16,
        choices=SelectionMode.choices,
        default=SelectionMode.FIRST_COME,
        help_text=_(
            "First come, first served: confirmed while seats remain, then on the waiting "
            "list. Selected by the staff: every sign-up waits for the staff's decision."
        ),
    )
    required_badges = ParentalManyToManyField(
        "lms.Badge",
        verbose_name=_("required badges"),
        blank=True,
        related_name="missions",
        help_text=_("Every one of them must be valid (unexpired, unrevoked) to sign up."),
    )
    languages = models.JSONField(
        _("languages wanted"),
        default=list,
        blank=True,
        help_text=_("A hint shown to ambassadors, not a condition."),
    )
    sectors = models.JSONField(
        _("sectors concerned"),
        default=list,
        blank=True,
        help_text=_("A hint shown to ambassadors, not a condition."),
    )
    contact_name = models.CharField(_("staff contact"), max_length=160, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    briefing = StreamField(
        BriefingBlock(),
        blank=True,
        verbose_name=_("briefing"),
        help_text=_(
            "Objectives, key messages, pitch cards, key figures, logistics and contacts. "
            "Ambassadors acknowledge it when they sign up; it makes the briefing pack."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("time_zone"),
            ],
            heading=_("Dates"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("place"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("online_url"),
            ],
            heading=_("Place"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("seats"),
                FieldPanel("selection_mode"),
                FieldRowPanel([FieldPanel("signup_opens_at"), FieldPanel("signup_closes_at")]),
                FieldPanel("cancellation_deadline"),
                FieldPanel("required_badges", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Sign-up"),
        ),
        MultiFieldPanel(
            [FieldPanel("languages"), FieldPanel("sectors")],
            heading=_("Who we are looking for"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
            ],
            heading=_("Staff contact"),
        ),
        HelpPanel(
            content=_(
                "The participants are managed from the mission's “Participants” button, "
                "above and in the list of pages."
            )
        ),
        FieldPanel("briefing"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("city"),
        index.FilterField("kind"),
        index.FilterField("starts_at"),
    ]

    base_form_class = MissionPageForm
    parent_page_types = ["briefings.MissionIndexPage"]
    subpage_types: list[str] = []
    page_description = _(
        "A prospection mission: a trade fair, an investor delegation, a promotion "
        "operation, a briefing session or a webinar."
    )

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        permissions = [("manage_roster", _("Can manage mission participants"))]

    def __str__(self):
        return self.title

    # --- Routes (see `views.py`) -----------------------------------------------------

    @path("", name="mission")
    def mission_view(self, request):
        from . import views

        return views.mission(request, self)

    @path("inscription/", name="signup")
    def signup_view(self, request):
        from . import views

        return views.signup(request, self)

    @path("annulation/", name="cancel")
    def cancel_view(self, request):
        from . import views

        return views.cancel(request, self)

    @path("mission.ics", name="ics")
    def ics_view(self, request):
        from . import calendar_views

        return calendar_views.mission_ics(request, self)

    @path("dossier.pdf", name="pack")
    def pack_view(self, request):
        from . import pack_views

        return pack_views.briefing_pack(request, self)

    def serve_preview(self, request, mode_name):
        from . import views

        return views.mission_preview(request, self)

    # --- Dates ---------------------------------------------------------------------------

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def local(self, moment: datetime.datetime | None) -> datetime.datetime | None:
        """`moment` in the mission's own time zone (a fair abroad shows local times)."""
        return moment.astimezone(self.zone) if moment else None

    @property
    def signup_closes(self) -> datetime.datetime:
        return self.signup_closes_at or self.starts_at

    @property
    def cancellable_until(self) -> datetime.datetime:
        return self.cancellation_deadline or self.starts_at

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("A mission ends after it starts.")
        if self.starts_at:
            if self.signup_closes_at and self.signup_closes_at > self.starts_at:
                errors["signup_closes_at"] = _("Sign-up closes before the mission starts.")
            if self.signup_opens_at and self.signup_opens_at >= (
                self.signup_closes_at or self.starts_at
            ):
                errors["signup_opens_at"] = _("Sign-up opens before it closes.")
            if self.cancellation_deadline and self.cancellation_deadline > self.starts_at:
                errors["cancellation_deadline"] = _(
                    "The cancellation deadline comes before the mission starts."
                )
        known = {code for code, _name in language_choices(self.languages or [])}
        if any(code not in known for code in self.languages or []):
            errors["languages"] = _("Choose languages from the list.")
        if any(code not in Sector.values for code in self.sectors or []):
            errors["sectors"] = _("Choose sectors from the list.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Roster.objects.get_or_create(mission_id=self.pk)


class Roster(models.Model):
    """A mission's sign-up lock and queue counter (see the module's docstring)."""

    mission = models.OneToOneField(
        MissionPage, on_delete=models.CASCADE, primary_key=True, related_name="roster"
    )
    last_queue_number = models.PositiveBigIntegerField(default=0)
    announced_at = models.DateTimeField(
        _("announced at"),
        null=True,
        blank=True,
        help_text=_("When the ambassadors it is open to were told of it (the daily job)."),
    )

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")

    def __str__(self):
        return str(self.mission_id)


class SignupStatus(models.TextChoices):
    PENDING = "pending", _("Pending selection")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waiting list")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


# A person has at most one of these per mission; a cancelled sign-up leaves room for a
# new one (at the back of the queue).
LIVE_STATUSES = (
    SignupStatus.PENDING,
    SignupStatus.CONFIRMED,
    SignupStatus.WAITLISTED,
    SignupStatus.DECLINED,
    SignupStatus.ATTENDED,
    SignupStatus.NO_SHOW,
)
# Those who hold a seat.
SEATED_STATUSES = (SignupStatus.CONFIRMED, SignupStatus.ATTENDED, SignupStatus.NO_SHOW)


class SignupQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)

    def seated(self):
        return self.filter(status__in=SEATED_STATUSES)

    def waitlisted(self):
        return self.filter(status=SignupStatus.WAITLISTED).order_by("queue_number")


class Signup(models.Model):
    """One person's sign-up for a mission. Every change of status is logged on the
    mission's history (who and when); the row keeps the latest state."""

    mission = models.ForeignKey(
        MissionPage, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassador"),
        on_delete=models.CASCADE,
        related_name="mission_signups",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SignupStatus.choices, db_index=True
    )
    queue_number = models.PositiveBigIntegerField(
        _("queue number"), help_text=_("Orders the waiting list: the lowest goes first.")
    )
    motivation = models.TextField(_("motivation"), blank=True)
    briefing_acknowledged_at = models.DateTimeField(
        _("briefing acknowledged at"), null=True, blank=True
    )
    listed = models.BooleanField(
        _("listed in the briefing pack"),
        default=False,
        help_text=_("Agrees that the other participants see their name and organisation."),
    )
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    status_note = models.TextField(
        _("note"), blank=True, help_text=_("Why the staff declined or cancelled, as told.")
    )

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["queue_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "user"],
                condition=models.Q(status__in=[str(s) for s in LIVE_STATUSES]),
                name="briefings_one_live_signup",
            ),
            models.UniqueConstraint(
                fields=["mission", "queue_number"], name="briefings_unique_queue_number"
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="briefings_signup_user_status")]

    def __str__(self):
        return f"{self.user} — {self.mission} ({self.get_status_display()})"


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a person's calendar subscription (`/calendrier/<token>.ics`):
    their confirmed missions. Renewing the token cuts off the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self):
        return str(self.user)

    def renew(self) -> None:
        self.token = _calendar_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])


# --- Debriefs and project reports (*signalements de projet*) -----------------------------


class Debrief(models.Model):
    """How a mission went, told by a participant after it: one per person and mission.
    The project reports it brings are `ProjectReport` rows pointing at the mission."""

    mission = models.ForeignKey(
        MissionPage, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="debriefs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassador"),
        on_delete=models.CASCADE,
        related_name="debriefs",
    )
    how_it_went = models.TextField(_("how it went"), blank=True)
    contacts_met = models.TextField(
        _("contacts met"),
        blank=True,
        help_text=_("Companies and people you talked to (names as you can share them)."),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("debrief")
        verbose_name_plural = _("debriefs")
        constraints = [
            models.UniqueConstraint(fields=["mission", "user"], name="briefings_one_debrief")
        ]

    def __str__(self):
        return f"{self.user} — {self.mission}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECEIVED = "received", _("Received")
    QUALIFYING = "qualifying", _("Being qualified")
    QUALIFIED = "qualified", _("Qualified")
    ACCOMPANIED = "accompanied", _("Accompanied")
    LANDED = "landed", _("Landed")
    LOST = "lost", _("Lost")
    DORMANT = "dormant", _("Dormant")
    DUPLICATE = "duplicate", _("Duplicate")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


# The pipeline: where a report may go from each status (the services refuse the rest).
REPORT_TRANSITIONS = {
    ReportStatus.DRAFT: (ReportStatus.RECEIVED,),
    ReportStatus.RECEIVED: (
        ReportStatus.QUALIFYING,
        ReportStatus.DUPLICATE,
        ReportStatus.OUT_OF_SCOPE,
    ),
    ReportStatus.QUALIFYING: (
        ReportStatus.QUALIFIED,
        ReportStatus.DUPLICATE,
        ReportStatus.OUT_OF_SCOPE,
        ReportStatus.DORMANT,
    ),
    ReportStatus.QUALIFIED: (
        ReportStatus.ACCOMPANIED,
        ReportStatus.LOST,
        ReportStatus.DORMANT,
    ),
    ReportStatus.ACCOMPANIED: (ReportStatus.LANDED, ReportStatus.LOST, ReportStatus.DORMANT),
    ReportStatus.DORMANT: (ReportStatus.QUALIFYING, ReportStatus.QUALIFIED, ReportStatus.LOST),
    ReportStatus.LANDED: (),
    ReportStatus.LOST: (ReportStatus.DORMANT,),
    ReportStatus.DUPLICATE: (ReportStatus.RECEIVED,),
    ReportStatus.OUT_OF_SCOPE: (ReportStatus.RECEIVED,),
}
# Closed: the report's story has ended (a closing reason is asked; retention counts from
# then).
CLOSED_REPORT_STATUSES = (
    ReportStatus.LANDED,
    ReportStatus.LOST,
    ReportStatus.DUPLICATE,
    ReportStatus.OUT_OF_SCOPE,
)
# Qualified, or further along: what the "N projects qualified" badge criterion counts.
QUALIFIED_REPORT_STATUSES = (
    ReportStatus.QUALIFIED,
    ReportStatus.ACCOMPANIED,
    ReportStatus.LANDED,
)


class ProjectType(models.TextChoices):
    IMPLANTATION = "implantation", _("Implantation")
    EXTENSION = "extension", _("Extension")
    RELOCATION = "relocation", _("Relocation")
    RESEARCH = "research", _("R&D centre")
    EVENT = "event", _("Congress or event")
    TALENT = "talent", _("Talent")
    OTHER = "other", _("Other")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Fewer than 10 employees")
    SMALL = "small", _("10 to 49 employees")
    MEDIUM = "medium", _("50 to 249 employees")
    LARGE = "large", _("250 to 4,999 employees")
    VERY_LARGE = "very_large", _("5,000 employees or more")


class Horizon(models.TextChoices):
    SIX_MONTHS = "6m", _("Within 6 months")
    ONE_YEAR = "1y", _("Within a year")
    TWO_YEARS = "2y", _("Within two years")
    LATER = "later", _("Later")
    UNKNOWN = "unknown", _("Unknown")


class ProjectStage(models.TextChoices):
    IDEA = "idea", _("An idea mentioned")
    STUDY = "study", _("Being studied")
    SEARCHING = "searching", _("Looking for a site")
    SHORTLIST = "shortlist", _("Territories shortlisted")
    DECIDED = "decided", _("Decided")


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Normal")
    RESTRICTED = "restricted", _("Restricted")


class ProjectReport(models.Model):
    """A project an ambassador detected and reports to the agency. A draft belongs to
    its author and stays outside the pipeline until sent; once sent (received), staff
    move it through `REPORT_TRANSITIONS`, every move logged. A restricted report's
    content is readable only by its assignee and the *Responsables*."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="project_reports",
    )
    mission = models.ForeignKey(
        MissionPage,
        verbose_name=_("mission"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_reports",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
        db_index=True,
    )
    closing_reason = models.TextField(_("closing reason"), blank=True)
    # The company.
    company_name = models.CharField(_("company"), max_length=200, blank=True)
    company_key = models.CharField(
        _("company key"), max_length=200, blank=True, db_index=True, editable=False
    )
    company_country = CountryField(_("company's country"), blank=True)
    company_website = models.URLField(_("website"), blank=True)
    company_domain = models.CharField(
        _("website domain"), max_length=200, blank=True, db_index=True, editable=False
    )
    company_sector = models.CharField(
        _("sector"), max_length=32, choices=Sector.choices, blank=True
    )
    company_size = models.CharField(
        _("size"), max_length=16, choices=CompanySize.choices, blank=True
    )
    # The project.
    project_type = models.CharField(
        _("kind of project"), max_length=16, choices=ProjectType.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    jobs_expected = models.PositiveIntegerField(_("jobs expected"), null=True, blank=True)
    premises_needs = models.TextField(_("premises or land needed"), blank=True)
    horizon = models.CharField(_("horizon"), max_length=8, choices=Horizon.choices, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices, blank=True)
    competing_territories = models.TextField(_("competing territories"), blank=True)
    # The contact.
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_role = models.CharField(_("their role"), max_length=200, blank=True)
    contact_email = models.EmailField(_("their email"), blank=True)
    contact_phone = models.CharField(_("their phone"), max_length=40, blank=True)
    contact_agreed = models.BooleanField(
        _("the contact agreed to be called by the agency"), default=False
    )
    # The ambassador's side.
    source = models.TextField(_("how you know of it"), blank=True)
    conflict_of_interest = models.BooleanField(
        _("I have a personal interest in this project"), default=False
    )
    conflict_details = models.TextField(_("which interest"), blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )
    # The pipeline.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
    )
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("next step on"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    qualified_at = models.DateTimeField(
        _("qualified at"),
        null=True,
        blank=True,
        help_text=_("When the report was first qualified: what badges count."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    contact_anonymised_at = models.DateTimeField(
        _("contact details removed at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("manage_reports", _("Can qualify project reports")),
            ("read_restricted_reports", _("Can read every restricted project report")),
        ]
        indexes = [models.Index(fields=["author", "status"], name="briefings_report_author")]

    def __str__(self):
        return self.company_name or str(_("Project report %(number)s") % {"number": self.pk})

    @property
    def is_restricted(self) -> bool:
        return self.confidentiality == Confidentiality.RESTRICTED

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_REPORT_STATUSES


class ReportNote(models.Model):
    """A staff note on a report: internal (never shown to the ambassador) or feedback
    (shown to them in Mes signalements, and emailed)."""

    report = models.ForeignKey(
        ProjectReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"))
    shared = models.BooleanField(
        _("feedback to the ambassador"),
        default=False,
        help_text=_("Shown to the ambassador who reported the project, and emailed."),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]

"""The ground every app stands on: people, their ambassador profile, the home page, the
site's settings and the log that makes dated notifications go out once."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from .blocks import HomeBodyBlock


class UserManager(BaseUserManager):
    """Users are identified by their email address, stored lower-cased."""

    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: staff or ambassador. Email is the login."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="home_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class MembershipStatus(models.TextChoices):
    """Where an ambassador stands with the club. Only `ACTIVE` may learn, sign up or
    report; `SUSPENDED` and `LEFT` keep their history."""

    INVITED = "invited", _("Invited")
    REQUESTED = "requested", _("Membership requested")
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Declined")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left the club")


class TerritoryLink(models.TextChoices):
    NATIVE = "native", _("Born or raised here")
    RESIDENT = "resident", _("Lives or works here")
    HEART = "heart", _("Attached by heart")


class Sector(models.TextChoices):
    AGRIFOOD = "agrifood", _("Agriculture and food")
    INDUSTRY = "industry", _("Industry and manufacturing")
    AUTOMOTIVE = "automotive", _("Automotive and mobility")
    DIGITAL = "digital", _("Digital and technology")
    HEALTH = "health", _("Health and life sciences")
    ENERGY = "energy", _("Energy and environment")
    LOGISTICS = "logistics", _("Logistics and transport")
    CONSTRUCTION = "construction", _("Construction and real estate")
    FINANCE = "finance", _("Finance, insurance and services")
    TOURISM = "tourism", _("Tourism, hospitality and events")
    CULTURE = "culture", _("Culture, arts and sport")
    RESEARCH = "research", _("Research and higher education")
    PUBLIC = "public", _("Public sector and associations")
    OTHER = "other", _("Other")


class AmbassadorProfile(models.Model):
    """What the club knows of an ambassador, and where their membership stands."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="ambassador_profile", verbose_name=_("user")
    )
    status = models.CharField(
        _("membership status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.INVITED,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    territory_link = models.CharField(
        _("link to the territory"), max_length=16, choices=TerritoryLink.choices, blank=True
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    sector = models.CharField(
        _("sector"), max_length=32, choices=Sector.choices, blank=True, db_index=True
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country of residence"), blank=True, db_index=True)
    languages = models.JSONField(
        _("languages spoken"),
        default=list,
        blank=True,
        help_text=_("ISO 639-1 codes of the languages the ambassador can pitch in."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    consent_contact = models.BooleanField(_("agrees to be contacted by the agency"), default=False)
    consent_directory = models.BooleanField(
        _("agrees to appear in the ambassadors' directory"), default=False
    )
    data_consent_at = models.DateTimeField(
        _("agreed to the processing of personal data on"), null=True, blank=True
    )
    notify_missions = models.BooleanField(_("email me when a mission opens to me"), default=True)
    notify_signups = models.BooleanField(
        _("email me about my mission sign-ups (confirmation, waiting list, thanks)"),
        default=True,
        help_text=_(
            "Decisions that change your place — a seat freed for you, a sign-up declined or "
            "cancelled by the staff — are emailed whatever you choose here."
        ),
    )
    notify_reminders = models.BooleanField(
        _("email me reminders (missions, badges about to expire)"), default=True
    )
    notify_feedback = models.BooleanField(
        _("email me news of the projects I reported"), default=True
    )
    request_message = models.TextField(
        _("membership request message"),
        blank=True,
        help_text=_("What the person wrote when asking to join."),
    )
    status_reason = models.TextField(
        _("reason for the status"),
        blank=True,
        help_text=_("Why the membership was suspended or declined, as told to the person."),
    )
    invited_at = models.DateTimeField(_("last invited on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Fields that make a profile useful for missions, in the order Mon espace asks for them.
    COMPLETENESS_FIELDS = (
        "territory_link",
        "organisation",
        "role",
        "sector",
        "city",
        "country",
        "languages",
        "phone",
    )
    NOTIFICATION_FIELDS = (
        "notify_missions",
        "notify_signups",
        "notify_reminders",
        "notify_feedback",
    )
    CONSENT_FIELDS = ("consent_contact", "consent_directory")

    class Meta:
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")
        ordering = ["user__last_name", "user__first_name"]
        permissions = [
            ("invite_ambassador", _("Can invite ambassadors and answer membership requests")),
            ("suspend_ambassador", _("Can suspend and reactivate ambassadors")),
            ("view_dashboard", _("Can see the staff dashboard")),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def is_active_member(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class HomePage(Page):
    """The club's front page: the root of the public site."""

    body = StreamField(
        HomeBodyBlock(),
        blank=True,
        verbose_name=_("body"),
        help_text=_("Hero, text, calls to action and key figures, in the order shown."),
    )

    content_panels = Page.content_panels + [FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    page_description = _("The club's home page. There is only one.")

    @property
    def has_hero(self) -> bool:
        """A hero carries the page's `h1`; without one, the title does."""
        return bool(self.body) and self.body[0].block_type == "hero"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Values staff edit once for the whole site: who the club is, who signs."""

    organisation_name = models.CharField(
        _("organisation name"),
        max_length=200,
        default="Agence de développement",
        help_text=_("The development agency that runs the club, as it signs emails."),
    )
    territory_name = models.CharField(
        _("territory name"),
        max_length=200,
        default="Notre territoire",
        help_text=_("Shown in the header, e.g. “la Sarthe”."),
    )
    club_name = models.CharField(
        _("club name"),
        max_length=200,
        default="Les Ambassadeurs",
        help_text=_("The club's public name, e.g. “Les Ambassadeurs de la Sarthe”."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the header and on certificates. A wide PNG works best."),
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_("Where ambassadors can write to the staff; shown in the footer."),
    )
    certificate_signatory_name = models.CharField(
        _("certificate signatory"),
        max_length=200,
        blank=True,
        help_text=_("The person whose name signs certificates."),
    )
    certificate_signatory_title = models.CharField(
        _("signatory's title"),
        max_length=200,
        blank=True,
        help_text=_("For example “Directrice de l'agence”."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("club_name"),
                FieldPanel("territory_name"),
                FieldPanel("organisation_name"),
            ],
            heading=_("Identity"),
        ),
        FieldPanel("logo"),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [FieldPanel("certificate_signatory_name"), FieldPanel("certificate_signatory_title")],
            heading=_("Certificates"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")


class NotificationLog(models.Model):
    """One row per dated notification sent, so running the daily work twice sends
    nothing twice. The unique `key` is the guarantee, not a check before sending."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    recipient = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification log entry")
        verbose_name_plural = _("notification log")
        ordering = ["-sent_at"]

    def __str__(self):
        return self.key

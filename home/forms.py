"""Forms of `home`: signing in, the membership request, the person's own profile and
account (email change, deletion) and the invitation's "send me a new link"."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .languages import language_choices
from .models import AmbassadorProfile, MembershipStatus, TerritoryLink, User

ERROR_WRONG_PASSWORD = _("This is not your current password.")
ERROR_SAME_EMAIL = _("This is already the email address of your account.")
ERROR_PHONE = _("Enter a phone number with digits only, e.g. +33 6 12 34 56 78.")
CHOOSE = _("Choose…")

phone_validator = RegexValidator(r"^\+?[0-9][0-9 .()\-]{5,30}$", message=ERROR_PHONE)


class SignInForm(AuthenticationForm):
    """Sign in with an email address and a password."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This email address and password do not match an account. "
            "Check them, or reset your password."
        ),
        "inactive": _("This account is disabled. Contact the club's staff."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password reset, with its email sent like every other one: rendered from
    `templates/emails/password_reset*` and delivered through the task queue."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from .services import email_send

        email_send(to=to_email, template="password_reset", context=context)


# --- The ambassador profile ---------------------------------------------------------

PROFILE_FIELDS = AmbassadorProfile.COMPLETENESS_FIELDS
NOTIFICATION_FIELDS = AmbassadorProfile.NOTIFICATION_FIELDS
CONSENT_FIELDS = AmbassadorProfile.CONSENT_FIELDS


class ProfileFieldsForm(forms.ModelForm):
    """The profile fields missions are matched on, as a person fills them in: radio
    buttons for the tie to the territory, checkboxes for languages, a phone check.
    Subclasses add their own fields; none of them saves through `ModelForm.save`."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages you could pitch the territory in."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Only the club's staff see it, to reach you about a mission."),
    )

    class Meta:
        model = AmbassadorProfile
        fields = PROFILE_FIELDS
        labels = {
            "territory_link": _("Your link to the territory"),
            "country": _("Country of residence"),
        }
        widgets = {
            "territory_link": forms.RadioSelect,
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio group needs no "---------" option; a select gets a readable one.
        self.fields["territory_link"].choices = TerritoryLink.choices
        self.fields["sector"].choices = [("", CHOOSE), *self.fields["sector"].choices[1:]]
        self.fields["country"].choices = [("", CHOOSE), *countries]
        held = list(self.instance.languages or []) if self.instance.pk else []
        self.fields["languages"].choices = lambda: language_choices(extra=held)

    def clean_phone(self):
        return " ".join(self.cleaned_data["phone"].split())


class MembershipRequestForm(ProfileFieldsForm):
    """ "Devenir ambassadeur": who the newcomer is, their tie to the territory, why they
    want to join, and their consent to the processing of their data."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("You will sign in with it once your request is accepted."),
    )
    motivation = forms.CharField(
        label=_("Why do you want to become an ambassador?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few lines are enough: what ties you to the territory, what you can offer."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the agency processes my personal data to examine my request "
            "and, if I join, to run my membership."
        ),
        help_text=_(
            "We keep what you enter here (your name, contact details, professional "
            "profile, languages and message) to examine your request and, if you join, to "
            "offer you courses and missions that suit you. Nothing is shared outside the "
            "agency. Once a member, you can download or delete your data at any time from "
            "“My data”."
        ),
        error_messages={"required": _("Your agreement is needed to examine your request.")},
    )

    field_order = ["first_name", "last_name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PROFILE_FIELDS:
            self.fields[name].required = name != "phone"

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def request_arguments(self) -> dict:
        """The keyword arguments of `services.membership_request_create`."""
        data = self.cleaned_data
        return {
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "profile_fields": {name: data[name] for name in PROFILE_FIELDS},
            "message": data["motivation"],
        }


class ProfileForm(ProfileFieldsForm):
    """The person's own profile: names, what missions are matched on, which emails they
    want, what they agree to. Saves those fields only, so a change of status made by
    staff meanwhile is never overwritten."""

    class Meta(ProfileFieldsForm.Meta):
        fields = PROFILE_FIELDS + NOTIFICATION_FIELDS + CONSENT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["consent_directory"].help_text = _(
            "Other ambassadors could then see your name, organisation and sector."
        )

    def save(self, commit=True) -> AmbassadorProfile:
        from .services import profile_update

        data = self.cleaned_data
        return profile_update(
            profile=self.instance,
            first_name=data["first_name"],
            last_name=data["last_name"],
            fields={name: data[name] for name in self._meta.fields},
        )


class _CurrentPasswordMixin:
    """A `password` field checked against the signed-in person's password."""

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(ERROR_WRONG_PASSWORD, code="wrong_password")
        return password


def _current_password_field():
    return forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailChangeForm(_CurrentPasswordMixin, forms.Form):
    """A new address, confirmed by the current password; nothing changes until the link
    sent to the new address is opened."""

    new_email = forms.EmailField(
        label=_("New email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = _current_password_field()

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        kwargs.setdefault("prefix", "email")
        super().__init__(*args, **kwargs)

    def clean_new_email(self):
        email = self.cleaned_data["new_email"].strip().lower()
        if email == self.user.email.lower():
            raise forms.ValidationError(ERROR_SAME_EMAIL, code="same_email")
        return email


class AccountDeleteForm(_CurrentPasswordMixin, forms.Form):
    password = _current_password_field()
    confirm = forms.BooleanField(
        label=_("I understand that deleting my account cannot be undone."),
        error_messages={"required": _("Tick this box to confirm.")},
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class InvitationLinkRequestForm(forms.Form):
    """Ask for a new invitation link by email. Like Django's password reset, the answer
    never says whether an invitation is waiting for the address."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def invited_profile(self) -> AmbassadorProfile | None:
        """The profile still waiting for its invitation to be accepted at this address."""
        return (
            AmbassadorProfile.objects.select_related("user")
            .filter(
                user__email__iexact=self.cleaned_data["email"].strip(),
                user__is_active=True,
                status=MembershipStatus.INVITED,
            )
            .first()
        )

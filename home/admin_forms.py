"""Forms of the staff's ambassador pages in the Wagtail admin: inviting one person, the
membership actions of the *fiche ambassadeur*, and the CSV import's two steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from . import imports
from .languages import language_choices
from .models import AmbassadorProfile, Sector, User
from .services import ERROR_REASON_REQUIRED

ERROR_STAFF_ACCOUNT = imports.ERROR_STAFF_ACCOUNT
ERROR_PREVIEW_EXPIRED = _(
    "This preview has expired or was altered. Upload the file again to see a new one."
)

# A preview stays valid this long: long enough to read 2,000 rows, short enough that a
# forgotten tab does not apply a stale file.
PREVIEW_MAX_AGE = 60 * 60


def _profile_field(name: str, **kwargs) -> forms.Field:
    """The model field's form field (label, length), optional."""
    return AmbassadorProfile._meta.get_field(name).formfield(required=False, **kwargs)


class AmbassadorInviteForm(forms.Form):
    """Invite one person: who they are, and what staff already know of them."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The invitation goes there; it becomes their sign-in."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    organisation = _profile_field("organisation")
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "---------"), *Sector.choices], required=False
    )
    city = _profile_field("city")
    country = forms.ChoiceField(label=_("Country of residence"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=language_choices,  # the club's usual ones, as in the person's own profile
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *countries]

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        person = imports.people_for([email]).get(email)
        if person is not None and not person.status and person.is_staff:
            raise forms.ValidationError(ERROR_STAFF_ACCOUNT)
        return email

    def profile_fields(self) -> dict[str, Any]:
        """The optional profile values given, for `services.ambassador_invite`."""
        names = ("organisation", "sector", "city", "country", "languages")
        return {name: self.cleaned_data[name] for name in names if self.cleaned_data[name]}


class MembershipActionForm(forms.Form):
    """Actions that need nothing but the click (resend, approve, reactivate)."""


class DeclineForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the person (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the answer, by email."),
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Emailed to the ambassador and kept in the history."),
        error_messages={"required": ERROR_REASON_REQUIRED},
    )


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=format_lazy(
            _("UTF-8, columns separated by “,” or “;”, at most {megabytes} MB and {rows} rows."),
            megabytes=imports.MAX_BYTES // (1024 * 1024),
            rows=imports.MAX_ROWS,
        ),
    )

    def clean_file(self) -> str:
        """The file's text (see `imports.csv_decode`)."""
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(
                imports.ERROR_FILE_TOO_BIG % {"max": imports.MAX_BYTES // (1024 * 1024)}
            )
        try:
            return imports.csv_decode(upload.read())
        except imports.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None


def _salt(user: User) -> str:
    return f"home.imports.preview:{user.pk}"


def preview_token(text: str, *, user: User) -> str:
    """The file's text, signed (and compressed) for the confirmation form: the browser
    carries it but cannot alter it, and it only works for the person who uploaded it."""
    return signing.dumps(text, salt=_salt(user), compress=True)


class CsvConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_token(self) -> str:
        """The file's text, if the token is intact, recent and this user's."""
        try:
            return signing.loads(
                self.cleaned_data["token"], salt=_salt(self.user), max_age=PREVIEW_MAX_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(ERROR_PREVIEW_EXPIRED) from None

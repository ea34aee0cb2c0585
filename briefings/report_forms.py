"""Forms of the ambassador's side of project reports: the report itself (a draft keeps
whatever was typed; sending checks the rules below) and the debrief of a mission.

Sending asks for the company's name, the kind of project, its description and how the
ambassador knows of it; a contact's email or phone only with their agreement to be
called; the details of a declared personal interest. Saving a draft asks for nothing:
`draft_data` keeps every value that fits its column, valid or not yet.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from home.forms import CHOOSE
from home.widgets import FastSelect

from .models import Confidentiality, Debrief, ProjectReport
from .report_services import AUTHOR_FIELDS

# What the ambassador fills, the mission tag aside (it comes from the debrief's link).
REPORT_FIELDS = tuple(name for name in AUTHOR_FIELDS if name != "mission")
# What sending needs; the rest helps the agency but may be unknown.
REQUIRED_TO_SEND = ("company_name", "project_type", "description", "source")
# A contact may be named (with their role) when shareable; reaching them needs their word.
CONTACT_DETAILS = ("contact_email", "contact_phone")

ERROR_REQUIRED = _("Needed to send the report (you may save the draft without it).")
ERROR_CONTACT_AGREED = _(
    "You gave their email or phone: tick this box if they agreed to be called by the "
    "agency, or remove their email and phone."
)
ERROR_CONFLICT_DETAILS = _("Say which interest you have in this project.")


class ReportForm(forms.ModelForm):
    """The report as its author types it. `sending=True` applies the rules of sending;
    otherwise only what every value must be (a number, an email address…)."""

    company_website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Helps the agency spot a company it already knows."),
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )

    class Meta:
        model = ProjectReport
        fields = REPORT_FIELDS
        labels = {
            "company_name": _("Company name"),
            "company_country": _("Country of the company"),
            "company_sector": _("Sector"),
            "company_size": _("Size"),
            "project_type": _("Kind of project"),
            "description": _("The project in a few words"),
            "jobs_expected": _("Jobs expected"),
            "premises_needs": _("Premises or land needed"),
            "horizon": _("When"),
            "stage": _("How far along"),
            "competing_territories": _("Other territories in the running"),
            "contact_name": _("Contact person"),
            "contact_role": _("Their role"),
            "contact_email": _("Their email"),
            "contact_phone": _("Their phone"),
            "contact_agreed": _("The contact agreed to be called by the agency"),
            "source": _("How you know of it"),
            "conflict_of_interest": _("I have a personal interest in this project"),
            "conflict_details": _("Which interest"),
            "confidentiality": _("Confidentiality"),
        }
        help_texts = {
            "description": _("What they plan, where they stand, what they look for."),
            "jobs_expected": _("A rough figure is fine."),
            "premises_needs": _("Offices, workshop, warehouse, land: surface if known."),
            "competing_territories": _("If you know them."),
            "contact_name": _("Only if you may share it."),
            "contact_agreed": _(
                "Required when you give their email or phone: the agency calls no one "
                "who did not agree."
            ),
            "source": _("A meeting, a mission, a client, the press…"),
            "conflict_of_interest": _(
                "A stake, a job, a contract or a relative in the company: saying so "
                "protects you and the agency."
            ),
        }
        widgets = {
            "company_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "jobs_expected": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "premises_needs": forms.Textarea(attrs={"rows": 2}),
            "competing_territories": forms.Textarea(attrs={"rows": 2}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "source": forms.Textarea(attrs={"rows": 2}),
            "conflict_details": forms.Textarea(attrs={"rows": 2}),
            "confidentiality": forms.RadioSelect,
            "company_country": FastSelect,
        }

    def __init__(self, *args, sending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending
        for name in ("company_sector", "company_size", "project_type", "horizon", "stage"):
            field = self.fields[name]
            field.choices = [("", CHOOSE), *[c for c in field.choices if c[0]]]
        self.fields["company_country"].choices = [("", CHOOSE), *countries]
        self.fields["confidentiality"].choices = [
            (Confidentiality.NORMAL, _("Normal: the agency's team reads it")),
            (
                Confidentiality.RESTRICTED,
                _(
                    "Restricted: only the person following it and the agency's managers "
                    "read it; the rest of the team sees only that a report exists"
                ),
            ),
        ]
        for name in REQUIRED_TO_SEND:
            # Marked as needed, though a draft may go without: the rule is in `clean`.
            self.fields[name].widget.attrs["aria-required"] = "true"
            self.fields[name].needed_to_send = True

    def clean(self):
        cleaned = super().clean()
        if self.sending:
            for name in REQUIRED_TO_SEND:
                if name not in self.errors and not cleaned.get(name):
                    self.add_error(name, ERROR_REQUIRED)
        gave_details = any(cleaned.get(name) for name in CONTACT_DETAILS)
        if self.sending and gave_details and not cleaned.get("contact_agreed"):
            self.add_error("contact_agreed", ERROR_CONTACT_AGREED)
        if (
            self.sending
            and cleaned.get("conflict_of_interest")
            and not (cleaned.get("conflict_details") or "").strip()
        ):
            self.add_error("conflict_details", ERROR_CONFLICT_DETAILS)
        return cleaned


def draft_data(form: ReportForm) -> tuple[dict, list[str]]:
    """What a draft keeps of a bound `ReportForm` (not in sending mode): each valid
    value, and the text as typed of a value not yet valid when its column holds text (an
    email address half typed). Returns the data and the labels of what could not be
    kept (a number that is not one)."""
    form.is_valid()
    data, lost = {}, []
    for name in REPORT_FIELDS:
        if name in form.cleaned_data:
            data[name] = form.cleaned_data[name]
            continue
        column = ProjectReport._meta.get_field(name)
        raw = form[name].value()
        if isinstance(column, models.CharField | models.TextField) and not column.choices:
            data[name] = str(raw or "").strip()[: column.max_length or None]
        elif raw not in (None, ""):
            lost.append(str(form.fields[name].label))
    return data, lost


class DebriefForm(forms.ModelForm):
    class Meta:
        model = Debrief
        fields = ("how_it_went", "contacts_met")
        labels = {
            "how_it_went": _("How did it go?"),
            "contacts_met": _("Contacts met"),
        }
        help_texts = {
            "how_it_went": _("What worked, what did not, what the agency should know."),
            "contacts_met": _(
                "Companies and people you talked to, as you may share them. A project "
                "worth following? Report it below, after saving."
            ),
        }
        widgets = {
            "how_it_went": forms.Textarea(attrs={"rows": 4}),
            "contacts_met": forms.Textarea(attrs={"rows": 4}),
        }

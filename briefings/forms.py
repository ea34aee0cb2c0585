"""Forms of missions: the mission page's admin form (dates in the mission's own time
zone, languages and sectors as checkboxes) and the ambassador's sign-up form."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from home.languages import language_choices
from home.models import Sector

DATE_FIELDS = (
    "starts_at",
    "ends_at",
    "signup_opens_at",
    "signup_closes_at",
    "cancellation_deadline",
)


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class MissionPageForm(WagtailAdminPageForm):
    """Dates are typed and shown in the mission's time zone, whatever the editor's own:
    a fair in Montréal is entered in Montréal's time."""

    languages = forms.MultipleChoiceField(
        label=_("languages wanted"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A hint shown to ambassadors, not a condition."),
    )
    sectors = forms.MultipleChoiceField(
        label=_("sectors concerned"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A hint shown to ambassadors, not a condition."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        held = list(self.instance.languages or []) if self.instance.pk else []
        self.fields["languages"].choices = language_choices(extra=held)
        zone = _zone(self.instance.time_zone) if self.instance.pk else None
        if zone is not None:
            for name in DATE_FIELDS:
                value = getattr(self.instance, name, None)
                if name in self.fields and value is not None:
                    # Naive local time: the widget shows it as it is.
                    self.initial[name] = value.astimezone(zone).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone = _zone(cleaned.get("time_zone"))
        if zone is not None:
            current = timezone.get_current_timezone()
            for name in DATE_FIELDS:
                value = cleaned.get(name)
                if isinstance(value, datetime.datetime):
                    # The field read the typed time in the editor's zone; read it again
                    # in the mission's.
                    wall = value.astimezone(current).replace(tzinfo=None)
                    cleaned[name] = wall.replace(tzinfo=zone)
        return cleaned


class SignupForm(forms.Form):
    """What an ambassador says when signing up. The briefing must be acknowledged when
    the mission has one (`needs_acknowledgement`)."""

    motivation = forms.CharField(
        label=_("Your motivation (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you bring to this mission: contacts, languages, sector…"),
    )
    listed = forms.BooleanField(
        label=_("Show my name and organisation to the other participants"),
        required=False,
        help_text=_("In the briefing pack, so that you can meet before the mission."),
    )
    acknowledge = forms.BooleanField(
        label=_("I have read the briefing and will follow it"),
        required=False,
    )

    def __init__(self, *args, needs_acknowledgement: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_acknowledgement = needs_acknowledgement
        if needs_acknowledgement:
            self.fields["acknowledge"].required = True
            self.fields["acknowledge"].error_messages["required"] = _(
                "Read the briefing and tick this box to sign up."
            )
        else:
            del self.fields["acknowledge"]


class CancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I cancel my sign-up"),
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )

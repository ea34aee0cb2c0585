"""The briefing pack of a mission: a PDF rendered with WeasyPrint.

`pack_access` is the one gate (confirmed participants and staff); `pack_context`
gathers what the pack says — the mission, its schedule in local time with the zone
named, place and logistics, the online link (for those who may read it), the briefing
blocks, the staff contact and the participants (names and organisations of those who
agreed to be listed, the others counted); `pack_html` renders
`templates/pdf/briefing_pack.html`; `pack_pdf` turns it into PDF bytes.

As for certificates (`lms.certificates`): nothing is fetched while rendering (the
fetcher accepts data URIs only, so neither `file://` nor remote addresses), the fonts
are the system's DejaVu, and WeasyPrint is imported on first use. The briefing blocks
have print templates of their own (in the pack's template), not the site's, which carry
icons and scripts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from home.services import absolute_url

from . import selectors, services
from .calendars import location, mission_path
from .models import SEATED_STATUSES, MissionPage, Signup

PACK_TEMPLATE = "pdf/briefing_pack.html"

REASON_NOT_PARTICIPANT = _(
    "The briefing pack is for the mission's confirmed participants and the staff."
)


# --- Who may read it ---------------------------------------------------------------------


@dataclass(frozen=True)
class PackAccess:
    allowed: bool
    reason: str = ""
    staff: bool = False
    participant: bool = False

    @property
    def shows_online_link(self) -> bool:
        return self.participant or self.staff


def pack_access(*, user, mission: MissionPage) -> PackAccess:
    """May `user` read `mission`'s briefing pack? Those holding a seat (confirmed,
    attended, no-show) and staff (who reach the Wagtail admin) may; a waitlisted,
    pending or cancelled person may not, nor anyone else. One query for an ambassador."""
    from home.selectors import is_staff_member

    if user is None or not user.is_authenticated or not user.is_active:
        return PackAccess(False, str(REASON_NOT_PARTICIPANT))
    if is_staff_member(user):
        return PackAccess(True, staff=True)
    seated = Signup.objects.filter(mission=mission, user=user, status__in=SEATED_STATUSES).exists()
    if seated:
        return PackAccess(True, participant=True)
    return PackAccess(False, str(REASON_NOT_PARTICIPANT))


# --- What it says ------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    name: str
    organisation: str = ""


@dataclass
class Participants:
    listed: list[Participant] = field(default_factory=list)
    others: int = 0

    @property
    def total(self) -> int:
        return len(self.listed) + self.others


def participants_of(mission: MissionPage) -> Participants:
    """Names and organisations of the participants who agreed to be listed; the others
    only counted (their consent is the sign-up's `listed`). One query."""
    result = Participants()
    for signup in selectors.pack_participants(mission):
        if not signup.listed:
            result.others += 1
            continue
        profile = getattr(signup.user, "ambassador_profile", None)
        result.listed.append(
            Participant(
                name=signup.user.get_full_name().strip() or str(_("(name not given)")),
                organisation=getattr(profile, "organisation", "") or "",
            )
        )
    return result


@dataclass(frozen=True)
class Schedule:
    """The mission's dates in its own time zone, as text, and (for a mission abroad)
    the same hours in the site's time zone."""

    text: str
    zone: str
    zone_detail: str
    home_text: str = ""
    home_zone: str = ""


def _when(start: datetime.datetime, end: datetime.datetime) -> str:
    if start.date() == end.date():
        return _("%(date)s, %(start)s – %(end)s") % {
            "date": date_format(start, "DATE_FORMAT"),
            "start": date_format(start, "TIME_FORMAT"),
            "end": date_format(end, "TIME_FORMAT"),
        }
    return _("From %(start)s to %(end)s") % {
        "start": date_format(start, "DATETIME_FORMAT"),
        "end": date_format(end, "DATETIME_FORMAT"),
    }


def _offset(moment: datetime.datetime) -> str:
    offset = moment.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def schedule_of(mission: MissionPage) -> Schedule:
    start, end = mission.local(mission.starts_at), mission.local(mission.ends_at)
    zone = mission.zone.key
    detail = f"{start.tzname()}, {_offset(start)}" if start.tzname() else _offset(start)
    home = ""
    if zone != settings.TIME_ZONE:
        home = _when(timezone.localtime(mission.starts_at), timezone.localtime(mission.ends_at))
    return Schedule(
        text=_when(start, end),
        zone=zone.replace("_", " "),
        zone_detail=detail,
        home_text=home,
        home_zone=settings.TIME_ZONE.replace("_", " ") if home else "",
    )


def _blocks(mission: MissionPage, *, request=None) -> list[dict[str, Any]]:
    """The briefing's blocks in the author's order, as `{"type", "value"}` for the
    pack's print templates; a document gets its absolute address (it is not a
    clickable page in print)."""
    blocks = []
    for block in mission.briefing:
        entry = {"type": block.block_type, "value": block.value}
        if block.block_type == "document":
            document = block.value.get("document")
            if document is None:
                continue
            entry["title"] = block.value.get("label") or document.title
            entry["url"] = absolute_url(document.url, request=request)
            entry["extension"] = document.file_extension.upper()
        blocks.append(entry)
    return blocks


def pack_context(
    mission: MissionPage, *, access: PackAccess, request=None, now=None
) -> dict[str, Any]:
    from home.models import SiteSettings

    site = getattr(request, "site", None) if request is not None else None
    if site is None:
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
    site_settings = SiteSettings.for_site(site) if site else SiteSettings()
    now = now or timezone.now()
    return {
        "mission": mission,
        "kind": mission.get_kind_display(),
        "schedule": schedule_of(mission),
        "location": location(mission),
        "country": mission.country.name if mission.country else "",
        "online_url": mission.online_url if access.shows_online_link else "",
        "mission_url": absolute_url(mission_path(mission), request=request),
        "blocks": _blocks(mission, request=request),
        "contact_name": mission.contact_name,
        "contact_email": mission.contact_email,
        "contact_phone": mission.contact_phone,
        "contact_fallback": ""
        if mission.contact_name or mission.contact_email
        else services.contact_of(mission),
        "participants": participants_of(mission),
        "organisation_name": site_settings.organisation_name,
        "club_name": site_settings.club_name,
        "generated_on": date_format(timezone.localtime(now), "DATETIME_FORMAT"),
    }


def pack_html(mission: MissionPage, *, access: PackAccess, request=None, now=None) -> str:
    """The pack as HTML, in the active language."""
    context = pack_context(mission, access=access, request=request, now=now)
    return render_to_string(PACK_TEMPLATE, context)


def pack_pdf(mission: MissionPage, *, access: PackAccess, request=None, now=None) -> bytes:
    """The pack as PDF bytes (A4, as many pages as the briefing needs)."""
    from weasyprint import HTML, URLFetcher

    html = pack_html(mission, access=access, request=request, now=now)
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def pack_filename(mission: MissionPage) -> str:
    """``dossier-<mission slug>.pdf``, ASCII only."""
    return f"dossier-{slugify(mission.slug) or 'mission'}.pdf"

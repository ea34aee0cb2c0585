"""The PDF certificate of a badge award, rendered with WeasyPrint.

`certificate_context` gathers what the certificate says (the organisation and its logo,
the signatory, the holder, the badge and its competences, French dates, the verification
URL and its QR code); `certificate_html` renders `templates/pdf/certificate.html`;
`certificate_pdf` turns it into PDF bytes.

Nothing is fetched over the network or from the disk while rendering: the logo and the
QR code are inlined (a data URI and an SVG) and the fetcher accepts data URIs only
(REFERENCES.md, "PDFs"). WeasyPrint is imported on first use: importing it costs about
half a second, which no other page should pay.
"""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from .badge_selectors import verification_url
from .models import BadgeAward

CERTIFICATE_LANGUAGE = "fr"
"""Certificates are in French whoever downloads them: they are the agency's documents."""

LOGO_FILTER = "max-600x200"


def certificate_context(award: BadgeAward, *, site_settings=None) -> dict[str, Any]:
    """What the certificate shows, in French. `site_settings` defaults to the default
    site's `SiteSettings`."""
    from home.models import SiteSettings

    if site_settings is None:
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
        site_settings = SiteSettings.for_site(site) if site else SiteSettings()
    url = verification_url(award)
    with translation.override(CERTIFICATE_LANGUAGE):
        issued_on = _french_date(award.issued_at)
        expires_on = _french_date(award.expires_at) if award.expires_at else ""
    return {
        "award": award,
        "badge": award.badge,
        "competences": list(award.badge.competences.all()),
        "holder_name": holder_name(award.user),
        "organisation_name": site_settings.organisation_name,
        "club_name": site_settings.club_name,
        "logo_data_uri": _logo_data_uri(site_settings.logo),
        "signatory_name": site_settings.certificate_signatory_name,
        "signatory_title": site_settings.certificate_signatory_title,
        "issued_on": issued_on,
        "expires_on": expires_on,
        "verification_url": url,
        "qr_svg": qr_svg(url),
    }


def certificate_html(award: BadgeAward, *, site_settings=None) -> str:
    context = certificate_context(award, site_settings=site_settings)
    with translation.override(CERTIFICATE_LANGUAGE):
        return render_to_string("pdf/certificate.html", context)


def certificate_pdf(award: BadgeAward, *, site_settings=None) -> bytes:
    """The certificate as PDF bytes (one A4 landscape page)."""
    from weasyprint import HTML, URLFetcher

    html = certificate_html(award, site_settings=site_settings)
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def certificate_filename(award: BadgeAward) -> str:
    """``certificat-<badge slug>-<holder>.pdf``, ASCII only."""
    person = slugify(holder_name(award.user)) or "ambassadeur"
    return f"certificat-{slugify(award.badge.slug)}-{person}.pdf"


def holder_name(user) -> str:
    return user.get_full_name().strip() or user.email


def qr_svg(url: str) -> str:
    """A QR code to `url` as inline SVG (no XML declaration), safe to insert."""
    import segno

    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=4, border=0, dark="#1b2233"))  # noqa: S308 (ours)


def _french_date(value) -> str:
    return date_format(timezone.localtime(value), "DATE_FORMAT")


def _logo_data_uri(image) -> str:
    """The logo's rendition as a data URI, or "" when there is none or its file is
    missing (a certificate is still worth having without the logo)."""
    if image is None:
        return ""
    try:
        rendition = image.get_rendition(LOGO_FILTER)
        with rendition.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(rendition.file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"

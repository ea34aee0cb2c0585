"""Open Badges 2.0 hosted verification: the documents, the images, the public status.

Three JSON-LD documents describe an award (1EdTech Open Badges 2.0, "hosted"
verification): the issuer `Profile` (`/badges/issuer.json`), the `BadgeClass`
(`/badges/<slug>/class.json`) and the `Assertion` (`/badges/assertions/<uuid>.json`),
each identified by its own URL. A verifier fetches the assertion from that URL, follows
`badge` to the class and the class's `issuer` to the profile; a revoked assertion answers
410 Gone. Every URL is made from `settings.BASE_URL`, never from the request's host: an
assertion must live on the issuer's origin whoever asks.

The badge's image is the uploaded one as a 400 px PNG, or one drawn here from the badge's
initials and colour (deterministic: the same badge gives the same bytes). The baked image
is that PNG with an `iTXt` chunk, keyword ``openbadges``, whose text is the assertion URL
(the Open Badges baking specification), so a backpack that receives the file finds the
assertion.

The verification page reads one award through `award_for_verification` (a fixed number of
queries) and says where it stands through `award_status`.
"""

from __future__ import annotations

import datetime
import io
import uuid as uuid_module
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from .models import Badge, BadgeAward, Competence

CONTEXT = "https://w3id.org/openbadges/v2"
BAKED_KEYWORD = "openbadges"
IMAGE_SIZE = 400
IMAGE_FILTER = f"fill-{IMAGE_SIZE}x{IMAGE_SIZE}|format-png"
LOGO_FILTER = "max-400x400|format-png"

# Short words that make no initial: "Détecteur de projets" is "DP".
_SMALL_WORDS = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "à", "au", "aux"}


# --- Addresses ----------------------------------------------------------------------------


def absolute(path: str) -> str:
    """An absolute URL on the issuer's origin (`settings.BASE_URL`)."""
    return settings.BASE_URL + path


def issuer_url() -> str:
    return absolute(reverse("openbadges:issuer"))


def badge_class_url(badge: Badge) -> str:
    return absolute(reverse("openbadges:badge_class", args=[badge.slug]))


def badge_image_path(badge: Badge) -> str:
    """The badge image's path on this site (pages show it from their own origin)."""
    return reverse("openbadges:badge_image", args=[badge.slug])


def badge_image_url(badge: Badge) -> str:
    return absolute(badge_image_path(badge))


def assertion_url(award: BadgeAward) -> str:
    return absolute(reverse("openbadges:assertion", args=[award.uuid]))


def baked_image_url(award: BadgeAward) -> str:
    return absolute(reverse("openbadges:baked_image", args=[award.uuid]))


def verification_url(award: BadgeAward) -> str:
    """The public verification page (certificates and emails link to it)."""
    return absolute(reverse("openbadges:verify", args=[award.uuid]))


def baked_filename(award: BadgeAward) -> str:
    return f"{award.badge.slug}-{str(award.uuid)[:8]}.png"


# --- Reads -----------------------------------------------------------------------------------


def parse_uuid(value: str) -> uuid_module.UUID | None:
    """The UUID in a public address, or None when it is not one."""
    try:
        return uuid_module.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def award_for_verification(value: str) -> BadgeAward | None:
    """The award a public address names (with its badge, image, holder, renewal and the
    badge's competences), or None when the address names none. Two queries."""
    public_id = parse_uuid(value)
    if public_id is None:
        return None
    return (
        BadgeAward.objects.select_related("badge__image", "user", "renewal")
        .prefetch_related(
            Prefetch("badge__competences", queryset=Competence.objects.order_by("name"))
        )
        .filter(uuid=public_id)
        .first()
    )


def badge_for_class(slug: str) -> Badge | None:
    """The badge a class address names, with its competences (two queries), or None."""
    return (
        Badge.objects.prefetch_related(
            Prefetch("competences", queryset=Competence.objects.order_by("name"))
        )
        .filter(slug=slug)
        .first()
    )


def site_settings():
    """The default site's settings: the issuer is the organisation, whatever host the
    request names."""
    from wagtail.models import Site

    from home.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    return SiteSettings.for_site(site) if site else SiteSettings()


# --- The public status ------------------------------------------------------------------------


class Standing:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REPLACED = "replaced"


@dataclass(frozen=True)
class AwardStatus:
    """Where an award stands for someone verifying it: `standing` (a `Standing`), the
    date it took effect (`since`: revocation, expiry, replacement; the expiry to come for
    a valid award) and, when replaced, the renewal that follows it."""

    standing: str
    since: datetime.datetime | None = None
    renewal: BadgeAward | None = None

    @property
    def is_valid(self) -> bool:
        return self.standing == Standing.VALID


def award_status(award: BadgeAward, now: datetime.datetime | None = None) -> AwardStatus:
    """Revoked comes first, then replaced by a renewal, then expired; otherwise valid.
    Never says why an award was revoked: the reason is for staff."""
    now = now or timezone.now()
    if award.revoked_at is not None:
        return AwardStatus(Standing.REVOKED, award.revoked_at)
    if award.replaced_at is not None:
        try:
            renewal = award.renewal
        except ObjectDoesNotExist:
            renewal = None
        return AwardStatus(Standing.REPLACED, award.replaced_at, renewal)
    if award.expires_at is not None and award.expires_at <= now:
        return AwardStatus(Standing.EXPIRED, award.expires_at)
    return AwardStatus(Standing.VALID, award.expires_at)


@dataclass(frozen=True)
class EvidenceItem:
    narrative: str
    at: datetime.datetime | None


def evidence_items(award: BadgeAward) -> list[EvidenceItem]:
    """The award's evidence as people read it: what was done and when."""
    items = []
    for entry in award.evidence or []:
        if not isinstance(entry, dict) or not entry.get("narrative"):
            continue
        items.append(EvidenceItem(str(entry["narrative"]), _parse_datetime(entry.get("at"))))
    return items


def _parse_datetime(value) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return moment if timezone.is_aware(moment) else None


def holder_name(award: BadgeAward) -> str:
    """The holder's name as it is public: never the email address."""
    return award.user.get_full_name().strip()


# --- The documents ---------------------------------------------------------------------------


def issuer_profile(site_settings) -> dict:
    """The issuer `Profile`: the organisation that runs the club."""
    document = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(),
        "name": site_settings.organisation_name,
        "url": absolute("/"),
        # Required by the specification: the sending address when staff gave none.
        "email": site_settings.contact_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
    }
    if site_settings.logo_id:
        rendition = site_settings.logo.get_rendition(LOGO_FILTER)
        document["image"] = _absolute_media(rendition.url)
    return document


def badge_class(badge: Badge) -> dict:
    """The `BadgeClass`: what the badge certifies and how it is earned."""
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(badge),
        "name": badge.name,
        "description": badge.description,
        "image": badge_image_url(badge),
        "criteria": {"narrative": badge.criteria_narrative},
        "issuer": issuer_url(),
        "tags": [competence.name for competence in badge.competences.all()],
    }


def assertion(award: BadgeAward) -> dict:
    """The `Assertion` of one award, hosted: the recipient is the salted hash of the
    email address at award time, so it stays verifiable when the address changes."""
    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient_salt,
            "identity": award.recipient_hash,
        },
        "badge": badge_class_url(award.badge),
        "verification": {"type": "hosted"},
        "issuedOn": iso_datetime(award.issued_at),
        "image": baked_image_url(award),
        "evidence": [
            {"type": "Evidence", "narrative": item.narrative} for item in evidence_items(award)
        ],
    }
    if award.expires_at is not None:
        document["expires"] = iso_datetime(award.expires_at)
    return document


def revocation(award: BadgeAward) -> dict:
    """What a revoked assertion's address answers, with 410 Gone. The reason staff gave
    stays private (the specification makes `revocationReason` optional): it may say
    things about the person that the public has no business reading."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "revoked": True,
    }


def iso_datetime(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC, to the second, as the specification's examples write it."""
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat()


def _absolute_media(url: str) -> str:
    return absolute(url) if url.startswith("/") else url


# --- Images ----------------------------------------------------------------------------------


def initials(name: str) -> str:
    """Up to two capital initials of a badge's name, small words left out."""
    words = [word for word in name.replace("'", " ").replace("’", " ").split() if word]
    letters = [w[0] for w in words if w.lower() not in _SMALL_WORDS and w[0].isalnum()]
    if not letters:
        letters = [c for c in name if c.isalnum()][:1] or ["?"]
    return "".join(letters[:2]).upper()


def default_image(name: str, colour: str) -> bytes:
    """A clean 400×400 PNG for a badge without an uploaded image: a disc of the badge's
    colour with a white ring and the name's initials. Deterministic (same name and
    colour, same bytes), drawn at twice the size and reduced for smooth edges."""
    scale = 2
    size = IMAGE_SIZE * scale
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    margin = 8 * scale
    draw.ellipse((margin, margin, size - margin, size - margin), fill=colour)
    ring = 28 * scale
    draw.ellipse(
        (ring, ring, size - ring, size - ring), outline=(255, 255, 255, 230), width=6 * scale
    )
    text = initials(name)
    font = ImageFont.load_default(size=(140 if len(text) > 1 else 170) * scale)
    # Pillow's bundled font is regular: a white stroke makes the initials bold.
    draw.text(
        (size / 2, size / 2),
        text,
        fill="white",
        font=font,
        anchor="mm",
        stroke_width=4 * scale,
        stroke_fill="white",
    )
    image = canvas.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.LANCZOS)
    return _png_bytes(image)


def badge_png(badge: Badge) -> bytes:
    """The badge's image as a 400×400 PNG: the uploaded image's rendition, or the
    default one drawn from its name and colour."""
    if badge.image_id:
        rendition = badge.image.get_rendition(IMAGE_FILTER)
        with rendition.file.open("rb") as handle:
            return handle.read()
    return default_image(badge.name, badge.colour)


def bake(png: bytes, url: str) -> bytes:
    """The PNG with one uncompressed `iTXt` chunk, keyword ``openbadges``, carrying the
    assertion URL (Open Badges 2.0 baking). An earlier ``openbadges`` chunk is dropped."""
    image = Image.open(io.BytesIO(png))
    image.load()
    info = PngImagePlugin.PngInfo()
    info.add_itxt(BAKED_KEYWORD, url, zip=False)
    return _png_bytes(image, pnginfo=info)


def baked_png(award: BadgeAward) -> bytes:
    """The award's baked image: its badge's PNG carrying the assertion URL."""
    return bake(badge_png(award.badge), assertion_url(award))


def _png_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()

"""The public badge views: anyone may verify an award, without signing in.

- `/verifier/<uuid>/`: the verification page a person reads (holder, badge, issuer,
  dates and where the award stands);
- `/badges/issuer.json`, `/badges/<slug>/class.json`, `/badges/assertions/<uuid>.json`:
  the Open Badges 2.0 hosted documents (`lms.openbadges`), JSON-LD, readable from any
  origin (CORS); a revoked assertion answers 410 Gone;
- `/badges/<slug>/image.png` and `/badges/assertions/<uuid>.png`: the badge's image and
  the award's baked image, for a backpack.

An unknown or malformed identifier is a clear 404 (a page or a JSON body), never a 500.
What can change (a revocation, a renewal, an edited badge) is never kept by a shared cache
and only briefly by the browser.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from . import openbadges
from .openbadges import Standing

VERIFY_TEMPLATE = "lms/verify.html"
JSON_CONTENT_TYPE = "application/ld+json"

# A revocation shows within this time in browsers; shared caches keep nothing.
MAX_AGE = 60

ERROR_AWARD_NOT_FOUND = _("No badge award has this address.")
ERROR_BADGE_NOT_FOUND = _("No badge has this address.")
ERROR_AWARD_REVOKED = _("This badge award has been revoked.")


def _briefly_cached(response):
    patch_cache_control(response, private=True, max_age=MAX_AGE)
    return response


def _open_to_all(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(document: dict, *, status: int = 200):
    response = JsonResponse(document, status=status, content_type=JSON_CONTENT_TYPE)
    _open_to_all(response)
    if status == 200:
        return _briefly_cached(response)
    add_never_cache_headers(response)
    return response


def _json_not_found(message):
    return _json({"error": str(message)}, status=404)


def _png(data: bytes, *, filename: str | None = None):
    response = HttpResponse(data, content_type="image/png")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _briefly_cached(_open_to_all(response))


@require_safe
def verify(request, uuid: str):
    """The public verification page of an award; a 404 page says so when the address
    names none."""
    award = openbadges.award_for_verification(uuid)
    if award is None:
        response = render(request, VERIFY_TEMPLATE, {"award": None}, status=404)
        add_never_cache_headers(response)
        return response
    status = openbadges.award_status(award)
    context = {
        "award": award,
        "badge": award.badge,
        "competences": list(award.badge.competences.all()),
        "holder": openbadges.holder_name(award),
        "status": status,
        "Standing": Standing,
        "evidence": openbadges.evidence_items(award),
        # The page's own origin: the content security policy allows images from 'self'.
        "image_url": openbadges.badge_image_path(award.badge),
        "assertion_url": openbadges.assertion_url(award),
        "baked_image_url": openbadges.baked_image_url(award),
        "baked_filename": openbadges.baked_filename(award),
        "renewal_url": (
            openbadges.verification_url(status.renewal) if status.renewal is not None else ""
        ),
        "site_url": openbadges.absolute("/"),
    }
    return _briefly_cached(render(request, VERIFY_TEMPLATE, context))


@require_safe
def issuer(request):
    """The issuer profile: the organisation (site settings)."""
    return _json(openbadges.issuer_profile(openbadges.site_settings()))


@require_safe
def badge_class(request, slug: str):
    badge = openbadges.badge_for_class(slug)
    if badge is None:
        return _json_not_found(ERROR_BADGE_NOT_FOUND)
    return _json(openbadges.badge_class(badge))


@require_safe
def badge_image(request, slug: str):
    badge = openbadges.badge_for_class(slug)
    if badge is None:
        return _not_found_text(ERROR_BADGE_NOT_FOUND)
    return _png(openbadges.badge_png(badge))


@require_safe
def assertion(request, uuid: str):
    """The hosted assertion; 410 Gone with the reason once revoked (Open Badges 2.0)."""
    award = openbadges.award_for_verification(uuid)
    if award is None:
        return _json_not_found(ERROR_AWARD_NOT_FOUND)
    if award.revoked_at is not None:
        return _json(openbadges.revocation(award), status=410)
    return _json(openbadges.assertion(award))


@require_safe
def baked_image(request, uuid: str):
    """The award's baked PNG, as a download; nothing to bake once revoked (410)."""
    award = openbadges.award_for_verification(uuid)
    if award is None:
        return _not_found_text(ERROR_AWARD_NOT_FOUND)
    if award.revoked_at is not None:
        response = HttpResponse(
            str(ERROR_AWARD_REVOKED), status=410, content_type="text/plain; charset=utf-8"
        )
        add_never_cache_headers(response)
        return response
    return _png(openbadges.baked_png(award), filename=openbadges.baked_filename(award))


def _not_found_text(message):
    response = HttpResponse(str(message), status=404, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response

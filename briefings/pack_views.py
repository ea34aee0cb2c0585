"""The briefing pack download (`<mission>/dossier.pdf`, a route of `MissionPage`).

Signed-out visitors are sent to sign in; signed-in people who hold no seat (waitlisted,
pending, another ambassador) get a 403 with the reason; confirmed participants and staff
get the PDF. It names participants and may hold the online meeting link, so no cache
ever keeps it (private, no-store).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers

from . import pack


def briefing_pack(request, page):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    access = pack.pack_access(user=request.user, mission=page)
    if not access.allowed:
        raise PermissionDenied(access.reason)
    response = HttpResponse(
        pack.pack_pdf(page, access=access, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{pack.pack_filename(page)}"'
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response

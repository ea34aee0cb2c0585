"""The certificate download of a badge award (`/mon-espace/badges/<uuid>/certificat.pdf`).

Only the award's holder, or staff who may see ambassadors, may download it; anyone else
gets a 404, as for an unknown identifier, so that the address reveals nothing. A revoked
award's certificate is gone (410, with a page saying so). Never cached by anyone.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from home.admin_views import Action, staff_may

from . import certificates
from .badge_selectors import verification_path
from .models import BadgeAward

ERROR_REVOKED = _("This badge was revoked: its certificate is no longer valid.")
ERROR_NOT_FOUND = _("No certificate of yours has this address.")

REVOKED_TEMPLATE = "lms/certificate_revoked.html"


@never_cache
@login_required
@require_GET
def certificate(request, uuid):
    award = (
        BadgeAward.objects.select_related("badge", "user")
        .prefetch_related("badge__competences")
        .filter(uuid=uuid)
        .first()
    )
    if award is None or not (
        award.user_id == request.user.pk or staff_may(request.user, Action.VIEW)
    ):
        raise Http404(ERROR_NOT_FOUND)
    if award.revoked_at is not None:
        return render(
            request,
            REVOKED_TEMPLATE,
            {
                "award": award,
                "reason": ERROR_REVOKED,
                "verification_path": verification_path(award),
            },
            status=410,
        )
    pdf = certificates.certificate_pdf(award)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = certificates.certificate_filename(award)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

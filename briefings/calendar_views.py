"""Calendar downloads and the personal subscription feed.

- `<mission>/mission.ics` (`mission_ics`, a route of `MissionPage`): one mission, for
  whoever may see the mission (Wagtail has already applied the page's view
  restrictions when the route runs). It holds nothing personal.
- `/calendrier/<token>.ics` (`calendar_feed`): a person's missions, read by calendar
  apps without a session, so the secret token is the only key; an unknown token is a
  404. Never stored by a shared cache.
- `/mon-espace/calendrier/renouveler/` (`calendar_renew`, POST): a new token, the old
  address stops working; back to Mon espace with a message.

`mission_file` serves a mission's two file routes (`mission.ics`, `dossier.pdf`).
Wagtail's page URL pattern only matches paths whose segments are letters, digits and
dashes, each ending in a slash, so a route with a dot never reaches the page; this URL
(mounted before Wagtail's) finds the page as Wagtail does and serves the route the same
way, view restrictions included.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from . import calendars
from .models import CalendarFeed

MESSAGE_RENEWED = _(
    "Your calendar address is renewed. The old one no longer works: subscribe again "
    "with the new one."
)
ERROR_UNKNOWN_FEED = _("No calendar has this address: it may have been renewed.")


def mission_file(request, path: str, filename: str):
    """Serve `<mission page path><filename>` through the mission page's own route,
    exactly as Wagtail's `serve` view would (its `before_serve_page` hooks, such as
    page privacy, then its `on_serve_page` chain). Anything but a live mission page's
    own address is a 404."""
    from wagtail import hooks
    from wagtail.models import Page
    from wagtail.views import serve_chain

    from .models import MissionPage

    found = Page.route_for_request(request, path)
    match = getattr(request, "routable_resolver_match", None)
    if (
        found is None
        or not isinstance(found[0], MissionPage)
        or match is None
        or match.url_name != "mission"
    ):
        raise Http404
    page = found[0]
    view, args, kwargs = page.resolve_subpage("/" + filename)
    route = ((view, args, kwargs), {})
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, *route)
        if isinstance(result, HttpResponse):
            return result
    chain = serve_chain
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    return chain(page, request, *route)


def _ics_response(calendar, *, filename: str, disposition: str = "attachment") -> HttpResponse:
    response = HttpResponse(calendars.to_ical(calendar), content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def mission_ics(request, page):
    """One mission's `.ics` (GET or HEAD)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    calendar = calendars.mission_calendar(page, request=request)
    return _ics_response(calendar, filename=calendars.ics_filename(page))


@require_safe
def calendar_feed(request, token: str):
    """A person's subscription feed. Queries: the feed with its owner and profile (1),
    then `calendars.feed_calendar`'s — constant in the number of missions."""
    feed = (
        CalendarFeed.objects.select_related("user", "user__ambassador_profile")
        .filter(token=token)
        .first()
    )
    if feed is None:
        raise Http404(ERROR_UNKNOWN_FEED)
    response = _ics_response(
        calendars.feed_calendar(feed.user), filename="missions.ics", disposition="inline"
    )
    # The token is a password: keep the answer out of shared caches and search engines.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def calendar_renew(request):
    calendars.calendar_feed_renew(user=request.user)
    messages.success(request, MESSAGE_RENEWED)
    return redirect("home:mon_espace")

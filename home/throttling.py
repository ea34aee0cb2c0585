"""Sign-in throttling with django-axes: how a username is read, and what a locked-out
person sees (the same page and message whether or not the account exists)."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import ngettext

from .forms import SignInForm


def locked_out_message(minutes: int) -> str:
    return ngettext(
        "Too many failed sign-in attempts. For your security, wait %(minutes)s minute "
        "before trying again, or reset your password.",
        "Too many failed sign-in attempts. For your security, wait %(minutes)s minutes "
        "before trying again, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def client_ip_address(request) -> str | None:
    """The client's address as our own proxies saw it.

    Each of the `TRUSTED_PROXY_COUNT` proxies appends the address it received the request
    from to X-Forwarded-For, so the client is that many entries from the right; anything
    further left was written by the client and is not trusted. Without proxies, or when
    the header is shorter than expected, the connection's own address is used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def username_from_request(request, credentials=None) -> str:
    """The email being tried, normalised like the sign-in form does, so `Camille@…` and
    `camille@…` count as the same account."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def locked_out(request, credentials=None, *args, **kwargs):
    """The sign-in page again, with the lockout message and 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {
            "form": SignInForm(
                request, initial={"username": username_from_request(request, credentials)}
            ),
            "locked_out_message": locked_out_message(minutes),
            "next": request.POST.get("next", ""),
        },
        status=429,
    )

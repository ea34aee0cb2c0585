"""Sign-in throttling with django-axes: how a username is read, and what a locked-out
person sees (the same page and message whether or not the account exists)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .forms import SignInForm

LOCKED_OUT_MESSAGE = _(
    "Too many failed sign-in attempts. For your security, wait %(minutes)s minutes before "
    "trying again, or reset your password."
)


def username_from_request(request, credentials=None) -> str:
    """The email being tried, normalised like the sign-in form does, so `Camille@…` and
    `camille@…` count as the same account."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def locked_out(request, credentials=None, *args, **kwargs):
    """The sign-in page again, with the lockout message and 429 Too Many Requests."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {
            "form": SignInForm(
                request, initial={"username": username_from_request(request, credentials)}
            ),
            "locked_out_message": LOCKED_OUT_MESSAGE % {"minutes": minutes},
            "next": request.POST.get("next", ""),
        },
        status=429,
    )

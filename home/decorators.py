"""View decorators other apps use to enforce membership rules."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import membership_gate, profile_for


def active_ambassador_required(view):
    """Only active ambassadors get through; anyone signed in who is not gets a page
    explaining their membership status (403); anonymous visitors are sent to sign in
    and brought back."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        gate = membership_gate(request.user)
        if not gate.allowed:
            return render(
                request,
                "home/membership_status.html",
                {"reason": gate.reason, "profile": profile_for(request.user)},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper

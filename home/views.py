"""Views of `home`: sign in and out, the invitation link, the membership request, the
person's profile and data, Mon espace, the health check.

Views stay thin: they check who asks through `selectors`, write through `services` and
render. Every string a person reads is a translated constant here or in the templates.
"""

import contextlib
import datetime
import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from . import hooks, selectors, services, tokens
from .forms import (
    AccountDeleteForm,
    EmailChangeForm,
    InvitationLinkRequestForm,
    MembershipRequestForm,
    PasswordResetForm,
    ProfileForm,
    SignInForm,
)
from .models import MembershipStatus
from .services import MembershipError
from .tokens import TokenProblem

# Signing someone in without a password check (after they chose one) names the backend
# that will serve their session: django-axes' one, first in AUTHENTICATION_BACKENDS.
SIGN_IN_BACKEND = "home.backends.AmbassadorBackend"

# A new invitation link is sent at most this often for one person, whoever asks: the
# link already sent stays valid, and nobody can flood an inbox through the public form.
INVITATION_RESEND_INTERVAL = datetime.timedelta(minutes=5)

INVITATION_ACCEPTED_MESSAGE = _(
    "Welcome to the club! Your password is saved and you are signed in. Take a minute to "
    "complete your profile: missions are matched on it."
)
PROFILE_SAVED_MESSAGE = _("Your profile has been saved.")
EMAIL_CHANGE_SENT_MESSAGE = _(
    "We sent a confirmation link to %(email)s. Your address changes once you open it."
)
EMAIL_CHANGED_MESSAGE = _("Your email address is now %(email)s. Sign in with it from now on.")
MEMBERSHIP_LEFT_MESSAGE = _(
    "You have left the club. Your history is kept; write to the staff if you wish to come back."
)
ACCOUNT_DELETED_MESSAGE = _(
    "Your account has been deleted. Your personal data is erased; thank you for your time "
    "with the club."
)
PASSWORD_CHANGED_SIGNED_IN_MESSAGE = _("Your password has been changed. You are signed in.")
PASSWORD_CHANGED_MESSAGE = _("Your password has been changed.")

# The status of a page that explains why a link does not work.
_PROBLEM_STATUS = {
    TokenProblem.EXPIRED: 410,
    TokenProblem.USED: 410,
    TokenProblem.SUPERSEDED: 410,
    TokenProblem.INVALID: 400,
}


def landing_url(user) -> str:
    """Where someone lands after signing in without a `next`: staff in the admin,
    ambassadors in Mon espace."""
    if selectors.is_staff_member(user):
        return reverse("wagtailadmin_home")
    return reverse("home:mon_espace")


# --- Signing in and out, passwords --------------------------------------------------


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        next_url = self.get_redirect_url()
        # Signing in from the home page means "take me to my place", not "back home".
        if next_url and next_url != "/":
            return next_url
        return landing_url(self.request.user)

    def get_redirect_url(self):
        url = super().get_redirect_url()
        # Ambassadors never reach the admin: a `next` into it would only bounce them. A
        # visitor not yet signed in keeps it (the form carries it to the sign-in).
        user = self.request.user
        if (
            url.startswith("/admin/")
            and user.is_authenticated
            and not selectors.is_staff_member(user)
        ):
            return ""
        return url


class SignOutView(auth_views.LogoutView):
    next_page = "/"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("home:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = SIGN_IN_BACKEND

    def get_success_url(self):
        return landing_url(self.request.user)  # signed in by post_reset_login

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, PASSWORD_CHANGED_SIGNED_IN_MESSAGE)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home:mon_espace")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, PASSWORD_CHANGED_MESSAGE)
        return response


# --- The invitation link ------------------------------------------------------------


def _invitation_problem(request, token: str, problem: TokenProblem, user=None):
    """Say why the link does not work and offer what helps: a one-click new link when it
    merely expired, signing in when it was used, a form asking for a new one otherwise."""
    context = {
        "problem": problem,
        "token": token,
        "signed_in_as_owner": user is not None and request.user.pk == user.pk,
        "link_form": InvitationLinkRequestForm(),
    }
    return render(request, "home/invitation_problem.html", context, status=_PROBLEM_STATUS[problem])


def _invitation_resend_quietly(profile) -> None:
    """Send a fresh invitation link if the person is still invited and none went out in
    the last few minutes; stay silent otherwise (the answer must reveal nothing)."""
    if profile is None or profile.status != MembershipStatus.INVITED:
        return
    if profile.invited_at and timezone.now() - profile.invited_at < INVITATION_RESEND_INTERVAL:
        return
    with contextlib.suppress(MembershipError):  # accepted meanwhile: nothing to send
        services.invitation_resend(profile=profile, actor=None)


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation(request, token):
    """The link of the invitation email: choose a password, then land signed in on the
    profile page. Expired, used, superseded or altered links say so."""
    check = tokens.invitation_token_check(token)
    if not check.ok:
        return _invitation_problem(request, token, check.problem, check.user)
    profile = selectors.profile_for(check.user)
    if profile is None or profile.status != MembershipStatus.INVITED:
        return _invitation_problem(request, token, TokenProblem.INVALID)

    user = check.user
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        except MembershipError:  # accepted in another tab a moment ago
            return _invitation_problem(request, token, TokenProblem.USED, user)
        login(request, user, backend=SIGN_IN_BACKEND)
        messages.success(request, INVITATION_ACCEPTED_MESSAGE)
        return redirect("home:profile")
    return render(request, "home/invitation.html", {"form": form, "email": user.email})


@require_POST
def invitation_renew(request, token):
    """The one-click "send me a new link" of an expired invitation. The new link goes to
    the account's own address; the answer is the same whatever happened."""
    check = tokens.invitation_token_check(token)
    if check.problem == TokenProblem.EXPIRED:
        _invitation_resend_quietly(selectors.profile_for(check.user))
    return redirect("home:invitation_link_sent")


def invitation_link_request(request):
    """Ask for a new invitation link by email; the answer never reveals an account."""
    form = InvitationLinkRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        _invitation_resend_quietly(form.invited_profile())
        return redirect("home:invitation_link_sent")
    return render(request, "home/invitation_link_request.html", {"form": form})


@require_GET
def invitation_link_sent(request):
    return render(request, "home/invitation_link_sent.html")


# --- Membership request -------------------------------------------------------------


def membership_request(request):
    """ "Devenir ambassadeur": the public membership request. The answer is the same
    whether or not the address already has an account (the service emails its owner)."""
    if request.user.is_authenticated:
        return redirect("home:mon_espace")
    form = MembershipRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.membership_request_create(**form.request_arguments())
        return redirect("home:membership_request_done")
    return render(request, "home/membership_request.html", {"form": form})


@require_GET
def membership_request_done(request):
    return render(request, "home/membership_request_done.html")


# --- The person's own profile and account -------------------------------------------


def _own_profile(request):
    """The signed-in person's profile, or the response for someone who has none (staff
    go to the admin; anyone else to Mon espace, which explains)."""
    profile = selectors.profile_for(request.user)
    if profile is not None:
        return profile, None
    if selectors.is_staff_member(request.user):
        return None, redirect("wagtailadmin_home")
    return None, redirect("home:mon_espace")


def _profile_page(request, profile, *, profile_form=None, email_form=None):
    return render(
        request,
        "home/profile.html",
        {
            "profile": profile,
            "form": profile_form or ProfileForm(instance=profile),
            "email_form": email_form or EmailChangeForm(request.user),
            "completeness": selectors.profile_completeness(profile),
        },
    )


@never_cache
@login_required
def profile(request):
    """The person's own profile (never anyone else's: there is no id in the URL)."""
    profile, response = _own_profile(request)
    if response:
        return response
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            form.save()
            messages.success(request, PROFILE_SAVED_MESSAGE)
            return redirect("home:profile")
        return _profile_page(request, profile, profile_form=form)
    return _profile_page(request, profile)


@never_cache
@login_required
@require_POST
@sensitive_post_parameters("email-password")
def email_change(request):
    """Send a confirmation link to the new address; the profile page again on error."""
    profile, response = _own_profile(request)
    if response:
        return response
    form = EmailChangeForm(request.user, request.POST)
    if form.is_valid():
        new_email = form.cleaned_data["new_email"]
        try:
            services.email_change_request(user=request.user, new_email=new_email)
        except MembershipError as error:
            form.add_error("new_email", str(error))
        else:
            messages.success(request, EMAIL_CHANGE_SENT_MESSAGE % {"email": new_email})
            return redirect("home:profile")
    return _profile_page(request, profile, email_form=form)


@never_cache
@login_required
def email_change_confirm(request, token):
    """The link sent to the new address: a button confirms the change. Only the account
    that asked may use it."""
    check = tokens.email_change_token_check(token)
    if check.user is not None and check.user.pk != request.user.pk:
        return render(
            request, "home/email_change_problem.html", {"problem": "other_account"}, status=403
        )
    if not check.ok:
        return render(
            request,
            "home/email_change_problem.html",
            {"problem": check.problem},
            status=_PROBLEM_STATUS[check.problem],
        )
    new_email = check.data["email"]
    if request.method == "POST":
        try:
            services.email_change_confirm(user=request.user, new_email=new_email)
        except MembershipError as error:
            return render(
                request,
                "home/email_change_problem.html",
                {"problem": "taken", "error": str(error)},
                status=409,
            )
        messages.success(request, EMAIL_CHANGED_MESSAGE % {"email": new_email})
        return redirect("home:profile")
    return render(request, "home/email_change_confirm.html", {"new_email": new_email})


# --- Mes données --------------------------------------------------------------------


def _may_leave(profile) -> bool:
    return profile.status in (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)


@never_cache
@login_required
def mes_donnees(request):
    """What the club keeps about the person and why; download, leave, delete."""
    profile, response = _own_profile(request)
    if response:
        return response
    return render(
        request, "home/mes_donnees.html", {"profile": profile, "may_leave": _may_leave(profile)}
    )


@never_cache
@login_required
@require_GET
def personal_data_download(request):
    """Everything the platform holds about the person, as a JSON file."""
    profile, response = _own_profile(request)
    if response:
        return response
    data = services.personal_data_export(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json")
    filename = f"mes-donnees-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def membership_leave(request):
    """Leave the club, after a confirmation page. Only active or suspended members can."""
    profile, response = _own_profile(request)
    if response:
        return response
    if not _may_leave(profile):
        messages.error(
            request,
            services.ERROR_TRANSITION % {"status": profile.get_status_display()},
        )
        return redirect("home:mes_donnees")
    if request.method == "POST":
        try:
            services.membership_leave(profile=profile)
        except MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, MEMBERSHIP_LEFT_MESSAGE)
        return redirect("home:mes_donnees")
    return render(request, "home/membership_leave.html", {"profile": profile})


@never_cache
@login_required
@sensitive_post_parameters("password")
def account_delete(request):
    """Delete the account, confirmed by the password and a checkbox; then sign out."""
    profile, response = _own_profile(request)
    if response:
        return response
    form = AccountDeleteForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, ACCOUNT_DELETED_MESSAGE)
        return redirect("/")
    return render(request, "home/account_delete.html", {"form": form, "profile": profile})


# --- Mon espace ---------------------------------------------------------------------


@never_cache
@login_required
def mon_espace(request):
    """The signed-in ambassador's dashboard: status (and why it closes things when it
    does), profile completeness, then each app's panels (`home.hooks.MON_ESPACE_PANELS`)."""
    profile = selectors.profile_for(request.user)
    if profile is None and selectors.is_staff_member(request.user):
        return redirect("wagtailadmin_home")
    context = {"profile": profile, "completeness": None, "panels": [], "membership_reason": ""}
    if profile is not None:
        context["completeness"] = selectors.profile_completeness(profile)
        gate = selectors.membership_gate(request.user)
        if gate.allowed:
            context["panels"] = hooks.mon_espace_panels(request, profile)
        else:
            context["membership_reason"] = gate.reason
    return render(request, "home/mon_espace.html", context)


@never_cache
@require_GET
def healthz(request):
    """`200 {"status": "ok", "database": "ok"}`, or `503` when the database is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

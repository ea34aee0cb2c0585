"""Views of `home`: sign in and out, Mon espace, the health check."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import hooks, selectors
from .forms import PasswordResetForm, SignInForm


def landing_url(user) -> str:
    """Where someone lands after signing in without a `next`: staff in the admin,
    ambassadors in Mon espace."""
    if selectors.is_staff_member(user):
        return reverse("wagtailadmin_home")
    return reverse("home:mon_espace")


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
        # Ambassadors never reach the admin: a `next` into it would only bounce them.
        if url.startswith("/admin/") and not selectors.is_staff_member(self.request.user):
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
    post_reset_login_backend = "axes.backends.AxesBackend"

    def get_success_url(self):
        return landing_url(self.request.user)  # signed in by post_reset_login

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed. You are signed in."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home:mon_espace")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@never_cache
@login_required
def mon_espace(request):
    """The signed-in ambassador's dashboard: status, profile completeness, then each
    app's panels (see `home.hooks.MON_ESPACE_PANELS`)."""
    profile = selectors.profile_for(request.user)
    if profile is None and selectors.is_staff_member(request.user):
        return redirect("wagtailadmin_home")
    context = {"profile": profile, "completeness": None, "panels": []}
    if profile is not None:
        context["completeness"] = selectors.profile_completeness(profile)
        if profile.is_active_member:
            context["panels"] = hooks.mon_espace_panels(request, profile)
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

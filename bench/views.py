"""The bare form POST every measured POST is compared with.

A small Django form (four fields, like a contact or report form), posted by the signed-in
ambassador with its CSRF token, validated, then a redirect (303 See Other, as the
quiz's submission answers): what any form submission costs before doing anything of
its own — the middleware, the session, the user, the CSRF check, the form's
validation. It writes nothing.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST


class BareForm(forms.Form):
    subject = forms.CharField(max_length=120)
    email = forms.EmailField()
    topic = forms.ChoiceField(
        choices=[("projet", "Un projet"), ("salon", "Un salon"), ("autre", "Autre chose")]
    )
    message = forms.CharField(max_length=2000, widget=forms.Textarea)


BARE_FORM_DATA = {
    "subject": "Un dirigeant cherche 3 000 m² près d'une gare",
    "email": "camille@ambassadeurs.example",
    "topic": "projet",
    "message": "Rencontré au salon : une levée de fonds, un second site d'ici un an.",
}
"""What the bench posts: valid, so the view redirects."""


@login_required
@require_POST
def bare_form_post(request):
    """Validate the form; 303 to the home page when valid, 400 otherwise."""
    form = BareForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Invalid form.")
    response = redirect("/")
    response.status_code = 303
    return response

"""`FastSelect` renders what Django's `Select` renders, without a template per option."""

import re

import pytest
from django import forms

from home.widgets import FastSelect

CHOICES = [("", "—"), ("FR", "France"), ("DE", "Allemagne"), ("CI", "Côte d’Ivoire & co")]


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "DE", "CI"])
def test_it_renders_the_same_select_as_django(value):
    attrs = {"id": "id_country", "aria-describedby": "help", "required": True}
    django = forms.Select(choices=CHOICES).render("country", value, attrs)
    fast = FastSelect(choices=CHOICES).render("country", value, attrs)

    assert squeeze(fast) == squeeze(django)

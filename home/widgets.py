"""Form widgets shared by the apps."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A `<select>` rendered in Python rather than through a template per option.

    Django renders each `<option>` with its own template: a list of countries (about
    250) then costs as much as the rest of a page. Same markup, same attributes (ids,
    `aria-*` added by the form), flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        attributes = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", key) if val is True else format_html(' {}="{}"', key, val),)
                for key, val in final.items()
                if val is not None and val is not False
            ),
        )
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", attributes, options)

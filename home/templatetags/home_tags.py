"""Template tags of the site shell."""

from django import template
from django.template import loader

from home import hooks

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The main navigation: every app's entries (`home.hooks.MAIN_MENU_ITEMS`), marked
    current when the page's path starts with the entry's URL."""
    request = context["request"]
    items = hooks.main_menu_items(request)
    path = request.path
    return {
        "request": request,
        "items": [
            {"item": item, "current": path.startswith(item.match or item.url)} for item in items
        ],
    }


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """Render a `home.hooks.Panel`'s template with its own context, the panel itself
    and the request."""
    return loader.render_to_string(
        panel.template_name,
        {**panel.context, "panel": panel},
        request=context.get("request"),
    )

"""Template helpers of the course pages: icons from the sprite, durations, video titles."""

import re

from django import template
from django.templatetags.static import static
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from wagtail.embeds.blocks import EmbedValue
from wagtail.embeds.exceptions import EmbedNotFoundException

from lms.embeds import VideoEmbedFinder

register = template.Library()
_VIDEO_FINDER = VideoEmbedFinder()

ICON_SPRITE = "img/icons.svg"
_IFRAME_OPEN = re.compile(r"<iframe\b[^>]*>", re.IGNORECASE)
_TITLE_ATTRIBUTE = re.compile(r"""\s+title\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


@register.simple_tag
def icon(name: str, css_class: str = "") -> str:
    """An icon of `static/img/icons.svg`, decorative: the text next to it says what it
    means, so screen readers skip it."""
    classes = f"icon {css_class}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false" width="24" height="24">'
        '<use href="{}#{}"></use></svg>',
        classes,
        static(ICON_SPRITE),
        name,
    )


@register.filter
def duration(minutes) -> str:
    """A number of minutes as people say it: "45 min", "1 h", "1 h 30 min"."""
    try:
        minutes = int(minutes or 0)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(max(minutes, 0), 60)
    if not hours:
        return ngettext("%(minutes)s min", "%(minutes)s min", rest) % {"minutes": rest}
    if not rest:
        return ngettext("%(hours)s h", "%(hours)s h", hours) % {"hours": hours}
    return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}


def _embed_html(embed) -> str:
    """The player's HTML. Addresses our local finder knows are computed directly, without
    the lookup in Wagtail's embed table that rendering an `EmbedValue` costs; any other
    address goes through Wagtail's embeds as usual."""
    if isinstance(embed, EmbedValue) and _VIDEO_FINDER.accept(embed.url):
        try:
            return _VIDEO_FINDER.find_embed(embed.url)["html"]
        except EmbedNotFoundException:
            return ""
    return str(embed or "")


@register.filter
def embed_titled(embed, title: str) -> str:
    """The embed's HTML with `title` as its iframe's title, so screen readers announce
    the lesson's name for the video rather than the provider's."""
    html = _embed_html(embed)
    if not html or not title:
        return mark_safe(html)  # noqa: S308 - the embed's HTML comes from the embed finder

    def retitle(match):
        tag = _TITLE_ATTRIBUTE.sub("", match.group(0))
        return f'{tag[:-1].rstrip()} title="{escape(title)}">'

    return mark_safe(_IFRAME_OPEN.sub(retitle, html, count=1))  # noqa: S308 - see above

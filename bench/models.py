"""The baseline every measured page is compared with."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class BarePage(Page):
    """A Wagtail page with nothing but a rich-text body, rendered with the site's base
    template: what any page costs before it does anything of its own (the site shell,
    the session, the user, Wagtail's page serving)."""

    body = RichTextField()

    content_panels = Page.content_panels + [FieldPanel("body")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    page_description = "Benchmark baseline: a rich-text body and the site's base template."

"""Base blocks: the home page's body, and pieces other apps' blocks reuse.

Every StructBlock has an icon, a template, a description and a preview value, so the
admin's block picker shows what it will look like.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

HEADING_LEVELS = [("h2", _("Heading level 2")), ("h3", _("Heading level 3"))]
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class LinkValue(blocks.StructValue):
    def href(self) -> str:
        page = self.get("page")
        return page.url if page else (self.get("url") or "")


class LinkBlock(blocks.StructBlock):
    """A link to a page of the site or to an address; the page wins when both are set."""

    label = blocks.CharBlock(label=_("label"), max_length=80)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("address"), required=False)

    class Meta:
        icon = "link"
        label = _("Link")
        value_class = LinkValue

    def clean(self, value):
        result = super().clean(value)
        if not result.get("page") and not result.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or give an address."))}
            )
        return result


class HeroBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    image = ImageBlock(label=_("image"), required=False)
    action = LinkBlock(label=_("main action"), required=False)

    class Meta:
        icon = "title"
        label = _("Hero")
        template = "blocks/hero.html"
        description = _("A large banner with a title, a short text and one main action.")
        preview_value = {
            "title": "Portez les couleurs de votre territoire",
            "text": "Formez-vous, partez en mission, signalez les projets que vous détectez.",
            "action": {"label": "Découvrir les parcours", "url": "https://example.org/parcours/"},
        }


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    action = LinkBlock(label=_("action"))

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "blocks/call_to_action.html"
        description = _("A framed invitation with one button.")
        preview_value = {
            "title": "Devenez ambassadeur",
            "text": "Rejoignez le réseau et faites rayonner le territoire.",
            "action": {"label": "Nous rejoindre", "url": "https://example.org/"},
        }


class KeyFigureBlock(blocks.StructBlock):
    """A number worth remembering, with where it comes from and when it was true."""

    value = blocks.CharBlock(label=_("value"), max_length=40, help_text=_("For example “1 200”."))
    label = blocks.CharBlock(label=_("label"), max_length=120)
    source = blocks.CharBlock(label=_("source"), max_length=200, required=False)
    date = blocks.DateBlock(label=_("date of the figure"), required=False)
    illustrative = blocks.BooleanBlock(
        label=_("illustrative figure"),
        required=False,
        help_text=_("Tick when the figure is an example, not a sourced fact: it is shown as such."),
    )

    class Meta:
        icon = "order"
        label = _("Key figure")
        template = "blocks/key_figure.html"
        description = _("A figure with its label, source and date.")
        preview_value = {
            "value": "1 200",
            "label": "entreprises industrielles",
            "source": "INSEE",
            "date": "2025-01-01",
        }


class KeyFiguresBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120, required=False)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("figures"), min_num=1, max_num=6)

    class Meta:
        icon = "table"
        label = _("Key figures")
        template = "blocks/key_figures.html"
        description = _("Up to six figures side by side.")
        preview_value = {
            "title": "Le territoire en chiffres",
            "figures": [
                {"value": "566 000", "label": "habitants", "source": "INSEE"},
                {"value": "54 min", "label": "de Paris en TGV", "source": "SNCF"},
            ],
        }


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "blocks/rich_text.html"
        description = _("Paragraphs, lists and links.")
        preview_value = (
            "<p>Le réseau des ambassadeurs réunit celles et ceux qui portent le territoire.</p>"
        )


class HomeBodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    text = RichTextBlock(features=RICH_TEXT_FEATURES)
    call_to_action = CallToActionBlock()
    key_figures = KeyFiguresBlock()

    class Meta:
        block_counts = {"hero": {"max_num": 1}}

"""The briefing of a mission: the lesson blocks (pitch cards, key figures, documents…)
plus what only a mission needs — objectives, key messages, logistics and contacts."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from home.blocks import RICH_TEXT_FEATURES, RichTextBlock
from lms.blocks import (
    CalloutBlock,
    DocumentBlock,
    HeadingBlock,
    LessonKeyFigureBlock,
    PitchCardBlock,
    SignalBlock,
)


class ListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=160, required=False)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("items"))


class ObjectivesBlock(ListBlock):
    class Meta:
        label = _("Objectives")
        icon = "crosshairs"
        template = "briefings/blocks/objectives.html"


class KeyMessagesBlock(ListBlock):
    class Meta:
        label = _("Key messages")
        icon = "openquote"
        template = "briefings/blocks/key_messages.html"


class LogisticsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=160, required=False)
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        label = _("Logistics")
        icon = "site"
        template = "briefings/blocks/logistics.html"


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("name"), max_length=160)
    role = blocks.CharBlock(label=_("role"), max_length=200, required=False)
    email = blocks.EmailBlock(label=_("email"), required=False)
    phone = blocks.CharBlock(label=_("phone"), max_length=40, required=False)

    class Meta:
        label = _("Contact")
        icon = "user"
        template = "briefings/blocks/contact.html"


class BriefingBlock(blocks.StreamBlock):
    objectives = ObjectivesBlock()
    key_messages = KeyMessagesBlock()
    pitch_card = PitchCardBlock()
    key_figure = LessonKeyFigureBlock()
    signal = SignalBlock()
    logistics = LogisticsBlock()
    contact = ContactBlock()
    heading = HeadingBlock()
    text = RichTextBlock(features=RICH_TEXT_FEATURES)
    callout = CalloutBlock()
    document = DocumentBlock()

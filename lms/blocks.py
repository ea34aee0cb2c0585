"""The lesson's domain blocks. Mission briefings (briefings app) reuse `LessonBodyBlock`.

Every StructBlock has an icon, a template, a description and a preview value, so the
block picker shows what the ambassador will read.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from home.blocks import HEADING_LEVELS, RICH_TEXT_FEATURES, KeyFigureBlock, RichTextBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=160)
    level = blocks.ChoiceBlock(label=_("level"), choices=HEADING_LEVELS, default="h2")

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"
        description = _("A section heading (level 2 or 3) that structures the lesson.")
        preview_value = {"text": "Les signaux à repérer", "level": "h2"}


def _image_preview(*_args):
    """The block picker's example: the library's latest image, when there is one."""
    from wagtail.images import get_image_model

    image = get_image_model().objects.order_by("-pk").first()
    if image is not None:
        image.contextual_alt_text = image.title
        image.decorative = False
    return {"image": image, "caption": "Le stand de la Sarthe au salon SIMA"}


def _document_preview(*_args):
    """The block picker's example: the library's latest document, when there is one."""
    from wagtail.documents import get_document_model

    return {
        "document": get_document_model().objects.order_by("-pk").first(),
        "label": "Fiche de transmission d'un projet",
    }


class FigureImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/figure_image.html"
        description = _("An image with its alternative text and an optional caption.")
        preview_value = _image_preview


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(
        label=_("video address"),
        help_text=_("A YouTube, Vimeo or Dailymotion address."),
    )
    title = blocks.CharBlock(
        label=_("title"),
        max_length=160,
        help_text=_("Names the video for screen readers."),
    )
    transcript = blocks.TextBlock(
        label=_("transcript or summary"),
        required=False,
        help_text=_("For those who cannot watch or hear the video."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"
        description = _("An embedded video with its title and transcript.")
        preview_value = {
            "video": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Présenter le territoire en trois minutes",
            "transcript": "Résumé de la vidéo.",
        }


class PitchCardBlock(blocks.StructBlock):
    argument = blocks.CharBlock(label=_("argument"), max_length=200)
    proof = blocks.TextBlock(label=_("proof"), help_text=_("The fact that makes it credible."))
    audience = blocks.CharBlock(
        label=_("for whom"),
        max_length=120,
        required=False,
        help_text=_("For example “an industrial investor”."),
    )

    class Meta:
        icon = "openquote"
        label = _("Pitch card")
        template = "blocks/pitch_card.html"
        description = _("An argument for the territory with the proof that backs it.")
        preview_value = {
            "argument": "Paris à moins d'une heure",
            "proof": "54 minutes en TGV entre Le Mans et Paris-Montparnasse.",
            "audience": "un dirigeant parisien",
        }


class SignalBlock(blocks.StructBlock):
    sign = blocks.CharBlock(label=_("the signal"), max_length=200)
    why = blocks.TextBlock(label=_("why it matters"))
    ask = blocks.TextBlock(label=_("what to ask"), help_text=_("The question that confirms it."))

    class Meta:
        icon = "warning"
        label = _("Signal to spot")
        template = "blocks/signal.html"
        description = _("A sign that a project may be coming, why it matters and what to ask.")
        preview_value = {
            "sign": "Une vague de recrutements",
            "why": "Une entreprise qui recrute massivement manque souvent de place.",
            "ask": "« Où allez-vous installer ces nouvelles équipes ? »",
        }


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=160)
    situation = blocks.RichTextBlock(label=_("situation"), features=RICH_TEXT_FEATURES)
    question = blocks.CharBlock(label=_("question to the reader"), max_length=250, required=False)
    reveal = blocks.RichTextBlock(
        label=_("what happened"),
        features=RICH_TEXT_FEATURES,
        help_text=_("Hidden until the reader opens it."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Case study")
        template = "blocks/case_study.html"
        description = _("A real situation, then what happened, revealed when the reader asks.")
        preview_value = {
            "title": "Le sous-traitant qui cherchait un terrain",
            "situation": "<p>Lors d'un dîner, un dirigeant évoque un site saturé.</p>",
            "question": "Que feriez-vous ?",
            "reveal": "<p>L'ambassadeur a transmis le contact : implantation de 80 emplois.</p>",
        }


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(label=_("link text"), max_length=160, required=False)

    class Meta:
        icon = "doc-full-inverse"
        label = _("Document")
        template = "blocks/document.html"
        description = _("A document to download (served with permission checks).")
        preview_value = _document_preview


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("tone"),
        choices=[("info", _("Good to know")), ("tip", _("Tip")), ("warning", _("Watch out"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("title"), max_length=160, required=False)
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "blocks/callout.html"
        description = _("A framed note: good to know, a tip or a warning.")
        preview_value = {
            "tone": "tip",
            "title": "Astuce",
            "text": "<p>Notez le nom de votre interlocuteur dès la fin de l'échange.</p>",
        }


class LessonKeyFigureBlock(KeyFigureBlock):
    class Meta:
        template = "blocks/key_figure_single.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = RichTextBlock(features=RICH_TEXT_FEATURES)
    heading = HeadingBlock()
    image = FigureImageBlock()
    video = VideoBlock()
    key_figure = LessonKeyFigureBlock()
    pitch_card = PitchCardBlock()
    signal = SignalBlock()
    case_study = CaseStudyBlock()
    document = DocumentBlock()
    callout = CalloutBlock()

"""The lesson's blocks: what each renders, what the block picker shows of it (icon,
description, preview), and the local embed finder that videos go through."""

import socket

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext
from wagtail import blocks as wagtail_blocks
from wagtail.documents.models import Document
from wagtail.embeds import embeds
from wagtail.embeds.blocks import EmbedValue
from wagtail.embeds.finders import get_finders
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from lms.embeds import VideoEmbedFinder, recognise
from lms.models import LessonPage
from lms.templatetags.lms_tags import duration, embed_titled

STREAM = LessonPage.body.field.stream_block
STRUCT_BLOCKS = [
    name
    for name, block in STREAM.child_blocks.items()
    if isinstance(block, wagtail_blocks.StructBlock)
]
# Their preview value needs an image or a document from the library, which lms/blocks.py
# does not provide yet (a callable preview_value would). Note that Wagtail shows previews
# in the block picker only once the global preview template
# (wagtailcore/shared/block_preview.html) is overridden: both are reported.
NEEDS_LIBRARY_PREVIEW = {"image", "document"}


def tr(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


def render(name: str, raw: dict) -> str:
    block = STREAM.child_blocks[name]
    with translation.override("fr"):
        return block.render(block.to_python(raw))


@pytest.fixture
def media(settings, tmp_path):
    """Image and document files in a temporary folder, and no rendition cached by an
    earlier test (image ids are reused once its rows are rolled back)."""
    from django.core.cache import caches

    settings.MEDIA_ROOT = tmp_path
    for cache in caches.all():
        cache.clear()
    return tmp_path


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the embed finder tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# --- What each block renders ------------------------------------------------------------


@pytest.mark.parametrize("level", ["h2", "h3"])
def test_heading_renders_the_level_chosen(level):
    html = render("heading", {"text": "Les signaux à repérer", "level": level})

    assert html.startswith(f"<{level} ") and html.strip().endswith(f"</{level}>")
    assert "Les signaux à repérer" in html


def test_image_renders_its_alt_text_and_caption_in_a_figure(db, media):
    image = Image.objects.create(title="Stand", file=get_test_image_file(size=(1600, 900)))

    html = render(
        "image",
        {
            "image": {"image": image.pk, "alt_text": "Le stand de la Sarthe", "decorative": False},
            "caption": "Salon SIMA 2027",
        },
    )

    assert html.startswith('<figure class="lesson-figure">')
    assert 'alt="Le stand de la Sarthe"' in html
    assert 'width="800"' in html and 'loading="lazy"' in html
    assert '<figcaption class="lesson-figure__caption">Salon SIMA 2027</figcaption>' in html


def test_a_decorative_image_has_an_empty_alt_and_no_caption(db, media):
    image = Image.objects.create(title="Motif", file=get_test_image_file())

    html = render("image", {"image": {"image": image.pk, "alt_text": "", "decorative": True}})

    assert 'alt=""' in html
    assert "figcaption" not in html


def test_video_renders_the_privacy_friendly_player_named_by_its_title(db, no_network):
    html = render(
        "video",
        {
            "video": "https://youtu.be/dQw4w9WgXcQ",
            "title": "Pitcher en trois minutes",
            "transcript": "Bonjour.\n\nLe territoire en trois chiffres.",
        },
    )

    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'title="Pitcher en trois minutes"' in html
    assert html.count("title=") == 1  # the provider's title was replaced, not doubled
    assert 'class="video__frame"' in html
    assert f"<summary>{tr('Read the transcript')}</summary>" in html
    assert "<p>Le territoire en trois chiffres.</p>" in html
    assert "style=" not in html  # the Content Security Policy forbids inline styles


def test_video_without_a_transcript_has_no_details(db, no_network):
    html = render("video", {"video": "https://vimeo.com/76979871", "title": "Un film"})

    assert "player.vimeo.com/video/76979871" in html
    assert "<details" not in html


@pytest.mark.parametrize("illustrative", [True, False])
def test_key_figure_is_marked_when_illustrative(illustrative):
    html = render(
        "key_figure",
        {
            "value": "1 200",
            "label": "entreprises industrielles",
            "source": "INSEE",
            "date": "2025-01-01",
            "illustrative": illustrative,
        },
    )

    assert '<p class="key-figure__value">1 200</p>' in html
    assert "INSEE" in html and "janvier 2025" in html
    assert (tr("Illustrative figure") in html) is illustrative


def test_pitch_card_shows_the_argument_its_proof_and_audience():
    html = render(
        "pitch_card",
        {
            "argument": "Paris à moins d'une heure",
            "proof": "54 minutes en TGV.",
            "audience": "un dirigeant parisien",
        },
    )

    assert '<p class="pitch-card__argument">Paris à moins d&#x27;une heure</p>' in html
    assert "54 minutes en TGV." in html
    assert "un dirigeant parisien" in html


def test_signal_shows_the_sign_why_and_what_to_ask_as_a_weak_signal_card():
    html = render(
        "signal",
        {"sign": "Une vague de recrutements", "why": "Manque de place", "ask": "Où ?"},
    )

    assert html.startswith('<div class="signal">')
    assert tr("Weak signal to spot") in html
    assert '<p class="signal__sign">Une vague de recrutements</p>' in html
    assert f"<dt>{tr('Why it matters')}</dt>" in html and "<dd>Manque de place</dd>" in html
    assert f"<dt>{tr('What to ask')}</dt>" in html and "<dd>Où ?</dd>" in html


def test_case_study_reveals_what_happened_in_details_that_work_without_javascript():
    html = render(
        "case_study",
        {
            "title": "Le sous-traitant",
            "situation": "<p>Un site saturé.</p>",
            "question": "Que feriez-vous ?",
            "reveal": "<p>80 emplois.</p>",
        },
    )

    situation, details = html.split("<details", 1)
    assert "<p>Un site saturé.</p>" in situation and "Que feriez-vous ?" in situation
    assert "80 emplois." not in situation
    assert f"<summary>{tr('See what happened')}</summary>" in details
    assert "<p>80 emplois.</p>" in details.split("</summary>")[1]
    assert " open" not in details.split(">")[0]  # closed until the reader opens it


def test_case_study_without_a_question_leaves_it_out():
    html = render(
        "case_study",
        {"title": "T", "situation": "<p>S</p>", "question": "", "reveal": "<p>R</p>"},
    )

    assert "case-study__question" not in html


def test_document_links_to_the_file_with_its_type_and_size(db, media):
    document = Document.objects.create(
        title="Guide de l'ambassadeur",
        file=ContentFile(b"x" * 2048, name="guide.pdf"),
        file_size=2048,  # set by the admin's upload form
    )

    with_label = render("document", {"document": document.pk, "label": "Le guide (à lire)"})
    without_label = render("document", {"document": document.pk, "label": ""})

    assert f'<a href="{document.url}">' in with_label
    assert "Le guide (à lire)" in with_label
    assert "(PDF, 2,0\xa0Kio)" in with_label or "(PDF, 2.0\xa0KB)" in with_label
    assert "Guide de l&#x27;ambassadeur" in without_label


def test_document_block_renders_nothing_when_the_document_is_gone(db):
    assert render("document", {"document": None, "label": ""}).strip() == ""


@pytest.mark.parametrize(
    ("tone", "label", "icon"),
    [
        ("info", "Good to know", "info"),
        ("tip", "Tip", "lightbulb"),
        ("warning", "Watch out", "warning"),
    ],
)
def test_callout_is_a_note_with_its_tone(tone, label, icon):
    untitled = render("callout", {"tone": tone, "title": "", "text": "<p>Restez discret.</p>"})
    titled = render("callout", {"tone": tone, "title": "À retenir", "text": "<p>Texte.</p>"})

    assert f'<div class="callout callout--{tone}" role="note">' in untitled
    assert f"<span>{tr(label)}</span>" in untitled
    assert f"#{icon}" in untitled
    assert "<p>Restez discret.</p>" in untitled
    assert "<span>À retenir</span>" in titled


def test_rich_text_renders_its_paragraphs():
    assert "<p>Un paragraphe.</p>" in render("text", "<p>Un paragraphe.</p>")


# --- What the block picker shows ------------------------------------------------------


@pytest.mark.parametrize("name", STRUCT_BLOCKS)
def test_every_struct_block_has_an_icon_a_template_and_a_description(name):
    meta = STREAM.child_blocks[name].meta

    assert meta.icon and meta.icon != "placeholder"
    assert meta.template.startswith("blocks/")
    assert str(meta.description)


@pytest.mark.parametrize("name", STRUCT_BLOCKS)
def test_every_struct_block_has_a_preview_value(db, no_network, media, name):
    """Image and document examples come from the library: give it one of each."""
    Image.objects.create(title="Stand", file=get_test_image_file(size=(64, 48)))
    Document.objects.create(title="Guide", file=ContentFile(b"%PDF-1.4", name="guide.pdf"))
    block = STREAM.child_blocks[name]

    assert hasattr(block.meta, "preview_value")
    assert block.get_preview_value()
    assert block.render(block.get_preview_value()).strip()


@pytest.mark.parametrize("name", [n for n in STRUCT_BLOCKS if n not in NEEDS_LIBRARY_PREVIEW])
def test_the_block_picker_preview_renders_the_block(client, db, staff, name, no_network):
    block = STREAM.child_blocks[name]
    client.force_login(staff)

    response = client.get("/admin/block-preview/", {"id": block.definition_prefix})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'class="w-block-{name} block-{name}"' in html
    with translation.override("fr"):
        expected = block.render(block.get_preview_value()).strip()
    assert expected and expected in html


# --- The local embed finder -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "player", "provider"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "YouTube",
        ),
        (
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "YouTube",
        ),
        (
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "YouTube",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "YouTube",
        ),
        (
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "YouTube",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871", "Vimeo"),
        (
            "https://vimeo.com/76979871/8272103f6e",
            "https://player.vimeo.com/video/76979871?h=8272103f6e",
            "Vimeo",
        ),
        (
            "https://player.vimeo.com/video/76979871",
            "https://player.vimeo.com/video/76979871",
            "Vimeo",
        ),
        (
            "https://www.dailymotion.com/video/x8abcde",
            "https://www.dailymotion.com/embed/video/x8abcde",
            "Dailymotion",
        ),
        (
            "https://www.dailymotion.com/video/x8abcde_le-mans-en-3-minutes",
            "https://www.dailymotion.com/embed/video/x8abcde",
            "Dailymotion",
        ),
        (
            "https://dai.ly/x8abcde",
            "https://www.dailymotion.com/embed/video/x8abcde",
            "Dailymotion",
        ),
        (
            "https://www.dailymotion.com/embed/video/x8abcde",
            "https://www.dailymotion.com/embed/video/x8abcde",
            "Dailymotion",
        ),
    ],
)
def test_finder_builds_the_privacy_friendly_player_without_the_network(
    url, player, provider, no_network
):
    finder = VideoEmbedFinder()

    assert finder.accept(url)
    embed = finder.find_embed(url)

    assert embed["type"] == "video"
    assert embed["provider_name"] == provider
    assert (embed["width"], embed["height"]) == (640, 360)
    assert f'<iframe src="{player}" width="640" height="360"' in embed["html"]
    assert "allowfullscreen" in embed["html"] and 'title="' in embed["html"]
    assert embed["title"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/video/42",
        "https://www.youtube.com/watch?v=too-short",
        "https://www.youtube.com/channel/UC123",
        "https://vimeo.com/channels/staffpicks",
        "https://www.dailymotion.com/user/someone",
        "ftp://youtube.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "",
    ],
)
def test_finder_refuses_other_addresses(url):
    assert not VideoEmbedFinder().accept(url)
    assert recognise(url) is None


def test_finder_respects_a_maximum_width():
    embed = VideoEmbedFinder().find_embed("https://youtu.be/dQw4w9WgXcQ", max_width=320)

    assert (embed["width"], embed["height"]) == (320, 180)


def test_the_site_uses_the_local_finder_only(settings):
    assert settings.WAGTAILEMBEDS_FINDERS == [{"class": "lms.embeds.VideoEmbedFinder"}]
    assert [type(finder) for finder in get_finders()] == [VideoEmbedFinder]


def test_the_players_hosts_are_allowed_to_frame_by_the_content_security_policy(settings):
    frame_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]

    for host in (
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://www.dailymotion.com",
    ):
        assert host in frame_src


def test_wagtail_stores_the_embed_once_through_the_finder(db, no_network):
    from wagtail.embeds.models import Embed

    first = embeds.get_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    again = embeds.get_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ")

    assert first.pk == again.pk and Embed.objects.count() == 1
    assert first.provider_name == "YouTube" and first.type == "video"


def test_the_video_block_refuses_an_address_no_provider_serves(db, no_network):
    from django.core.exceptions import ValidationError

    block = STREAM.child_blocks["video"].child_blocks["video"]

    with pytest.raises(ValidationError):
        block.clean(EmbedValue("https://example.org/ma-video"))
    assert block.clean(EmbedValue("https://youtu.be/dQw4w9WgXcQ")).url == (
        "https://youtu.be/dQw4w9WgXcQ"
    )


def test_embed_titled_escapes_the_title_and_keeps_one_title():
    html = '<div><iframe src="https://x" title="YouTube video" allowfullscreen></iframe></div>'

    titled = embed_titled(html, 'Le "pitch" <3')

    assert titled == (
        '<div><iframe src="https://x" allowfullscreen title="Le &quot;pitch&quot; &lt;3">'
        "</iframe></div>"
    )
    assert embed_titled("", "Titre") == ""


@pytest.mark.parametrize(
    ("minutes", "expected"), [(0, "0 min"), (45, "45 min"), (60, "1 h"), (95, "1 h 35 min")]
)
def test_durations_read_as_people_say_them(minutes, expected):
    assert duration(minutes) == expected

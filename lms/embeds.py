"""A local embed finder for the video hosts lessons use: no network access, ever.

Wagtail's default finders ask each provider's oEmbed endpoint for the player's HTML. This
one recognises YouTube, Vimeo and Dailymotion addresses and builds the player itself,
on the privacy-friendly host of each provider (YouTube's *nocookie* domain), so lessons
render the same in tests, in the demo, and on servers that cannot reach the internet.
The hosts are those the Content Security Policy's `frame-src` allows
(`settings.CSP_FRAME_HOSTS`).

Enabled with ``WAGTAILEMBEDS_FINDERS = [{"class": "lms.embeds.VideoEmbedFinder"}]``.
To support another host, add a `Provider` to `PROVIDERS` and its host to
`CSP_FRAME_HOSTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from django.utils.html import format_html
from wagtail.embeds.finders.base import EmbedFinder

DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 360  # 16:9, the ratio of the three providers' players

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d+$")
VIMEO_HASH = re.compile(r"^[0-9a-f]+$")
DAILYMOTION_ID = re.compile(r"^[A-Za-z0-9]+$")


@dataclass(frozen=True)
class Video:
    """A recognised video: who hosts it and the address of its player."""

    provider_name: str
    player_url: str


def _youtube(host: str, parts, segments: list[str]) -> Video | None:
    video_id = None
    if host == "youtu.be" and segments:
        video_id = segments[0]
    elif host in {"youtube.com", "m.youtube.com", "youtube-nocookie.com"}:
        if segments == ["watch"]:
            video_id = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) >= 2 and segments[0] in {"embed", "shorts", "live"}:
            video_id = segments[1]
    if not video_id or not YOUTUBE_ID.match(video_id):
        return None
    return Video("YouTube", f"https://www.youtube-nocookie.com/embed/{video_id}")


def _vimeo(host: str, parts, segments: list[str]) -> Video | None:
    if host == "vimeo.com" and segments and VIMEO_ID.match(segments[0]):
        video_id, private_hash = segments[0], (segments[1] if len(segments) > 1 else None)
    elif host == "player.vimeo.com" and len(segments) >= 2 and segments[0] == "video":
        video_id = segments[1]
        private_hash = (parse_qs(parts.query).get("h") or [None])[0]
    else:
        return None
    if not VIMEO_ID.match(video_id):
        return None
    url = f"https://player.vimeo.com/video/{video_id}"
    if private_hash and VIMEO_HASH.match(private_hash):
        # Unlisted videos need their hash to play.
        url += "?" + urlencode({"h": private_hash})
    return Video("Vimeo", url)


def _dailymotion(host: str, parts, segments: list[str]) -> Video | None:
    video_id = None
    if host == "dai.ly" and segments:
        video_id = segments[0]
    elif host == "dailymotion.com":
        if len(segments) >= 2 and segments[0] == "video":
            video_id = segments[1]
        elif len(segments) >= 3 and segments[:2] == ["embed", "video"]:
            video_id = segments[2]
    if not video_id:
        return None
    video_id = video_id.split("_", 1)[0]  # addresses may end with "_the-video-s-slug"
    if not DAILYMOTION_ID.match(video_id):
        return None
    return Video("Dailymotion", f"https://www.dailymotion.com/embed/video/{video_id}")


PROVIDERS = (_youtube, _vimeo, _dailymotion)


def recognise(url: str) -> Video | None:
    """The video at `url`, if a known provider hosts it; None otherwise."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    segments = [segment for segment in parts.path.split("/") if segment]
    for provider in PROVIDERS:
        video = provider(host, parts, segments)
        if video is not None:
            return video
    return None


class VideoEmbedFinder(EmbedFinder):
    """Builds the embed of YouTube, Vimeo and Dailymotion videos without asking the
    providers: an `<iframe>` on their privacy-friendly player host, 16:9."""

    def __init__(self, **options):
        self.options = options

    def accept(self, url: str) -> bool:
        return recognise(url) is not None

    def find_embed(self, url: str, max_width: int | None = None, max_height: int | None = None):
        video = recognise(url)
        if video is None:
            from wagtail.embeds.exceptions import EmbedNotFoundException

            raise EmbedNotFoundException
        width, height = DEFAULT_WIDTH, DEFAULT_HEIGHT
        if max_width and max_width < width:
            width, height = max_width, round(max_width * DEFAULT_HEIGHT / DEFAULT_WIDTH)
        if max_height and max_height < height:
            width, height = round(max_height * DEFAULT_WIDTH / DEFAULT_HEIGHT), max_height
        # The iframe names the provider; templates replace the title with the lesson's
        # own title for the video (see lms_tags.embed_titled). No inline style: the
        # Content Security Policy forbids it, and the site's CSS sizes the player.
        title = f"{video.provider_name} video"
        html = format_html(
            '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
            'allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; '
            'picture-in-picture; fullscreen" allowfullscreen '
            'referrerpolicy="strict-origin-when-cross-origin"></iframe>',
            video.player_url,
            width,
            height,
            title,
        )
        return {
            "title": title,
            "author_name": "",
            "provider_name": video.provider_name,
            "type": "video",
            "thumbnail_url": "",
            "width": width,
            "height": height,
            "html": str(html),
        }

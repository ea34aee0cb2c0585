"""Writes of `home`. Other apps call these rather than writing `home`'s models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import HomePage, NotificationLog, User
from .tasks import send_email


def absolute_url(path: str, *, request=None) -> str:
    """An absolute link to `path`: the request's own host when there is a request,
    otherwise the configured `BASE_URL` (emails sent by tasks, QR codes, .ics files)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.BASE_URL}{path}"


def email_send(
    *,
    to: str | list[str],
    template: str,
    context: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> None:
    """Render `templates/emails/<template>` (`_subject.txt`, `.txt`, `.html`) and send it
    through the task queue once the current transaction commits, so an email never
    announces something that was rolled back.

    The message is rendered now, in `language` (default: the active one), with
    ``base_url`` in its context for absolute links.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    full_context = {"base_url": settings.BASE_URL, **(context or {})}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", full_context)
        text_body = render_to_string(f"emails/{template}.txt", full_context)
        html_body = render_to_string(f"emails/{template}.html", full_context)
    subject = " ".join(subject.split())  # a header must be a single line
    transaction.on_commit(
        lambda: send_email.enqueue(
            to=recipients, subject=subject, text_body=text_body, html_body=html_body
        )
    )


def notification_send_once(
    *,
    key: str,
    recipient: User,
    template: str,
    context: Mapping[str, Any] | None = None,
) -> bool:
    """Send a dated notification unless one with the same `key` was already sent.

    `key` names the message and its date, e.g. ``badge-expiry-30:award-42``. The unique
    row in `NotificationLog` is the guarantee: two runs at once cannot both insert it.
    Returns whether the email was sent now.
    """
    try:
        with transaction.atomic():
            NotificationLog.objects.create(key=key, recipient=recipient)
            email_send(to=recipient.email, template=template, context=context)
    except IntegrityError:
        return False
    return True


def site_tree_ensure(*, title: str = "Accueil") -> HomePage:
    """Make sure the site has its page tree: the default locale, the root page and
    collection, one `HomePage` under the root, and the default `Site` serving it.

    Idempotent. `seed_demo` calls it, and so do the tests after a database flush
    (which deletes the tree the migrations created). Wagtail's placeholder welcome
    page, if still there, is removed once the home page replaces it.
    """
    from wagtail.models import Collection, Locale, Page, Site

    locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        root = Page.add_root(title="Root", slug="root", locale=locale)

    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title=title, slug="accueil", locale=locale))

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])

    placeholder = Page.objects.filter(
        depth=2, content_type__app_label="wagtailcore", content_type__model="page"
    ).exclude(pk=home.pk)
    for page in placeholder:
        page.delete()
    return home

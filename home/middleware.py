"""Request-wide rules: the Content Security Policy, the session's absolute lifetime and
the interface language."""

import time

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the relaxed policy the Wagtail admin needs on its
    own URLs (its editors use inline scripts and styles) and the strict one elsewhere."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(settings.CSP_ADMIN_URL_PREFIXES)
        ):
            return PolicyParts(
                config=settings.CONTENT_SECURITY_POLICY_ADMIN,
                update=parts.update,
                replace=parts.replace,
                nonce=parts.nonce,
            )
        return parts


class SessionAbsoluteTimeoutMiddleware:
    """Signs the person out once their session is older than `SESSION_ABSOLUTE_TIMEOUT`,
    however active they were (OWASP ASVS V7: idle *and* absolute timeouts). The idle
    timeout is the session cookie's age, renewed on every request."""

    SESSION_KEY = "_signed_in_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.setdefault(self.SESSION_KEY, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
        return self.get_response(request)


class LanguageMiddleware(LocaleMiddleware):
    """French for everyone unless they chose otherwise with `set_language` (a cookie).

    Django's own middleware would follow the browser's Accept-Language; the club's
    interface is French first, whatever the browser says, and English on request.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("home.urls")),
    path("", include("lms.urls")),
    path("", include("lms.verification_urls")),  # /verifier/…, /badges/… (public)
    path("", include("lms.badge_urls")),  # /mon-espace/badges/<uuid>/certificat.pdf
    path("", include("briefings.urls")),  # /calendrier/<token>.ics, its renewal
    path("", include("briefings.report_urls")),  # /signaler/, /debrief/…, my reports
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Images only: documents stay behind Wagtail's permission-checked serve view.
    for folder in ("images", "original_images"):
        urlpatterns += static(
            f"{settings.MEDIA_URL}{folder}/", document_root=settings.MEDIA_ROOT / folder
        )

# Wagtail's page serving comes last: it answers every other URL.
urlpatterns.append(path("", include(wagtail_urls)))

"""The certificate of a badge award: its HTML (holder, badge, competences, French dates,
verification URL and QR code, the organisation's logo inlined) and its download (a PDF
whose text names the holder and the badge, for the holder and staff only; 404 to others,
410 once revoked)."""

import datetime
import io

import pytest
from pypdf import PdfReader
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from home.models import SiteSettings
from lms import certificates, services
from lms.models import Competence
from tests.factories import AmbassadorProfileFactory
from tests.lms.test_badges_ambassador import add_badge, award_at
from tests.lms.test_badges_ambassador import urlpatterns as badge_urlpatterns

urlpatterns = badge_urlpatterns
pytestmark = pytest.mark.urls(__name__)

PARIS = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def award(ambassador, course):
    """Camille's award of "Détecteur de projets" (two competences), issued on 3 March
    2026 and valid 12 months; the site's settings name the agency and its signatory."""
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = "Sarthe Développement"
    settings.certificate_signatory_name = "Claire Martin"
    settings.certificate_signatory_title = "Directrice"
    settings.save()
    badge = add_badge(
        "Détecteur de projets",
        course,
        competences=[
            Competence.objects.create(name="Repérer un projet"),
            Competence.objects.create(name="Qualifier un contact"),
        ],
    )
    ambassador.last_name = "Dupont"
    ambassador.save()
    return services.badge_award(
        badge=badge,
        user=ambassador,
        actor=None,
        note="Vu en salon.",
        now=datetime.datetime(2026, 3, 3, 10, 0, tzinfo=PARIS),
    )


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- The HTML -----------------------------------------------------------------------------


def test_the_certificate_names_the_holder_the_badge_its_competences_and_french_dates(award):
    html = certificates.certificate_html(award)

    assert "Camille Dupont" in html
    assert "Détecteur de projets" in html
    assert "Repérer un projet" in html and "Qualifier un contact" in html
    assert "3 mars 2026" in html and "3 mars 2027" in html
    assert f"http://testserver/verifier/{award.uuid}/" in html
    assert "Sarthe Développement" in html
    assert "Claire Martin" in html and "Directrice" in html
    assert "<svg" in html  # the QR code, inline


def test_the_logo_is_inlined_so_that_rendering_fetches_nothing(award, home_page):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.logo = Image.objects.create(title="Logo", file=get_test_image_file())
    settings.save()

    html = certificates.certificate_html(award)

    assert 'src="data:image/png;base64,' in html
    assert "/media/" not in html
    assert certificates.certificate_pdf(award).startswith(b"%PDF-")


def test_the_qr_code_encodes_the_verification_url(award):
    import segno

    expected = segno.make(certificates.verification_url(award), error="m").svg_inline(
        scale=4, border=0, dark="#1b2233"
    )
    assert certificates.qr_svg(certificates.verification_url(award)) == expected


def test_a_never_expiring_badge_says_no_expiry_date(ambassador, catalogue):
    from tests.lms.test_progress import add_course

    badge = add_badge("Accueil", add_course(catalogue, "Accueillir"), validity_months=None)
    html = certificates.certificate_html(award_at(badge, ambassador))
    assert "valable jusqu" not in html.lower() and "valid until" not in html


# --- The download -------------------------------------------------------------------------


def url(award) -> str:
    return f"/mon-espace/badges/{award.uuid}/certificat.pdf"


def test_the_holder_downloads_a_pdf_naming_them_and_the_badge(signed_in, ambassador, award):
    response = signed_in(ambassador).get(url(award))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == (
        'attachment; filename="certificat-detecteur-de-projets-camille-dupont.pdf"'
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Camille Dupont" in text
    assert "Détecteur de projets" in text
    assert "3 mars 2026" in text


def test_staff_who_may_see_ambassadors_download_it_too(signed_in, staff, award):
    response = signed_in(staff).get(url(award))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_another_ambassador_gets_a_404_as_for_an_unknown_certificate(signed_in, award):
    other = AmbassadorProfileFactory(user__email="autre@exemple.fr").user
    client = signed_in(other)

    assert client.get(url(award)).status_code == 404
    assert (
        client.get(
            "/mon-espace/badges/00000000-0000-4000-8000-000000000000/certificat.pdf"
        ).status_code
        == 404
    )
    assert client.get("/mon-espace/badges/pas-un-uuid/certificat.pdf").status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, award):
    response = client.get(url(award))
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_a_revoked_award_has_no_certificate_any_more(signed_in, ambassador, staff, award):
    services.badge_revoke(award=award, actor=staff, reason="Attribué par erreur.")

    response = signed_in(ambassador).get(url(award))

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert f"/verifier/{award.uuid}/" in response.content.decode()


def test_only_get_is_allowed(signed_in, ambassador, award):
    assert signed_in(ambassador).post(url(award)).status_code == 405


def test_the_filename_is_ascii_whatever_the_name(ambassador, award):
    ambassador.first_name, ambassador.last_name = "Éloïse", "Ñúñez d'Arc"
    assert certificates.certificate_filename(award) == (
        "certificat-detecteur-de-projets-eloise-nunez-darc.pdf"
    )


def test_the_certificate_is_one_a4_landscape_page(award):
    reader = PdfReader(io.BytesIO(certificates.certificate_pdf(award)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        297,
        210,
    )

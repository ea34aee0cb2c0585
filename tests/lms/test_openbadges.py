"""Anyone can verify a badge: the public verification page and the Open Badges 2.0 hosted
documents (issuer, badge class, assertion), the badge's image and the baked PNG.

Documents are checked against the specification's required fields and types and followed
the way a verifier does (assertion → badge class → issuer), always as an anonymous
visitor. Awards are made through the services, with their dates set by `now`.
"""

import datetime
import hashlib
import io
import json
import struct
import uuid
import zlib

import pytest
from django.test import Client
from PIL import Image
from wagtail.images.models import Image as WagtailImage
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from home.models import SiteSettings
from lms import openbadges, services
from lms.models import Badge, BadgeAward, BadgeColour, BadgeCriterion, Competence
from lms.openbadges import Standing
from lms.verification_views import ERROR_AWARD_NOT_FOUND, ERROR_BADGE_NOT_FOUND
from tests.factories import AmbassadorProfileFactory, UserFactory
from tests.lms.test_progress import complete, lessons_of

# Until config/urls.py includes `lms.verification_urls` (the lead's one line), these tests
# serve it from this module, before the site's own URLs. Drop this once it is included.
pytestmark = pytest.mark.django_db

CONTEXT = "https://w3id.org/openbadges/v2"
ISSUED = datetime.datetime(2026, 3, 15, 10, 0, tzinfo=datetime.UTC)
REASON = "Attribué par erreur à la mauvaise personne."


# --- Builders ---------------------------------------------------------------------------


def add_badge(name="Détecteur de projets", *, slug="detecteur", competences=(), **fields):
    fields.setdefault("validity_months", 12)
    badge = Badge.objects.create(
        name=name,
        slug=slug,
        description=f"Le titulaire de « {name} » sait repérer un projet.",
        criteria_narrative="Avoir terminé le parcours « Détecter un projet ».",
        **fields,
    )
    badge.competences.set(
        [Competence.objects.get_or_create(name=title)[0] for title in competences]
    )
    badge.save()  # a cluster's many-to-many is written on save
    return badge


def award(badge, user, *, now=ISSUED, staff=None):
    """A manual award made at `now`."""
    return services.badge_award(
        badge=badge, user=user, actor=staff, note="A présenté un projet au salon.", now=now
    )


def anonymous() -> Client:
    return Client()


def get_json(url, status=200):
    response = anonymous().get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) of every chunk of a PNG, each CRC checked."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


@pytest.fixture
def site_settings(home_page):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = "Agence de développement de la Sarthe"
    settings.contact_email = "contact@agence.example"
    settings.save()
    return settings


@pytest.fixture
def badge(db):
    return add_badge(competences=["Détecter un projet", "Pitcher le territoire"])


# --- The documents -----------------------------------------------------------------------


def test_an_earned_award_is_verifiable_from_assertion_to_class_to_issuer(
    ambassador, course, site_settings
):
    badge = add_badge(competences=["Détecter un projet"])
    BadgeCriterion.objects.create(badge=badge, kind="course_completed", target_page=course)
    complete(ambassador, *lessons_of(course))
    earned = BadgeAward.objects.get(user=ambassador, badge=badge)
    url = openbadges.assertion_url(earned)
    assert url == f"http://testserver/badges/assertions/{earned.uuid}.json"

    document = get_json(url)
    assert document["@context"] == CONTEXT
    assert document["type"] == "Assertion"
    assert document["id"] == url
    expected = (
        "sha256$"
        + hashlib.sha256(("ambassadrice@exemple.fr" + earned.recipient_salt).encode()).hexdigest()
    )
    assert document["recipient"] == {
        "type": "email",
        "hashed": True,
        "salt": earned.recipient_salt,
        "identity": expected,
    }
    assert len(earned.recipient_salt) >= 16
    assert document["verification"] == {"type": "hosted"}
    issued_on = datetime.datetime.fromisoformat(document["issuedOn"])
    assert issued_on.tzinfo is not None
    assert issued_on == earned.issued_at.replace(microsecond=0)
    expires = datetime.datetime.fromisoformat(document["expires"])
    assert expires.tzinfo is not None
    assert expires == earned.expires_at.replace(microsecond=0) > issued_on
    assert document["evidence"] == [
        {"type": "Evidence", "narrative": earned.evidence[0]["narrative"]}
    ]
    assert "Détecter un projet d'implantation" in document["evidence"][0]["narrative"]
    assert all(isinstance(item["narrative"], str) for item in document["evidence"])
    assert document["image"] == f"http://testserver/badges/assertions/{earned.uuid}.png"

    badge_class = get_json(document["badge"])
    assert badge_class["@context"] == CONTEXT
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["id"] == document["badge"] == "http://testserver/badges/detecteur/class.json"
    assert badge_class["name"] == "Détecteur de projets"
    assert badge_class["description"] == badge.description
    assert badge_class["criteria"] == {"narrative": badge.criteria_narrative}
    assert badge_class["tags"] == ["Détecter un projet"]
    assert badge_class["image"] == "http://testserver/badges/detecteur/image.png"
    image = anonymous().get(badge_class["image"])
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (400, 400)

    issuer = get_json(badge_class["issuer"])
    assert issuer == {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": badge_class["issuer"],
        "name": "Agence de développement de la Sarthe",
        "url": "http://testserver/",
        "email": "contact@agence.example",
    }


def test_the_recipient_identity_survives_an_email_change(ambassador, badge):
    made = award(badge, ambassador)
    identity = get_json(openbadges.assertion_url(made))["recipient"]["identity"]

    ambassador.email = "nouvelle.adresse@exemple.fr"
    ambassador.save(update_fields=["email"])

    document = get_json(openbadges.assertion_url(made))
    assert document["recipient"]["identity"] == identity
    salt = document["recipient"]["salt"]
    assert (
        identity
        == "sha256$" + hashlib.sha256(f"ambassadrice@exemple.fr{salt}".encode()).hexdigest()
    )
    assert anonymous().get(f"/verifier/{made.uuid}/").context["status"].standing == Standing.VALID


def test_dates_are_iso_8601_in_utc_to_the_second(ambassador, badge):
    made = award(badge, ambassador, now=ISSUED.replace(microsecond=123456))
    document = get_json(openbadges.assertion_url(made))
    assert document["issuedOn"] == "2026-03-15T10:00:00+00:00"
    assert document["expires"] == "2027-03-15T10:00:00+00:00"


def test_a_badge_that_never_expires_has_no_expiry_in_its_assertion(ambassador):
    made = award(add_badge(validity_months=None), ambassador)
    assert "expires" not in get_json(openbadges.assertion_url(made))


def test_the_issuer_profile_falls_back_on_the_sending_address(home_page, settings):
    settings.DEFAULT_FROM_EMAIL = "Ambassadeurs <ne-pas-repondre@agence.example>"
    assert get_json("/badges/issuer.json")["email"] == "ne-pas-repondre@agence.example"


def test_the_issuer_profile_names_its_logo_when_there_is_one(site_settings):
    site_settings.logo = WagtailImage.objects.create(title="Logo", file=get_test_image_file())
    site_settings.save()
    issuer = get_json("/badges/issuer.json")
    assert issuer["image"].startswith("http://testserver/media/images/")
    assert issuer["image"].endswith(".png")


def test_a_revoked_assertion_answers_410_gone_without_its_private_reason(ambassador, badge, staff):
    made = award(badge, ambassador)
    services.badge_revoke(award=made, actor=staff, reason=REASON)

    document = get_json(openbadges.assertion_url(made), status=410)
    assert document["revoked"] is True
    assert "revocationReason" not in document and REASON not in str(document)
    assert document["id"] == openbadges.assertion_url(made)
    baked = anonymous().get(openbadges.baked_image_url(made))
    assert baked.status_code == 410


@pytest.mark.parametrize("identifier", [str(uuid.uuid4()), "pas-un-uuid", "1234"])
def test_an_unknown_or_malformed_assertion_is_a_404_in_json(identifier, badge, ambassador):
    award(badge, ambassador)  # another award exists
    assert get_json(f"/badges/assertions/{identifier}.json", status=404) == {
        "error": str(ERROR_AWARD_NOT_FOUND)
    }
    assert anonymous().get(f"/badges/assertions/{identifier}.png").status_code == 404


def test_an_unknown_badge_class_or_image_is_a_404(db):
    assert get_json("/badges/inconnu/class.json", status=404) == {
        "error": str(ERROR_BADGE_NOT_FOUND)
    }
    assert anonymous().get("/badges/inconnu/image.png").status_code == 404


def test_the_documents_are_read_only(ambassador, badge):
    made = award(badge, ambassador)
    client = anonymous()
    for url in (openbadges.assertion_url(made), f"/verifier/{made.uuid}/", "/badges/issuer.json"):
        assert client.post(url).status_code == 405
        assert client.head(url).status_code == 200


def test_the_documents_are_kept_by_no_shared_cache(ambassador, badge):
    made = award(badge, ambassador)
    for url in (openbadges.assertion_url(made), f"/verifier/{made.uuid}/"):
        cache_control = anonymous().get(url)["Cache-Control"]
        assert "private" in cache_control and "max-age=60" in cache_control


# --- Images --------------------------------------------------------------------------------


def test_the_baked_image_carries_the_assertion_url_in_an_uncompressed_itxt_chunk(ambassador, badge):
    made = award(badge, ambassador)
    response = anonymous().get(openbadges.baked_image_url(made))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'attachment; filename="detecteur-{str(made.uuid)[:8]}.png"'
    )
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert image.format == "PNG"
    assert Image.open(io.BytesIO(response.content)).text["openbadges"] == (
        openbadges.assertion_url(made)
    )
    chunks = png_chunks(response.content)
    baked = [body for kind, body in chunks if kind == b"iTXt"]
    assert len(baked) == 1
    keyword, rest = baked[0].split(b"\0", 1)
    assert keyword == b"openbadges"
    assert rest[:2] == b"\0\0"  # no compression, method 0
    language, translated, text = rest[2:].split(b"\0", 2)
    assert text.decode() == openbadges.assertion_url(made)
    assert chunks[-1][0] == b"IEND"


def test_the_default_image_is_a_deterministic_square_png_of_the_badge_colour(db):
    first = openbadges.default_image("Détecteur de projets", BadgeColour.GREEN)
    assert first == openbadges.default_image("Détecteur de projets", BadgeColour.GREEN)
    assert first != openbadges.default_image("Détecteur de projets", BadgeColour.RED)
    assert first != openbadges.default_image("Ambassadeur salon", BadgeColour.GREEN)
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size) == ("PNG", (400, 400))
    # The disc is of the badge's colour, its corners transparent.
    assert image.convert("RGBA").getpixel((60, 200))[:3] == (0x15, 0x80, 0x3D)
    assert image.convert("RGBA").getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Détecteur de projets", "DP"),
        ("Ambassadeur pitch", "AP"),
        ("Ambassadeur salon international", "AS"),
        ("L'ambassadeur", "A"),
        ("Pitch", "P"),
        ("¡¿", "?"),
    ],
)
def test_initials_leave_small_words_out(name, expected):
    assert openbadges.initials(name) == expected


def test_an_uploaded_image_is_served_as_a_400_px_png(db):
    uploaded = WagtailImage.objects.create(title="Badge", file=get_test_image_file(size=(640, 480)))
    badge = add_badge(image=uploaded)
    response = anonymous().get("/badges/detecteur/image.png")
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (400, 400))
    assert response.content != openbadges.default_image(badge.name, badge.colour)


# --- The verification page ---------------------------------------------------------------


def page(made):
    return anonymous().get(f"/verifier/{made.uuid}/")


def test_a_valid_award_shows_holder_badge_issuer_and_french_dates(ambassador, badge, site_settings):
    made = award(badge, ambassador)
    response = page(made)
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["status"].standing == Standing.VALID
    assert html.count("<h1") == 1
    assert ambassador.get_full_name() in html
    assert "Détecteur de projets" in html and badge.description in html
    assert "Détecter un projet" in html and "Pitcher le territoire" in html
    assert badge.criteria_narrative in html
    assert "A présenté un projet au salon." in html  # the evidence narrative
    assert "Agence de développement de la Sarthe" in html
    assert "15 mars 2026" in html  # issued
    assert "15 mars 2027" in html  # expires
    assert openbadges.assertion_url(made) in html
    assert openbadges.baked_image_url(made) in html
    assert 'src="/badges/detecteur/image.png"' in html
    assert 'alt="' in html.split('class="verify__image"')[1].split(">")[0]


def test_an_expired_award_says_since_when(ambassador, badge):
    made = award(badge, ambassador, now=datetime.datetime(2025, 2, 10, 10, tzinfo=datetime.UTC))
    response = page(made)
    assert response.context["status"].standing == Standing.EXPIRED
    assert response.context["status"].since == made.expires_at
    assert "10 février 2026" in response.content.decode()


def test_a_revoked_award_says_when_but_not_why(ambassador, badge, staff):
    made = award(badge, ambassador)
    services.badge_revoke(
        award=made, actor=staff, reason=REASON, now=ISSUED + datetime.timedelta(days=20)
    )
    response = page(made)
    html = response.content.decode()
    assert response.context["status"].standing == Standing.REVOKED
    assert "4 avril 2026" in html
    assert REASON not in html
    assert openbadges.baked_image_url(made) not in html  # nothing to bake


def test_a_replaced_award_links_to_its_renewal(ambassador, badge):
    old = award(badge, ambassador, now=ISSUED - datetime.timedelta(days=350))
    renewed_at = ISSUED
    BadgeAward.objects.filter(pk=old.pk).update(replaced_at=renewed_at)
    renewal = BadgeAward.objects.create(
        badge=badge,
        user=ambassador,
        issued_at=renewed_at,
        expires_at=renewed_at + datetime.timedelta(days=365),
        recipient_salt="0" * 32,
        recipient_hash=services.recipient_identity(ambassador.email, "0" * 32),
        previous=old,
    )
    response = page(old)
    assert response.context["status"].standing == Standing.REPLACED
    assert response.context["status"].renewal == renewal
    assert f'href="http://testserver/verifier/{renewal.uuid}/"' in response.content.decode()
    assert page(renewal).context["status"].standing == Standing.VALID


def test_the_page_shows_nothing_private(badge, staff):
    user = AmbassadorProfileFactory(
        user__email="secret.personne@exemple.fr",
        user__first_name="Jeanne",
        user__last_name="Martin",
    ).user
    made = award(badge, user)
    services.badge_revoke(award=made, actor=staff, reason=REASON)
    html = page(made).content.decode()
    assert "Jeanne Martin" in html
    for private in ("secret.personne", made.recipient_salt, made.recipient_hash, REASON):
        assert private not in html


@pytest.mark.parametrize("identifier", [str(uuid.uuid4()), "pas-un-uuid"])
def test_an_unknown_or_malformed_address_is_a_clear_404_page(identifier, db):
    response = anonymous().get(f"/verifier/{identifier}/")
    assert response.status_code == 404
    assert response.context["award"] is None
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_signed_in_visitor_sees_the_same_page(ambassador, badge, staff):
    made = award(badge, ambassador)
    client = Client()
    client.force_login(staff)
    response = client.get(f"/verifier/{made.uuid}/")
    assert response.status_code == 200
    assert response.context["status"].standing == Standing.VALID


def test_the_page_takes_a_fixed_number_of_queries(badge, django_assert_num_queries):
    few = award(badge, UserFactory())
    page(few)  # warm what Wagtail caches (the main menu's pages)

    # The award with its badge, image, holder and renewal (1), the badge's competences
    # (1), the site that serves the request and its settings, for the header, the footer
    # and the issuer's name (2): the same whatever the number of badges, competences and
    # awards.
    with django_assert_num_queries(4):
        page(few)

    many = add_badge(
        "Ambassadeur salon", slug="salon", competences=[f"Compétence {n}" for n in range(6)]
    )
    for _ in range(5):
        award(badge, UserFactory())
        award(many, UserFactory())
    other = BadgeAward.objects.filter(badge=many).first()
    with django_assert_num_queries(4):
        page(other)

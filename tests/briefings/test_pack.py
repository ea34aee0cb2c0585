"""The briefing pack: its HTML (the mission, local times with the zone named, place,
online link, briefing blocks, staff contact; listed participants by name and
organisation, the others counted) and its download (a PDF whose text says the same,
named `dossier-<slug>.pdf`, never cached; for confirmed participants and staff only)."""

import datetime
import io
import itertools

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.translation import gettext, ngettext
from pypdf import PdfReader
from wagtail.models import Site

from briefings import pack
from briefings.models import MissionKind, Signup, SignupStatus
from home.models import SiteSettings
from tests.briefings.builders import BRIEFING, add_mission
from tests.factories import AmbassadorProfileFactory

UTC = datetime.UTC
_queue = itertools.count(1)

PARTICIPANT = pack.PackAccess(True, participant=True)


def seat(user, mission, status=SignupStatus.CONFIRMED, *, listed=False) -> Signup:
    return Signup.objects.create(
        mission=mission, user=user, status=status, listed=listed, queue_number=next(_queue)
    )


def person(first: str, last: str, organisation: str = "Atelier Dupont"):
    return AmbassadorProfileFactory(
        user__first_name=first, user__last_name=last, organisation=organisation
    ).user


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pack_url(mission) -> str:
    return mission.url + mission.reverse_subpage("pack")


@pytest.fixture
def fair(index):
    """A trade fair in Montreal on 10 March 2027, 9:00–17:00 local time (UTC−5), with
    the builders' briefing (objectives, key message, pitch card, logistics, contact)
    plus a key figure and a signal."""
    briefing = [
        *BRIEFING,
        {
            "type": "key_figure",
            "value": {"value": "1 200", "label": "entreprises industrielles", "source": "INSEE"},
        },
        {
            "type": "signal",
            "value": {
                "sign": "Une vague de recrutements",
                "why": "Le site devient trop petit.",
                "ask": "Où installerez-vous ces équipes ?",
            },
        },
    ]
    return add_mission(
        index,
        "Salon SIAL Canada",
        kind=MissionKind.TRADE_FAIR,
        starts_at=datetime.datetime(2027, 3, 10, 14, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 3, 10, 22, 0, tzinfo=UTC),
        time_zone="America/Montreal",
        place="Palais des congrès, stand 412",
        city="Montréal",
        country="CA",
        summary="Le stand de la Sarthe au SIAL.",
        online_url="https://visio.exemple.fr/salle-sial",
        contact_name="Julie Martin",
        contact_email="julie@exemple.fr",
        contact_phone="+33 2 43 00 00 01",
        briefing=briefing,
    )


@pytest.fixture
def roster(fair):
    """Two listed participants, one who did not agree to be listed, and listed people
    who hold no seat (waitlisted, cancelled)."""
    seat(person("Alice", "Bernard", "Bernard Industrie"), fair, listed=True)
    seat(person("Bruno", "Caron", "Caron & Fils"), fair, SignupStatus.ATTENDED, listed=True)
    seat(person("Chloé", "Discrète", "Société Secrète"), fair, listed=False)
    seat(person("Denis", "Attente"), fair, SignupStatus.WAITLISTED, listed=True)
    seat(person("Emma", "Partie"), fair, SignupStatus.CANCELLED, listed=True)
    return fair


# --- The HTML -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pack_presents_the_mission_in_its_local_time(fair):
    with translation.override("fr"):
        html = pack.pack_html(fair, access=PARTICIPANT)
        kind = str(fair.get_kind_display())

    assert "Salon SIAL Canada" in html
    assert kind in html
    assert "Le stand de la Sarthe au SIAL." in html
    assert "10 mars 2027, 09:00 – 17:00" in html
    assert "America/Montreal (EST, UTC−05:00)" in html
    assert "10 mars 2027, 15:00 – 23:00" in html  # the same hours in Paris
    assert "Palais des congrès, stand 412, Montréal, Canada" in html
    assert f"http://testserver{fair.url}" in html


@pytest.mark.django_db
def test_the_pack_holds_the_briefing_and_the_staff_contact(fair):
    html = pack.pack_html(fair, access=PARTICIPANT)

    for text in (
        "Rencontrer 20 exposants",  # objectives
        "La Sarthe, à 55 min de Paris",  # key messages
        "Foncier disponible",  # pitch card
        "120 ha viabilisés",
        "1 200",  # key figure
        "entreprises industrielles",
        "Une vague de recrutements",  # signal
        "Où installerez-vous ces équipes ?",
        "Hall 5, stand B12.",  # logistics
        "Chargée de mission",  # contact block
        "julie@exemple.fr",
        "+33 2 43 00 00 01",  # staff contact
    ):
        assert text.replace("'", "&#x27;") in html, text
    assert "<svg" not in html and "<script" not in html  # print templates, not the site's


@pytest.mark.django_db
def test_the_online_link_is_for_those_who_may_read_it(fair, staff):
    assert "https://visio.exemple.fr/salle-sial" in pack.pack_html(fair, access=PARTICIPANT)
    assert "https://visio.exemple.fr/salle-sial" in pack.pack_html(
        fair, access=pack.pack_access(user=staff, mission=fair)
    )
    assert "https://visio.exemple.fr/salle-sial" not in pack.pack_html(
        fair, access=pack.PackAccess(True)
    )


@pytest.mark.django_db
def test_listed_participants_are_named_and_the_others_counted(roster):
    with translation.override("fr"):
        html = pack.pack_html(roster, access=PARTICIPANT)
        others = ngettext(
            "and %(counter)s other participant", "and %(counter)s other participants", 1
        ) % {"counter": 1}

    assert "Alice Bernard" in html and "Bernard Industrie" in html
    assert "Bruno Caron" in html and "Caron &amp; Fils" in html
    assert others in html
    for hidden in ("Chloé", "Discrète", "Société Secrète", "Denis", "Emma"):
        assert hidden not in html


@pytest.mark.django_db
def test_with_nobody_listed_the_pack_only_counts_the_participants(fair):
    seat(person("Chloé", "Discrète"), fair)
    seat(person("Denis", "Réservé"), fair)

    with translation.override("fr"):
        html = pack.pack_html(fair, access=PARTICIPANT)
        count = ngettext("%(counter)s participant", "%(counter)s participants", 2) % {"counter": 2}

    assert count in html
    assert "Chloé" not in html and "Denis" not in html


@pytest.mark.django_db
def test_a_mission_without_a_staff_contact_gives_the_clubs_address(index):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.contact_email = "contact@club.exemple.fr"
    site_settings.save()
    bare = add_mission(index, "Sans contact", briefing=[])

    html = pack.pack_html(bare, access=PARTICIPANT)

    assert "contact@club.exemple.fr" in html


# --- The PDF and who may download it ------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_says_what_the_html_says(signed_in, roster):
    member = Signup.objects.get(mission=roster, user__first_name="Chloé").user

    response = signed_in(member).get(pack_url(roster))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'attachment; filename="dossier-salon-sial-canada.pdf"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = pdf_text(response.content)
    for expected in (
        "Salon SIAL Canada",
        "America/Montreal",
        "Foncier disponible",
        "Alice Bernard",
        "Bernard Industrie",
        "Julie Martin",
        "visio.exemple.fr/salle-sial",
    ):
        assert expected in text, expected
    assert "Société Secrète" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("confirmed", 200),
        ("attended", 200),
        ("waitlisted", 403),
        ("pending", 403),
        ("cancelled", 403),
        ("another ambassador", 403),
        ("staff", 200),
        ("manager", 200),
    ],
)
def test_who_may_download_the_pack(signed_in, fair, staff, manager, who, expected):
    if who == "staff":
        user = staff
    elif who == "manager":
        user = manager
    else:
        user = person("Ambre", "Test")
        if who != "another ambassador":
            seat(user, fair, SignupStatus(who))
        seat(person("Autre", "Confirmé"), fair)

    response = signed_in(user).get(pack_url(fair))

    assert response.status_code == expected
    if expected == 403:
        assert b"%PDF" not in response.content


@pytest.mark.django_db
def test_a_signed_out_visitor_is_sent_to_sign_in(client, fair):
    response = client.get(pack_url(fair))

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert "dossier.pdf" in response["Location"]


@pytest.mark.django_db
def test_the_refusal_says_why(signed_in, fair):
    user = person("Ambre", "Test")
    seat(user, fair, SignupStatus.WAITLISTED)

    access = pack.pack_access(user=user, mission=fair)

    assert not access.allowed
    assert access.reason == gettext(pack.REASON_NOT_PARTICIPANT)

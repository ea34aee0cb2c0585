"""The ambassador's pages of missions, through the real forms (the full POSTs a browser
sends): `/missions/` and its filters, each card with the person's state; a mission page
with exactly why one may not sign up (every reason of the gate, the badges to earn with
the courses that lead to them); signing up (confirmed, waitlisted with a position,
pending the staff's selection, the briefing to acknowledge); forged requests refused
with the reason; cancelling one's own sign-up (never another's) and the waiting list's
promotion; after the deadline, whom to write to. Query counts are pinned and do not grow
with the number of missions, badges and sign-ups.

Fixtures (`conftest.py`): `mission` is a first-come trade fair in 30 days, 2 seats,
requiring `badge`; `certifie` is the `ambassador` holding it.
"""

from __future__ import annotations

import datetime
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext

from briefings import selectors, services, views
from briefings.forms import CancelForm, SignupForm
from briefings.models import MissionKind, SelectionMode, Signup, SignupStatus
from home.languages import language_names
from home.models import MembershipStatus, Sector
from home.selectors import MEMBERSHIP_REASONS
from lms.models import BadgeAward
from tests.briefings.builders import (
    BRIEFING,
    DAY,
    add_badge,
    add_mission,
    certified,
    give_badge,
)
from tests.factories import AmbassadorProfileFactory

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _no_emails(monkeypatch):
    """The sign-up emails are another module's (and tested there): not sent here."""
    sent = []
    monkeypatch.setattr(services, "notify", lambda signup, event, **extra: sent.append(event))
    return sent


# --- Helpers -------------------------------------------------------------------------------


def fr(message) -> str:
    """A message as the site shows it (French, once the catalogue is complete)."""
    with translation.override("fr"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def nfr(singular: str, plural: str, count: int) -> str:
    with translation.override("fr"):
        return ngettext(singular, plural, count) % {"count": count}


def route(mission, name: str) -> str:
    return mission.url + mission.reverse_subpage(name)


class Html(HTMLParser):
    """The elements of a page: for each element, its tag, attributes and text (with its
    descendants'), so that tests look for what a person reads where they read it."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "use", "area"}

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": {k: (v if v is not None else "") for k, v in attrs}}
        element["text"] = []
        element["parent"] = self._open[-1] if self._open else None
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        if all(element["tag"] != tag for element in self._open):
            return  # a void element's stray end tag (`</use>` in the icons)
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"].append(data)

    def all(self, attribute: str, value: str | None = None) -> list[dict]:
        """Elements with `attribute` (equal to `value`; for "class", holding it)."""

        def matches(element):
            if attribute not in element["attrs"]:
                return False
            if value is None:
                return True
            if attribute == "class":
                return value in element["attrs"]["class"].split()
            return element["attrs"][attribute] == value

        return [e for e in self.elements if matches(e)]

    def children(self, element: dict, tag: str) -> list[str]:
        """The texts of `element`'s children that are `tag`s."""
        return [self.text(e) for e in self.elements if e["parent"] is element and e["tag"] == tag]

    def one(self, attribute: str, value: str | None = None) -> dict:
        found = self.all(attribute, value)
        assert len(found) == 1, (attribute, value, len(found))
        return found[0]

    def has(self, attribute: str, value: str | None = None) -> bool:
        return bool(self.all(attribute, value))

    @staticmethod
    def text(element: dict) -> str:
        return " ".join(unescape("".join(element["text"])).split())

    def text_of(self, attribute: str, value: str | None = None) -> str:
        return self.text(self.one(attribute, value))

    def hrefs(self) -> list[str]:
        return [
            e["attrs"]["href"] for e in self.elements if e["tag"] == "a" and "href" in e["attrs"]
        ]

    def count(self, tag: str, **attrs) -> int:
        return sum(
            1
            for e in self.elements
            if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())
        )

    def field(self, name: str) -> dict | None:
        return next(
            (
                e
                for e in self.elements
                if e["tag"] in ("input", "textarea") and e["attrs"].get("name") == name
            ),
            None,
        )


def html(response) -> Html:
    return Html(response.content.decode())


def assert_sign_in_then_back_to(response, url):
    assert response.status_code == 302
    where = urlsplit(response["Location"])
    assert where.path == "/connexion/"
    assert parse_qs(where.query) == {"next": [url]}


def assert_never_cached(response):
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def set_status(user, status):
    profile = user.ambassador_profile
    profile.status = status
    profile.save(update_fields=["status"])


def update(mission, **fields):
    for name, value in fields.items():
        setattr(mission, name, value)
    mission.save_revision().publish()
    mission.refresh_from_db()
    return mission


def signup_data(**fields) -> dict:
    """What the sign-up form sends: the motivation, and the boxes ticked."""
    data = {"motivation": fields.pop("motivation", "J'ai exposé au SIMA en 2025.")}
    for name, ticked in fields.items():
        if ticked:
            data[name] = "on"
    return data


def sign_up(user, mission, status=None) -> Signup:
    """A sign-up made through the service (the page is what is tested)."""
    signup = services.signup_create(user=user, mission=mission, acknowledged=bool(mission.briefing))
    if status is not None:
        assert signup.status == status
    return signup


# --- The gate, on the mission page ------------------------------------------------------------


def _date(moment, mission):
    with translation.override("fr"):
        return selectors._date(moment, mission)


def _signed_out(client, mission, ambassador, badge):
    return client, [fr(selectors.REASON_SIGN_IN)], [selectors.Code.SIGN_IN]


def _inactive(client, mission, ambassador, badge):
    give_badge(ambassador, badge)
    set_status(ambassador, MembershipStatus.SUSPENDED)
    client.force_login(ambassador)
    return client, [fr(MEMBERSHIP_REASONS[MembershipStatus.SUSPENDED])], [selectors.Code.MEMBERSHIP]


def _missing_badge(client, mission, ambassador, badge):
    client.force_login(ambassador)
    reason = fr(selectors.REASON_MISSING_BADGE) % {"badge": badge.name}
    return client, [reason], [selectors.Code.BADGES]


def _expired_badge(client, mission, ambassador, badge):
    expired = timezone.now() - DAY
    give_badge(ambassador, badge, issued=timezone.now() - 400 * DAY, expires=expired)
    client.force_login(ambassador)
    with translation.override("fr"):
        date = date_format(timezone.localtime(expired), "DATE_FORMAT")
    reason = fr(selectors.REASON_EXPIRED_BADGE) % {"badge": badge.name, "date": date}
    return client, [reason], [selectors.Code.BADGES]


def _not_open(client, mission, ambassador, badge):
    give_badge(ambassador, badge)
    opens = timezone.now() + 3 * DAY
    update(mission, signup_opens_at=opens)
    client.force_login(ambassador)
    return (
        client,
        [fr(selectors.REASON_NOT_OPEN) % {"date": _date(opens, mission)}],
        [selectors.Code.NOT_OPEN],
    )


def _closed(client, mission, ambassador, badge):
    give_badge(ambassador, badge)
    closed = timezone.now() - DAY
    update(mission, signup_closes_at=closed)
    client.force_login(ambassador)
    return (
        client,
        [fr(selectors.REASON_CLOSED) % {"date": _date(closed, mission)}],
        [selectors.Code.CLOSED],
    )


def _started(client, mission, ambassador, badge):
    give_badge(ambassador, badge)
    update(mission, starts_at=timezone.now() - HOUR, ends_at=timezone.now() + HOUR)
    client.force_login(ambassador)
    return client, [fr(selectors.REASON_STARTED)], [selectors.Code.STARTED]


def _suspended_and_expired(client, mission, ambassador, badge):
    """Every reason is given, not only the first."""
    _client, expired, _codes = _expired_badge(client, mission, ambassador, badge)
    set_status(ambassador, MembershipStatus.SUSPENDED)
    return (
        client,
        [fr(MEMBERSHIP_REASONS[MembershipStatus.SUSPENDED]), *expired],
        [selectors.Code.MEMBERSHIP, selectors.Code.BADGES],
    )


@pytest.mark.parametrize(
    "situation",
    [
        _signed_out,
        _inactive,
        _missing_badge,
        _expired_badge,
        _not_open,
        _closed,
        _started,
        _suspended_and_expired,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_the_mission_page_says_exactly_why_one_may_not_sign_up(
    client, mission, ambassador, badge, situation
):
    client, reasons, codes = situation(client, mission, ambassador, badge)

    response = client.get(mission.url)

    assert response.status_code == 200
    gate = response.context["gate"]
    assert not gate.allowed and gate.codes == codes and gate.reasons == reasons
    page = html(response)
    place = page.text_of("data-your-place")
    for reason in reasons:
        assert reason in place
    assert not page.has("data-signup-form") and page.field("motivation") is None
    shown = page.one("data-reasons")
    assert (page.children(shown, "li") if shown["tag"] == "ul" else [Html.text(shown)]) == reasons
    if selectors.Code.SIGN_IN in codes:
        assert f"/connexion/?next={mission.url}" in page.hrefs()
    if selectors.Code.BADGES in codes:
        # What unlocks it: the badge, and the course that leads to it, linked.
        course = badge.criteria.get().target_page
        lacks = page.one("data-lacks")
        assert badge.name in Html.text(lacks)
        assert course.url in page.hrefs()
        expired = gate.lacks[0].expired_at is not None
        assert bool(page.all("class", "badge-lack--renew")) == expired


def test_an_allowed_ambassador_sees_the_sign_up_form(client, mission, certifie):
    client.force_login(certifie)

    response = client.get(mission.url)

    page = html(response)
    assert response.context["gate"].allowed
    assert page.has("data-signup-form")
    assert page.one("data-signup-form")["attrs"]["action"] == route(mission, "signup")
    assert page.field("motivation") is not None and page.field("listed") is not None
    assert page.field("acknowledge") is None  # the mission has no briefing
    assert fr("Sign up") in page.text_of("data-signup-form")
    assert not page.has("data-reasons")
    assert_never_cached(response)


def test_an_already_signed_up_ambassador_sees_their_sign_up_not_the_form(client, mission, certifie):
    sign_up(certifie, mission, SignupStatus.CONFIRMED)
    client.force_login(certifie)

    response = client.get(mission.url)

    page = html(response)
    gate = response.context["gate"]
    assert gate.codes == [selectors.Code.SIGNED_UP]
    assert page.one("data-signup-status")["attrs"]["data-signup-status"] == "confirmed"
    assert fr("You are signed up: your seat is confirmed.") in page.text_of("data-your-place")
    assert not page.has("data-signup-form")
    assert route(mission, "cancel") in page.hrefs()
    assert route(mission, "pack") in page.hrefs()  # a confirmed participant's pack


def test_the_mission_page_shows_the_details_briefing_and_downloads(client, index, badge):
    mission = add_mission(
        index,
        "Salon SIAL Canada",
        seats=3,
        badges=[badge],
        briefing=BRIEFING,
        kind=MissionKind.TRADE_FAIR,
        time_zone="America/Toronto",
        starts_at=datetime.datetime(2031, 5, 6, 13, 0, tzinfo=datetime.UTC),
        place="Palais des congrès, stand 412",
        address="1001 place Jean-Paul-Riopelle",
        city="Montréal",
        country="CA",
        languages=["en", "fr"],
        sectors=["industry"],
        contact_name="Julie Martin",
        contact_email="julie@exemple.fr",
        contact_phone="+33 2 43 00 00 01",
    )

    response = client.get(mission.url)

    assert response.status_code == 200
    page = html(response)
    assert page.count("h1") == 1 and page.text_of("class", "lead") == mission.summary
    header = page.text_of("class", "mission__header")
    # Local time (09:00 in Toronto) and its zone; then the same in Paris (15:00).
    assert "6 mai 2031, 09:00–17:00" in header and "America/Toronto" in header
    assert "15:00" in header
    assert "Palais des congrès, stand 412" in header and "Montréal" in header
    assert "Canada" in header
    with translation.override("fr"):
        assert page.text_of("data-languages") == language_names(["en", "fr"])
    assert page.text_of("data-sectors") == fr(Sector.INDUSTRY.label)
    # The briefing's blocks, each with its template.
    briefing = page.text_of("id", "briefing")
    for expected in (
        "Rencontrer 20 exposants",
        "La Sarthe, à 55 min de Paris",
        "Foncier disponible",
        "Hall 5, stand B12",
        "Julie Martin",
        "Chargée de mission",
    ):
        assert expected in briefing
    assert "mailto:julie@exemple.fr" in page.hrefs()
    # The .ics for everyone; the pack for participants only.
    assert route(mission, "ics") in page.hrefs()
    assert route(mission, "pack") not in page.hrefs()
    assert "julie@exemple.fr" in page.text_of("data-contact")


def test_the_preview_renders_without_a_user(mission):
    update(mission, briefing=BRIEFING)

    response = mission.make_preview_request()

    assert response.status_code == 200
    page = html(response)
    assert page.count("h1") == 1
    assert "Rencontrer 20 exposants" in page.text_of("id", "briefing")
    assert not page.has("data-signup-form") and not page.has("data-reasons")


# --- Signing up ---------------------------------------------------------------------------


def test_signing_up_confirms_a_seat_and_says_so(client, mission, certifie):
    client.force_login(certifie)

    response = client.post(route(mission, "signup"), signup_data(listed=True))

    assert response.status_code == 302 and response["Location"] == mission.url
    signup = Signup.objects.get(mission=mission)
    assert (signup.user, signup.status, signup.listed) == (certifie, SignupStatus.CONFIRMED, True)
    assert signup.motivation == "J'ai exposé au SIMA en 2025."
    assert signup.briefing_acknowledged_at is None
    page = html(client.get(mission.url))
    assert fr(views.MESSAGES[SignupStatus.CONFIRMED]) in page.text_of("class", "messages")
    assert page.one("data-signup-status")["attrs"]["data-signup-status"] == "confirmed"
    assert page.text_of("data-seats") == nfr("%(count)s seat left", "%(count)s seats left", 1)


def test_a_full_mission_puts_the_ambassador_on_the_waiting_list_with_their_position(
    client, mission, badge, certifie
):
    first, second, waiting = certified(badge, 3)
    sign_up(first, mission, SignupStatus.CONFIRMED)
    sign_up(second, mission, SignupStatus.CONFIRMED)
    sign_up(waiting, mission, SignupStatus.WAITLISTED)
    client.force_login(certifie)

    form_page = html(client.get(mission.url))
    response = client.post(route(mission, "signup"), signup_data())

    assert fr("Join the waiting list") in form_page.text_of("data-signup-form")
    assert form_page.one("data-outcome")["attrs"]["data-outcome"] == "waitlisted"
    assert response.status_code == 302
    mine = Signup.objects.get(mission=mission, user=certifie)
    assert mine.status == SignupStatus.WAITLISTED
    assert selectors.waitlist_position(mine) == 2
    page = html(client.get(mission.url))
    expected = fr(views.MESSAGES[SignupStatus.WAITLISTED]) % {"position": 2}
    assert expected in page.text_of("class", "messages")
    assert page.one("data-signup-status")["attrs"]["data-signup-status"] == "waitlisted"
    assert "2" in page.text_of("data-signup-status")
    assert Signup.objects.filter(mission=mission, status=SignupStatus.CONFIRMED).count() == 2


def test_a_staff_selected_mission_takes_an_application_pending(client, index, badge, certifie):
    mission = add_mission(index, "Délégation d'investisseurs", seats=2, badges=[badge])
    update(mission, selection_mode=SelectionMode.STAFF)
    client.force_login(certifie)

    form_page = html(client.get(mission.url))
    response = client.post(route(mission, "signup"), signup_data())

    assert fr("Apply") in form_page.text_of("data-signup-form")
    assert response.status_code == 302
    assert Signup.objects.get(mission=mission).status == SignupStatus.PENDING
    page = html(client.get(mission.url))
    assert fr(views.MESSAGES[SignupStatus.PENDING]) in page.text_of("class", "messages")
    assert page.one("data-signup-status")["attrs"]["data-signup-status"] == "pending"


def test_the_briefing_must_be_acknowledged_and_the_motivation_is_kept(client, mission, certifie):
    update(mission, briefing=BRIEFING)
    client.force_login(certifie)
    assert html(client.get(mission.url)).field("acknowledge") is not None

    refused = client.post(route(mission, "signup"), signup_data(motivation="Je parle anglais."))

    assert refused.status_code == 400
    assert not Signup.objects.exists()
    page = html(refused)
    error = SignupForm(needs_acknowledgement=True).fields["acknowledge"].error_messages["required"]
    assert fr(error) in page.text_of("data-signup-form")
    assert "Je parle anglais." in Html.text(page.field("motivation"))

    accepted = client.post(
        route(mission, "signup"), signup_data(motivation="Je parle anglais.", acknowledge=True)
    )

    assert accepted.status_code == 302
    signup = Signup.objects.get()
    assert signup.status == SignupStatus.CONFIRMED and signup.briefing_acknowledged_at


@pytest.mark.parametrize("expired", [False, True], ids=["uncertified", "expired"])
def test_a_forged_sign_up_is_refused_with_the_reason(client, mission, ambassador, badge, expired):
    if expired:
        give_badge(
            ambassador, badge, issued=timezone.now() - 400 * DAY, expires=timezone.now() - DAY
        )
    client.force_login(ambassador)

    response = client.post(route(mission, "signup"), signup_data())

    assert response.status_code == 403
    assert not Signup.objects.exists()
    reason = selectors.signup_gate(user=ambassador, mission=mission).reason
    assert reason.startswith(
        fr(selectors.REASON_EXPIRED_BADGE if expired else selectors.REASON_MISSING_BADGE)[:8]
    )
    page = html(response)
    alert = page.one("data-refused")
    assert alert["attrs"]["role"] == "alert"
    assert page.text_of("data-refused-reason") == reason
    assert not page.has("data-signup-form")


def test_signing_up_is_a_post_by_someone_signed_in(client, mission):
    assert client.get(route(mission, "signup")).status_code == 405
    assert_sign_in_then_back_to(client.post(route(mission, "signup"), signup_data()), mission.url)
    assert not Signup.objects.exists()


# --- Cancelling ---------------------------------------------------------------------------


def test_cancelling_my_sign_up_promotes_the_first_on_the_waiting_list(
    client, mission, badge, certifie
):
    other, first_waiting, second_waiting = certified(badge, 3)
    mine = sign_up(certifie, mission, SignupStatus.CONFIRMED)
    sign_up(other, mission, SignupStatus.CONFIRMED)
    first = sign_up(first_waiting, mission, SignupStatus.WAITLISTED)
    second = sign_up(second_waiting, mission, SignupStatus.WAITLISTED)
    client.force_login(certifie)

    asked = client.get(route(mission, "cancel"))

    assert asked.status_code == 200
    page = html(asked)
    assert page.count("h1") == 1
    assert page.one("data-signup-status")["attrs"]["data-signup-status"] == "confirmed"
    assert page.field("confirm") is not None
    facts = page.text_of("class", "mission-cancel__facts")
    assert mission.title in facts
    with translation.override("fr"):
        deadline = date_format(mission.local(mission.cancellable_until), "DATETIME_FORMAT")
    assert deadline in facts

    response = client.post(route(mission, "cancel"), {"confirm": "on"})

    assert response.status_code == 302 and response["Location"] == mission.url
    statuses = dict(Signup.objects.values_list("pk", "status"))
    assert statuses == {
        mine.pk: SignupStatus.CANCELLED,
        Signup.objects.get(user=other).pk: SignupStatus.CONFIRMED,
        first.pk: SignupStatus.CONFIRMED,
        second.pk: SignupStatus.WAITLISTED,
    }
    after = html(client.get(mission.url))
    assert fr(views.MESSAGE_CANCELLED) in after.text_of("class", "messages")
    # Cancelled: the gate lets me sign up again (at the back of the queue).
    assert after.has("data-signup-form")


def test_cancelling_needs_the_box_ticked(client, mission, certifie):
    mine = sign_up(certifie, mission, SignupStatus.CONFIRMED)
    client.force_login(certifie)

    response = client.post(route(mission, "cancel"), {})

    assert response.status_code == 400
    error = CancelForm().fields["confirm"].error_messages["required"]
    assert fr(error) in html(response).text_of("data-cancel-form")
    mine.refresh_from_db()
    assert mine.status == SignupStatus.CONFIRMED


def test_nobody_sees_or_cancels_another_persons_sign_up(client, mission, badge, certifie):
    (other,) = certified(badge, 1)
    theirs = sign_up(other, mission, SignupStatus.CONFIRMED)
    client.force_login(certifie)

    seen = client.get(route(mission, "cancel"))
    posted = client.post(route(mission, "cancel"), {"confirm": "on"})
    page = html(client.get(mission.url))

    assert seen.status_code == 302 and seen["Location"] == mission.url
    assert posted.status_code == 302 and posted["Location"] == mission.url
    theirs.refresh_from_db()
    assert theirs.status == SignupStatus.CONFIRMED
    assert not page.has("data-signup-status")  # their sign-up is not mine
    assert other.email not in page.text_of("data-your-place")
    assert page.has("data-signup-form")


def test_after_the_deadline_the_pages_say_whom_to_write_to(client, mission, certifie):
    mine = sign_up(certifie, mission, SignupStatus.CONFIRMED)
    update(mission, cancellation_deadline=timezone.now() - HOUR, contact_email="julie@exemple.fr")
    client.force_login(certifie)

    mission_page = html(client.get(mission.url))
    asked = client.get(route(mission, "cancel"))
    refused = client.post(route(mission, "cancel"), {"confirm": "on"})

    assert "julie@exemple.fr" in mission_page.text_of("data-cancel-closed")
    assert route(mission, "cancel") not in mission_page.hrefs()
    assert asked.status_code == 200
    page = html(asked)
    assert "julie@exemple.fr" in page.text_of("data-cancel-closed")
    assert "mailto:julie@exemple.fr" in page.hrefs()
    assert not page.has("data-cancel-form")
    assert refused.status_code == 403
    expected = fr(services.ERROR_DEADLINE) % {"contact": "julie@exemple.fr"}
    assert html(refused).text_of("data-refused-reason") == expected
    mine.refresh_from_db()
    assert mine.status == SignupStatus.CONFIRMED


def test_cancelling_asks_to_sign_in(client, mission):
    assert_sign_in_then_back_to(client.get(route(mission, "cancel")), route(mission, "cancel"))


# --- /missions/ ---------------------------------------------------------------------------


@pytest.fixture
def catalogue(index, badge):
    """A trade fair in France requiring `badge` (in 30 days), a webinar open to all (in
    100 days) and a promotion operation in Canada (in 40 days, Toronto's time)."""
    now = timezone.now()
    return {
        "fair": add_mission(index, "Salon SIMA", badges=[badge], starts_at=now + 30 * DAY),
        "webinar": add_mission(
            index, "Webinaire investisseurs", kind=MissionKind.WEBINAR, starts_at=now + 100 * DAY
        ),
        "canada": add_mission(
            index,
            "Opération Toronto",
            kind=MissionKind.PROMOTION,
            starts_at=now + 40 * DAY,
            city="Toronto",
            country="CA",
            time_zone="America/Toronto",
        ),
    }


def titles(response) -> list[str]:
    return [card.mission.title for card in response.context["cards"]]


def test_the_list_shows_each_mission_with_my_state(client, index, catalogue, ambassador, badge):
    fair = catalogue["fair"]
    update(fair, seats=1)
    (taken,) = certified(badge, 1)
    sign_up(taken, fair, SignupStatus.CONFIRMED)
    client.force_login(ambassador)
    sign_up(ambassador, catalogue["canada"], SignupStatus.CONFIRMED)

    response = client.get(index.url)

    assert response.status_code == 200
    assert titles(response) == ["Salon SIMA", "Opération Toronto", "Webinaire investisseurs"]
    page = html(response)
    assert page.count("h1") == 1
    assert page.one("data-count")["attrs"]["data-count"] == "3"
    cards = {c["attrs"]["data-mission"]: Html.text(c) for c in page.all("data-mission")}
    fair_card = cards[str(fair.pk)]
    # Locked: the first reason, and what unlocks it (the badge, the course linked).
    assert fr(selectors.REASON_MISSING_BADGE) % {"badge": badge.name} in fair_card
    assert badge.criteria.get().target_page.url in page.hrefs()
    assert badge.name in fair_card
    full = nfr(
        "Full — waiting list open (%(count)s waiting)",
        "Full — waiting list open (%(count)s waiting)",
        0,
    )
    assert full in fair_card
    # Signed up, with the status; open to me.
    assert page.all("data-signup-status", "confirmed")
    assert fr("You can sign up") in cards[str(catalogue["webinar"].pk)]
    # Abroad: the local time and its zone.
    assert "America/Toronto" in cards[str(catalogue["canada"].pk)]
    assert "America/Toronto" not in cards[str(catalogue["webinar"].pk)]
    assert_never_cached(response)


def test_the_list_filters_by_kind_month_and_country(client, index, catalogue):
    def listed(**query):
        return titles(client.get(index.url + "?" + urlencode(query)))

    webinar_month = timezone.localtime(catalogue["webinar"].starts_at).strftime("%Y-%m")

    assert listed(kind=MissionKind.WEBINAR) == ["Webinaire investisseurs"]
    assert listed(country="ca") == ["Opération Toronto"]
    assert listed(month=webinar_month) == ["Webinaire investisseurs"]
    assert listed(kind=MissionKind.WEBINAR, country="CA") == []
    # Unknown values are ignored, not errors.
    assert len(listed(kind="banquet", month="2020-13", country="ZZ")) == 3

    response = client.get(index.url + "?" + urlencode({"kind": MissionKind.BRIEFING_SESSION}))
    page = html(response)
    assert page.one("data-empty")["attrs"]["data-empty"] == "filtered"
    assert index.url in page.hrefs()  # reset
    kind = page.one("id", "filter-kind")
    assert kind["tag"] == "select"
    selected = [e for e in page.elements if e["tag"] == "option" and "selected" in e["attrs"]]
    assert [e["attrs"]["value"] for e in selected] == [MissionKind.BRIEFING_SESSION]


def test_open_to_me_keeps_the_missions_i_may_sign_up_for(client, index, catalogue, ambassador):
    assert html(client.get(index.url)).field("open") is None  # signed out: no such filter
    assert len(titles(client.get(index.url + "?open=1"))) == 3  # and ignored

    client.force_login(ambassador)
    page = html(client.get(index.url))
    response = client.get(index.url + "?open=1")

    assert page.field("open") is not None
    assert titles(response) == ["Opération Toronto", "Webinaire investisseurs"]
    assert "checked" in html(response).field("open")["attrs"]

    set_status(ambassador, MembershipStatus.SUSPENDED)
    empty = client.get(index.url + "?open=1")
    assert titles(empty) == []
    assert html(empty).one("data-empty")["attrs"]["data-empty"] == "filtered"


def test_an_empty_list_says_so(client, index):
    page = html(client.get(index.url))
    assert page.one("data-empty")["attrs"]["data-empty"] == "none"
    assert page.one("data-count")["attrs"]["data-count"] == "0"


# --- Query counts -------------------------------------------------------------------------


def _world(index, home_page, missions: int, badges: int, signups: int):
    """`missions` missions, each requiring `badges` badges, full with `signups` sign-ups by
    others; I am on the first one's waiting list, and my last badge has expired since (so
    every page shows what to renew, with its course)."""
    required = [add_badge(home_page, f"badge-{i}") for i in range(badges)]
    people = certified(None, signups)
    for person in people:
        for badge in required:
            give_badge(person, badge)
    me = AmbassadorProfileFactory(user__email="certifiee@exemple.fr").user
    for badge in required:
        give_badge(me, badge)
    made = []
    for number in range(missions):
        mission = add_mission(index, f"Mission {number}", seats=signups, badges=required)
        for person in people:
            sign_up(person, mission)
        made.append(mission)
    sign_up(me, made[0], SignupStatus.WAITLISTED)
    BadgeAward.objects.filter(user=me, badge=required[-1]).update(expires_at=timezone.now() - DAY)
    return me, made


@pytest.mark.parametrize(("missions", "badges", "signups"), [(2, 1, 1), (12, 3, 4)])
def test_the_list_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, index, home_page, missions, badges, signups
):
    me, _made = _world(index, home_page, missions, badges, signups)
    client.force_login(me)
    client.get(index.url)  # Wagtail's site root paths, cached from then on

    # 22 whatever the number of missions, badges and sign-ups: the session and user (2);
    # Wagtail's routing to the index (site, 3 pages, the aliases, view restrictions: 6);
    # the missions with theirs (2; the filters' months and countries come from them);
    # their required badges (3: the links, the badges, their criteria with
    # their courses); seat counts (1); my badges (1); my sign-ups (1); the site's
    # settings (1); the permissions the menu asks (2); the session saved (3).
    with django_assert_num_queries(22):
        response = client.get(index.url)
    assert len(response.context["cards"]) == missions
    # Locked everywhere but where I wait: what to renew, with its course.
    assert len(html(response).all("data-lack")) == missions - 1


@pytest.mark.parametrize(("badges", "signups"), [(1, 1), (3, 10)])
def test_a_mission_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, index, home_page, badges, signups
):
    me, made = _world(index, home_page, 1, badges, signups)
    update(made[0], briefing=BRIEFING)
    client.force_login(me)
    client.get(made[0].url)

    # 24 whatever the number of badges and sign-ups: the session and user (2); Wagtail's
    # routing (site, 4 pages, aliases, view restrictions: 7); the required badges (3);
    # seat counts (1); my badges (1); my sign-ups (1); the permissions (2: may I download
    # the pack as staff?); my waiting-list position (1); the contact's and the footer's
    # site settings (3); the breadcrumb's parent is among the routing's pages; the session
    # saved (3).
    with django_assert_num_queries(24):
        response = client.get(made[0].url)
    assert response.context["signup"].user == me and response.context["position"] == 1
    assert len(html(response).all("data-lack")) == 1

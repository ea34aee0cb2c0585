"""Sign-in throttling with django-axes: failures are counted per account *and* client
address together, with a cool-off; the answer is the same whether or not the account
exists, so nobody learns which addresses have one and nobody locks out everyone."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django.utils.html import escape

from home.forms import SignInForm
from home.throttling import locked_out_message
from tests.factories import PASSWORD

LIMIT = settings.AXES_FAILURE_LIMIT
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.23"


@pytest.fixture(autouse=True)
def _site(home_page):
    return home_page


def sign_in(client, email, password, address=ATTACKER, **extra):
    return client.post(
        "/connexion/", {"username": email, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client, email, times, address=ATTACKER, **extra):
    for _ in range(times):
        response = sign_in(client, email, "pas-le-bon", address, **extra)
        assert response.status_code in (200, 429)


def locked_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return escape(locked_out_message(minutes))


def assert_locked(response):
    assert response.status_code == 429
    assert locked_message() in response.content.decode()


def test_failures_below_the_limit_get_the_usual_message(client, ambassador):
    fail(client, ambassador.email, LIMIT - 2)

    response = sign_in(client, ambassador.email, "pas-le-bon")

    assert response.status_code == 200
    assert escape(str(SignInForm.error_messages["invalid_login"])) in response.content.decode()
    assert sign_in(client, ambassador.email, PASSWORD)["Location"] == "/mon-espace/"


def test_after_the_limit_even_the_right_password_is_refused_with_429(client, ambassador):
    fail(client, ambassador.email, LIMIT)

    response = sign_in(client, ambassador.email, PASSWORD)

    assert_locked(response)
    assert SESSION_KEY not in client.session
    assert response.context["form"]["username"].value() == ambassador.email


def test_an_account_that_does_not_exist_gets_the_same_answer(client, db):
    fail(client, "personne@exemple.fr", LIMIT)

    response = sign_in(client, "personne@exemple.fr", PASSWORD)

    assert_locked(response)


def test_the_same_account_from_another_address_is_not_locked(client, ambassador):
    fail(client, ambassador.email, LIMIT)

    response = sign_in(client, ambassador.email, PASSWORD, address=ELSEWHERE)

    assert response["Location"] == "/mon-espace/"
    assert client.session[SESSION_KEY] == str(ambassador.pk)


def test_another_account_from_the_locked_address_is_not_locked(client, ambassador):
    fail(client, "quelquun@exemple.fr", LIMIT)

    assert sign_in(client, ambassador.email, PASSWORD)["Location"] == "/mon-espace/"


def test_the_lock_ends_after_the_cool_off(client, ambassador):
    fail(client, ambassador.email, LIMIT)
    assert_locked(sign_in(client, ambassador.email, PASSWORD))

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )

    response = sign_in(client, ambassador.email, PASSWORD)
    assert response["Location"] == "/mon-espace/"


def test_a_shorter_cool_off_setting_is_honoured_and_announced(client, ambassador, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=2)
    fail(client, ambassador.email, LIMIT)

    locked = sign_in(client, ambassador.email, PASSWORD)
    assert locked.status_code == 429
    assert escape(locked_out_message(2)) in locked.content.decode()

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=3))

    assert sign_in(client, ambassador.email, PASSWORD)["Location"] == "/mon-espace/"


def test_capitalised_and_lower_case_addresses_count_as_the_same_account(client, ambassador):
    fail(client, "Ambassadrice@Exemple.fr", LIMIT - 2)
    fail(client, "ambassadrice@exemple.fr ", 2)

    assert_locked(sign_in(client, "AMBASSADRICE@exemple.fr", PASSWORD))
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [
        "ambassadrice@exemple.fr"
    ]


def test_behind_one_proxy_each_client_address_is_counted_apart(client, ambassador, settings):
    # One proxy appends the client's address to X-Forwarded-For and connects from its own.
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    fail(client, ambassador.email, LIMIT, address=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)

    locked = sign_in(client, ambassador.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    forged = sign_in(
        client,
        ambassador.email,
        PASSWORD,
        proxy,
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {ATTACKER}",
    )
    other = sign_in(client, ambassador.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert_locked(locked)
    assert_locked(forged)
    assert other["Location"] == "/mon-espace/"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}

"""`run_daily` and the notification log: each dated message goes out once."""

import datetime
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail import hooks

from home import hooks as home_hooks
from home.models import NotificationLog
from home.services import notification_send_once
from tests.factories import AmbassadorProfileFactory


def _reminder_hook(ambassador):
    def send_reminders(*, today):
        sent = notification_send_once(
            key=f"example-reminder:{today.isoformat()}:{ambassador.pk}",
            recipient=ambassador,
            template="example_notice",
            context={"name": ambassador.first_name},
        )
        return int(sent)

    return send_reminders


def test_run_daily_sends_a_dated_message_once_even_when_run_twice(
    db, ambassador, django_capture_on_commit_callbacks
):
    out = StringIO()
    with hooks.register_temporarily(home_hooks.DAILY_WORK, _reminder_hook(ambassador)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_daily", "--date", "2027-03-01", stdout=out)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_daily", "--date", "2027-03-01", stdout=out)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ambassadrice@exemple.fr"]
    assert message.subject == "Rappel pour Camille"
    assert "http://testserver/mon-espace/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://testserver/mon-espace/"' in html
    assert list(NotificationLog.objects.values_list("key", "recipient")) == [
        (f"example-reminder:2027-03-01:{ambassador.pk}", ambassador.pk)
    ]
    assert "Daily work for 2027-03-01: 1 done." in out.getvalue()
    assert "Daily work for 2027-03-01: 0 done." in out.getvalue()


def test_run_daily_sends_again_on_another_day(db, ambassador, django_capture_on_commit_callbacks):
    with (
        hooks.register_temporarily(home_hooks.DAILY_WORK, _reminder_hook(ambassador)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("run_daily", "--date", "2027-03-01", stdout=StringIO())
        call_command("run_daily", "--date", "2027-03-02", stdout=StringIO())

    assert len(mail.outbox) == 2
    assert NotificationLog.objects.count() == 2


def test_run_daily_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_daily", "--date", "01/03/2027", stdout=StringIO())


def test_run_daily_task_runs_the_same_daily_work(
    db, ambassador, django_capture_on_commit_callbacks
):
    from home.tasks import run_daily

    with (
        hooks.register_temporarily(home_hooks.DAILY_WORK, _reminder_hook(ambassador)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = run_daily.enqueue()
        second = run_daily.enqueue()

    assert (first.return_value, second.return_value) == (1, 0)
    assert len(mail.outbox) == 1


def test_no_email_is_sent_when_the_transaction_rolls_back(
    db, ambassador, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notification_send_once(
                    key="rolled-back",
                    recipient=ambassador,
                    template="example_notice",
                    context={"name": "Camille"},
                )
                raise RuntimeError("the caller fails after asking for the email")
        except RuntimeError:
            pass

    assert mail.outbox == []
    assert not NotificationLog.objects.filter(key="rolled-back").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_a_dated_message_once():
    """Eight threads send the same dated message at once: the unique log row lets one
    through. Runs on PostgreSQL in CI and on SQLite (file database, IMMEDIATE mode)."""
    ambassador = AmbassadorProfileFactory().user
    barrier = threading.Barrier(8)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(
                notification_send_once(
                    key="concurrent:2027-03-01",
                    recipient=ambassador,
                    template="example_notice",
                    context={"name": "Camille"},
                )
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert NotificationLog.objects.filter(key="concurrent:2027-03-01").count() == 1
    assert len(mail.outbox) == 1


def test_today_defaults_to_the_local_date(db):
    seen = []
    with hooks.register_temporarily(
        home_hooks.DAILY_WORK, lambda *, today: seen.append(today) or 0
    ):
        call_command("run_daily", stdout=StringIO())

    from django.utils import timezone

    assert seen == [timezone.localdate()]
    assert isinstance(seen[0], datetime.date)

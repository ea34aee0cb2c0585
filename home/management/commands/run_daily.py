import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from home import hooks


class Command(BaseCommand):
    help = (
        "Run every app's daily work (reminders, expiries, announcements, retention). "
        "Safe to run twice a day: each dated message is sent once. Schedule it with cron "
        "or a systemd timer (see README)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run as if today were this date (YYYY-MM-DD); defaults to today in TIME_ZONE.",
        )

    def handle(self, *args, date=None, **options):
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"--date must be YYYY-MM-DD: {error}") from error
        else:
            today = timezone.localdate()
        results = hooks.daily_work(today=today)
        for name, count in results:
            self.stdout.write(f"{name}: {count}")
        total = sum(count for _name, count in results)
        self.stdout.write(self.style.SUCCESS(f"Daily work for {today.isoformat()}: {total} done."))

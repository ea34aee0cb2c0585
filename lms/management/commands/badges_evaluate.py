"""``manage.py badges_evaluate``: award every badge whose criteria an active ambassador
now meets (`lms.services.badges_evaluate_everyone`). Run it after changing a badge's
criteria; running it twice awards nothing twice."""

import time

from django.core.management.base import BaseCommand

from lms import services


class Command(BaseCommand):
    help = (
        "Re-evaluate every active ambassador's badge criteria and award the badges now "
        "earned (after criteria changed). Running it twice awards nothing twice."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = services.badges_evaluate_everyone()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Badges evaluated in {seconds:.1f} s: {count} award{'' if count == 1 else 's'} "
                "made."
            )
        )

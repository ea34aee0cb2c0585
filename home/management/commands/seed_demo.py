from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home import demo


class Command(BaseCommand):
    help = (
        "Create the demo territory (site, home page, settings, demo accounts, every app's "
        "demo data). Idempotent. --scale N adds N generated ambassadors."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="Number of generated ambassadors.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG=False (never in production)."
        )

    def handle(self, *args, scale, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a public password: it refuses to run with "
                "DEBUG=False. Use --force only on a throw-away database."
            )
        if scale < 0:
            raise CommandError("--scale must be zero or more.")
        result = demo.seed(stdout=self.stdout, scale=scale)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(result.named)} named accounts, "
                f"{len(result.generated_ids)} generated ambassadors. "
                f"Password: {demo.DEMO_PASSWORD}"
            )
        )

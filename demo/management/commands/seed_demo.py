"""`manage.py seed_demo`: fill the database with a realistic, deterministic BT-portalen demo."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import data
from demo.seed import seed


class Command(BaseCommand):
    help = (
        "Create or update the BT-portalen demo: unit trees in eight regions, supervisors, about 40 "
        f"BT-läkare and one login per role (password {data.DEMO_PASSWORD}). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. The demo logins share a published password: never use in production.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password and refuses to run with DEBUG off. "
                "Use --force only on a demo or test installation."
            )
        result = seed()
        if options["verbosity"] < 1:
            return
        categories = ", ".join(f"{name} {count}" for name, count in sorted(result.units_by_category.items()))
        statuses = ", ".join(f"{name} {count}" for name, count in sorted(result.trainees_by_status.items()))
        changes = sum(result.created.values()) + sum(result.updated.values())
        self.stdout.write(
            f"Units: {result.units} in {len(data.SEED_REGIONS)} regions ({categories}); "
            f"{result.capacity_exceptions} monthly capacity exceptions"
        )
        self.stdout.write(f"Supervisors: {result.supervisors}")
        self.stdout.write(f"BT-läkare: {result.trainees} ({statuses})")
        self.stdout.write(f"Logins (password {data.DEMO_PASSWORD}):")
        for email, role in result.logins:
            self.stdout.write(f"  {email:<28} {role}")
        if changes:
            created = ", ".join(f"{name} {count}" for name, count in sorted(result.created.items())) or "none"
            updated = ", ".join(f"{name} {count}" for name, count in sorted(result.updated.items())) or "none"
            self.stdout.write(self.style.SUCCESS(f"Created: {created}. Updated: {updated}."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to change: the demo was already up to date."))

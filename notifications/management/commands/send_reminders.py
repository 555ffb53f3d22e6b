"""Email trainees and supervisors about due and overdue assessments (run daily from cron).

Idempotent: every reminder is logged per person, item and kind, so running it again sends
nothing new.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications.services import send_reminders


class Command(BaseCommand):
    help = "Email reminders about assessments that are due soon or overdue (once per person and item)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, got {today!r}") from None
        sent = send_reminders(today=day)
        self.stdout.write(f"Sent {sent} reminder email(s).")

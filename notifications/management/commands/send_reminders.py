"""Queue the reminder emails about due and overdue assessments as a background job (run this
daily from cron; `manage.py db_worker` sends them), or send them here and now with `--now`.

Idempotent: every reminder is logged per person, item and kind, so running it again sends
nothing new.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications import services, tasks


class Command(BaseCommand):
    help = (
        "Queue the reminder emails about assessments that are due soon or overdue (once per person "
        "and item) for the background worker; --now sends them in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--now", action="store_true", help="Send here and now instead of queueing a job.")

    def handle(self, *args, today=None, now=False, **options):
        if today:
            try:
                datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, got {today!r}") from None
        if now:
            sent = services.send_reminders(today=datetime.date.fromisoformat(today) if today else None)
            self.stdout.write(f"Sent {sent} reminder email(s).")
            return
        job = tasks.send_reminders.enqueue(today)
        self.stdout.write(f"Queued the reminders as job {job.id}; `manage.py db_worker` sends them.")

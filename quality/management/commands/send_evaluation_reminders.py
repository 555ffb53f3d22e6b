"""Queue the reminders to evaluate ended placements as a background job (run daily from cron), or send
them here and now with `--now`. Idempotent: each placement's reminder is claimed once."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from quality import services, tasks


class Command(BaseCommand):
    help = "Remind BT-läkare (once per placement) to evaluate placements that ended a week ago or more."

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
            sent = services.send_evaluation_reminders(today=datetime.date.fromisoformat(today) if today else None)
            self.stdout.write(f"Sent {sent} reminder email(s).")
            return
        job = tasks.send_evaluation_reminders.enqueue(today)
        self.stdout.write(f"Queued the evaluation reminders as job {job.id}; `manage.py db_worker` sends them.")

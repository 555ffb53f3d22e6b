"""A daily command (run from cron) that queues a background job, or with `--now` does the work in
this process; `--today` runs it as if today were another date. The reminder commands are this."""

import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyJobCommand(BaseCommand):
    #: What the command does, for its messages ("reminders").
    what = ""

    def send(self, today: datetime.date | None) -> int:
        """Do the work here and now; the number of emails sent."""
        raise NotImplementedError

    def task(self):
        """The background task that does the same work (called with `today` as text or None)."""
        raise NotImplementedError

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
            sent = self.send(datetime.date.fromisoformat(today) if today else None)
            self.stdout.write(f"Sent {sent} reminder email(s).")
            return
        job = self.task().enqueue(today)
        self.stdout.write(f"Queued the {self.what} as job {job.id}; `manage.py db_worker` sends them.")

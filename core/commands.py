"""A daily command (run from cron) that queues a background job, or with `--now` does the work in
this process; `--today` runs it as if today were another date. The reminder commands are this."""

import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyJobCommand(BaseCommand):
    """A subclass names `what` it does (for its messages), the service that `send`s here and now
    (`send(today=date or None)` → emails sent) and the background `task` that does the same
    (`task.enqueue(today as text or None)`)."""

    what: str
    send: staticmethod
    task: object

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
            sent = self.send(today=datetime.date.fromisoformat(today) if today else None)
            self.stdout.write(f"Sent {sent} reminder email(s).")
            return
        job = self.task.enqueue(today)
        self.stdout.write(f"Queued the {self.what} as job {job.id}; `manage.py db_worker` sends them.")

"""The reminder job (core.jobs; run by `manage.py db_worker`, queued daily by
`manage.py send_reminders` from cron)."""

import datetime

from core.jobs import task
from notifications import services


@task()
def send_reminders(today: str | None = None) -> int:
    """Email the due and overdue reminders (idempotent: see services.send_reminders);
    `today` as YYYY-MM-DD runs as if it were that day. Returns the number of emails."""
    return services.send_reminders(today=datetime.date.fromisoformat(today) if today else None)

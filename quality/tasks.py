"""The evaluation reminder job (core.jobs; run by `manage.py db_worker`, queued daily by
`manage.py send_evaluation_reminders` from cron)."""

import datetime

from core.jobs import task
from quality import services


@task()
def send_evaluation_reminders(today: str | None = None) -> int:
    """Remind BT-läkare once per ended, unevaluated placement (idempotent: services.send_evaluation_reminders)."""
    return services.send_evaluation_reminders(today=datetime.date.fromisoformat(today) if today else None)

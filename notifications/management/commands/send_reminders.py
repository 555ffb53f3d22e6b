"""Queue the reminder emails about due and overdue assessments as a background job (run this
daily from cron; `manage.py db_worker` sends them), or send them here and now with `--now`.

Idempotent: every reminder is logged per person, item and kind, so running it again sends
nothing new.
"""

from core.commands import DailyJobCommand
from notifications import services, tasks


class Command(DailyJobCommand):
    help = (
        "Queue the reminder emails about assessments that are due soon or overdue (once per person "
        "and item) for the background worker; --now sends them in this process."
    )
    what = "reminders"

    send = staticmethod(services.send_reminders)
    task = tasks.send_reminders

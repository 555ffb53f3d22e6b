"""Queue the reminders to evaluate ended placements as a background job (run daily from cron), or send
them here and now with `--now`. Idempotent: each placement's reminder is claimed once."""

from core.commands import DailyJobCommand
from quality import services, tasks


class Command(DailyJobCommand):
    help = "Remind BT-läkare (once per placement) to evaluate placements that ended a week ago or more."
    what = "evaluation reminders"

    send = staticmethod(services.send_evaluation_reminders)
    task = tasks.send_evaluation_reminders

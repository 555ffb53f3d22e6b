"""Claim queued planning runs and solve them: `manage.py run_planning_jobs` (loop) or `--once`."""

import time

from django.core.management.base import BaseCommand

from scheduling.planning import claim_next_run, execute_run


class Command(BaseCommand):
    help = "Run queued cohort-planning jobs (a worker; several may run at once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the queued jobs, then stop.")
        parser.add_argument("--sleep", type=float, default=2.0, help="Seconds between polls when idle.")

    def handle(self, *args, once=False, sleep=2.0, **options):
        while True:
            run = claim_next_run()
            if run is None:
                if once:
                    return
                time.sleep(sleep)
                continue
            self.stdout.write(f"Planning run {run.pk} ({run.region}) …")
            run = execute_run(run)
            self.stdout.write(f"Planning run {run.pk}: {run.status}")

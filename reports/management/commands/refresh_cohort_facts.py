"""Refresh the cohort dashboard's stored facts of every BT-läkare: run it daily from cron just
after midnight, so that the first dashboard of the day does not compute a whole region."""

from django.core.management.base import BaseCommand

from reports import facts
from trainees.models import Trainee


class Command(BaseCommand):
    help = (
        "Recompute the cohort dashboard's stored facts of every BT-läkare whose facts are stale (changed "
        "since, computed for another day, or missing). Idempotent; run it daily after midnight."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=facts.CHUNK, help="BT-läkare computed per batch")

    def handle(self, *args, chunk, **options):
        gone, _ = facts.TraineeFacts.objects.exclude(trainee_id__in=Trainee.objects.values("pk")).delete()
        done = facts.refresh(Trainee.objects.all(), chunk=chunk)
        self.stdout.write(f"{gone} of deleted BT-läkare removed.")
        self.stdout.write(f"{done} BT-läkare's cohort facts refreshed.")

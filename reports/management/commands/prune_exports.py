"""Delete background exports (their rows and files) older than some days: run it daily from cron."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.models import Export


class Command(BaseCommand):
    help = "Delete exports made in the background, and their files, older than --days days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = list(Export.objects.filter(created_at__lt=cutoff))
        for export in old:
            if export.file:
                export.file.delete(save=False)
            export.delete()
        self.stdout.write(f"{len(old)} export(s) older than {days} days deleted.")

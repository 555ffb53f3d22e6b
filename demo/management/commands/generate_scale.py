"""`manage.py generate_scale --preset tiny|region|national`: benchmark data in bulk (demo.scale)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo import scale


class Command(BaseCommand):
    help = "Fill the database with generated national-scale data for benchmarks (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(scale.PRESETS), default="tiny")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None, help="today (YYYY-MM-DD)")

    def handle(self, *args, preset, seed, as_of, **options):
        if not settings.DEBUG:
            raise CommandError("generate_scale refuses to run with DEBUG=0: generated people never reach production.")
        if scale.already_generated():
            raise CommandError("This database already has generated data; use an empty (migrated) database.")

        def progress(region, counts, seconds):
            self.stdout.write(f"{seconds:7.1f} s  {region.name}: {sum(counts.values())} rows so far")

        result = scale.generate(preset, seed=seed, as_of=as_of, progress=progress)
        for label, n in sorted(result.counts.items()):
            self.stdout.write(f"{label:40} {n:>10}")
        self.stdout.write(f"{sum(result.counts.values())} rows in {result.seconds:.1f} s on {connection.vendor}")
        size = database_bytes()
        if size is not None:
            self.stdout.write(f"database size {size / 2**20:.1f} MiB")


def database_bytes() -> int | None:
    """The size of the database (SQLite: pages in use; PostgreSQL: pg_database_size)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return pages * cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    return None

"""manage.py import_record FILE.zip [--region <slug>] [--home-unit <id or HSA-id>]"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from api.record import RecordError
from api.record.importing import import_record
from organisations.models import Region, Unit


class Command(BaseCommand):
    help = "Import a portable record (all or nothing; importing the same archive again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive (.zip) made by export_record.")
        parser.add_argument("--region", help="The receiving region's short name (default: the archive's region).")
        parser.add_argument("--home-unit", help="The home unit in the receiving region (id or HSA-id).")

    def handle(self, *args, archive, region=None, home_unit=None, **options):
        target = None
        if region:
            target = Region.objects.filter(slug=region).first()
            if target is None:
                raise CommandError(f"No region {region!r}.")
        unit = None
        if home_unit:
            lookup = Q(hsa_id=home_unit) | (Q(pk=int(home_unit)) if home_unit.isdigit() else Q(pk__in=[]))
            unit = Unit.objects.filter(lookup).first()
            if unit is None:
                raise CommandError(f"No unit {home_unit!r}.")
        try:
            with open(archive, "rb") as fh:
                result = import_record(fh, region=target, home_unit=unit)
        except (RecordError, OSError) as error:
            raise CommandError(str(error)) from error
        created = ", ".join(f"{m} {n}" for m, n in sorted(result.created.items())) or "nothing"
        self.stdout.write(f"Imported {result.trainee} ({result.trainee.region}): created {created}.")
        if result.updated:
            self.stdout.write("Updated: " + ", ".join(f"{m} {n}" for m, n in sorted(result.updated.items())))
        if result.people_created:
            self.stdout.write("New people (no password, no role): " + ", ".join(result.people_created))
        if result.units_created:
            self.stdout.write("New units (inactive): " + ", ".join(result.units_created))

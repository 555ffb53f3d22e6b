"""manage.py export_record --trainee <personnummer> --output FILE.zip"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.personnummer import normalise
from api.record import RecordError
from api.record.exporting import export_record
from trainees.models import Trainee


class Command(BaseCommand):
    help = "Export a BT doctor's complete record as a portable archive (docs/record-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("--trainee", required=True, help="The BT doctor's personnummer.")
        parser.add_argument("--output", required=True, help="The archive to write (a .zip).")

    def handle(self, *args, trainee, output, **options):
        try:
            pnr = normalise(trainee)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        record = Trainee.objects.select_related("user").filter(user__personnummer=pnr).first()
        if record is None:
            raise CommandError(f"No BT doctor with personnummer {trainee}.")
        try:
            with open(output, "wb") as fh:
                meta = export_record(record, fh)
        except RecordError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Exported {record} to {output} (record {meta['trainee']}).")

"""Write the FatturaPA files of a period into a directory, one per invoice and credit note."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sportello.invoicing.channels import ExportChannel
from sportello.invoicing.queries import documents_in_period


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Write the XML files of the invoices and credit notes issued in a period (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="directory to write the files into")
        parser.add_argument("--from", dest="date_from", help="first issue date, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last issue date, YYYY-MM-DD")

    def handle(self, *args, out, date_from=None, date_to=None, **options):
        start = _date(date_from) if date_from else None
        end = _date(date_to) if date_to else None
        if start and end and start > end:
            raise CommandError("--from is after --to")
        documents = list(documents_in_period(start, end))
        written = ExportChannel().write(documents, Path(out))
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"{len(written)} file(s) written to {out}"))

"""Record SdI receipts (RC, NS, MC) from files: each moves its invoice or credit note."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sportello.invoicing.actions import UnknownReceipt, import_receipt
from sportello.invoicing.receipts import InvalidReceipt


class Command(BaseCommand):
    help = "Import SdI receipt files (ricevuta di consegna, notifica di scarto, mancata consegna)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="receipt XML files")

    def handle(self, *args, files, **options):
        failures = 0
        for name in files:
            path = Path(name)
            try:
                receipt, created = import_receipt(data=path.read_bytes(), file_name=path.name)
            except (OSError, InvalidReceipt, UnknownReceipt) as exc:
                failures += 1
                self.stderr.write(f"{path.name}: {exc}")
                continue
            document = receipt.document
            state = "imported" if created else "already imported"
            self.stdout.write(
                f"{path.name}: {state} ({receipt.kind}) -> {document.number}: "
                f"{document.get_status_display()}"
            )
        if failures:
            raise CommandError(f"{failures} file(s) not imported")

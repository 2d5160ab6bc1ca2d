"""How documents reach SdI: a small channel interface, and the default "export" channel.

With "export", staff download the XML files (a ZIP of a period from the back-office, or
`manage.py export_fatturapa`) and hand them to SdI themselves (or to their intermediary);
handing a file over marks the document "sent". An intermediary's API is another channel with
the same `transmit` method, chosen with INVOICE_CHANNEL.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from django.conf import settings

from sportello.invoicing.actions import mark_sent
from sportello.invoicing.fatturapa import build_xml
from sportello.invoicing.models import FiscalDocument


class TransmissionChannel(Protocol):
    identifier: str

    def transmit(self, documents: Sequence[FiscalDocument], *, actor=None) -> dict[str, bytes]:
        """Hand `documents` to SdI; returns {file name: XML} of what was handed over."""
        ...


class ExportChannel:
    """Files for staff to send: the documents are "sent" once they have been exported."""

    identifier = "export"

    def transmit(self, documents: Sequence[FiscalDocument], *, actor=None) -> dict[str, bytes]:
        files = {document.file_name: build_xml(document) for document in documents}
        mark_sent(documents=documents, actor=actor, note="Esportata per l'invio allo SdI")
        return files

    def zip(self, documents: Sequence[FiscalDocument], *, actor=None) -> bytes:
        # Each file is dated its document's day (midnight): meaningful in a file manager, and
        # the same documents always give the same archive.
        issued = {document.file_name: document.issue_date for document in documents}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in sorted(self.transmit(documents, actor=actor).items()):
                day = issued[name]
                entry = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, content)
        return buffer.getvalue()

    def write(
        self, documents: Sequence[FiscalDocument], out_dir: Path, *, actor=None
    ) -> list[Path]:
        """One file per document in `out_dir`; re-running writes the same files."""
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in sorted(self.transmit(documents, actor=actor).items()):
            path = out_dir / name
            path.write_bytes(content)
            written.append(path)
        return written


CHANNELS = {ExportChannel.identifier: ExportChannel}


def current_channel() -> ExportChannel:
    return CHANNELS[settings.INVOICE_CHANNEL]()

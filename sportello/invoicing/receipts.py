"""Reading the receipt files SdI returns for a sent invoice (specifiche tecniche SdI, §
"Messaggi"): ricevuta di consegna (RC), notifica di scarto (NS), mancata consegna (MC).

Elements are matched by local name, so both the old (`fatturapa.gov.it/sdi/messaggi/v1.0`)
and the current (`ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.0`) namespaces work.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from sportello.invoicing.models import ReceiptKind

ROOTS = {
    "RicevutaConsegna": ReceiptKind.DELIVERY,
    "NotificaScarto": ReceiptKind.REJECTION,
    "NotificaMancataConsegna": ReceiptKind.NOT_DELIVERED,
}
MAX_RECEIPT_BYTES = 1024 * 1024
# IT01234560371_0000A.xml (or .xml.p7m): the seller's id and the progressivo.
INVOICE_FILE_NAME = re.compile(r"^[A-Z]{2}[A-Za-z0-9]{1,28}_([A-Za-z0-9]{5})\.xml(\.p7m)?$")


class InvalidReceipt(ValueError):
    """Not an SdI receipt we can read (the message is Italian: staff see it)."""


@dataclass(frozen=True)
class ParsedReceipt:
    kind: str
    file_name: str
    invoice_file_name: str
    sdi_identifier: str
    received_at: dt.datetime | None
    description: str
    content: str
    errors: list[dict[str, str]] = field(default_factory=list)


def progressivo_of(invoice_file_name: str) -> str:
    match = INVOICE_FILE_NAME.match(invoice_file_name)
    if not match:
        raise InvalidReceipt(f"Nome del file della fattura non valido: {invoice_file_name}")
    return match.group(1)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ET.Element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _datetime(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidReceipt(f"Data non valida nella ricevuta: {value}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_receipt(data: bytes, *, file_name: str) -> ParsedReceipt:
    """The receipt in `data`; raises InvalidReceipt for anything else."""
    if len(data) > MAX_RECEIPT_BYTES:
        raise InvalidReceipt("Il file è troppo grande per essere una ricevuta SdI.")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InvalidReceipt("Il file contiene dichiarazioni non ammesse (DOCTYPE).")
    try:
        root = ET.fromstring(data)  # noqa: S314  (no DTD: entity expansion is impossible)
    except ET.ParseError as exc:
        raise InvalidReceipt(f"Il file {file_name} non è un XML valido.") from exc
    kind = ROOTS.get(_local(root.tag))
    if kind is None:
        raise InvalidReceipt(
            f"Il file {file_name} non è una ricevuta di consegna, una notifica di scarto "
            "o di mancata consegna."
        )
    invoice_file_name = _text(root, "NomeFile")
    progressivo_of(invoice_file_name)
    errors = []
    error_list = _child(root, "ListaErrori")
    if error_list is not None:
        for error in error_list:
            if _local(error.tag) == "Errore":
                errors.append(
                    {
                        "code": _text(error, "Codice"),
                        "description": _text(error, "Descrizione"),
                        "suggestion": _text(error, "Suggerimento"),
                    }
                )
    if kind == ReceiptKind.REJECTION and not errors:
        raise InvalidReceipt(f"La notifica di scarto {file_name} non elenca errori.")
    moment = _text(root, "DataOraConsegna") or _text(root, "DataOraRicezione")
    return ParsedReceipt(
        kind=kind,
        file_name=file_name,
        invoice_file_name=invoice_file_name,
        sdi_identifier=_text(root, "IdentificativoSdI"),
        received_at=_datetime(moment),
        description=_text(root, "Descrizione") or _text(root, "Note"),
        content=data.decode("utf-8", errors="replace"),
        errors=errors,
    )

"""The FatturaPA XML (format FPR12, schema 1.2.2) of an invoice or credit note.

Built from the document's own snapshot (seller, buyer, lines), so rebuilding it any day gives
the same bytes: the export can be re-run. Texts keep to the characters the schema accepts
(Latin-1); amounts are written with two decimals.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import Http404, HttpResponse

from sportello.invoicing.amounts import vat_summary
from sportello.invoicing.models import FiscalDocument

NAMESPACE = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
FORMAT = "FPR12"
NO_CODE = "0000000"
FOREIGN_CODE = "XXXXXXX"
_REPLACEMENTS = {
    "€": "EUR",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
    "ł": "l",
    "Ł": "L",
    "œ": "oe",
    "Œ": "OE",
}


def latin_text(value: str, max_length: int) -> str:
    """`value` within the schema's characters (Basic Latin + Latin-1) and length."""
    text = "".join(_REPLACEMENTS.get(char, char) for char in value)
    kept = []
    for char in text:
        if char in "\r\n\t":
            kept.append(" ")
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            continue
        elif ord(char) <= 0xFF:
            kept.append(char)
        else:
            # "ł" -> "l": the closest Latin-1 letter, or nothing.
            ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            kept.append(ascii_form)
    return " ".join("".join(kept).split())[:max_length] or "-"


def amount(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _seller(parent: ET.Element, seller: dict) -> None:
    node = _sub(parent, "CedentePrestatore")
    data = _sub(node, "DatiAnagrafici")
    vat_id = _sub(data, "IdFiscaleIVA")
    _sub(vat_id, "IdPaese", seller["country"])
    _sub(vat_id, "IdCodice", seller["partita_iva"])
    if seller.get("codice_fiscale"):
        _sub(data, "CodiceFiscale", seller["codice_fiscale"].upper())
    registry = _sub(data, "Anagrafica")
    _sub(registry, "Denominazione", latin_text(seller["name"], 80))
    _sub(data, "RegimeFiscale", seller["regime_fiscale"])
    office = _sub(node, "Sede")
    _sub(office, "Indirizzo", latin_text(seller["address"], 60))
    _sub(office, "CAP", seller["cap"])
    _sub(office, "Comune", latin_text(seller["comune"], 60))
    _sub(office, "Provincia", seller["provincia"])
    _sub(office, "Nazione", seller["country"])
    if seller.get("rea_office") and seller.get("rea_number"):
        rea = _sub(node, "IscrizioneREA")
        _sub(rea, "Ufficio", seller["rea_office"])
        _sub(rea, "NumeroREA", latin_text(seller["rea_number"], 20))
        if seller.get("share_capital"):
            _sub(rea, "CapitaleSociale", amount(Decimal(seller["share_capital"])))
        if seller.get("sole_shareholder"):
            _sub(rea, "SocioUnico", seller["sole_shareholder"])
        _sub(rea, "StatoLiquidazione", seller["liquidation"])
    if seller.get("pec"):
        contacts = _sub(node, "Contatti")
        _sub(contacts, "Email", latin_text(seller["pec"], 256))


def _buyer(parent: ET.Element, document: FiscalDocument) -> None:
    node = _sub(parent, "CessionarioCommittente")
    data = _sub(node, "DatiAnagrafici")
    if document.is_company and document.buyer_partita_iva:
        vat_id = _sub(data, "IdFiscaleIVA")
        _sub(vat_id, "IdPaese", document.buyer_country or "IT")
        _sub(vat_id, "IdCodice", document.buyer_partita_iva)
    if document.buyer_codice_fiscale:
        _sub(data, "CodiceFiscale", document.buyer_codice_fiscale.upper())
    registry = _sub(data, "Anagrafica")
    if document.is_company:
        _sub(registry, "Denominazione", latin_text(document.buyer_company_name, 80))
    else:
        _sub(registry, "Nome", latin_text(document.buyer_first_name, 60))
        _sub(registry, "Cognome", latin_text(document.buyer_last_name, 60))
    is_italian = (document.buyer_country or "IT") == "IT"
    office = _sub(node, "Sede")
    _sub(office, "Indirizzo", latin_text(document.buyer_address, 60))
    _sub(office, "CAP", document.buyer_cap if is_italian else "00000")
    _sub(office, "Comune", latin_text(document.buyer_comune, 60))
    if is_italian and document.buyer_provincia:
        _sub(office, "Provincia", document.buyer_provincia.upper())
    _sub(office, "Nazione", document.buyer_country or "IT")


def recipient_code(document: FiscalDocument) -> tuple[str, str]:
    """(CodiceDestinatario, PECDestinatario): the SDI code of a company, else 0000000 with
    its PEC when given; 0000000 alone for a private person; XXXXXXX abroad."""
    if (document.buyer_country or "IT") != "IT":
        return FOREIGN_CODE, ""
    if not document.is_company:
        return NO_CODE, ""
    code = document.buyer_sdi_code.strip().upper()
    if code and code != NO_CODE:
        return code, ""
    return NO_CODE, document.buyer_pec


def build_xml(document: FiscalDocument) -> bytes:
    """The document's FatturaPA file, UTF-8 encoded."""
    seller = document.seller
    root = ET.Element(
        "{%s}FatturaElettronica" % NAMESPACE,  # noqa: UP031
        {"versione": FORMAT, "SistemaEmittente": "Sportello"},
    )
    header = _sub(root, "FatturaElettronicaHeader")
    transmission = _sub(header, "DatiTrasmissione")
    sender = _sub(transmission, "IdTrasmittente")
    _sub(sender, "IdPaese", seller["country"])
    _sub(sender, "IdCodice", seller["partita_iva"])
    _sub(transmission, "ProgressivoInvio", document.progressivo)
    _sub(transmission, "FormatoTrasmissione", FORMAT)
    code, pec = recipient_code(document)
    _sub(transmission, "CodiceDestinatario", code)
    if pec:
        _sub(transmission, "PECDestinatario", latin_text(pec, 256))
    _seller(header, seller)
    _buyer(header, document)

    body = _sub(root, "FatturaElettronicaBody")
    general = _sub(body, "DatiGenerali")
    doc_data = _sub(general, "DatiGeneraliDocumento")
    _sub(doc_data, "TipoDocumento", document.document_type)
    _sub(doc_data, "Divisa", "EUR")
    _sub(doc_data, "Data", document.issue_date.isoformat())
    _sub(doc_data, "Numero", document.number)
    if document.stamp_duty:
        stamp = _sub(doc_data, "DatiBollo")
        _sub(stamp, "BolloVirtuale", "SI")
        _sub(stamp, "ImportoBollo", amount(document.stamp_duty))
    _sub(doc_data, "ImportoTotaleDocumento", amount(document.total_gross))
    if document.rounding:
        _sub(doc_data, "Arrotondamento", amount(document.rounding))
    if document.corrects is not None:
        _sub(
            doc_data, "Causale", latin_text(f"Rimborso dell'ordine n. {document.order.number}", 200)
        )
        linked = _sub(general, "DatiFattureCollegate")
        _sub(linked, "IdDocumento", document.corrects.number)
        _sub(linked, "Data", document.corrects.issue_date.isoformat())

    goods = _sub(body, "DatiBeniServizi")
    lines = list(document.lines.all())
    for line in lines:
        row = _sub(goods, "DettaglioLinee")
        _sub(row, "NumeroLinea", str(line.position))
        _sub(row, "Descrizione", latin_text(line.description, 1000))
        _sub(row, "Quantita", amount(line.quantity))
        _sub(row, "PrezzoUnitario", amount(line.unit_price))
        _sub(row, "PrezzoTotale", amount(line.net))
        _sub(row, "AliquotaIVA", amount(line.vat_rate))
        if line.natura:
            _sub(row, "Natura", line.natura)
    natura_of = {line.vat_rate: line.natura for line in lines if line.natura}
    for rate in vat_summary(lines):
        summary = _sub(goods, "DatiRiepilogo")
        _sub(summary, "AliquotaIVA", amount(rate.vat_rate))
        if rate.is_zero_rate:
            _sub(summary, "Natura", natura_of.get(rate.vat_rate, settings.INVOICE_ZERO_RATE_NATURA))
        _sub(summary, "ImponibileImporto", amount(rate.net))
        _sub(summary, "Imposta", amount(rate.vat))
        if not rate.is_zero_rate:
            _sub(summary, "EsigibilitaIVA", "I")
        else:
            _sub(
                summary,
                "RiferimentoNormativo",
                latin_text(settings.INVOICE_ZERO_RATE_REFERENCE, 100),
            )

    if document.is_invoice:
        payment = _sub(body, "DatiPagamento")
        _sub(payment, "CondizioniPagamento", "TP02")
        # One DettaglioPagamento per part of a total paid in parts (transfer, then card).
        for part in document.payment_parts:
            detail = _sub(payment, "DettaglioPagamento")
            _sub(detail, "ModalitaPagamento", part.code)
            _sub(detail, "DataScadenzaPagamento", part.date.isoformat())
            _sub(detail, "ImportoPagamento", amount(part.amount))

    ET.register_namespace("p", NAMESPACE)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def document_xml_response(document: FiscalDocument) -> HttpResponse:
    """The FatturaPA file as a download, for a company or professional to book; 404 for a
    private person's document (they have the PDF; their original is in their cassetto fiscale)."""
    if not document.is_company:
        raise Http404("Documento non trovato")
    response = HttpResponse(build_xml(document), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{document.file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response

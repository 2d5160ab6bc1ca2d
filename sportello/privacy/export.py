"""The customer's data export (GDPR art. 15 and 20): one JSON document and their files, zipped.

Each app that holds personal data says what it exports in its own `privacy.py`
(`export_data(context)`, `EXPORTED_MODELS`, `MODELS_WITHOUT_CUSTOMER_DATA`); this module only
runs them in order (`EXPORTERS`) and zips the result. A test checks that the apps' lists cover
`apps.get_models()`, so a new model cannot be forgotten.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from typing import IO, Any

from django.utils import timezone

from sportello.accounts import privacy as accounts_privacy
from sportello.api import privacy as api_privacy
from sportello.cart import privacy as cart_privacy
from sportello.companies import privacy as companies_privacy
from sportello.contracts import privacy as contracts_privacy
from sportello.core.export import ExportContext, iso
from sportello.credit import privacy as credit_privacy
from sportello.invoicing import privacy as invoicing_privacy
from sportello.notifications import privacy as notifications_privacy
from sportello.orders import privacy as orders_privacy
from sportello.payments import privacy as payments_privacy
from sportello.quotes import privacy as quotes_privacy
from sportello.uploads import privacy as uploads_privacy
from sportello.withdrawals import privacy as withdrawals_privacy

EXPORT_FORMAT_VERSION = 1
DATA_FILE = "dati.json"
# The guide to the archive, in the customer's language: dati.json's keys are English (a stable
# machine-readable format, GDPR art. 20); this says what each section holds.
GUIDE_FILE = "LEGGIMI.txt"

# In this order: payments completes the orders, uploads needs the others' conditions.
EXPORTERS = (
    accounts_privacy,
    orders_privacy,
    contracts_privacy,
    withdrawals_privacy,
    payments_privacy,
    invoicing_privacy,
    quotes_privacy,
    cart_privacy,
    api_privacy,
    companies_privacy,
    # after companies: adds the person's credit movements to that section
    credit_privacy,
    uploads_privacy,
    notifications_privacy,
)
# The sections of dati.json, in this order.
SECTIONS = (
    "profile",
    "billing_profile",
    "consents",
    "orders",
    # Statements of withdrawal from the customer's address that matched no order.
    "withdrawals_without_order",
    "quotes",
    "carts",
    "bulk_orders",
    "companies",
    "uploaded_files",
    "emails",
    "invoices",
    "api_tokens",
    "webhooks",
)

# What each section of dati.json holds, for LEGGIMI.txt (a test checks every section has one).
SECTION_GUIDE = {
    "profile": "i dati del tuo account: nome, cognome, e-mail, telefono, date di iscrizione",
    "billing_profile": "i dati di fatturazione salvati in DATI DI FATTURAZIONE",
    "consents": "i consensi dati o revocati, con data e versione dell'informativa",
    "orders": "i tuoi ordini: servizi, risposte ai moduli, prezzi, pagamenti, stati, messaggi, "
    "richieste di dati, esiti consegnati, recessi e condizioni di vendita accettate",
    "withdrawals_without_order": "le dichiarazioni di recesso inviate dal tuo indirizzo e-mail "
    "che non corrispondevano a un tuo ordine",
    "quotes": "le richieste di preventivo, con messaggi e prezzi proposti",
    "carts": "i carrelli (acquisti e preventivi) con i servizi e le risposte inserite",
    "bulk_orders": "i file caricati con «Ordine multiplo» e le righe verificate",
    "companies": "gli account aziendali di cui fai parte, gli inviti e i movimenti del credito "
    "prepagato che hai effettuato",
    "uploaded_files": "l'elenco dei file caricati (i file sono nella cartella «file»)",
    "emails": "le e-mail che ti abbiamo inviato",
    "invoices": "le fatture e le note di credito dei tuoi ordini",
    "api_tokens": "i token API creati (mai il segreto, che non conserviamo)",
    "webhooks": "gli indirizzi webhook registrati e le notifiche inviate",
}


def export_guide(*, generated_at: str) -> str:
    """LEGGIMI.txt: what the archive holds, section by section, in Italian."""
    lines = [
        "I tuoi dati su Sportello",
        "",
        f"Esportazione del {generated_at}.",
        "",
        f"{DATA_FILE} contiene i tuoi dati in formato JSON, leggibile da un altro servizio "
        "(portabilità dei dati, art. 20 GDPR). I nomi dei campi sono in inglese, le date in "
        "formato ISO 8601 e gli importi in euro. Le sezioni:",
        "",
        *(f"- {section}: {SECTION_GUIDE[section]}." for section in SECTIONS),
        "",
        "La cartella «file» contiene i documenti che hai caricato, gli esiti che ti abbiamo "
        "consegnato e gli allegati dei messaggi; «missing_files» elenca quelli non più "
        "disponibili.",
        "",
    ]
    return "\r\n".join(lines)


# Models of Django and the libraries: no app of ours exports them.
_FRAMEWORK_MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "admin.LogEntry": "back-office audit of staff edits, written by staff (object names only)",
    "auth.Permission": "configuration: permission names",
    "auth.Group": "configuration: staff groups",
    "contenttypes.ContentType": "configuration: the list of models",
    "sessions.Session": "technical cookie session (login, cart id), expires on its own",
    "privacy.AccountErasure": "exists only once the account is deleted",
    "catalogue.Category": "catalogue",
    "catalogue.Service": "catalogue",
    "catalogue.FormField": "catalogue: the questions (answers are exported with each line)",
    "catalogue.FieldChoice": "catalogue",
    "catalogue.CatalogueVersion": "a counter of catalogue edits (the catalogue cache)",
    "core.NumberSequence": "order and quote number counters",
    "audit.AuditEvent": (
        "staff work log: who did what to an order or quote, named by its number (exported with "
        "the orders and quotes themselves)"
    ),
    "notifications.OutgoingEmailStatusChange": (
        "delivery attempts of an e-mail; its outcome (status, sent at) is exported with it"
    ),
    **invoicing_privacy.MODELS_WITHOUT_CUSTOMER_DATA,
}

# Model label -> where its rows appear in the JSON ("[]" marks a list walked through).
EXPORTED_MODELS: dict[str, str] = {
    label: path for module in EXPORTERS for label, path in module.EXPORTED_MODELS.items()
}
# Model label -> why it holds no personal data of the customer to export.
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    **_FRAMEWORK_MODELS_WITHOUT_CUSTOMER_DATA,
    **{
        label: reason
        for module in EXPORTERS
        for label, reason in module.MODELS_WITHOUT_CUSTOMER_DATA.items()
    },
}


def build_export(*, user) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The customer's data as a JSON-ready dict, and the files to ship with it (zip path, file)."""
    context = ExportContext(user=user)
    for module in EXPORTERS:
        module.export_data(context)
    data = {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": iso(timezone.now()),
        **{section: context.data[section] for section in SECTIONS},
    }
    return data, context.files.entries


def write_export_zip(*, user, target: IO[bytes]) -> None:
    """Write the ZIP (JSON + files) to `target`. A file missing from storage is noted, not fatal."""
    data, entries = build_export(user=user)
    missing = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, field_file in entries:
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(path, handle.read())
            except FileNotFoundError:
                missing.append(path)
        data["missing_files"] = missing
        archive.writestr(DATA_FILE, json.dumps(data, ensure_ascii=False, indent=2))
        generated = timezone.localtime(dt.datetime.fromisoformat(data["generated_at"]))
        archive.writestr(GUIDE_FILE, export_guide(generated_at=f"{generated:%d/%m/%Y %H:%M}"))


def export_filename(*, now: dt.datetime | None = None) -> str:
    return f"sportello-i-miei-dati-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M}.zip"

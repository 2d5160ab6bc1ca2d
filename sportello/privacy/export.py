"""The customer's data export (GDPR art. 15 and 20): one JSON document and their files, zipped.

Every model of the project is listed below, either as exported (with where it lands in the
JSON) or as holding no personal data of the customer (with the reason). A test checks that
the two lists cover `apps.get_models()`, so a new model cannot be forgotten.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.db.models import Prefetch
from django.utils import timezone

from sportello.accounts.models import BillingProfile
from sportello.cart.models import Cart
from sportello.catalogue.models import AnswerFile
from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import Order, OrderLine, OrderMessage, Outcome
from sportello.payments.models import Payment
from sportello.privacy.models import ConsentEvent
from sportello.privacy.queries import consent_overview
from sportello.quotes.models import QuotePrice, QuoteRequest

EXPORT_FORMAT_VERSION = 1
DATA_FILE = "dati.json"

# Model label -> where its rows appear in the JSON ("[]" marks a list walked through).
EXPORTED_MODELS: dict[str, str] = {
    "accounts.User": "profile",
    "account.EmailAddress": "profile.email_addresses",
    "accounts.BillingProfile": "billing_profile",
    "privacy.ConsentEvent": "consents.history",
    "catalogue.AnswerFile": "uploaded_files",
    "cart.Cart": "carts",
    "cart.CartLine": "carts[].lines",
    "orders.Order": "orders",
    "orders.OrderStatusChange": "orders[].status_history",
    "orders.OrderLine": "orders[].lines",
    "orders.OrderLineStatusChange": "orders[].lines[].status_history",
    "orders.Outcome": "orders[].lines[].outcomes",
    "orders.OutcomeFile": "orders[].lines[].outcomes[].files",
    "orders.OrderMessage": "orders[].messages",  # internal staff notes excluded
    "orders.DataRequest": "orders[].lines[].data_requests",
    "orders.LineAnswersRevision": "orders[].lines[].previous_answers",
    "payments.Payment": "orders[].payments",
    "payments.PaymentStatusChange": "orders[].payments[].status_history",
    "payments.Refund": "orders[].payments[].refunds",
    "quotes.QuoteRequest": "quotes",
    "quotes.QuoteStatusChange": "quotes[].status_history",
    "quotes.QuoteLine": "quotes[].lines",
    "quotes.QuotePrice": "quotes[].prices",
    "quotes.QuotePriceLine": "quotes[].prices[].lines",
    "quotes.QuoteMessage": "quotes[].messages",
    "notifications.OutgoingEmail": "emails",
}

# Model label -> why it holds no personal data of the customer to export.
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "admin.LogEntry": "back-office audit of staff edits, written by staff (object names only)",
    "auth.Permission": "configuration: permission names",
    "auth.Group": "configuration: staff groups",
    "contenttypes.ContentType": "configuration: the list of models",
    "sessions.Session": "technical cookie session (login, cart id), expires on its own",
    "account.EmailConfirmation": "short-lived verification secrets, not information",
    "privacy.PrivacyNotice": "the shop's notice text; each consent names its version",
    "privacy.AccountErasure": "exists only once the account is deleted",
    "catalogue.Category": "catalogue",
    "catalogue.Service": "catalogue",
    "catalogue.FormField": "catalogue: the questions (answers are exported with each line)",
    "catalogue.FieldChoice": "catalogue",
    "orders.OrderNumberSequence": "order number counters",
    "notifications.OutgoingEmailStatusChange": (
        "delivery attempts of an e-mail; its outcome (status, sent at) is exported with it"
    ),
}

FILES_DIR = "file"


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _history(changes: Iterable) -> list[dict[str, Any]]:
    # Who on the staff moved it is the staff member's data, not the customer's: left out.
    return [
        {
            "from": change.from_status,
            "to": change.to_status,
            "at": _iso(change.created_at),
            "note": change.note,
        }
        for change in changes
    ]


class _Files:
    """Files to put in the ZIP, each under a unique path inside FILES_DIR."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, Any]] = []
        self._seen: dict[tuple[str, int], str] = {}

    def add(self, kind: str, pk: int, name: str, field_file) -> str | None:
        if not field_file:
            return None
        key = (kind, pk)
        if key not in self._seen:
            safe_name = name.replace("/", "_").replace("\\", "_") or "file"
            path = f"{FILES_DIR}/{kind}/{pk}-{safe_name}"
            self._seen[key] = path
            self.entries.append((path, field_file))
        return self._seen[key]


def _file_ids(answers: dict) -> set[int]:
    ids = set()
    for value in (answers or {}).values():
        if isinstance(value, dict) and isinstance(value.get("file_id"), int):
            ids.add(value["file_id"])
    return ids


def _profile(user) -> dict[str, Any]:
    addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ],
    }


def _billing_profile(user) -> dict[str, Any] | None:
    profile = BillingProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {
        "kind": profile.kind,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "company_name": profile.company_name,
        "codice_fiscale": profile.codice_fiscale,
        "partita_iva": profile.partita_iva,
        "sdi_code": profile.sdi_code,
        "pec": profile.pec,
        "address": profile.address,
        "cap": profile.cap,
        "comune": profile.comune,
        "provincia": profile.provincia,
        "country": profile.country,
        "updated_at": _iso(profile.updated_at),
    }


def _consent_event(event: ConsentEvent) -> dict[str, Any]:
    return {
        "purpose": event.purpose,
        "purpose_label": event.get_purpose_display(),
        "is_granted": event.is_granted,
        "at": _iso(event.created_at),
        "notice_version": event.notice.version if event.notice else None,
        "source": event.source,
        "source_label": event.get_source_display(),
    }


def _consents(user) -> dict[str, Any]:
    overview = consent_overview(user=user)
    return {
        "current": [
            {
                "purpose": state.purpose,
                "purpose_label": state.label,
                "is_granted": state.is_granted,
                "since": _iso(state.latest_event.created_at) if state.latest_event else None,
            }
            for state in overview.states
        ],
        "history": [_consent_event(event) for event in overview.history],
    }


def _orders(user, files: _Files) -> tuple[list[dict[str, Any]], set[int]]:
    orders = Order.objects.filter(customer=user).prefetch_related(
        "status_changes",
        Prefetch(
            "lines",
            queryset=OrderLine.objects.prefetch_related(
                "status_changes",
                "data_requests",
                "answer_revisions",
                Prefetch("outcomes", queryset=Outcome.objects.prefetch_related("files")),
            ),
        ),
        Prefetch(
            "messages",
            queryset=OrderMessage.objects.filter(is_internal=False).order_by("created_at", "id"),
        ),
        Prefetch(
            "payments",
            queryset=Payment.objects.order_by("created_at", "id").prefetch_related(
                "status_changes", "refunds"
            ),
        ),
    )
    result = []
    answer_file_ids: set[int] = set()
    for order in orders:
        lines = []
        for line in order.lines.all():
            answer_file_ids |= _file_ids(line.answers)
            lines.append(
                {
                    "service": line.service_name,
                    "answers": line.answers,
                    "answers_display": line.answers_display,
                    "form_version": line.form_version,
                    "base_net": _money(line.base_net),
                    "supplements": line.supplements,
                    "vat_rate": _money(line.vat_rate),
                    "net": _money(line.net),
                    "vat": _money(line.vat),
                    "gross": _money(line.gross),
                    "status": line.status,
                    "status_history": _history(line.status_changes.all()),
                    "data_requests": [
                        {
                            "note": request.note,
                            "requested_at": _iso(request.created_at),
                            "answered_at": _iso(request.answered_at),
                            "customer_note": request.customer_note,
                        }
                        for request in line.data_requests.all()
                    ],
                    "previous_answers": [
                        {"replaced_at": _iso(rev.created_at), "answers": rev.answers_display}
                        for rev in line.answer_revisions.all()
                    ],
                    "outcomes": [
                        {
                            "note": outcome.note,
                            "at": _iso(outcome.created_at),
                            "files": [
                                {
                                    "name": f.original_name,
                                    "content_type": f.content_type,
                                    "size": f.size,
                                    "path": files.add("esiti", f.pk, f.original_name, f.file),
                                }
                                for f in outcome.files.all()
                            ],
                        }
                        for outcome in line.outcomes.all()
                    ],
                }
            )
        result.append(
            {
                "number": order.number,
                "status": order.status,
                "status_label": order.get_status_display(),
                "placed_at": _iso(order.placed_at),
                "paid_at": _iso(order.paid_at),
                "payment_method": order.payment_method,
                "customer_email": order.customer_email,
                "total_net": _money(order.total_net),
                "total_vat": _money(order.total_vat),
                "total_gross": _money(order.total_gross),
                "billing": {
                    "kind": order.billing_kind,
                    "first_name": order.billing_first_name,
                    "last_name": order.billing_last_name,
                    "company_name": order.billing_company_name,
                    "codice_fiscale": order.billing_codice_fiscale,
                    "partita_iva": order.billing_partita_iva,
                    "sdi_code": order.billing_sdi_code,
                    "pec": order.billing_pec,
                    "address": order.billing_address,
                    "cap": order.billing_cap,
                    "comune": order.billing_comune,
                    "provincia": order.billing_provincia,
                    "country": order.billing_country,
                },
                "lines": lines,
                "messages": [
                    {
                        "from_staff": message.is_from_staff,
                        "at": _iso(message.created_at),
                        "body": message.body,
                        "attachment": files.add(
                            "messaggi", message.pk, message.attachment_name, message.attachment
                        )
                        if message.attachment
                        else None,
                    }
                    for message in order.messages.all()
                ],
                "status_history": _history(order.status_changes.all()),
                "payments": [
                    {
                        "reference": str(payment.reference),
                        "method": payment.provider,
                        "amount": _money(payment.amount),
                        "status": payment.status,
                        "created_at": _iso(payment.created_at),
                        "confirmed_at": _iso(payment.confirmed_at),
                        "failure_reason": payment.failure_reason,
                        "status_history": _history(payment.status_changes.all()),
                        "refunds": [
                            {
                                "amount": _money(refund.amount),
                                "at": _iso(refund.created_at),
                                "note": refund.note,
                            }
                            for refund in payment.refunds.all()
                        ],
                    }
                    for payment in order.payments.all()
                ],
            }
        )
    return result, answer_file_ids


def _quotes(user, files: _Files) -> tuple[list[dict[str, Any]], set[int]]:
    quotes = (
        QuoteRequest.objects.filter(customer=user)
        .select_related("order")
        .prefetch_related(
            "lines",
            "messages",
            "status_changes",
            Prefetch(
                "prices",
                queryset=QuotePrice.objects.prefetch_related("lines__line"),
            ),
        )
    )
    result = []
    answer_file_ids: set[int] = set()
    for quote in quotes:
        for line in quote.lines.all():
            answer_file_ids |= _file_ids(line.answers)
        result.append(
            {
                "number": quote.number,
                "status": quote.status,
                "status_label": quote.get_status_display(),
                "requested_at": _iso(quote.requested_at),
                "customer_message": quote.customer_message,
                "valid_until": _iso(quote.valid_until),
                "accepted_version": quote.accepted_version,
                "decline_reason": quote.decline_reason,
                "order_number": quote.order.number if quote.order else None,
                "lines": [
                    {
                        "service": line.service_name,
                        "answers": line.answers,
                        "answers_display": line.answers_display,
                        "form_version": line.form_version,
                    }
                    for line in quote.lines.all()
                ],
                "prices": [
                    {
                        "version": price.version,
                        "valid_until": _iso(price.valid_until),
                        "notes_for_customer": price.notes_for_customer,
                        "total_net": _money(price.total_net),
                        "total_vat": _money(price.total_vat),
                        "total_gross": _money(price.total_gross),
                        "sent_at": _iso(price.created_at),
                        "lines": [
                            {
                                "service": price_line.line.service_name,
                                "net": _money(price_line.net),
                                "vat_rate": _money(price_line.vat_rate),
                                "vat": _money(price_line.vat),
                                "gross": _money(price_line.gross),
                            }
                            for price_line in price.lines.all()
                        ],
                    }
                    for price in quote.prices.all()
                ],
                "messages": [
                    {
                        "from_staff": message.is_from_staff,
                        "body": message.body,
                        "at": _iso(message.created_at),
                        "attachment": (
                            {
                                "name": message.attachment_name,
                                "content_type": message.attachment_content_type,
                                "size": message.attachment_size,
                                "path": files.add(
                                    "messaggi",
                                    message.pk,
                                    message.attachment_name,
                                    message.attachment,
                                ),
                            }
                            if message.has_attachment
                            else None
                        ),
                    }
                    for message in quote.messages.all()
                ],
                "status_history": _history(quote.status_changes.all()),
            }
        )
    return result, answer_file_ids


def _carts(user) -> tuple[list[dict[str, Any]], set[int]]:
    carts = Cart.objects.filter(user=user).prefetch_related("lines__service").order_by("kind")
    answer_file_ids: set[int] = set()
    result = []
    for cart in carts:
        for line in cart.lines.all():
            answer_file_ids |= _file_ids(line.answers)
        result.append(
            {
                "kind": cart.kind,
                "kind_label": cart.get_kind_display(),
                "updated_at": _iso(cart.updated_at),
                "lines": [
                    {
                        "service": line.service.name,
                        "answers": line.answers,
                        "form_version": line.form_version,
                        "added_at": _iso(line.created_at),
                    }
                    for line in cart.lines.all()
                ],
            }
        )
    return result, answer_file_ids


def customer_answer_files(user, referenced_ids: set[int]):
    """Files the customer uploaded, plus any file their own orders, quotes or cart refer to."""
    from django.db.models import Q

    return AnswerFile.objects.filter(Q(uploaded_by=user) | Q(pk__in=referenced_ids)).order_by("pk")


def _uploaded_files(user, referenced_ids: set[int], files: _Files) -> list[dict[str, Any]]:
    return [
        {
            "id": answer_file.pk,
            "name": answer_file.original_name,
            "content_type": answer_file.content_type,
            "size": answer_file.size,
            "uploaded_at": _iso(answer_file.created_at),
            "path": files.add(
                "caricati", answer_file.pk, answer_file.original_name, answer_file.file
            ),
        }
        for answer_file in customer_answer_files(user, referenced_ids)
    ]


def emails_to(address: str):
    """Outbox rows whose recipients include `address` (exactly, case aside)."""
    address = address.lower()
    candidates = OutgoingEmail.objects.filter(to__icontains=address).order_by("created_at", "id")
    return [
        email
        for email in candidates
        if address in (recipient.lower() for recipient in email.recipient_list)
    ]


def _emails(user) -> list[dict[str, Any]]:
    return [
        {
            "to": email.to,
            "subject": email.subject,
            "text_body": email.text_body,
            "status": email.status,
            "queued_at": _iso(email.created_at),
            "sent_at": _iso(email.sent_at),
        }
        for email in emails_to(user.email)
    ]


def build_export(*, user) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The customer's data as a JSON-ready dict, and the files to ship with it (zip path, file)."""
    files = _Files()
    orders, order_file_ids = _orders(user, files)
    quotes, quote_file_ids = _quotes(user, files)
    carts, cart_file_ids = _carts(user)
    data = {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": _iso(timezone.now()),
        "profile": _profile(user),
        "billing_profile": _billing_profile(user),
        "consents": _consents(user),
        "orders": orders,
        "quotes": quotes,
        "carts": carts,
        "uploaded_files": _uploaded_files(
            user, order_file_ids | quote_file_ids | cart_file_ids, files
        ),
        "emails": _emails(user),
    }
    return data, files.entries


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


def export_filename(*, now: dt.datetime | None = None) -> str:
    return f"sportello-i-miei-dati-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M}.zip"

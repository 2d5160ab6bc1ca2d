from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.urls import reverse

from sportello.accounts.models import BillingProfile
from sportello.accounts.tests.factories import PASSWORD
from sportello.cart.models import BulkImport, Cart
from sportello.notifications.models import EmailStatus, OutgoingEmail
from sportello.orders.models import Order, OrderStatus
from sportello.orders.tests.factories import OrderFactory, PaidOrderFactory
from sportello.payments.models import Payment, PaymentStatus
from sportello.privacy.erasure import REMOVED_TEXT, ErasureRefused, erase_customer
from sportello.privacy.models import AccountErasure, ConsentEvent
from sportello.quotes.models import QuoteMessage, QuoteRequest, QuoteStatus
from sportello.uploads.models import Upload

pytestmark = pytest.mark.django_db
User = get_user_model()

BILLING_FIELDS = [
    "number",
    "total_net",
    "total_vat",
    "total_gross",
    "placed_at",
    "paid_at",
    "status",
    "billing_kind",
    "billing_first_name",
    "billing_last_name",
    "billing_company_name",
    "billing_codice_fiscale",
    "billing_partita_iva",
    "billing_sdi_code",
    "billing_pec",
    "billing_address",
    "billing_cap",
    "billing_comune",
    "billing_provincia",
    "billing_country",
]


def fiscal_record(order: Order) -> dict:
    order.refresh_from_db()
    return {
        **model_to_dict(order, fields=BILLING_FIELDS),
        "lines": [
            (line.net, line.vat, line.gross, line.answers) for line in order.lines.order_by("id")
        ],
    }


def snapshot(user) -> dict:
    """Everything the erasure may touch for `user`, to check that a refusal changes nothing."""
    user.refresh_from_db()
    return {
        "user": model_to_dict(user, fields=["email", "first_name", "last_name", "phone"])
        | {"is_active": user.is_active, "password": user.password},
        "billing": BillingProfile.objects.filter(user=user).count(),
        "addresses": EmailAddress.objects.filter(user=user).count(),
        "carts": Cart.objects.filter(user=user).count(),
        "files": Upload.objects.filter(owner=user).count(),
        "quotes": QuoteRequest.objects.filter(customer=user).count(),
        "orders": list(Order.objects.filter(customer=user).values_list("number", "status")),
        "consents": ConsentEvent.objects.filter(user=user).count(),
        "emails": list(OutgoingEmail.objects.values_list("to", "subject").order_by("id")),
        "erasures": AccountErasure.objects.count(),
    }


def test_erasure_anonymises_the_account(customer_data, django_capture_on_commit_callbacks):
    user = customer_data.user

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase_customer(user=user, actor=user)

    user.refresh_from_db()
    placeholder = f"deleted-{user.pk}@invalid"
    assert (user.email, user.first_name, user.last_name, user.phone) == (placeholder, "", "", "")
    assert user.is_active is False
    assert not user.has_usable_password()
    assert not BillingProfile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Cart.objects.filter(user=user).exists()
    assert (erasure.user, erasure.actor) == (user, user)
    assert erasure.kept_orders == [customer_data.order.number]
    assert erasure.cancelled_orders == []
    assert erasure.deleted_quotes == 1
    assert not BulkImport.objects.filter(owner=user).exists()
    # The cart's upload, the bulk order's file and the quote message's attachment go; the
    # ordered file stays.
    assert erasure.deleted_files == 3


def test_erasure_keeps_the_fiscal_records_restricted(customer_data):
    order = customer_data.order
    before = fiscal_record(order)

    erase_customer(user=customer_data.user, actor=customer_data.user)

    assert fiscal_record(order) == before
    order.refresh_from_db()
    assert order.total_gross == Decimal("122.00")
    assert order.billing_codice_fiscale == "RSSMRA80A01H501U"
    assert order.customer_email == f"deleted-{customer_data.user.pk}@invalid"
    assert order.customer == customer_data.user
    assert AccountErasure.objects.get(user=order.customer).kept_orders == [order.number]
    assert Payment.objects.get(order=order).amount == Decimal("122.00")
    assert order.lines.get().outcomes.get().files.get().original_name == "perizia-MARIO.pdf"


def test_erasure_deletes_files_unless_an_order_needs_them(
    customer_data, django_capture_on_commit_callbacks
):
    kept, dropped = customer_data.kept_file, customer_data.cart_file
    attachment = customer_data.customer_message.attachment
    storage = kept.file.storage
    kept_name, dropped_name = kept.file.name, dropped.file.name
    attachment_name = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        erase_customer(user=customer_data.user, actor=customer_data.user)

    assert Upload.objects.filter(pk=kept.pk).exists()
    assert storage.exists(kept_name)
    assert not Upload.objects.filter(pk=dropped.pk).exists()
    assert not storage.exists(dropped_name)
    assert not storage.exists(attachment_name)
    assert storage.exists(customer_data.outcome_file.file.name)


def test_quotes_without_an_order_are_deleted(customer_data):
    quote = customer_data.quote

    erase_customer(user=customer_data.user, actor=customer_data.user)

    assert not QuoteRequest.objects.filter(pk=quote.pk).exists()
    assert not QuoteMessage.objects.filter(quote_id=quote.pk).exists()


def test_an_ordered_quote_is_kept_without_the_customers_words(customer_data, staff):
    quote = customer_data.quote
    QuoteRequest.objects.filter(pk=quote.pk).update(
        status=QuoteStatus.ORDERED, order=customer_data.order, decline_reason="Troppo caro"
    )

    erase_customer(user=customer_data.user, actor=customer_data.user)

    quote.refresh_from_db()
    assert (quote.customer_message, quote.decline_reason) == ("", "")
    assert quote.lines.get().answers == {"indirizzo": "Via MARIO 2"}
    assert quote.prices.get().total_gross == Decimal("610.00")
    messages = [(m.body, m.attachment_name) for m in quote.messages.order_by("id")]
    assert messages == [(REMOVED_TEXT, ""), ("Ricevuto MARIO", "")]


def test_sent_emails_are_scrubbed_and_the_confirmation_goes_to_the_old_address(
    customer_data, django_capture_on_commit_callbacks, mailoutbox
):
    user = customer_data.user
    old_sent = OutgoingEmail.objects.get(subject="Il tuo ordine MARIO")

    with django_capture_on_commit_callbacks(execute=True):
        erase_customer(user=user, actor=user)

    old_sent.refresh_from_db()
    assert (old_sent.to, old_sent.subject, old_sent.text_body, old_sent.html_body) == (
        f"deleted-{user.pk}@invalid",
        REMOVED_TEXT,
        "",
        "",
    )
    confirmation = OutgoingEmail.objects.get(template="privacy/email/account_erased")
    assert confirmation.to == "mario.rossi@example.com"
    assert confirmation.status == EmailStatus.SENT
    assert "Mario" not in confirmation.text_body
    assert customer_data.order.number not in confirmation.text_body
    (message,) = mailoutbox
    assert message.to == ["mario.rossi@example.com"]
    assert message.subject == "Il tuo account è stato cancellato"
    assert "abbiamo cancellato il tuo account" in message.body
    # What is kept is said as erasure keeps it: the orders with the data and documents given
    # for their services (ERASURE of orders), not "only the fiscal data".
    assert "i servizi con i dati e i documenti forniti per eseguirli" in message.body
    assert "soli dati fiscali" not in message.body


def test_optional_consents_are_withdrawn_and_the_ledger_kept(customer_data):
    user = customer_data.user

    erase_customer(user=user, actor=user)

    rows = list(
        ConsentEvent.objects.filter(user=user)
        .order_by("id")
        .values_list("purpose", "is_granted", "source")
    )
    assert rows == [
        ("privacy_notice", True, "signup"),
        ("marketing", True, "signup"),
        ("marketing", False, "account"),
    ]


def test_orders_awaiting_payment_are_cancelled_with_their_attempts(customer_data):
    user = customer_data.user
    awaiting = OrderFactory(customer=user)
    attempt = Payment.objects.create(order=awaiting, provider="test_gateway", amount="122.00")

    erasure = erase_customer(user=user, actor=user)

    awaiting.refresh_from_db()
    attempt.refresh_from_db()
    assert awaiting.status == OrderStatus.CANCELLED
    assert attempt.status == PaymentStatus.CANCELLED
    assert erasure.cancelled_orders == [awaiting.number]
    assert sorted(erasure.kept_orders) == sorted([customer_data.order.number, awaiting.number])


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.IN_PROGRESS])
def test_an_order_paid_or_in_progress_blocks_the_erasure(customer_data, status):
    user = customer_data.user
    ongoing = PaidOrderFactory(customer=user, status=status)
    before = snapshot(user)

    with pytest.raises(ErasureRefused) as refusal:
        erase_customer(user=user, actor=user)

    assert refusal.value.orders == [ongoing]
    assert ongoing.number in refusal.value.message
    assert snapshot(user) == before


def test_staff_accounts_are_refused(staff):
    before = snapshot(staff)

    with pytest.raises(ErasureRefused):
        erase_customer(user=staff, actor=staff)

    assert snapshot(staff) == before


def test_a_second_erasure_is_refused(customer_data):
    user = customer_data.user
    erase_customer(user=user, actor=user)
    before = snapshot(user)

    with pytest.raises(ErasureRefused):
        erase_customer(user=user, actor=user)

    assert snapshot(user) == before


def test_other_customers_are_untouched(customer_data, other_data):
    other = other_data.user
    before = snapshot(other)
    other_order = fiscal_record(other_data.order)

    erase_customer(user=customer_data.user, actor=customer_data.user)

    after = snapshot(other)
    # The outbox gains the confirmation to Mario and Mario's old row is scrubbed;
    # Giulia's rows are exactly as they were.
    assert {k: v for k, v in after.items() if k not in ("emails", "erasures")} == {
        k: v for k, v in before.items() if k not in ("emails", "erasures")
    }
    giulia = [row for row in before["emails"] if "giulia" in row[0]]
    assert giulia and [row for row in after["emails"] if "giulia" in row[0]] == giulia
    assert fiscal_record(other_data.order) == other_order
    assert QuoteRequest.objects.filter(pk=other_data.quote.pk).exists()
    assert other_data.cart_file.file.storage.exists(other_data.cart_file.file.name)


# --- The page -----------------------------------------------------------------------------


def test_the_page_shows_the_form(customer_client, customer_data):
    response = customer_client.get(reverse("privacy:delete_account"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="password"' in content
    assert 'name="confirm"' in content
    assert "Cancella definitivamente l'account</button>" in content


def test_the_page_lists_blocking_orders_and_offers_no_form(customer_client, customer):
    ongoing = PaidOrderFactory(customer=customer)

    response = customer_client.get(reverse("privacy:delete_account"))

    content = response.content.decode()
    assert f"Ordine n. {ongoing.number}" in content
    assert 'name="password"' not in content


def test_wrong_password_is_refused_and_nothing_changes(customer_client, customer_data):
    before = snapshot(customer_data.user)

    response = customer_client.post(
        reverse("privacy:delete_account"), {"password": "sbagliata", "confirm": "on"}
    )

    assert response.status_code == 200
    assert "La password non è corretta." in response.content.decode()
    assert snapshot(customer_data.user) == before
    assert "_auth_user_id" in customer_client.session


def test_the_confirmation_box_is_required(customer_client, customer_data):
    before = snapshot(customer_data.user)

    response = customer_client.post(reverse("privacy:delete_account"), {"password": PASSWORD})

    assert "Conferma di aver capito" in response.content.decode()
    assert snapshot(customer_data.user) == before


def test_a_blocked_post_shows_the_orders_and_changes_nothing(customer_client, customer):
    ongoing = PaidOrderFactory(customer=customer)
    before = snapshot(customer)

    response = customer_client.post(
        reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 200
    assert ongoing.number in response.content.decode()
    assert snapshot(customer) == before


def test_deleting_logs_out_and_blocks_every_login(customer_client, customer_data, client):
    response = customer_client.post(
        reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 200
    assert "Account cancellato" in response.content.decode()
    assert "_auth_user_id" not in customer_client.session
    assert customer_client.get(reverse("accounts:home")).status_code == 302
    assert not client.login(email="mario.rossi@example.com", password=PASSWORD)
    placeholder = f"deleted-{customer_data.user.pk}@invalid"
    assert not client.login(email=placeholder, password=PASSWORD)
    login = client.post(
        reverse("account_login"), {"login": "mario.rossi@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AccountErasure.objects.get().user == customer_data.user


def test_another_session_of_the_deleted_account_is_ended(client, customer_data):
    other_device = type(client)()
    other_device.force_login(customer_data.user)
    client.force_login(customer_data.user)

    client.post(reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"})

    assert other_device.get(reverse("accounts:home")).status_code == 302


def test_password_guesses_are_rate_limited(customer_client, customer_data, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "3/m/user"}
    url = reverse("privacy:delete_account")
    for _ in range(3):
        customer_client.post(url, {"password": "sbagliata", "confirm": "on"})
    before = snapshot(customer_data.user)

    response = customer_client.post(url, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 429
    assert "Troppi tentativi" in response.content.decode()
    assert snapshot(customer_data.user) == before


def test_staff_notifications_about_the_customer_are_scrubbed(
    customer, other_customer, staff, django_capture_on_commit_callbacks
):
    """The outbox keeps a copy of every e-mail: those sent to staff about the customer's quotes
    and orders (answers, messages, name, address) must go with the account."""
    from sportello.quotes import actions as quote_actions
    from sportello.quotes import emails as quote_emails
    from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory

    def request_with_message(owner, words):
        quote = QuoteRequestFactory(customer=owner, customer_message=f"Rogito {words}")
        QuoteLineFactory(
            quote=quote,
            answers_display=[{"label": "Telefono", "value": f"333 {words}", "file_id": None}],
        )
        quote_emails.staff_new_request(quote)
        quote_actions.post_message(quote=quote, author=owner, body=f"Richiamatemi {words}")
        return quote

    with django_capture_on_commit_callbacks(execute=True):
        request_with_message(customer, "MARIO")
        paid = PaidOrderFactory(customer=customer, status=OrderStatus.COMPLETED)
        from sportello.orders import emails as order_emails

        order_emails.send_staff_order_paid(paid)
        request_with_message(other_customer, "GIULIA")
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 5
    others_before = [
        (email.subject, email.text_body)
        for email in OutgoingEmail.objects.filter(text_body__contains="GIULIA").order_by("id")
    ]

    with django_capture_on_commit_callbacks(execute=True):
        erase_customer(user=customer, actor=customer)

    for email in OutgoingEmail.objects.exclude(template="privacy/email/account_erased"):
        stored = " ".join([email.to, email.subject, email.text_body, email.html_body])
        for personal in ("mario.rossi@example.com", "Rossi", "MARIO"):
            assert personal not in stored, (email.template, personal)
    assert others_before == [
        (email.subject, email.text_body)
        for email in OutgoingEmail.objects.filter(text_body__contains="GIULIA").order_by("id")
    ]
    assert len(others_before) == 2


def test_a_decline_reason_in_a_kept_quotes_history_is_removed(customer, staff):
    from sportello.quotes.models import QuoteStatusChange
    from sportello.quotes.tests.factories import QuoteRequestFactory

    order = PaidOrderFactory(customer=customer, status=OrderStatus.COMPLETED)
    quote = QuoteRequestFactory(customer=customer, status=QuoteStatus.ORDERED, order=order)
    declined = QuoteStatusChange.objects.create(
        quote=quote,
        from_status=QuoteStatus.READY,
        to_status=QuoteStatus.DECLINED,
        actor=customer,
        note="Troppo caro per Mario Rossi",
    )
    reissued = QuoteStatusChange.objects.create(
        quote=quote,
        from_status=QuoteStatus.DECLINED,
        to_status=QuoteStatus.READY,
        actor=staff,
        note="Versione 2 inviata al cliente",
    )

    erase_customer(user=customer, actor=customer)

    declined.refresh_from_db()
    reissued.refresh_from_db()
    assert declined.note == REMOVED_TEXT
    assert reissued.note == "Versione 2 inviata al cliente"
    assert QuoteRequest.objects.filter(pk=quote.pk).exists()


def test_erasure_removes_the_customers_order_messages_but_not_staffs(
    customer, staff, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sportello.orders import conversation
    from sportello.orders.models import OrderMessage, OrderStatus
    from sportello.orders.tests.factories import OrderLineFactory

    order = OrderFactory(customer=customer, status=OrderStatus.COMPLETED)
    OrderLineFactory(order=order)
    mine = conversation.post_customer_message(
        order=order,
        customer=customer,
        body="Il mio indirizzo è via Segreta 1",
        attachment=SimpleUploadedFile("p.pdf", b"%PDF-1.4 x"),
    )
    upload = mine.attachment
    stored = upload.file.name
    theirs = conversation.post_staff_message(order=order, actor=staff, body="Grazie")
    with django_capture_on_commit_callbacks(execute=True):
        erase_customer(user=customer, actor=customer)
    mine.refresh_from_db()
    assert mine.body == REMOVED_TEXT and mine.attachment is None and mine.attachment_name == ""
    # The Upload row the message used is gone, and its file after commit.
    assert not Upload.objects.filter(pk=upload.pk).exists()
    assert not upload.file.storage.exists(stored)
    assert OrderMessage.objects.get(pk=theirs.pk).body == "Grazie"

"""The withdrawal function: availability, the two steps, the acknowledgement, the public
form's discretion and rate limit, ownership, and staff settling it with a refund."""

import datetime as dt
import html
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sportello.core.dates import long_date
from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import CustomerKind, LineStatus, OrderStatus
from sportello.orders.queries import withdrawal_is_open
from sportello.orders.tests.factories import OrderFactory
from sportello.payments.models import Refund
from sportello.withdrawals.actions import withdraw_from_form
from sportello.withdrawals.forms import AnonymousWithdrawalForm, ServicesForm
from sportello.withdrawals.models import WithdrawalRequest, WithdrawalSource, WithdrawalStatus
from sportello.withdrawals.queries import open_withdrawal_requests

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
START = reverse("withdrawals:start")
SENT = reverse("withdrawals:sent")
ORDERS = reverse("orders:list")
BUTTON = "Recedi dal contratto qui"


def for_order(order) -> str:
    return reverse("withdrawals:for_order", kwargs={"number": order.number})


# --- Availability ----------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "is_open"), [(0, True), (13, True), (14, True), (15, False)])
def test_button_availability_by_day_with_a_fixed_clock(make_order, day, is_open):
    placed = dt.datetime(2026, 3, 2, 9, 15, tzinfo=ROME)
    order = make_order(placed_at=placed)
    now = placed + dt.timedelta(days=day)

    assert withdrawal_is_open(order, now=now) is is_open


def test_the_button_is_in_i_miei_ordini_during_the_period_only(customer_client, make_order):
    current = make_order()
    expired = make_order(days_ago=15)

    page = customer_client.get(ORDERS).text

    assert f'href="{for_order(current)}"' in page
    assert f'href="{for_order(expired)}"' not in page
    assert page.count('href="/recesso/ordine/') == 1
    detail = customer_client.get(reverse("orders:detail", kwargs={"number": current.number}))
    assert BUTTON in detail.text


def test_no_button_for_a_company_or_services_fully_performed_on_request(
    customer_client, make_order
):
    company = make_order(kind=CustomerKind.COMPANY)
    performed = make_order(early_start=True)
    performed.lines.update(status=LineStatus.COMPLETED)

    page = customer_client.get(ORDERS).text

    assert 'href="/recesso/ordine/' not in page
    # And the function itself refuses them (no form).
    for order in (company, performed):
        response = customer_client.get(for_order(order))
        assert "Recesso non disponibile" in response.text
        assert 'name="lines"' not in response.text


def test_a_started_service_can_still_be_withdrawn_until_fully_performed(
    customer_client, make_order
):
    order = make_order(early_start=True)
    first, _second = order.lines.all()
    first.status = LineStatus.COMPLETED
    first.save()

    page = customer_client.get(for_order(order)).text

    assert "Visura catastale" in page
    assert "Perizia immobiliare" not in page  # performed at their request: right lost


def test_i_miei_ordini_query_count_does_not_grow(
    customer_client, make_order, django_assert_num_queries
):
    make_order()
    customer_client.get(ORDERS)
    with django_assert_num_queries(6) as one:
        customer_client.get(ORDERS)
    make_order()
    make_order(days_ago=20)
    with django_assert_num_queries(len(one.captured_queries)):
        customer_client.get(ORDERS)


# --- From I MIEI ORDINI ----------------------------------------------------------------------


def test_withdraw_from_i_miei_ordini_in_two_steps_with_the_acknowledgement(
    customer_client, consumer_order
):
    perizia, visura = consumer_order.lines.all()
    form = customer_client.get(for_order(consumer_order))
    assert form.status_code == 200
    assert "Perizia immobiliare" in form.text and "Visura catastale" in form.text

    step_two = customer_client.post(for_order(consumer_order), {"lines": [visura.pk]})
    assert "Conferma il recesso" in step_two.text
    assert "Visura catastale" in step_two.text
    assert not WithdrawalRequest.objects.exists()  # nothing sent before the confirmation

    before = timezone.now()
    done = customer_client.post(
        for_order(consumer_order), {"lines": [visura.pk], "step": "conferma"}
    )

    assert done["Location"] == SENT
    withdrawal = WithdrawalRequest.objects.get()
    assert withdrawal.order == consumer_order
    assert list(withdrawal.lines.all()) == [visura]
    assert withdrawal.source == WithdrawalSource.ACCOUNT
    assert withdrawal.status == WithdrawalStatus.RECEIVED
    assert before <= withdrawal.received_at <= timezone.now()

    ack = OutgoingEmail.objects.get(template="withdrawals/email/acknowledgement")
    received = timezone.localtime(withdrawal.received_at, ROME)
    assert ack.to == consumer_order.customer_email
    # Greeted by first name, as the order's other e-mails.
    assert consumer_order.greeting_name
    assert f"Gentile {consumer_order.greeting_name},\n" in ack.text_body
    assert f"{long_date(received)} alle {received:%H:%M} (ora italiana)" in ack.text_body
    assert f"Numero dell'ordine: {consumer_order.number}" in ack.text_body
    assert "Servizi: Visura catastale" in ack.text_body
    assert "Con la presente notifico il recesso" in ack.text_body
    assert perizia.status == LineStatus.RECEIVED


def test_both_withdrawal_forms_lead_to_their_errors(customer_client, consumer_order):
    """No service ticked, or the public form sent empty: a summary that takes focus links
    each error to its field, as on every other form of the shop."""
    chosen = customer_client.post(for_order(consumer_order), {"step": "scegli"}).text
    public = customer_client.post(reverse("withdrawals:start"), {}).text

    for page in (chosen, public):
        assert 'role="alert" tabindex="-1" id="form-errors" autofocus' in page
        assert "Il modulo contiene errori." in page
    assert 'href="#id_lines_0"' in chosen
    assert 'href="#id_email"' in public


def test_a_service_already_in_a_statement_is_not_offered_again(customer_client, consumer_order):
    _perizia, visura = consumer_order.lines.all()
    customer_client.post(for_order(consumer_order), {"lines": [visura.pk], "step": "conferma"})

    again = customer_client.post(
        for_order(consumer_order), {"lines": [visura.pk], "step": "conferma"}
    )

    assert "non è più disponibile" in again.text
    assert WithdrawalRequest.objects.count() == 1


def test_the_order_pages_say_the_statement_arrived_and_stop_offering_it(
    customer_client, consumer_order, staff
):
    """After "Conferma il recesso" for every service: the order page and I MIEI ORDINI say the
    statement arrived, no longer offer the button, nor a start date; staff's queue of services
    to start leaves them out (they wait in "Recessi da gestire")."""
    from sportello.desk.queues import Filters, lines_to_start

    detail_url = reverse("orders:detail", kwargs={"number": consumer_order.number})
    assert set(lines_to_start(Filters())) == set(consumer_order.lines.all())
    withdrawal = _withdraw_all(customer_client, consumer_order)
    received = long_date(timezone.localtime(withdrawal.received_at, ROME))

    detail = customer_client.get(detail_url).text
    assert f"esercitato: dichiarazione di recesso ricevuta {received}" in detail
    assert f'href="{for_order(consumer_order)}"' not in detail
    assert "lavorazione da" not in detail
    assert detail.count("Recesso ricevuto") == 2  # beside each service
    assert "Hai receduto da tutti i servizi dell'ordine." in detail
    assert "Inizieremo a lavorare" not in detail
    listing = customer_client.get(ORDERS).text
    assert f'href="{for_order(consumer_order)}"' not in listing
    assert "Recesso ricevuto" in listing
    assert list(lines_to_start(Filters())) == []
    # The desk's order page says it and offers no "Inizia lavorazione".
    customer_client.force_login(staff)
    desk = customer_client.get(reverse("desk:order", args=[consumer_order.number])).text
    assert desk.count("Recesso ricevuto il") == 2
    assert "Inizia lavorazione" not in desk


def test_withdrawing_from_one_service_leaves_the_other_offered(customer_client, consumer_order):
    _perizia, visura = consumer_order.lines.all()
    customer_client.post(for_order(consumer_order), {"lines": [visura.pk], "step": "conferma"})

    detail = customer_client.get(
        reverse("orders:detail", kwargs={"number": consumer_order.number})
    ).text
    assert f'href="{for_order(consumer_order)}"' in detail
    assert "per gli altri servizi · dichiarazione di recesso ricevuta" in detail
    assert detail.count("Recesso ricevuto") == 1


def test_two_lines_of_the_same_service_are_told_apart(customer_client, make_order):
    """Two "Visura catastale" for two properties: the form, the confirmation and the e-mail
    say which is which (by their first answers)."""
    order = make_order()
    perizia, visura = order.lines.all()
    perizia.service_name = "Visura catastale"
    perizia.answers_display = [
        {"label": "Comune", "value": "Bologna"},
        {"label": "Documento", "value": "atto.pdf", "file_id": 7},
        {"label": "Foglio", "value": "12"},
    ]
    perizia.save()
    visura.answers_display = [{"label": "Comune", "value": "Modena"}]
    visura.save()

    page = customer_client.get(for_order(order)).text
    assert "Visura catastale (Comune: Bologna; Foglio: 12)" in page
    assert "Visura catastale (Comune: Modena)" in page
    confirm = customer_client.post(for_order(order), {"lines": [visura.pk]}).text
    assert "<li>Visura catastale (Comune: Modena)</li>" in confirm
    assert f'name="lines" value="{visura.pk}"' in confirm
    customer_client.post(for_order(order), {"lines": [perizia.pk, visura.pk], "step": "conferma"})
    ack = OutgoingEmail.objects.get(template="withdrawals/email/acknowledgement")
    assert "Visura catastale (Comune: Bologna; Foglio: 12)" in ack.text_body
    assert "Visura catastale (Comune: Modena)" in ack.text_body


def test_lines_are_told_apart_by_the_answers_that_differ(customer_client, staff, make_order):
    """Same comune and catasto, different particella: the particella tells them apart, on
    the consumer's form and on staff's page and e-mail; identical answers: their place."""
    from sportello.withdrawals.queries import service_labels

    order = make_order()
    first, second = order.lines.all()
    common = [{"label": "Catasto", "value": "Fabbricati"}, {"label": "Comune", "value": "Bologna"}]
    for line, particella in ((first, "345"), (second, "346")):
        line.service_name = "Visura catastale"
        line.answers_display = [*common, {"label": "Particella", "value": particella}]
        line.save()

    page = customer_client.get(for_order(order)).text
    assert "Visura catastale (Particella: 345)" in page
    assert "Visura catastale (Particella: 346)" in page
    customer_client.post(for_order(order), {"lines": [second.pk], "step": "conferma"})
    withdrawal = WithdrawalRequest.objects.get()
    customer_client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])
    assert "Visura catastale (Particella: 346) — 122,00" in customer_client.get(url).text
    customer_client.post(url, {"note": ""})
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert "Servizi annullati: Visura catastale (Particella: 346)." in processed.text_body

    first.answers_display = second.answers_display
    first.save()
    labels = service_labels(order.lines.all())
    assert sorted(labels.values()) == [
        f"Visura catastale (servizio n. {first.position + 1})",
        f"Visura catastale (servizio n. {second.position + 1})",
    ]


def test_another_customer_gets_404_and_nothing_is_sent(client, other_customer, consumer_order):
    client.force_login(other_customer)
    line = consumer_order.lines.first()

    assert client.get(for_order(consumer_order)).status_code == 404
    response = client.post(for_order(consumer_order), {"lines": [line.pk], "step": "conferma"})

    assert response.status_code == 404
    assert not WithdrawalRequest.objects.exists()
    assert not OutgoingEmail.objects.filter(template__startswith="withdrawals/").exists()


def test_a_visitor_is_sent_to_log_in(client, consumer_order):
    response = client.get(for_order(consumer_order))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_withdrawal_page_query_count_does_not_grow(
    customer_client, make_order, django_assert_num_queries
):
    small = make_order()
    customer_client.get(for_order(small))
    with django_assert_num_queries(7) as one:
        customer_client.get(for_order(small))
    large = make_order()
    for position in range(2, 6):
        large.lines.create(
            position=position,
            service_name=f"Servizio {position}",
            form_version=1,
            base_net="10.00",
            vat_rate="22.00",
            net="10.00",
            vat="2.20",
            gross="12.20",
        )
    with django_assert_num_queries(len(one.captured_queries)):
        customer_client.get(for_order(large))


# --- The public form (footer, no login) ------------------------------------------------------


def test_only_the_data_needed_are_asked():
    assert list(AnonymousWithdrawalForm().fields) == [
        "customer_name",
        "email",
        "order_number",
        "services_text",
    ]
    assert not AnonymousWithdrawalForm().fields["services_text"].required
    assert list(ServicesForm(lines=[]).fields) == ["lines"]


def _statement(order_number, email="mario.rossi@example.com"):
    return {
        "customer_name": "Mario Rossi",
        "email": email,
        "order_number": order_number,
        "services_text": "",
    }


def test_the_public_form_withdraws_with_matching_e_mail_and_number(client, consumer_order):
    data = _statement(consumer_order.number, email="MARIO.ROSSI@example.com")
    step_two = client.post(START, data)
    assert "Conferma il recesso" in step_two.text
    assert not WithdrawalRequest.objects.exists()

    response = client.post(START, {**data, "step": "conferma"})

    assert response["Location"] == SENT
    withdrawal = WithdrawalRequest.objects.get()
    assert withdrawal.order == consumer_order
    assert withdrawal.lines.count() == 2
    assert withdrawal.source == WithdrawalSource.FORM
    ack = OutgoingEmail.objects.get(template="withdrawals/email/acknowledgement")
    assert ack.to == "MARIO.ROSSI@example.com"
    received = timezone.localtime(withdrawal.received_at, ROME)
    assert f"{long_date(received)} alle {received:%H:%M}" in ack.text_body


def test_the_public_form_gives_the_same_answer_whether_the_order_exists_or_not(
    client, consumer_order
):
    def send(data):
        client.post(START, data)
        response = client.post(START, {**data, "step": "conferma"}, follow=True)
        # The CSRF token is masked anew on every page: not part of the answer.
        text = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.text)
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return response.redirect_chain, text

    existing = send(_statement(consumer_order.number))
    missing = send(_statement("2026-999999"))
    someone_elses = send(_statement(consumer_order.number, email="intruso@example.com"))

    assert existing == missing == someone_elses
    assert existing[0] == [(SENT, 302)]
    bodies = [
        e.text_body.replace(e.to, "X").split("Numero dell'ordine")[0]
        for e in OutgoingEmail.objects.filter(template="withdrawals/email/acknowledgement")
    ]
    assert len(bodies) == 3
    assert len({body.split("abbiamo ricevuto")[1][:40] for body in bodies}) == 1


def test_a_logged_in_customer_is_told_at_once_when_the_number_is_not_one_of_theirs(
    customer_client, customer, consumer_order, other_customer
):
    """A typo would otherwise be confirmed as sent and match nothing; only their own orders
    are looked at, so nothing is told about anyone else's."""
    others = OrderFactory(customer=other_customer)
    for number in ("2026-999999", others.number):
        page = customer_client.post(START, _statement(number, email=customer.email))
        assert "Non troviamo un tuo ordine con questo numero" in page.text
        assert "Conferma il recesso" not in page.text
        assert number in page.text  # what was typed is kept
    step_two = customer_client.post(START, _statement(consumer_order.number, email=customer.email))
    assert "Conferma il recesso" in step_two.text
    assert not WithdrawalRequest.objects.exists()


def test_someone_elses_order_cannot_be_withdrawn_without_the_matching_e_mail(
    client, consumer_order
):
    data = _statement(consumer_order.number, email="intruso@example.com")
    client.post(START, {**data, "step": "conferma"})

    withdrawal = WithdrawalRequest.objects.get()
    assert withdrawal.status == WithdrawalStatus.UNMATCHED
    assert withdrawal.order is None
    assert not withdrawal.lines.exists()
    assert list(open_withdrawal_requests()) == []
    # The real customer's order is untouched.
    assert OutgoingEmail.objects.filter(to=consumer_order.customer_email).count() == 0


def test_the_public_form_is_rate_limited_the_same_way_for_every_order(
    client, consumer_order, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "withdrawal": "2/h/ip"}
    client.post(START, _statement("2026-999999"))
    client.post(START, _statement("2026-999998"))

    for number in (consumer_order.number, "2026-999997"):
        response = client.post(START, {**_statement(number), "step": "conferma"})
        assert response.status_code == 429
        assert "Hai inviato molte richieste in poco tempo" in response.text
        # What was typed is kept.
        assert f'value="{number}"' in response.text
    assert not WithdrawalRequest.objects.exists()


def test_the_footer_links_the_function_and_the_terms(client):
    page = client.get(reverse("pages:home")).text
    assert f'<a href="{START}">{BUTTON}</a>' in page
    assert f'<a href="{reverse("contracts:terms")}">Condizioni generali di vendita</a>' in page


# --- Staff -----------------------------------------------------------------------------------


def _withdraw_all(customer_client, order):
    lines = [line.pk for line in order.lines.all()]
    customer_client.post(for_order(order), {"lines": lines, "step": "conferma"})
    return WithdrawalRequest.objects.get(order=order)


def test_staff_see_received_statements_oldest_first(customer_client, make_order):
    first = _withdraw_all(customer_client, make_order())
    second = _withdraw_all(customer_client, make_order())
    WithdrawalRequest.objects.filter(pk=second.pk).update(status=WithdrawalStatus.PROCESSED)
    third = _withdraw_all(customer_client, make_order())

    assert list(open_withdrawal_requests()) == [first, third]


def test_staff_process_a_withdrawal_of_services_not_started(
    client, customer, staff, consumer_order
):
    client.force_login(customer)
    withdrawal = _withdraw_all(client, consumer_order)
    client.force_login(staff)
    change = client.get(reverse("admin:withdrawals_withdrawalrequest_changelist"))
    assert consumer_order.number in change.text
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])
    form = client.get(url)
    assert "annullati e rimborsati per intero" in form.text

    response = client.post(url, {"note": ""}, follow=True)

    assert "Recesso gestito: rimborsati 244,00\u00a0€" in response.text
    withdrawal.refresh_from_db()
    consumer_order.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PROCESSED
    assert withdrawal.refund_amount == Decimal("244.00")
    assert withdrawal.processed_by == staff
    assert set(consumer_order.lines.values_list("status", flat=True)) == {LineStatus.CANCELLED}
    assert consumer_order.status == OrderStatus.REFUNDED
    assert Refund.objects.get().amount == Decimal("244.00")
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert "Importo rimborsato: 244,00\u00a0€" in processed.text_body
    assert "Servizi annullati: Perizia immobiliare, Visura catastale." in processed.text_body
    # One e-mail says it all: no separate "ordine annullato" or "rimborso" message.
    to_customer = OutgoingEmail.objects.filter(to=consumer_order.customer_email)
    assert sorted(to_customer.values_list("template", flat=True)) == [
        "withdrawals/email/acknowledgement",
        "withdrawals/email/processed",
    ]


def test_staff_process_a_withdrawal_of_an_order_never_paid(client, customer, staff, make_order):
    """A bank-transfer order not paid yet: the page, the message and the e-mail say there is
    nothing to refund (no "rimborso di 0,00 €"); the order is cancelled."""
    order = make_order(paid=False)
    client.force_login(customer)
    withdrawal = _withdraw_all(client, order)
    ack = OutgoingEmail.objects.get(template="withdrawals/email/acknowledgement")
    assert "se non hai ancora pagato, per i servizi da cui recedi non devi pagare nulla" in (
        ack.text_body
    )
    client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])

    form = client.get(url).text
    assert "annullati e rimborsati" not in form
    assert (
        "Nulla da rimborsare: l'ordine non ha pagamenti rimborsabili (non è stato pagato)" in form
    )
    done = client.post(url, {"note": ""}, follow=True).text

    assert "Recesso gestito: nulla da rimborsare (nessun pagamento rimborsabile)" in done
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert not Refund.objects.exists()
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert "non c'è nulla da rimborsare e non devi pagare nulla" in processed.text_body
    for body in (processed.text_body, processed.html_body):
        assert "rimborsato" not in body
        assert " 0,00" not in body


def test_an_unpaid_order_withdrawn_from_reads_recesso_ricevuto_then_annullato(
    client, customer, staff, make_order
):
    """Not "In attesa di pagamento" once the consumer withdrew from every service (there is
    nothing to pay): "Recesso ricevuto" on I MIEI ORDINI and the order page until staff settle
    it, then "Annullato" with "Recesso gestito"."""
    order = make_order(paid=False)
    detail_url = reverse("orders:detail", kwargs={"number": order.number})
    client.force_login(customer)
    assert "In attesa di pagamento" in client.get(ORDERS).text
    withdrawal = _withdraw_all(client, order)

    listing = client.get(ORDERS).text
    detail = client.get(detail_url).text
    for page in (listing, detail):
        assert "status-awaiting_payment" not in page  # the history below still has it
        assert '<span class="status status-withdrawn">Recesso ricevuto</span>' in page
    assert listing.count("Recesso ricevuto") == 1  # the status says it: no second mention

    client.force_login(staff)
    client.post(
        reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk]), {"note": ""}
    )
    client.force_login(customer)
    listing = client.get(ORDERS).text
    detail = client.get(detail_url).text
    assert '<span class="status status-cancelled">Annullato</span>' in listing
    assert "Recesso gestito" in listing
    assert "Recesso ricevuto" not in listing
    assert '<span class="status status-cancelled">Annullato</span>' in detail
    assert ", recesso gestito" in detail


def test_a_settled_withdrawal_of_a_started_service_reads_gestito(
    client, customer, staff, make_order
):
    """A service started on request and refunded in part stays on the order: once settled it
    reads "Recesso gestito" for the customer, and staff are no longer told to handle it."""
    from sportello.orders.actions import set_line_status

    order = make_order(early_start=True)
    perizia, _visura = order.lines.all()
    set_line_status(line=perizia, to=LineStatus.IN_PROGRESS, actor=staff)
    client.force_login(customer)
    withdrawal = _withdraw_all(client, order)
    detail_url = reverse("orders:detail", kwargs={"number": order.number})
    assert "Recesso ricevuto" in client.get(detail_url).text
    client.force_login(staff)
    desk_url = reverse("desk:order", args=[order.number])
    assert "gestisci il recesso" in client.get(desk_url).text

    client.post(
        reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk]),
        {f"refund_{perizia.pk}": "61.00", "note": ""},
    )

    perizia.refresh_from_db()
    withdrawal.refresh_from_db()
    assert perizia.withdrawal_settled_at == withdrawal.processed_at
    desk = client.get(desk_url).text
    assert "gestisci il recesso" not in desk
    assert "gestito il" in desk
    client.force_login(customer)
    detail = client.get(detail_url).text
    assert "Recesso ricevuto" not in detail
    assert "Recesso gestito" in detail
    assert "Recesso gestito" in client.get(ORDERS).text


def test_statements_settled_before_the_field_existed_mark_their_lines(
    client, customer, staff, make_order
):
    """The data migration `withdrawals.0003`: the lines of statements already processed get
    their settling time; those of a statement still to handle do not."""
    import importlib

    from django.apps import apps

    settled_order, waiting_order = make_order(), make_order()
    client.force_login(customer)
    settled = _withdraw_all(client, settled_order)
    _withdraw_all(client, waiting_order)
    client.force_login(staff)
    client.post(
        reverse("admin:withdrawals_withdrawalrequest_process", args=[settled.pk]), {"note": ""}
    )
    settled.refresh_from_db()
    OrderLine = apps.get_model("orders", "OrderLine")
    OrderLine.objects.update(withdrawal_settled_at=None)  # as before the field existed

    importlib.import_module(
        "sportello.withdrawals.migrations.0003_lines_withdrawal_settled_at"
    ).forwards(apps, None)

    assert set(
        OrderLine.objects.filter(order=settled_order).values_list(
            "withdrawal_settled_at", flat=True
        )
    ) == {settled.processed_at}
    assert set(
        OrderLine.objects.filter(order=waiting_order).values_list(
            "withdrawal_settled_at", flat=True
        )
    ) == {None}


def test_a_partial_withdrawal_leaves_the_rest_of_the_order_to_start(
    client, customer, staff, consumer_order
):
    """One service withdrawn and cancelled: the other is still to start, so the order stays
    "Pagato" (no "in lavorazione" e-mail announcing work inside the withdrawal period)."""
    _perizia, visura = consumer_order.lines.all()
    client.force_login(customer)
    client.post(for_order(consumer_order), {"lines": [visura.pk], "step": "conferma"})
    withdrawal = WithdrawalRequest.objects.get()
    client.force_login(staff)

    client.post(
        reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk]), {"note": ""}
    )

    consumer_order.refresh_from_db()
    assert consumer_order.status == OrderStatus.PAID
    assert consumer_order.lines.get(pk=visura.pk).status == LineStatus.CANCELLED
    assert not OutgoingEmail.objects.filter(
        template__startswith="orders/email/in_progress"
    ).exists()
    assert not OutgoingEmail.objects.filter(subject__contains="in lavorazione").exists()
    # Paid before the statement: the total is still what was paid (the refund gives back the
    # withdrawn service), so nothing says services were left out of it.
    client.force_login(customer)
    detail = client.get(reverse("orders:detail", kwargs={"number": consumer_order.number})).text
    assert "senza i servizi da cui hai receduto" not in detail


def test_a_partial_withdrawal_keeps_the_payment_open(customer_client, customer, make_order):
    from django.test import RequestFactory

    from sportello.payments.actions import start_payment
    from sportello.payments.models import Payment, PaymentStatus

    order = make_order(paid=False)
    request = RequestFactory().get("/")
    request.user = customer
    start_payment(order=order, provider_id="bank_transfer", request=request)
    _perizia, visura = order.lines.all()

    customer_client.post(for_order(order), {"lines": [visura.pk], "step": "conferma"})

    transfer = Payment.objects.get(order=order)
    assert transfer.status == PaymentStatus.PENDING
    assert transfer.amount == Decimal("122.00")  # the service kept; same causale


def test_a_partial_withdrawal_of_an_unpaid_order_leaves_only_the_rest_to_pay(
    client, customer, staff, make_order
):
    """The consumer withdraws from one of two services before paying: the total drops to the
    other (a card page opened for the old amount is given up, the transfer asks for the new
    one), settling it says what is still to pay, and paying it invoices only that service."""
    from django.test import RequestFactory

    from sportello.checkout.settlement import settle_bank_transfer
    from sportello.invoicing.models import DocumentKind, FiscalDocument
    from sportello.payments.actions import start_payment
    from sportello.payments.models import Payment, PaymentStatus

    order = make_order(paid=False)
    request = RequestFactory().get("/")
    request.user = customer
    start_payment(order=order, provider_id="bank_transfer", request=request)
    start_payment(order=order, provider_id="test_gateway", request=request)
    _perizia, visura = order.lines.all()
    client.force_login(customer)

    sent = client.post(for_order(order), {"lines": [visura.pk], "step": "conferma"}, follow=True)

    assert (
        f"Per gli altri servizi dell'ordine n. {order.number} restano da pagare 122,00\u00a0€."
        in html.unescape(sent.text)
    )
    order.refresh_from_db()
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("100.00"),
        Decimal("22.00"),
        Decimal("122.00"),
    )
    assert order.status == OrderStatus.AWAITING_PAYMENT
    attempts = {p.provider: p for p in Payment.objects.filter(order=order)}
    assert attempts["test_gateway"].status == PaymentStatus.CANCELLED
    assert attempts["bank_transfer"].status == PaymentStatus.PENDING
    assert attempts["bank_transfer"].amount == Decimal("122.00")
    detail = client.get(reverse("orders:detail", kwargs={"number": order.number})).text
    assert (
        '122,00\u00a0€ <span class="muted">(senza i servizi da cui hai receduto)</span>' in detail
    )
    assert "244,00" not in detail.split("Servizi")[0]
    assert "Dichiarazione di recesso ricevuta" in detail  # in the history
    assert "Importo" in detail and "122,00" in detail  # the transfer's amount
    pay = client.get(reverse("payments:pay", kwargs={"number": order.number})).text
    assert "122,00" in pay and "244,00" not in pay
    summary = client.get(reverse("orders:confirmation", kwargs={"number": order.number})).text
    assert "· Recesso ricevuto: non incluso nel totale" in summary

    client.force_login(staff)
    withdrawal = WithdrawalRequest.objects.get(order=order)
    client.post(
        reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk]), {"note": ""}
    )
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert "Per gli altri servizi dell'ordine restano da pagare 122,00\u00a0€." in (
        processed.text_body
    )
    assert "non devi pagare nulla" not in processed.text_body

    settle_bank_transfer(order=order, actor=staff, amount=Decimal("122.00"))

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    invoice = FiscalDocument.objects.get(order=order, kind=DocumentKind.INVOICE)
    assert invoice.total_gross == Decimal("122.00")
    assert [line.description for line in invoice.lines.all()] == [
        f"Perizia immobiliare - ordine n. {order.number}"
    ]
    assert not Refund.objects.exists()
    # Paid and settled, the order's total still says why it is lower than its services.
    client.force_login(customer)
    detail = client.get(reverse("orders:detail", kwargs={"number": order.number})).text
    assert "(senza i servizi da cui hai receduto)" in detail


@pytest.mark.parametrize(("received", "excess"), [("122.00", None), ("130.00", "8,00")])
def test_a_partial_transfer_that_covers_what_is_left_after_a_withdrawal_pays_the_order(
    client, customer, staff, make_order, received, excess
):
    from django.test import RequestFactory

    from sportello.checkout.settlement import settle_bank_transfer
    from sportello.invoicing.models import DocumentKind, FiscalDocument
    from sportello.payments.actions import start_payment
    from sportello.payments.models import Payment, PaymentStatus

    order = make_order(paid=False)
    request = RequestFactory().get("/")
    request.user = customer
    start_payment(order=order, provider_id="bank_transfer", request=request)
    settle_bank_transfer(order=order, actor=staff, amount=Decimal(received), reference="CRO-1")
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT  # 244,00 asked
    _perizia, visura = order.lines.all()
    client.force_login(customer)

    client.post(for_order(order), {"lines": [visura.pk], "step": "conferma"})

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.total_gross == Decimal("122.00")
    assert not Payment.objects.filter(order=order, status=PaymentStatus.PENDING).exists()
    invoice = FiscalDocument.objects.get(order=order, kind=DocumentKind.INVOICE)
    assert invoice.total_gross == Decimal("122.00")
    alerts = OutgoingEmail.objects.filter(template="payments/email/staff_overpayment")
    if excess is None:
        assert not alerts.exists()
    else:
        assert f"rimborsa {excess} €" in alerts.get().subject


@pytest.mark.parametrize("paid_by", ["card_after", "transfer_before"])
def test_settling_refunds_nothing_for_services_that_left_the_total_before_payment(
    client, customer, staff, make_order, paid_by
):
    """Withdrawn from one service before paying, then the rest paid (by card afterwards, or
    by a partial transfer already received): the withdrawn service was never charged, so
    settling the statement refunds nothing and the order stays paid."""
    from django.test import RequestFactory

    from sportello.checkout.settlement import settle_bank_transfer, settle_confirmed_payment
    from sportello.invoicing.models import DocumentKind, FiscalDocument
    from sportello.payments.actions import start_payment
    from sportello.payments.models import Payment

    order = make_order(paid=False)
    request = RequestFactory().get("/")
    request.user = customer
    if paid_by == "transfer_before":
        start_payment(order=order, provider_id="bank_transfer", request=request)
        settle_bank_transfer(order=order, actor=staff, amount=Decimal("122.00"), reference="C1")
    _perizia, visura = order.lines.all()
    client.force_login(customer)
    client.post(for_order(order), {"lines": [visura.pk], "step": "conferma"})
    if paid_by == "card_after":
        start_payment(order=order, provider_id="test_gateway", request=request)
        card = Payment.objects.get(order=order, provider="test_gateway")
        settle_confirmed_payment(payment=card, provider_reference="tx-rest")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    withdrawal = WithdrawalRequest.objects.get(order=order)
    assert withdrawal.left_out_of_total == Decimal("122.00")

    client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])
    page = client.get(url).text
    assert "annullati e rimborsati per intero" not in page
    assert "Non sono mai stati pagati, quindi non si rimborsano" in page
    assert "Nulla da rimborsare per questo recesso" in page
    assert "Il rimborso avviene" not in page
    done = client.post(url, {"note": ""}, follow=True).text

    assert "nulla da rimborsare (servizi tolti dal totale prima del pagamento)" in done
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not Refund.objects.exists()
    assert not FiscalDocument.objects.filter(order=order, kind=DocumentKind.CREDIT_NOTE).exists()
    visura.refresh_from_db()
    assert visura.status == LineStatus.CANCELLED
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert "non li hai pagati, quindi non c'è nulla da rimborsare" in processed.text_body
    assert "Importo rimborsato" not in processed.text_body


def test_a_card_page_given_up_for_a_withdrawal_is_not_a_failed_payment(
    client, customer, make_order
):
    from django.test import RequestFactory

    from sportello.payments.actions import start_payment

    order = make_order(paid=False)
    request = RequestFactory().get("/")
    request.user = customer
    start_payment(order=order, provider_id="test_gateway", request=request)
    _perizia, visura = order.lines.all()
    client.force_login(customer)
    client.post(for_order(order), {"lines": [visura.pk], "step": "conferma"})

    detail = client.get(reverse("orders:detail", kwargs={"number": order.number})).text

    assert "non è andato a buon fine" not in detail
    assert "Ordine in attesa di pagamento." in detail
    assert "Paga ora" in detail


def test_money_for_the_old_amount_after_a_partial_withdrawal_is_flagged_to_refund(
    client, customer, staff, make_order
):
    """A card page opened for both services is paid after the consumer withdrew from one:
    the order is paid (the money covers it), invoiced for the service kept, and staff are told
    to refund the difference."""
    from django.test import RequestFactory

    from sportello.checkout.settlement import settle_confirmed_payment
    from sportello.invoicing.models import DocumentKind, FiscalDocument
    from sportello.payments.actions import start_payment
    from sportello.payments.models import Payment

    order = make_order(paid=False)
    request = RequestFactory().get("/")
    request.user = customer
    start_payment(order=order, provider_id="test_gateway", request=request)
    card = Payment.objects.get(order=order)
    _perizia, visura = order.lines.all()
    client.force_login(customer)
    client.post(for_order(order), {"lines": [visura.pk], "step": "conferma"})

    settle_confirmed_payment(payment=card, provider_reference="tx-old-amount")

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    invoice = FiscalDocument.objects.get(order=order, kind=DocumentKind.INVOICE)
    assert invoice.total_gross == Decimal("122.00")
    alert = OutgoingEmail.objects.get(template="payments/email/staff_overpayment")
    assert (
        alert.subject == f"Pagato più del totale per l'ordine n. {order.number}: rimborsa 122,00 €"
    )
    assert "ricevuti 244,00\u00a0€ per un totale di 122,00\u00a0€" in alert.text_body

    # The order's summary e-mail, sent with the payment, marks the service withdrawn from.
    summary = OutgoingEmail.objects.get(template="orders/email/confirmation")
    assert "Visura catastale — 122,00\u00a0€ (IVA 22% inclusa) · recesso ricevuto" in (
        summary.text_body
    )

    # Settling the statement gives that money back, once, as its page says.
    client.force_login(staff)
    withdrawal = WithdrawalRequest.objects.get(order=order)
    page = client.get(
        reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])
    ).text
    assert "oltre il nuovo totale: si rimborsano 122,00\u00a0€" in page
    client.post(
        reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk]), {"note": ""}
    )
    assert Refund.objects.get().amount == Decimal("122.00")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert "Importo rimborsato: 122,00\u00a0€" in processed.text_body


def test_money_for_an_attempt_opened_before_a_full_withdrawal_is_refunded_not_kept(
    client, customer, staff, make_order
):
    """The card page was opened, then the consumer withdrew from everything, then paid on
    the open page: the money is recorded but the order is not "Pagato" (no invoice, no "we
    will start"), staff are told, and settling the withdrawal refunds it in full."""
    from django.test import RequestFactory

    from sportello.checkout.settlement import settle_confirmed_payment
    from sportello.invoicing.models import FiscalDocument
    from sportello.payments.actions import start_payment
    from sportello.payments.models import Payment, PaymentStatus

    order = make_order(paid=False)
    request = RequestFactory().get("/")
    request.user = customer
    start_payment(order=order, provider_id="test_gateway", request=request)
    attempt = Payment.objects.get(order=order)
    client.force_login(customer)
    withdrawal = _withdraw_all(client, order)
    # The statement gives the open attempt up (the provider is told: no money taken)...
    attempt.refresh_from_db()
    assert attempt.status == PaymentStatus.CANCELLED

    # ...and should the provider report money for it all the same, it is recorded.
    confirmation = settle_confirmed_payment(payment=attempt, provider_reference="tg-late")

    assert confirmation.is_for_withdrawn_order
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not FiscalDocument.objects.filter(order=order).exists()
    staff_mail = OutgoingEmail.objects.get(
        template="payments/email/staff_payment_on_withdrawn_order"
    )
    assert "gestisci il recesso" in staff_mail.text_body
    assert not OutgoingEmail.objects.filter(template__startswith="orders/email/paid").exists()
    page = client.get(reverse("orders:confirmation", kwargs={"number": order.number})).text
    assert "con il rimborso di quanto hai pagato" in page
    assert "Inizieremo a lavorare" not in page
    assert "Paga ora" not in page and "Paga invece" not in page

    client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])
    assert "rimborsati per intero" in client.get(url).text
    done = client.post(url, {"note": ""}, follow=True).text

    assert "Recesso gestito: rimborsati 244,00\u00a0€" in done
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert attempt.status == PaymentStatus.REFUNDED
    assert Refund.objects.get().amount == Decimal("244.00")
    assert order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


def test_staff_refund_a_proportional_amount_for_a_service_started_on_request(
    client, customer, staff, make_order
):
    from sportello.orders.actions import set_line_status

    order = make_order(early_start=True)
    perizia, _visura = order.lines.all()
    set_line_status(line=perizia, to=LineStatus.IN_PROGRESS, actor=staff)
    client.force_login(customer)
    withdrawal = _withdraw_all(client, order)
    client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])

    too_much = client.post(url, {f"refund_{perizia.pk}": "500.00"})
    assert "non può superare quanto pagato" in too_much.text
    client.post(url, {f"refund_{perizia.pk}": "61.00", "note": "Sopralluogo già fatto"})

    order.refresh_from_db()
    perizia.refresh_from_db()
    withdrawal.refresh_from_db()
    assert withdrawal.refund_amount == Decimal("183.00")  # 122,00 + 61,00
    assert perizia.status == LineStatus.IN_PROGRESS
    assert order.lines.get(position=1).status == LineStatus.CANCELLED
    assert order.status == OrderStatus.IN_PROGRESS
    assert Refund.objects.get().amount == Decimal("183.00")
    # The refund is in the withdrawal's own e-mail, not in a separate "rimborso" message.
    assert not OutgoingEmail.objects.filter(template="payments/email/refund_recorded").exists()
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert "Importo rimborsato: 183,00\u00a0€" in processed.text_body


def test_staff_without_permission_cannot_process(client, customer, consumer_order):
    from sportello.accounts.tests.factories import StaffFactory

    client.force_login(customer)
    withdrawal = _withdraw_all(client, consumer_order)
    # With the second factor (the back-office requires it), without the permission.
    client.force_login(StaffFactory(email="senza-permessi@sportello.example", is_superuser=False))
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])

    assert client.post(url, {"note": ""}).status_code == 403
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.RECEIVED


def test_the_back_office_list_query_count_does_not_grow(
    client, customer, staff, make_order, django_assert_num_queries
):
    client.force_login(customer)
    _withdraw_all(client, make_order())
    client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_changelist")
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    client.force_login(customer)
    for _ in range(3):
        _withdraw_all(client, make_order())
    client.force_login(staff)
    client.get(url)
    with django_assert_num_queries(8):
        page = client.get(url)
    assert page.text.count('class="field-order_number"') == 4


def test_a_processed_withdrawal_refunds_through_settlement_and_issues_the_credit_note(
    client, customer, staff, consumer_order
):
    from sportello.audit.models import AuditEvent, EventType
    from sportello.invoicing.actions import issue_invoice
    from sportello.invoicing.models import DocumentKind, FiscalDocument

    invoice = issue_invoice(order=consumer_order)
    assert invoice is not None
    client.force_login(customer)
    withdrawal = _withdraw_all(client, consumer_order)
    client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])

    client.post(url, {"note": ""})

    refund = Refund.objects.get()
    note = FiscalDocument.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert note.refund == refund
    assert note.order == consumer_order
    assert note.total_gross == Decimal("244.00")
    events = set(
        AuditEvent.objects.filter(order_number=consumer_order.number).values_list(
            "event_type", flat=True
        )
    )
    assert {EventType.WITHDRAWAL_RECEIVED, EventType.WITHDRAWAL_STATUS} <= events
    assert EventType.PAYMENT_REFUND in events


def test_a_transfer_larger_than_due_is_refunded_whole_when_everything_is_withdrawn(
    client, customer, staff, make_order
):
    """A transfer of 250,00 for 244,00, then the consumer withdraws from everything: settling
    gives back all 250,00 and the credit note cancels the whole invoice (the 6,00 beyond the
    total was never invoiced: refunds give it back first, so refunding only the services'
    244,00 would have credited 238,00 and kept 6,00)."""
    from django.test import RequestFactory

    from sportello.checkout.settlement import settle_bank_transfer
    from sportello.invoicing.models import DocumentKind, FiscalDocument
    from sportello.payments.actions import start_payment

    order = make_order(paid=False)
    request = RequestFactory().get("/")
    request.user = customer
    start_payment(order=order, provider_id="bank_transfer", request=request)
    settle_bank_transfer(order=order, actor=staff, amount=Decimal("250.00"), reference="CRO-9")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    client.force_login(customer)
    withdrawal = _withdraw_all(client, order)
    client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])

    page = html.unescape(client.get(url).text)
    assert "è arrivato più del dovuto: con il recesso si rimborsano anche 6,00\xa0€" in page
    client.post(url, {"note": ""})

    assert sum(refund.amount for refund in Refund.objects.all()) == Decimal("250.00")
    note = FiscalDocument.objects.get(order=order, kind=DocumentKind.CREDIT_NOTE)
    assert note.total_gross == Decimal("244.00")
    withdrawal.refresh_from_db()
    assert withdrawal.refund_amount == Decimal("250.00")
    # Its e-mail, as the shop's other refund e-mails: the credit note, and where to send
    # another IBAN for money that came by transfer.
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert "Importo rimborsato: 250,00\xa0€" in processed.text_body
    assert "scrivici l'IBAN all'indirizzo" in processed.text_body
    assert "La nota di credito del rimborso:" in processed.text_body
    assert note.get_absolute_url() in processed.text_body
    assert note.get_absolute_url() in processed.html_body


def test_pending_withdrawals_is_the_desk_queue(customer_client, make_order):
    from sportello.withdrawals.queries import pending_withdrawals, refund_due_date

    first = _withdraw_all(customer_client, make_order())
    second = _withdraw_all(customer_client, make_order())
    WithdrawalRequest.objects.filter(pk=first.pk).update(status=WithdrawalStatus.PROCESSED)

    assert list(pending_withdrawals()) == [second]
    assert refund_due_date(second) == timezone.localdate(second.received_at) + dt.timedelta(days=14)


def test_an_unmatched_statement_waits_on_the_desk_until_staff_say_what_they_did(
    client, staff, consumer_order
):
    """A statement from the public form that matched no order is still a person withdrawing:
    the desk lists it ("Recessi da verificare") until staff close it with a note."""
    from sportello.desk.queues import Filters, build_queues

    client.post(START, {**_statement("2026-999999"), "step": "conferma"})
    withdrawal = WithdrawalRequest.objects.get()
    assert withdrawal.status == WithdrawalStatus.UNMATCHED

    def queue():
        (view,) = [v for v in build_queues(Filters()) if v.queue.slug == "recessi-da-verificare"]
        return view.items

    [item] = queue()
    assert "«2026-999999»" in item.title
    client.force_login(staff)
    url = reverse("admin:withdrawals_withdrawalrequest_close_unmatched", args=[withdrawal.pk])
    assert "Segna come verificato" in client.get(url).text
    missing_note = client.post(url, {"note": ""})
    assert "Scrivi cosa è stato fatto." in missing_note.text

    client.post(url, {"note": "Cliente ricontattato: ha rifatto il recesso da I MIEI ORDINI."})

    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PROCESSED
    assert withdrawal.processed_by == staff
    assert withdrawal.staff_note.startswith("Cliente ricontattato")
    assert queue() == []
    assert not OutgoingEmail.objects.filter(template="withdrawals/email/processed").exists()


def _attach(client, withdrawal, number, note="Cliente ricontattato per telefono."):
    url = reverse("admin:withdrawals_withdrawalrequest_attach", args=[withdrawal.pk])
    return client.post(url, {"order_number": number, "note": note}, follow=True)


def test_staff_attach_a_mistyped_statement_to_its_order_as_of_when_it_arrived(
    client, staff, make_order
):
    """The consumer typed a wrong number on day 13; staff reach them on day 16, after the
    period: the statement still counts from when it arrived, names the order's services and
    waits in "Recessi da gestire"; the typed number stays in the history."""
    from sportello.audit.models import AuditEvent, EventType
    from sportello.desk.queues import Filters, build_queues

    placed = timezone.now() - dt.timedelta(days=16)
    order = make_order(placed_at=placed)
    arrived = placed + dt.timedelta(days=13)
    # The public form on day 13 (the action takes the clock), with a mistyped number.
    withdrawal = withdraw_from_form(**_statement("2026-999999"), now=arrived)
    assert withdrawal.status == WithdrawalStatus.UNMATCHED
    client.force_login(staff)
    change = client.get(
        reverse("admin:withdrawals_withdrawalrequest_change", args=[withdrawal.pk])
    ).text
    assert "Collega all&#x27;ordine" in change or "Collega all'ordine" in change

    done = _attach(client, withdrawal, f" {order.number} ")

    assert f"Recesso collegato all&#x27;ordine {order.number}" in done.text
    withdrawal.refresh_from_db()
    # The statement as received keeps the number the consumer typed.
    assert (withdrawal.status, withdrawal.order, withdrawal.order_number) == (
        WithdrawalStatus.RECEIVED,
        order,
        "2026-999999",
    )
    assert withdrawal.order_reference == order.number
    assert str(withdrawal).startswith(f"Recesso {order.number} del ")
    assert withdrawal.received_at == arrived
    assert set(withdrawal.lines.all()) == set(order.lines.all())
    assert set(order.lines.values_list("withdrawal_received_at", flat=True)) == {arrived}
    history = withdrawal.status_changes.order_by("id").last()
    assert "numero indicato: «2026-999999»" in history.note
    assert history.actor == staff
    assert AuditEvent.objects.filter(
        event_type=EventType.WITHDRAWAL_STATUS, order_number=order.number
    ).exists()
    slugs = {v.queue.slug: v.items for v in build_queues(Filters())}
    assert len(slugs["recessi"]) == 1
    assert slugs["recessi-da-verificare"] == []
    # And it is processed like any other.
    url = reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk])
    client.post(url, {"note": ""})
    withdrawal.refresh_from_db()
    assert withdrawal.refund_amount == Decimal("244.00")
    processed = OutgoingEmail.objects.get(template="withdrawals/email/processed")
    assert f"per l'ordine n. {order.number}" in processed.text_body
    assert order.number in processed.subject


@pytest.mark.parametrize("case", ["unknown", "company", "late", "empty"])
def test_a_statement_is_not_attached_to_an_order_it_cannot_be_for(client, staff, make_order, case):
    order = make_order(
        kind=CustomerKind.COMPANY if case == "company" else CustomerKind.PERSON,
        days_ago=15 if case == "late" else 0,
    )
    client.post(START, {**_statement("2026-999999"), "step": "conferma"})
    withdrawal = WithdrawalRequest.objects.get()
    client.force_login(staff)
    number = {"unknown": "2026-000000", "empty": ""}.get(case, order.number)

    page = _attach(client, withdrawal, number).text

    expected = {
        "unknown": "Nessun ordine con questo numero.",
        "company": "fatturazione ad azienda",
        "late": "non era più recedibile",
        "empty": "Scrivi il numero dell&#x27;ordine.",
    }[case]
    assert expected in page
    assert 'aria-invalid="true"' in page
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.order) == (WithdrawalStatus.UNMATCHED, None)
    assert not order.lines.filter(withdrawal_received_at__isnull=False).exists()


def test_the_privacy_export_has_the_statements_from_the_address_matching_no_order(client, customer):
    from sportello.privacy.export import build_export

    client.post(START, {**_statement("2026-999999", email=customer.email), "step": "conferma"})

    data, _files = build_export(user=customer)
    [statement] = data["withdrawals_without_order"]
    assert (statement["status"], statement["email"]) == ("unmatched", customer.email)


def test_a_statement_is_named_by_its_day_in_italy(consumer_order):
    """Received at 23:05 UTC on 5 December: 6 December in Rome."""
    arrived = dt.datetime(2026, 12, 5, 23, 5, tzinfo=dt.UTC)
    withdrawal = withdraw_from_form(**_statement("2026-999999"), now=arrived)
    assert str(withdrawal) == "Recesso 2026-999999 del 06/12/2026"


def test_the_public_form_is_never_cached(client):
    """It takes a name, an e-mail and an order number: no copy in browsers or proxies."""
    response = client.get(START)
    assert "no-store" in response["Cache-Control"]

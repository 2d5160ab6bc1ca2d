"""Webhooks: signed POSTs to a real local HTTP server, retries from the outbox, SSRF guard."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from sportello.api import webhooks
from sportello.api.actions import create_endpoint
from sportello.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from sportello.checkout.settlement import settle_bank_transfer
from sportello.orders.models import Order

pytestmark = pytest.mark.django_db

URGENT = {"comune": "Bologna", "urgenza": "urgente", "note": ""}


class Receiver:
    """A local HTTP server answering each POST with the next status of `answers`."""

    def __init__(self, port: int, answers: list[int]):
        self.requests: list[tuple[dict, bytes]] = []
        self.answers = list(answers)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = (
                    receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{port}/sportello"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def local_hooks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_RETRY_BACKOFF_SECONDS = 60
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_TIMEOUT_SECONDS = 5


def place(client, auth):
    response = client.post(
        "/api/orders",
        {"lines": [{"service": "perizia-immobiliare", "answers": URGENT}], "accept_terms": True},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    return Order.objects.get(number=response.json()["number"])


def test_status_changes_reach_the_endpoint_signed(
    client,
    auth,
    customer,
    staff,
    appraisal,
    company_profile,
    local_hooks,
    django_capture_on_commit_callbacks,
):
    with Receiver(8170, [204]) as receiver:
        endpoint = create_endpoint(user=customer, url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            order = place(client, auth)
        with django_capture_on_commit_callbacks(execute=True):
            settle_bank_transfer(order=order, actor=staff)

    assert len(receiver.requests) == 2
    events = []
    for headers, body in receiver.requests:
        assert webhooks.verify(
            secret=endpoint.secret, header=headers["Sportello-Signature"], body=body
        )
        assert not webhooks.verify(secret="altro", header=headers["Sportello-Signature"], body=body)
        payload = json.loads(body)
        assert headers["Sportello-Event-Id"] == payload["id"]
        assert headers["Sportello-Event"] == payload["type"]
        events.append((payload["type"], payload["data"]))
    assert events == [
        (
            "order.created",
            {
                "order": order.number,
                "from_status": None,
                "status": "awaiting_payment",
                "status_label": "In attesa di pagamento",
            },
        ),
        (
            "order.status_changed",
            {
                "order": order.number,
                "from_status": "awaiting_payment",
                "status": "paid",
                "status_label": "Pagato",
            },
        ),
    ]
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {
        (DeliveryStatus.DELIVERED, 1)
    }


def test_a_failing_endpoint_is_retried_with_the_same_event_id(
    client,
    auth,
    customer,
    appraisal,
    company_profile,
    local_hooks,
    django_capture_on_commit_callbacks,
):
    with Receiver(8171, [500, 503, 200]) as receiver:
        create_endpoint(user=customer, url=receiver.url)
        start = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            place(client, auth)
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == 1
        assert delivery.last_response_status == 500
        # First retry one backoff later, the second after twice that.
        assert start + dt.timedelta(seconds=59) < delivery.next_attempt_at
        assert delivery.next_attempt_at < timezone.now() + dt.timedelta(seconds=61)
        assert webhooks.due_delivery_ids() == []

        later = delivery.next_attempt_at
        assert webhooks.due_delivery_ids(now=later) == [delivery.pk]
        assert webhooks.deliver(delivery.pk, now=later) == DeliveryStatus.PENDING
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == later + dt.timedelta(seconds=120)
        # Not due yet: nothing is sent.
        assert webhooks.deliver(delivery.pk, now=later) == ""

        assert webhooks.deliver(delivery.pk, now=delivery.next_attempt_at) == "delivered"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_status) == (
        DeliveryStatus.DELIVERED,
        3,
        200,
    )
    ids = {json.loads(body)["id"] for _headers, body in receiver.requests}
    assert ids == {str(delivery.event_id)}
    assert len(receiver.requests) == 3


def test_delivery_is_given_up_after_the_last_attempt(customer, local_hooks):
    with Receiver(8172, [500]) as receiver:
        endpoint = create_endpoint(user=customer, url=receiver.url).endpoint
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_type="order.status_changed",
            payload={"type": "order.status_changed", "data": {}},
            next_attempt_at=timezone.now(),
        )
        now = timezone.now()
        for _ in range(3):
            webhooks.deliver(delivery.pk, now=now)
            now += dt.timedelta(hours=7)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3


def test_an_unreachable_endpoint_waits_for_the_next_attempt(customer, local_hooks):
    # Nothing listens on this port of the range.
    endpoint = create_endpoint(user=customer, url="http://127.0.0.1:8179/nessuno").endpoint
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="x", payload={}, next_attempt_at=timezone.now()
    )
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert delivery.last_response_status is None
    assert delivery.last_error


def test_no_endpoint_or_a_rolled_back_change_writes_nothing(
    client, auth, customer, appraisal, company_profile, local_hooks
):
    place(client, auth)
    assert WebhookDelivery.objects.count() == 0
    WebhookEndpoint.objects.create(user=customer, url="http://127.0.0.1:8173/", secret="s")
    with pytest.raises(RuntimeError), transaction.atomic():
        place(client, auth)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("rollback")
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "ftp://example.com/hook",
    ],
)
def test_internal_addresses_are_refused_in_production(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(webhooks.UnsafeWebhookUrl):
        webhooks.check_url(url)


def test_public_addresses_are_accepted(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    webhooks.check_url("https://93.184.215.14/hook")


def test_a_redirect_is_not_followed(customer, local_hooks):
    with Receiver(8174, [302]) as receiver:
        endpoint = create_endpoint(user=customer, url=receiver.url).endpoint
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="x", payload={}, next_attempt_at=timezone.now()
        )
        assert webhooks.deliver(delivery.pk) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert delivery.last_response_status == 302
    assert len(receiver.requests) == 1


def test_deploy_check_refuses_private_addresses_without_debug(settings):
    from sportello.api.checks import check_webhook_addresses

    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    assert [message.id for message in check_webhook_addresses(None)] == ["api.E001"]
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert check_webhook_addresses(None) == []


def test_an_outcome_reaches_the_endpoint_with_its_files(
    client,
    auth,
    customer,
    staff,
    appraisal,
    company_profile,
    local_hooks,
    settings,
    django_capture_on_commit_callbacks,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sportello.orders import actions as order_actions

    settings.SITE_URL = "https://negozio.example.it"
    pdf = b"%PDF-1.4\n%esito\n"
    with Receiver(8173, [204]) as receiver:
        endpoint = create_endpoint(user=customer, url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            order = place(client, auth)
            settle_bank_transfer(order=order, actor=staff)
        with django_capture_on_commit_callbacks(execute=True):
            order_actions.add_outcome(
                line=order.lines.get(),
                note="Perizia pronta",
                files=[SimpleUploadedFile("perizia.pdf", pdf)],
                actor=staff,
            )

    headers, body = receiver.requests[-1]
    assert webhooks.verify(secret=endpoint.secret, header=headers["Sportello-Signature"], body=body)
    payload = json.loads(body)
    assert payload["type"] == headers["Sportello-Event"] == "order.outcome_added"
    [outcome_file] = order.lines.get().outcomes.get().files.all()
    assert payload["data"] == {
        "order": order.number,
        "line": 1,
        "service": "Perizia immobiliare",
        "note": "Perizia pronta",
        "files": [
            {
                "id": outcome_file.pk,
                "name": "perizia.pdf",
                "size": len(pdf),
                "download_url": (
                    f"https://negozio.example.it/api/orders/{order.number}/outcomes/"
                    f"{outcome_file.pk}"
                ),
            }
        ],
    }
    # The address is the API's own download, with the same token.
    download = client.get(
        payload["data"]["files"][0]["download_url"].removeprefix("https://negozio.example.it"),
        **auth,
    )
    assert b"".join(download.streaming_content) == pdf
    # The order's lines in the API carry the same number.
    assert client.get(f"/api/orders/{order.number}", **auth).json()["lines"][0]["line"] == 1


def test_a_quote_request_and_its_price_reach_the_endpoint(
    client,
    auth,
    customer,
    staff,
    company_profile,
    local_hooks,
    django_capture_on_commit_callbacks,
):
    from decimal import Decimal

    from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
    from sportello.quotes import actions as quote_actions
    from sportello.quotes.models import QuoteRequest

    service = ServiceFactory(slug="due-diligence", pricing_mode="quote", net_price=None)
    FormFieldFactory(service=service, key="immobile", label="Immobile")
    with Receiver(8174, [204]) as receiver:
        create_endpoint(user=customer, url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            requested = client.post(
                "/api/quotes",
                {"lines": [{"service": "due-diligence", "answers": {"immobile": "Via Roma 1"}}]},
                content_type="application/json",
                **auth,
            )
        assert requested.status_code == 201, requested.content
        quote = QuoteRequest.objects.get()
        valid_until = timezone.localdate() + dt.timedelta(days=30)
        with django_capture_on_commit_callbacks(execute=True):
            quote_actions.send_prices(
                quote=quote,
                actor=staff,
                line_prices={quote.lines.get().pk: (Decimal("500.00"), Decimal("22.00"))},
                valid_until=valid_until,
            )

    events = [json.loads(body) for _headers, body in receiver.requests]
    assert [(event["type"], event["data"]) for event in events] == [
        (
            "quote.sent",
            {
                "quote": quote.number,
                "from_status": None,
                "status": "sent",
                "status_label": "Inviata",
            },
        ),
        (
            "quote.status_changed",
            {
                "quote": quote.number,
                "from_status": "sent",
                "status": "ready",
                "status_label": "Pronto",
                "valid_until": valid_until.isoformat(),
            },
        ),
    ]


def test_a_colleagues_order_reaches_the_endpoint_of_who_sees_it(
    client, customer, other_customer, appraisal, local_hooks, django_capture_on_commit_callbacks
):
    """The company's administrator hears of a buyer's orders, as the API lets them read them;
    a buyer who sees only their own does not hear of the administrator's."""
    from sportello.api.tests.test_companies import BODY, token_for
    from sportello.companies.models import Role
    from sportello.companies.tests.factories import CompanyFactory, MembershipFactory

    company = CompanyFactory()
    MembershipFactory(company=company, user=customer, role=Role.BUYER)
    MembershipFactory(company=company, user=other_customer, role=Role.ADMINISTRATOR)
    with Receiver(8175, [204]) as buyers, Receiver(8176, [204]) as administrators:
        create_endpoint(user=customer, url=buyers.url)
        create_endpoint(user=other_customer, url=administrators.url)
        with django_capture_on_commit_callbacks(execute=True):
            mine = place(client, token_for(customer))
        with django_capture_on_commit_callbacks(execute=True):
            theirs = client.post(
                "/api/orders", BODY, content_type="application/json", **token_for(other_customer)
            ).json()["number"]

    def orders(receiver):
        return [json.loads(body)["data"]["order"] for _headers, body in receiver.requests]

    assert orders(buyers) == [mine.number]
    assert orders(administrators) == [mine.number, theirs]

"""Celery queues on a real Redis with real workers: mail cannot hold up payments, and a task
delivered twice does its work once.

Production runs one worker per queue group (docs/deployment.md); here the same shape, as two
worker threads: one on "mail", one on "payments" + "background". Queue names get a random
suffix so that no other worker listening on the same Redis takes these tasks.
"""

import asyncio
import os
import socket
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from sportello.core.tests.processes import Processes, database_url_of
from sportello.notifications import tasks as mail_tasks
from sportello.notifications.actions import queue_email
from sportello.notifications.models import EmailStatus, OutgoingEmail
from sportello.payments import tasks as payment_tasks
from sportello.payments.models import Payment, PaymentStatus, PaymentStatusChange
from sportello.payments.providers import test_gateway
from sportello.payments.tests.factories import AwaitingOrderFactory, PaymentFactory

TEST_TEMPLATES = Path(__file__).parents[2] / "notifications" / "tests" / "templates"

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real workers need the test database: SQLite's is in memory (a worker thread "
    "locks whole tables, a worker process cannot see it)",
)


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class SlowSmtp:
    """A real SMTP server that holds every message at DATA until released: a mail server that
    has stopped answering, without a clock."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.waiting = threading.Event()
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.waiting.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        self.received.append(envelope.content)
        return "250 OK"


@pytest.fixture
def slow_smtp(settings):
    handler = SlowSmtp()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 60
    yield handler
    handler.release.set()
    controller.stop()


def _forget_broker_connections():
    celery_app.amqp.__dict__.pop("queues", None)
    celery_app.amqp.__dict__.pop("router", None)
    celery_app.amqp._producer_pool = None
    celery_app._pool = None
    kombu_pools.reset()


@pytest.fixture
def queues():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"No Redis server reachable at {REDIS_URL} ({exc}); start one to run this test")
    suffix = uuid.uuid4().hex[:8]
    names = {name: f"{name}-{suffix}" for name in ("mail", "payments", "background")}
    # The routes of settings.py, pointed at this test's queues.
    routes = {
        pattern: {"queue": names[route["queue"]]}
        for pattern, route in celery_app.conf.task_routes.items()
    }
    keys = ("broker_url", "task_always_eager", "task_default_queue", "task_routes")
    previous = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        broker_url=REDIS_URL,
        task_always_eager=False,
        task_default_queue=names["background"],
        task_routes=routes,
    )
    _forget_broker_connections()
    try:
        yield names
    finally:
        celery_app.conf.update(previous)
        _forget_broker_connections()
        with redis.Redis.from_url(REDIS_URL) as client:
            client.delete(*names.values())


def test_settings_route_mail_and_payments_to_their_queues(settings):
    router = celery_app.amqp.Router()

    def queue_of(task):
        return router.route({}, task.name)["queue"].name

    assert queue_of(mail_tasks.deliver_email_task) == "mail"
    assert queue_of(mail_tasks.retry_due_emails) == "mail"
    assert queue_of(payment_tasks.deliver_test_gateway_notification) == "payments"
    from sportello.cart.tasks import purge_abandoned_carts
    from sportello.quotes.tasks import expire_quotes

    assert queue_of(purge_abandoned_carts) == "background"
    assert queue_of(expire_quotes) == "background"
    # One beat: its schedule lives in settings, the worker processes never run it
    # (docs/deployment.md, `make serve` starts `celery beat` once).
    assert set(settings.CELERY_BEAT_SCHEDULE) >= {"retry-due-emails", "expire-quotes"}


@pytest.fixture
def card_payment(customer, settings):
    """An order awaiting payment and its attempt open on the test gateway."""
    settings.PAYMENT_METHODS = ["test_gateway"]
    order = AwaitingOrderFactory(customer=customer)
    return PaymentFactory(order=order, provider_reference=f"tg_{uuid.uuid4().hex}")


@pytest.fixture
def mail_templates(settings):
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [*engines[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = engines


def queue_test_email(number):
    with transaction.atomic():
        return queue_email(
            to="mario.rossi@example.com",
            template="tests_email/order_summary",
            context={"number": number, "name": "Mario Rossi", "total": Decimal("49.90")},
        )


@pytest.fixture
def worker_processes(tmp_path, settings, slow_smtp):
    """Production's shape: one worker process on "mail", another on "payments" and
    "background", both on the test database and this Redis, sending to the slow SMTP server."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"No Redis server reachable at {REDIS_URL} ({exc}); start one to run this test")
    with redis.Redis.from_url(REDIS_URL) as client:
        client.delete("mail", "payments", "background", "unacked", "unacked_index")
    settings.TEST_GATEWAY_SECRET = "queues-test-secret"
    env = {
        "DATABASE_URL": database_url_of(connection),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{settings.EMAIL_PORT}",
        "EMAIL_TIMEOUT": "60",
        "PAYMENT_METHODS": "test_gateway",
        "TEST_GATEWAY_SECRET": "queues-test-secret",
        "DATA_DIR": str(settings.DATA_DIR),
    }
    processes = Processes(tmp_path / "logs")
    keys = ("broker_url", "task_always_eager")
    previous = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    _forget_broker_connections()
    try:
        processes.celery_worker("mail-worker", ["mail"], env)
        processes.celery_worker("payments-worker", ["payments", "background"], env)
        processes.wait_for_log("mail-worker", "ready.")
        processes.wait_for_log("payments-worker", "ready.")
        yield processes
    finally:
        slow_smtp.release.set()
        processes.stop_all()
        celery_app.conf.update(previous)
        _forget_broker_connections()
        with redis.Redis.from_url(REDIS_URL) as client:
            client.delete("mail", "payments", "background")


@ON_POSTGRESQL
def test_a_stuck_mail_server_does_not_delay_payment_confirmation(
    slow_smtp, worker_processes, customer, settings
):
    settings.PAYMENT_METHODS = ["test_gateway"]
    first, second = (
        PaymentFactory(
            order=AwaitingOrderFactory(customer=customer),
            provider_reference=f"tg_{uuid.uuid4().hex}",
        )
        for _ in range(2)
    )

    # The first confirmation e-mail gets stuck in the mail server...
    test_gateway.decide(payment=first, approve=True)
    assert slow_smtp.waiting.wait(60), (
        "no e-mail reached the SMTP server:\n" + worker_processes.tail("mail-worker")
    )
    # ...and the next payment is confirmed all the same.
    test_gateway.decide(payment=second, approve=True)
    assert wait_for(lambda: Payment.objects.get(pk=second.pk).status == PaymentStatus.CONFIRMED), (
        "the payment waited for the mail server:\n" + worker_processes.tail("payments-worker")
    )
    assert slow_smtp.received == []
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENDING).count() == 1

    slow_smtp.release.set()
    assert wait_for(lambda: not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()), (
        "mail was not delivered once the server answered"
    )
    sent = OutgoingEmail.objects.count()
    assert sent >= 2
    assert wait_for(lambda: len(slow_smtp.received) == sent)


@ON_POSTGRESQL
def test_a_redelivered_task_does_its_work_once(slow_smtp, queues, card_payment, mail_templates):
    """The broker hands a message out again when a worker dies before acknowledging it (acks
    late): the same task id arrives twice. Nothing happens twice."""
    slow_smtp.release.set()
    payment = card_payment
    email = queue_test_email("S-2")
    body = test_gateway.notification_body(payment=payment, approve=True)
    signature = test_gateway.sign(body)
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, queues=list(queues.values())
    ):
        for _ in range(2):
            mail_tasks.deliver_email_task.apply_async((email.pk,), task_id=f"mail-{email.pk}")
            payment_tasks.deliver_test_gateway_notification.apply_async(
                (body.decode(), signature), task_id=f"payment-{payment.pk}"
            )
        assert wait_for(
            lambda: (
                OutgoingEmail.objects.count() >= 2
                and not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()
            )
        ), "the e-mail and the payment confirmation were not all sent"
        # Both redeliveries taken and acknowledged (acks late: acknowledged once done).
        assert wait_for(lambda: _queues_empty(queues))

    assert PaymentStatusChange.objects.filter(payment=payment, to_status="confirmed").count() == 1
    # One message per outbox row: the test e-mail once, the confirmation's messages once.
    assert len(slow_smtp.received) == OutgoingEmail.objects.count()
    assert sum(b"S-2" in message for message in slow_smtp.received) == 1


def _queues_empty(queues) -> bool:
    with redis.Redis.from_url(REDIS_URL) as client:
        waiting = sum(client.llen(name) for name in queues.values())
        return waiting == 0 and client.hlen("unacked") == 0

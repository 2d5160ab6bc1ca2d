"""Integration: a real Celery worker consuming from the Redis server on 127.0.0.1:6379."""

import os
import time
import uuid
from decimal import Decimal

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, transaction
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from sportello.notifications import tasks
from sportello.notifications.actions import queue_email
from sportello.notifications.models import EmailStatus, OutgoingEmail

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("test_email_templates"),
]

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:
            # SQLite's shared in-memory test database: while the worker thread writes, a read
            # from this thread fails at once with "table is locked" (no busy wait). Ask again.
            pass
        time.sleep(0.05)
    return False


def _forget_broker_connections():
    """The app caches its queues and connection pools: rebuild them from the new settings."""
    celery_app.amqp.__dict__.pop("queues", None)
    celery_app.amqp._producer_pool = None
    celery_app.amqp.__dict__.pop("router", None)
    celery_app._pool = None
    kombu_pools.reset()


@pytest.fixture
def redis_worker():
    """Tasks go through Redis to a worker thread, on a queue no other process listens to."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"No Redis server reachable at {REDIS_URL} ({exc}); start one to run this test")
    queue = f"sportello-test-{uuid.uuid4().hex}"
    keys = ("broker_url", "task_always_eager", "task_default_queue", "task_routes")
    previous = {key: celery_app.conf[key] for key in keys}
    # Every task to this queue (settings route e-mail tasks to the shared "mail" queue).
    celery_app.conf.update(
        broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue, task_routes={}
    )
    _forget_broker_connections()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield queue
    finally:
        celery_app.conf.update(previous)
        _forget_broker_connections()
        with redis.Redis.from_url(REDIS_URL) as client:
            client.delete(queue)


def queue_order_summary(to, number):
    with transaction.atomic():
        return queue_email(
            to=to,
            template="tests_email/order_summary",
            context={"number": number, "name": "Mario Rossi", "total": Decimal("49.90")},
        )


def test_a_worker_on_redis_delivers_after_commit(smtp_server, redis_worker):
    email = queue_order_summary("mario.rossi@example.com", "S-10")

    assert wait_for(lambda: len(smtp_server.messages) == 1), "the worker delivered nothing"
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT), (
        "the row was never marked sent"
    )
    [received] = smtp_server.messages
    assert received.message["Subject"] == "Riepilogo dell'ordine S-10"
    assert "totale: 49,90\u00a0€" in received.text


def test_the_worker_retries_after_an_outage(smtp_server, redis_worker, settings):
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 0
    smtp_server.stop()
    email = queue_order_summary("mario.rossi@example.com", "S-11")
    # attempts counts at claim time ("sending"); the failure is saved a moment later.
    assert wait_for(
        lambda: OutgoingEmail.objects.filter(
            pk=email.pk, attempts=1, status=EmailStatus.QUEUED
        ).exists()
    ), "the failed attempt was never put back in the queue"
    email.refresh_from_db()
    assert email.last_error.startswith("ConnectionRefusedError")

    smtp_server.start()
    tasks.retry_due_emails.delay()

    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT), (
        "the retry never reached the worker"
    )
    assert [message.message["Subject"] for message in smtp_server.messages] == [
        "Riepilogo dell'ordine S-11"
    ]

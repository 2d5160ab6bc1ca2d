"""A real SMTP server (aiosmtpd on 127.0.0.1) that tests start, stop and read."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from config.celery import app as celery_app

TEST_TEMPLATES = Path(__file__).parent / "templates"
REFUSED_DOMAIN = "@rifiutato.example"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        """The plain-text part, with the wire's CRLF line ends turned back into "\n"."""
        return self.message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")


class _Collector:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith(REFUSED_DOMAIN):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a free local port; stop() and start() again on the same port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.collector = _Collector()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        return list(self.collector.received)

    def start(self) -> None:
        self._controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _shop_settings(settings):
    settings.SITE_URL = "https://negozio.example.it"
    settings.SITE_NAME = "Sportello"
    settings.DEFAULT_FROM_EMAIL = "Sportello <noreply@negozio.example.it>"
    settings.COMPANY_NAME = "Sportello Servizi S.r.l."
    settings.COMPANY_ADDRESS = "Via Esempio 1, 40121 Bologna (BO)"
    settings.COMPANY_VAT_NUMBER = "IT01234567890"
    settings.COMPANY_EMAIL = "info@negozio.example.it"
    settings.INVOICE_SELLER = {
        **settings.INVOICE_SELLER,
        "name": "Sportello Servizi S.r.l.",
        "partita_iva": "01234567890",
        "address": "Via Esempio 1",
        "cap": "40121",
        "comune": "Bologna",
        "provincia": "BO",
        "rea_office": "BO",
        "rea_number": "543210",
        "share_capital": "50000.00",
        "pec": "sportello@pec.negozio.example.it",
    }
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 60
    settings.EMAIL_SENDING_TIMEOUT_SECONDS = 600


@pytest.fixture(autouse=True)
def _eager_celery():
    """In-process tasks whatever the environment says (the Redis test switches them off)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def test_email_templates(settings):
    """Templates that exist only for these tests (amounts, links), under tests/templates/."""
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [*engines[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = engines

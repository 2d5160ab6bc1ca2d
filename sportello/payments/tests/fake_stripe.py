"""A local stand-in for the few Stripe API endpoints we call, served over real HTTP.

The real stripe SDK talks to it (STRIPE_API_BASE points here), so the tests exercise how the
SDK encodes our parameters and decodes Stripe-shaped answers. Only what we use exists:
POST /v1/checkout/sessions, GET /v1/checkout/sessions/<id>,
POST /v1/checkout/sessions/<id>/expire, POST /v1/refunds.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeStripe:
    """State of the fake: sessions by id, refunds, every request received."""

    url: str = ""
    sessions: dict[str, dict] = field(default_factory=dict)
    refunds: list[dict] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    # While set, every request is answered with this error status (Stripe refusing).
    failing_with: int | None = None

    def reset(self) -> None:
        self.sessions.clear()
        self.refunds.clear()
        self.requests.clear()
        self.failing_with = None

    def pay(self, session_id: str, *, payment_status: str = "paid") -> dict:
        """What happens when the customer pays on Stripe's page."""
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status=payment_status,
            payment_intent=f"pi_{uuid.uuid4().hex[:24]}",
        )
        return session

    def expire(self, session_id: str) -> dict:
        session = self.sessions[session_id]
        session.update(status="expired", payment_status="unpaid")
        return session

    # --- endpoints ---------------------------------------------------------------------

    def create_session(self, params: dict[str, str]) -> tuple[int, dict]:
        session_id = f"cs_test_{uuid.uuid4().hex}"
        unit_amount = int(params["line_items[0][price_data][unit_amount]"])
        quantity = int(params["line_items[0][quantity]"])
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": unit_amount * quantity,
            "currency": params["line_items[0][price_data][currency]"],
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in params.items()
                if key.startswith("metadata[")
            },
            "payment_intent": None,
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "livemode": False,
            "created": int(time.time()),
        }
        self.sessions[session_id] = session
        return 200, session

    def retrieve_session(self, session_id: str) -> tuple[int, dict]:
        if session_id not in self.sessions:
            return 404, error(f"No such checkout.session: '{session_id}'", param="session")
        return 200, self.sessions[session_id]

    def expire_session(self, session_id: str) -> tuple[int, dict]:
        session = self.sessions.get(session_id)
        if session is None:
            return 404, error(f"No such checkout.session: '{session_id}'", param="session")
        if session["status"] != "open":
            return 400, error(
                f'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".'
            )
        session["status"] = "expired"
        return 200, session

    def create_refund(self, params: dict[str, str]) -> tuple[int, dict]:
        intents = {s["payment_intent"] for s in self.sessions.values() if s["payment_intent"]}
        if params.get("payment_intent") not in intents:
            return 400, error("No such payment_intent", param="payment_intent")
        refund = {
            "id": f"re_{uuid.uuid4().hex[:24]}",
            "object": "refund",
            "amount": int(params["amount"]),
            "currency": "eur",
            "payment_intent": params["payment_intent"],
            "status": "succeeded",
            "metadata": {},
        }
        self.refunds.append(refund)
        return 200, refund

    def answer(self, method: str, path: str, params: dict[str, str]) -> tuple[int, dict]:
        if self.failing_with is not None:
            return self.failing_with, error("The request could not be processed.")
        if method == "POST" and path == "/v1/checkout/sessions":
            return self.create_session(params)
        if (
            method == "POST"
            and path.startswith("/v1/checkout/sessions/")
            and path.endswith("/expire")
        ):
            return self.expire_session(path.split("/")[-2])
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            return self.retrieve_session(path.rsplit("/", 1)[1])
        if method == "POST" and path == "/v1/refunds":
            return self.create_refund(params)
        return 404, error(f"Unrecognized request URL ({method}: {path})")


def error(message: str, *, kind: str = "invalid_request_error", param: str | None = None):
    body = {"error": {"type": kind, "message": message}}
    if param:
        body["error"]["param"] = param
    return body


def serve() -> tuple[FakeStripe, ThreadingHTTPServer]:
    fake = FakeStripe()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else parts.query
            params = dict(parse_qsl(raw, keep_blank_values=True))
            fake.requests.append(Recorded(method, parts.path, params, dict(self.headers)))
            if not (self.headers.get("Authorization") or "").startswith("Bearer sk_test_"):
                status, body = 401, error("Invalid API Key provided")
            else:
                status, body = fake.answer(method, parts.path, params)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):
            self._handle("GET")

        def do_POST(self):
            self._handle("POST")

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server

"""A customer's purchase over real HTTP (stdlib HTML parsing + requests), for the scale-out
test and the checkout benchmark. Each step may go to a different web instance: nothing but
the cookies (session, CSRF) ties a customer to a server.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

SERVICE_SLUG = "planimetria-catastale"
ANSWERS = {
    "comune": "Bologna",
    "provincia": "BO",
    "foglio": "12",
    "particella": "345",
    "subalterno": "6",
    "codice_fiscale_intestatario": "RSSMRA80A01H501U",
}
BILLING = {
    "kind": "person",
    "first_name": "Mario",
    "last_name": "Rossi",
    "codice_fiscale": "RSSMRA80A01H501U",
    "address": "Via Roma 1",
    "cap": "40121",
    "comune": "Bologna",
    "provincia": "BO",
}


class JourneyError(AssertionError):
    pass


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (text, name, value)
    choices: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._button: list | None = None
        self._link: list | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "a" and "href" in a:
            self._link = [a["href"], ""]
        elif self._form is None:
            return
        elif tag == "input":
            kind, name = a.get("type", "text").lower(), a.get("name")
            if not name:
                return
            if kind == "file":
                self._form.files.append(name)
            elif kind in ("radio", "checkbox"):
                self._form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self._form.fields[name] = a.get("value", "on")
            elif kind == "submit":
                self._form.buttons.append((a.get("value", ""), name, a.get("value", "")))
            else:
                self._form.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self._form.choices.setdefault(self._select, []).append(a.get("value", ""))
            if "selected" in a:
                self._form.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields[self._textarea] = ""
        elif tag == "button":
            self._button = ["", a.get("name", ""), a.get("value", "")]

    def handle_data(self, data):
        if self._button is not None:
            self._button[0] += data
        if self._link is not None:
            self._link[1] += data
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button is not None:
            if self._form is not None:
                text, name, value = self._button
                self._form.buttons.append((" ".join(text.split()), name, value))
            self._button = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None


def parse(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    return parser


def _chunks_with(pattern: re.Pattern, html: str, text: str) -> str:
    """The pieces of the page matching `pattern` that show `text`, else the whole page (the
    text may be split by inner tags: the parser decides)."""
    wanted = text.upper()
    chunks = [
        chunk
        for chunk in pattern.findall(html)
        if wanted in " ".join(unescape(chunk).split()).upper()
    ]
    return "".join(chunks) or html


_FORM = re.compile(r"<form\b.*?</form>", re.IGNORECASE | re.DOTALL)


def form_with_button(html: str, text: str) -> tuple[Form, tuple[str, str, str]]:
    # Only the forms that hold the text are parsed (forms do not nest): a load generator that
    # parsed whole pages would spend the CPU the benchmark measures the shop with.
    candidates = _chunks_with(_FORM, html, text)
    for form in parse(candidates).forms:
        for button in form.buttons:
            if button[0].strip().upper() == text.upper():
                return form, button
    raise JourneyError(f"no form with the button {text!r}")


@dataclass
class Step:
    name: str
    seconds: float
    instance: str


@dataclass
class Customer:
    """One customer: a cookie jar shared by every instance (as a browser behind a load
    balancer), and a choice of instance for each request."""

    email: str
    password: str
    instances: list[str]
    timeout: float = 60.0
    session: requests.Session = field(default_factory=requests.Session)
    steps: list[Step] = field(default_factory=list)
    _turn: int = 0

    def instance(self) -> str:
        base = self.instances[self._turn % len(self.instances)]
        self._turn += 1
        return base

    def request(self, step: str, method: str, path: str, base: str | None = None, **kwargs):
        base = base or self.instance()
        url = urljoin(base, path)
        started = time.perf_counter()
        response = self.session.request(
            method, url, timeout=self.timeout, allow_redirects=False, **kwargs
        )
        self.steps.append(Step(step, time.perf_counter() - started, base))
        if response.status_code >= 400:
            raise JourneyError(f"{step}: {method} {url} answered {response.status_code}")
        return response

    def follow(self, step: str, response, base: str | None = None):
        """Follow redirects, each on the next instance (or on `base`)."""
        while response.status_code in (301, 302, 303):
            path = urlsplit(response.headers["Location"])
            location = path.path + (f"?{path.query}" if path.query else "")
            response = self.request(step, "GET", location, base)
        return response

    def submit(
        self,
        step: str,
        page,
        button: str,
        values: dict | None = None,
        files=None,
        base: str | None = None,
    ):
        form, (_, name, value) = form_with_button(page.text, button)
        data = dict(form.fields)
        if name:
            data[name] = value
        data.update(values or {})
        action = form.action or urlsplit(page.url).path
        headers = {"Referer": page.url}
        response = self.request(step, "POST", action, base, data=data, files=files, headers=headers)
        return self.follow(step, response, base)

    # --- The journey --------------------------------------------------------------------

    def log_in(self) -> None:
        page = self.request("login form", "GET", "/account/login/")
        response = self.submit(
            "login", page, "Accedi", {"login": self.email, "password": self.password}
        )
        if "/account/login/" in response.url:
            raise JourneyError(f"login refused for {self.email}")

    def add_to_cart(self, upload: bytes | None = None, filename: str = "delega.pdf"):
        """Sends the service form; returns the cart page the shop then shows."""
        page = self.request("service form", "GET", f"/carrello/aggiungi/{SERVICE_SLUG}/")
        files = {"delega": (filename, upload, "application/pdf")} if upload else None
        response = self.submit("add to cart", page, "Aggiungi al carrello", ANSWERS, files)
        if "/carrello/" not in response.url or "aggiungi" in response.url:
            raise JourneyError(f"the service form was refused: {_errors(response.text)}")
        return response

    def check_out(self, cart=None):
        """Cart -> billing -> payment method -> review -> place; returns the gateway page.
        `cart`: the cart page the customer is on (as after adding a service), else opened."""
        if cart is None:
            cart = self.request("cart", "GET", "/carrello/")
        proceed = _link(cart.text, "PROCEDI ALL'ACQUISTO")
        page = self.follow("billing form", self.request("billing form", "GET", proceed))
        if "dati-di-fatturazione" in page.url:
            page = self.submit("billing", page, "Continua", BILLING)
        if "pagamento" in page.url and "checkout" in page.url:
            page = self.submit(
                "payment method", page, "Continua", {"payment_method": "test_gateway"}
            )
        if "riepilogo" not in page.url:
            raise JourneyError(f"expected the review page, got {page.url}: {_errors(page.text)}")
        # The terms of sale are accepted at the Riepilogo, as a customer must.
        response = self.submit("place order", page, "COMPLETA L'ACQUISTO", {"accept_terms": "on"})
        if "gateway-di-test" not in response.url:
            raise JourneyError(f"expected the test gateway, got {response.url}")
        return response

    def pay(self, gateway_page) -> str:
        """Authorize on the test gateway; returns the order number once the shop says paid."""
        response = self.submit("authorize", gateway_page, "Autorizza pagamento")
        deadline = time.monotonic() + 60
        while "/conferma" not in response.url and "confermato" not in response.text:
            if time.monotonic() > deadline:
                raise JourneyError(f"payment never confirmed ({response.url})")
            time.sleep(0.2)
            response = self.follow(
                "confirmation", self.request("confirmation", "GET", urlsplit(response.url).path)
            )
        match = re.search(r"/il-mio-account/ordini/([^/]+)/", response.url + response.text)
        if not match:
            raise JourneyError("no order number on the confirmation page")
        return match.group(1)

    def order_files(self, number: str, base: str | None = None) -> list[str]:
        page = self.request("order page", "GET", f"/il-mio-account/ordini/{number}/", base)
        return [
            href
            for href, _ in parse(page.text).links
            if f"/il-mio-account/ordini/{number}/allegati/" in href
        ]

    def download(self, path: str, base: str | None = None) -> bytes:
        return self.request("download", "GET", path, base).content


_ANCHOR = re.compile(r"<a\b[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)


def _link(html: str, text: str) -> str:
    for href, label in parse(_chunks_with(_ANCHOR, html, text)).links:
        if label.upper() == text.upper():
            return href
    raise JourneyError(f"no link {text!r}")


def _errors(html: str) -> str:
    return "; ".join(re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{1,200})<', html)[:5])

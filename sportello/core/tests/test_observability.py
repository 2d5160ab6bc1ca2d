"""Request ids in logs and responses, JSON logs, Sentry's scrubber, the health answer."""

import json
import logging
import re

import pytest
from django.test import Client

from sportello.core.observability import RequestIdFilter, current_request_id, scrub_event


@pytest.fixture
def web():
    return Client(HTTP_HOST="127.0.0.1")


def test_every_response_carries_a_new_request_id(web, db):
    first = web.get("/health/?format=json")["X-Request-ID"]
    second = web.get("/health/?format=json")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_the_load_balancers_request_id_is_kept(web, db):
    response = web.get("/health/?format=json", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")

    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"


def test_a_request_id_that_could_forge_log_lines_is_replaced(web, db):
    response = web.get("/health/?format=json", HTTP_X_REQUEST_ID="x\nFAKE LINE level=ERROR")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_log_lines_of_a_request_carry_its_id_as_json(web, db, settings):
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        **{k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    )
    lines = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(formatter.format(record))

    handler = Capture()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.security.DisallowedHost")
    logger.addHandler(handler)
    try:
        response = Client(HTTP_HOST="evil.example").get("/", HTTP_X_REQUEST_ID="req-12345678")
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 400
    [line] = lines
    record = json.loads(line)
    assert record["request_id"] == "req-12345678"
    assert record["level"] == "ERROR"
    assert record["logger"] == "django.security.DisallowedHost"
    assert current_request_id() == "-"


def test_json_formatter_is_chosen_by_log_format(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["request_id"]
    assert settings.LOGGING["formatters"]["json"]["()"] == "pythonjsonlogger.json.JsonFormatter"


def test_health_answer_names_checks_and_nothing_else(web, db, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cr3t-password@127.0.0.1:1/0"

    response = web.get("/health/?format=json")

    body = response.content.decode()
    assert response.status_code == 500  # the broker is down
    assert json.loads(body) == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Broker": "Unavailable: Broker unreachable",
        "Storage(alias='private')": "OK",
    }
    assert "s3cr3t" not in body
    assert "6379" not in body and ":1/" not in body
    assert response["Cache-Control"].startswith("max-age=0")


def test_sessions_live_in_the_shared_database():
    from django.conf import settings

    assert settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    )


# --- Sentry ------------------------------------------------------------------------------------


def sentry_event():
    return {
        "message": "Ordine 2026-000123 di mario.rossi@example.com non pagato",
        "logentry": {"message": "Pagamento fallito per RSSMRA80A01H501U", "params": []},
        "request": {
            "method": "POST",
            "url": "https://negozio.example.it/checkout/dati-di-fatturazione/?email=a@b.it",
            "data": {"codice_fiscale": "RSSMRA80A01H501U", "address": "Via Roma 1"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox"},
            "query_string": "email=a@b.it",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": 42, "email": "mario.rossi@example.com", "ip_address": "203.0.113.9"},
        "exception": {
            "values": [
                {
                    "type": "ValidationError",
                    "value": "IBAN IT60X0542811101000000123456 di Mario, tel. +39 051 123 4567",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "sportello/checkout/views.py",
                                "function": "billing",
                                "vars": {"email": "mario.rossi@example.com", "form": "<Form>"},
                            }
                        ]
                    },
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": "SELECT … WHERE email = 'giulia@example.com'"}]},
        "extra": {"customer_email": "giulia@example.com", "order": "2026-000123"},
        "tags": {"queue": "payments"},
    }


def test_the_sentry_scrubber_leaves_no_personal_data():
    event = scrub_event(sentry_event(), {})

    text = json.dumps(event)
    for personal in (
        "mario.rossi@example.com",
        "giulia@example.com",
        "a@b.it",
        "RSSMRA80A01H501U",
        "IT60X0542811101000000123456",
        "051 123 4567",
        "Via Roma",
        "203.0.113.9",
        "sessionid",
    ):
        assert personal not in text, personal
    assert event["request"] == {
        "method": "POST",
        "url": "https://negozio.example.it/checkout/dati-di-fatturazione/",
    }
    assert event["user"] == {"id": 42}
    frame = event["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert frame["vars"] == "[filtrato]"
    # What helps debugging stays: the code's place, the error type, order numbers, tags.
    assert frame["function"] == "billing"
    assert frame["filename"] == "sportello/checkout/views.py"
    assert event["exception"]["values"][0]["type"] == "ValidationError"
    assert "2026-000123" in event["message"]
    assert event["tags"] == {"queue": "payments"}


def test_sentry_is_initialised_without_default_personal_data(monkeypatch):
    import sentry_sdk

    from sportello.core import observability

    captured = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: captured.update(options))

    observability.init_sentry(
        dsn="https://key@sentry.example/1", environment="test", traces_sample_rate=0.0
    )

    assert captured["send_default_pii"] is False
    assert captured["include_local_variables"] is False
    assert captured["before_send"] is scrub_event

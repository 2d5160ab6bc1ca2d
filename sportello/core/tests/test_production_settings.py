"""The settings a production environment gets from its variables (docs/deployment.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def production_env(tmp_path, **overrides) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATA_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": "k7Rb2xQw9ZpLm4VnTc8HsYd6FjGa3EuWo1IeNr5ByXq0PlKt-production-like",
        "ALLOWED_HOSTS": "shop.example.it",
        "SECURE_COOKIES": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "BEHIND_TLS_PROXY": "1",
        **overrides,
    }


def run(script: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )


CLIENT_IP = (
    "import django; django.setup(); "
    "from django.test import RequestFactory; "
    "from allauth.account.adapter import get_adapter; "
    "request = RequestFactory().post('/account/login/', REMOTE_ADDR='10.0.0.5', "
    "HTTP_X_FORWARDED_FOR='198.51.100.1, 203.0.113.7'); "
    "print(get_adapter(request).get_client_ip(request))"
)


def test_behind_the_proxy_rate_limits_count_the_client_not_the_proxy(tmp_path):
    # The proxy (10.0.0.5) appended the real client; the first entry is what the client wrote.
    result = run(CLIENT_IP, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "203.0.113.7"


def test_two_proxies_in_the_chain(tmp_path):
    result = run(CLIENT_IP, production_env(tmp_path, TRUSTED_PROXY_COUNT="2"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "198.51.100.1"


def test_without_a_proxy_a_forged_forwarded_for_is_ignored(tmp_path):
    result = run(CLIENT_IP, production_env(tmp_path, BEHIND_TLS_PROXY="0"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "10.0.0.5"


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


# The seller of every invoice (required with DEBUG off: invoicing.E001 otherwise).
INVOICE_SELLER = {
    "INVOICE_SELLER_NAME": "Sportello Servizi S.r.l.",
    "INVOICE_SELLER_PARTITA_IVA": "01234560371",
    "INVOICE_SELLER_CODICE_FISCALE": "01234560371",
    "INVOICE_SELLER_ADDRESS": "Via Esempio 1",
    "INVOICE_SELLER_CAP": "40121",
    "INVOICE_SELLER_COMUNE": "Bologna",
    "INVOICE_SELLER_PROVINCIA": "BO",
    "INVOICE_SELLER_PEC": "sportello-servizi@pec.example.it",
}


def test_check_deploy_is_clean_with_the_documented_production_values(tmp_path):
    environment = production_env(
        tmp_path,
        **INVOICE_SELLER,
        PAYMENT_METHODS="bank_transfer",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
        EMAIL_URL="smtp://mailer:segreta@smtp.example.it:587/?tls=True",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = check_deploy(environment)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_about_laptop_mail_and_cache(tmp_path):
    environment = production_env(
        tmp_path,
        **INVOICE_SELLER,
        PAYMENT_METHODS="bank_transfer",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    result = check_deploy(environment)
    assert result.returncode == 1
    assert "core.W001" in result.stderr
    assert "core.E002" in result.stderr


def test_check_deploy_fails_on_a_per_process_cache_even_at_error_level(tmp_path):
    """Without REDIS_URL each web worker keeps its own rate-limit counters: with DEBUG off
    that is an error, which `check --deploy --fail-level ERROR` (the default) refuses."""
    environment = production_env(
        tmp_path,
        PAYMENT_METHODS="bank_transfer",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
        EMAIL_URL="smtp://mailer:segreta@smtp.example.it:587/?tls=True",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "ERRORS:" in result.stderr
    assert "core.E002" in result.stderr
    assert "REDIS_URL" in result.stderr


def test_check_fails_without_the_invoice_seller(tmp_path):
    result = check_deploy(production_env(tmp_path, PAYMENT_METHODS="bank_transfer"))
    assert result.returncode == 1
    assert "invoicing.E001" in result.stderr
    assert "INVOICE_SELLER_PARTITA_IVA is required" in result.stderr

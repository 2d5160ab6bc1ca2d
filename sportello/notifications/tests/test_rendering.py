from decimal import Decimal

import pytest
from django.template import TemplateDoesNotExist

from sportello.notifications.rendering import absolute_url, render_email


def test_absolute_url_reverses_url_names_on_site_url():
    assert absolute_url("accounts:home") == "https://negozio.example.it/il-mio-account/"
    assert absolute_url("pages:privacy") == "https://negozio.example.it/privacy/"


def test_absolute_url_accepts_paths_and_keeps_absolute_urls(settings):
    settings.SITE_URL = "https://negozio.example.it/"
    assert absolute_url("/carrello/") == "https://negozio.example.it/carrello/"
    assert absolute_url("https://altro.example.it/x") == "https://altro.example.it/x"


def test_absolute_url_passes_arguments_to_reverse():
    url = absolute_url("account_reset_password_from_key", uidb36="3", key="abc")
    assert url == "https://negozio.example.it/account/password/reset/key/3-abc/"


@pytest.mark.usefixtures("test_email_templates")
def test_render_email_uses_the_shop_layout_amounts_and_links():
    rendered = render_email(
        "tests_email/order_summary",
        {"number": "S-2026-000123", "name": "Dell'Acqua & figli", "total": Decimal("1234.56")},
    )

    assert rendered.subject == "Riepilogo dell'ordine S-2026-000123"
    text = rendered.text_body
    assert text.startswith("Sportello\n\nGentile Dell'Acqua & figli,\n")
    assert "totale: 1.234,56\u00a0€\n" in text
    assert "Dettaglio: https://negozio.example.it/il-mio-account/\n" in text
    # The seller's legal data (Codice civile art. 2250) in every message.
    assert (
        "Sportello Servizi S.r.l. · Sede legale: Via Esempio 1, 40121 Bologna (BO) · "
        "P.IVA IT01234567890 · REA BO-543210 · Capitale sociale 50.000,00 euro i.v. · "
        "PEC sportello@pec.negozio.example.it\ninfo@negozio.example.it\n" in text
    )
    assert "IL MIO ACCOUNT: https://negozio.example.it/il-mio-account/\n" in text
    assert "Informativa privacy: https://negozio.example.it/privacy/\n" in text

    html = rendered.html_body
    assert html.startswith("<!DOCTYPE html>")
    assert "<p>Gentile Dell&#x27;Acqua &amp; figli,</p>" in html
    assert "<strong>1.234,56\u00a0€</strong>" in html
    assert '<a href="https://negozio.example.it/il-mio-account/">Dettaglio</a>' in html
    assert '<a href="https://negozio.example.it/privacy/"' in html
    assert "P.IVA IT01234567890 · REA BO-543210 · Capitale sociale 50.000,00 euro i.v." in html
    assert "PEC sportello@pec.negozio.example.it" in html


@pytest.mark.usefixtures("test_email_templates")
def test_render_email_escapes_html_but_not_text():
    rendered = render_email(
        "tests_email/order_summary",
        {"number": "1", "name": "<script>alert(1)</script>", "total": Decimal("0")},
    )
    assert "<script>" not in rendered.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html_body
    assert "Gentile <script>alert(1)</script>," in rendered.text_body


def test_render_email_requires_subject_and_text_templates():
    with pytest.raises(TemplateDoesNotExist):
        render_email("tests_email/does_not_exist", {})

"""The terms of sale as a PDF (WeasyPrint): the durable medium sent with the order confirmation."""

from __future__ import annotations

from functools import lru_cache

from django.template.loader import render_to_string

from sportello.contracts.models import TermsOfSale
from sportello.core.seller import seller


def _no_external_resources(url: str, *args, **kwargs):
    # The template is self-contained; staff-written text must never make the server fetch a URL.
    raise ValueError(f"External resource refused in terms PDF: {url}")


def terms_filename(terms: TermsOfSale) -> str:
    return f"condizioni-generali-di-vendita-v{terms.version}.pdf"


def terms_pdf_html(terms: TermsOfSale) -> str:
    return render_to_string("contracts/pdf.html", {"terms": terms, "seller": seller()})


@lru_cache(maxsize=8)
def _render(pk: int, updated_at: str) -> bytes:
    from weasyprint import HTML

    terms = TermsOfSale.objects.get(pk=pk)
    return HTML(string=terms_pdf_html(terms), url_fetcher=_no_external_resources).write_pdf(
        pdf_tags=True
    )


def render_terms_pdf(terms: TermsOfSale) -> bytes:
    """The PDF of one version. Rendered once per version and edit: every confirmation e-mail
    of the day carries the same document, and WeasyPrint takes a while."""
    return _render(terms.pk, terms.updated_at.isoformat())

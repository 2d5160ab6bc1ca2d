"""The quote as a PDF (WeasyPrint), rendered from the current version at request time."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from sportello.core.seller import seller
from sportello.quotes.queries import quote_detail


def _no_external_resources(url: str, *args, **kwargs):
    # The template is self-contained; nothing a quote contains may make the server fetch a URL.
    raise ValueError(f"External resource refused in quote PDF: {url}")


def quote_pdf_html(quote) -> str:
    return render_to_string(
        "quotes/pdf.html",
        {
            "quote": quote,
            "detail": quote_detail(quote, with_messages=False),
            "customer": quote.customer,
            "site_name": settings.SITE_NAME,
            "seller": seller(),
            "generated_at": timezone.localtime(),
        },
    )


def render_quote_document(quote):
    """The laid-out document (pages), before it is written as PDF bytes."""
    from weasyprint import HTML

    return HTML(string=quote_pdf_html(quote), url_fetcher=_no_external_resources).render()


def render_quote_pdf(quote) -> bytes:
    return render_quote_document(quote).write_pdf(pdf_tags=True)


def quote_pdf_response(quote) -> HttpResponse:
    response = HttpResponse(render_quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preventivo-{quote.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

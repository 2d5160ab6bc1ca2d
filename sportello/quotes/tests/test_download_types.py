"""Attachments come back with the type the server decides, never the uploader's claim."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sportello.quotes.models import QuoteMessage

# Starts like a PDF (so the upload is accepted) but is an HTML page with a script.
HTML_AS_PDF = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n"


def test_attachment_claimed_as_html_is_served_as_pdf(client, customer, staff, quote):
    client.force_login(customer)
    upload = SimpleUploadedFile("perizia.pdf", HTML_AS_PDF, content_type="text/html")
    response = client.post(
        reverse("quotes:post_message", args=[quote.number]),
        {"body": "Allego la perizia.", "attachment": upload},
    )
    assert response.status_code == 302
    message = QuoteMessage.objects.get()
    assert message.attachment_content_type == "text/html"

    for user, url in (
        (customer, reverse("quotes:message_attachment", args=[quote.number, message.pk])),
        (staff, reverse("admin:quotes_quoterequest_attachment", args=[quote.pk, message.pk])),
    ):
        client.force_login(user)
        download = client.get(url)
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"] == 'attachment; filename="perizia.pdf"'
        assert b"".join(download.streaming_content) == HTML_AS_PDF

"""Downloads come back with the type the server decides, never the uploader's claim."""

from django.urls import reverse

from sportello.orders.tests.conftest import PDF_BYTES
from sportello.uploads.models import Upload


def test_answer_file_claimed_as_html_is_served_as_pdf(customer_client, placed_order):
    file_id = placed_order.lines.get(position=1).answers_display[1]["file_id"]
    # What a browser sends is kept as it came: here a forged "text/html".
    Upload.objects.filter(pk=file_id).update(content_type="text/html")
    url = reverse("orders:answer_file", kwargs={"number": placed_order.number, "file_id": file_id})

    response = customer_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="planimetria.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_answer_file_with_an_unknown_extension_is_opaque_bytes(customer_client, placed_order):
    file_id = placed_order.lines.get(position=1).answers_display[1]["file_id"]
    Upload.objects.filter(pk=file_id).update(
        original_name="pagina.svg", content_type="image/svg+xml"
    )
    url = reverse("orders:answer_file", kwargs={"number": placed_order.number, "file_id": file_id})

    response = customer_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="pagina.svg"'

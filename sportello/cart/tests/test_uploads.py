"""Files uploaded in a service's form: kept through errors, re-owned at login."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sportello.cart.models import CartLine
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.uploads.models import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(db):
    service = ServiceFactory(name="Attestato di prestazione energetica", slug="ape")
    FormFieldFactory(
        service=service, position=1, key="planimetria", label="Planimetria", field_type="file"
    )
    FormFieldFactory(
        service=service,
        position=2,
        key="cf",
        label="Codice fiscale del proprietario",
        field_type=FieldType.CODICE_FISCALE,
    )
    return service


def _pdf(name="planimetria.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 planimetria", content_type="application/pdf")


def test_upload_is_kept_through_an_error_and_reowned_at_login(
    client, customer, password, certificate
):
    add_url = reverse("cart:add", kwargs={"slug": certificate.slug})
    response = client.post(add_url, {"planimetria": _pdf(), "cf": "RSSMRA80A01H501X"})

    assert response.status_code == 200
    assert "Il codice fiscale non è valido" in response.text
    stored = Upload.objects.get()
    assert stored.original_name == "planimetria.pdf"
    assert stored.owner is None
    assert stored.session_key  # the anonymous session's upload key
    assert "File caricato: <strong>planimetria.pdf</strong>" in response.text
    assert f'name="planimetria__kept" value="{stored.pk}"' in response.text
    assert not CartLine.objects.exists()

    client.post(add_url, {"planimetria__kept": str(stored.pk), "cf": "RSSMRA80A01H501U"})
    line = CartLine.objects.get()
    assert line.answers == {
        "planimetria": {"file_id": stored.pk, "name": "planimetria.pdf"},
        "cf": "RSSMRA80A01H501U",
    }
    assert Upload.objects.count() == 1

    client.post(reverse("account_login"), {"login": customer.email, "password": password})
    stored.refresh_from_db()
    assert stored.owner == customer
    assert stored.session_key == ""
    edit_page = client.get(reverse("cart:edit_line", kwargs={"pk": line.pk}))
    assert "File caricato: <strong>planimetria.pdf</strong>" in edit_page.text


def test_someone_elses_file_cannot_be_claimed(customer_client, certificate):
    customer_client.post(
        reverse("cart:add", kwargs={"slug": certificate.slug}),
        {"planimetria": _pdf("mia.pdf"), "cf": "RSSMRA80A01H501U"},
    )
    theirs = Upload.objects.get()

    stranger = Client()
    response = stranger.post(
        reverse("cart:add", kwargs={"slug": certificate.slug}),
        {"planimetria__kept": str(theirs.pk), "cf": "RSSMRA80A01H501U"},
    )
    assert response.status_code == 200
    assert "Allega il file richiesto." in response.text
    assert "mia.pdf" not in response.text
    assert CartLine.objects.count() == 1

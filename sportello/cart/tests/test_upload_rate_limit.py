"""Uploading files without an account is limited per address: the disk cannot be filled."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sportello.cart.models import CartLine
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.uploads.models import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_uploads_an_hour(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload": "2/h/ip"}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate():
    service = ServiceFactory(name="Attestato di prestazione energetica", slug="ape")
    FormFieldFactory(
        service=service, position=1, key="planimetria", label="Planimetria", field_type="file"
    )
    FormFieldFactory(
        service=service, position=2, key="note", label="Note", field_type=FieldType.TEXT
    )
    return service


def _pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 planimetria", content_type="application/pdf")


def test_uploads_beyond_the_limit_are_refused_and_nothing_is_stored(client, certificate):
    url = reverse("cart:add", kwargs={"slug": certificate.slug})
    for index in range(2):
        response = client.post(url, {"planimetria": _pdf(f"p{index}.pdf"), "note": "Terzo piano"})
        assert response.status_code == 302

    response = client.post(url, {"planimetria": _pdf("p2.pdf"), "note": "Terzo piano"})

    assert response.status_code == 200
    assert "Hai caricato molti file in poco tempo" in response.text
    assert "Terzo piano" in response.text
    assert sorted(Upload.objects.values_list("original_name", flat=True)) == [
        "p0.pdf",
        "p1.pdf",
    ]
    assert CartLine.objects.count() == 2


def test_forms_without_files_are_not_counted(client, certificate):
    url = reverse("cart:add", kwargs={"slug": certificate.slug})
    client.post(url, {"planimetria": _pdf("p0.pdf"), "note": "A"})
    stored = Upload.objects.get()
    for _ in range(3):
        response = client.post(url, {"planimetria__kept": str(stored.pk), "note": "B"})
        assert response.status_code == 302
    assert CartLine.objects.count() == 4

"""The back-office's read-only view of "Ordine multiplo" imports, for support."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sportello.cart.models import BulkImport
from sportello.cart.tests.bulk_helpers import GOOD_ROW, build_visura, csv_file
from sportello.cart.tests.test_bulk import BAD_ROW, upload  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(customer_client, upload):  # noqa: F811
    service = build_visura()
    return upload(customer_client, service, csv_file([GOOD_ROW, BAD_ROW, GOOD_ROW]))


def test_staff_see_what_the_shop_read_row_by_row(client, staff, sent):
    client.force_login(staff)
    listing = client.get(reverse("admin:cart_bulkimport_changelist")).text
    assert "mario.rossi@example.com" in listing
    assert "Visura catastale" in listing

    page = html.unescape(client.get(reverse("admin:cart_bulkimport_change", args=[sent.pk])).text)

    assert "ordine.csv" in page or sent.upload.original_name in page
    assert "<td>3</td><td>Codice fiscale</td>" in page  # the file's row 3, by its label
    assert "RSSMRA80A01H501X" in page
    assert "Scarica il file" in page
    assert 'name="_save"' not in page  # read-only


def test_staff_download_the_customers_file(client, staff, sent):
    client.force_login(staff)

    response = client.get(reverse("admin:cart_bulkimport_file", args=[sent.pk]))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert b"RSSMRA80A01H501X" in body


def test_the_list_reads_a_fixed_number_of_queries(client, staff, customer_client, upload):  # noqa: F811
    service = build_visura()
    url = reverse("admin:cart_bulkimport_changelist")

    def queries_of_the_list() -> int:
        client.force_login(staff)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    upload(customer_client, service, csv_file([GOOD_ROW]))
    queries_of_the_list()  # the first visit also reads what stays in memory afterwards
    one = queries_of_the_list()
    for _ in range(5):
        upload(customer_client, service, csv_file([GOOD_ROW]))

    assert BulkImport.objects.count() == 6
    assert queries_of_the_list() == one

"""Order files kept in an S3 bucket (real SeaweedFS) stream through the app after the owner
check: no redirect to the bucket, no URL that works without the shop's session."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sportello.orders import actions
from sportello.orders.tests.conftest import PDF_BYTES
from sportello.orders.tests.factories import OrderLineFactory, PaidOrderFactory

pytestmark = pytest.mark.s3


@pytest.fixture
def outcome_in_bucket(s3_private_storage, customer, staff):
    line = OrderLineFactory(order=PaidOrderFactory(customer=customer))
    outcome = actions.add_outcome(
        line=line,
        note="",
        files=[SimpleUploadedFile("perizia.pdf", PDF_BYTES, content_type="text/html")],
        actor=staff,
    )
    return outcome.files.get()


def url_of(outcome_file):
    order = outcome_file.outcome.line.order
    return reverse(
        "orders:outcome_file", kwargs={"number": order.number, "file_id": outcome_file.pk}
    )


def test_the_owner_gets_the_bytes_from_the_bucket_through_the_app(
    customer_client, outcome_in_bucket, s3_private_storage
):
    keys = [
        item["Key"]
        for item in s3_private_storage.client().list_objects_v2(Bucket=s3_private_storage.bucket)[
            "Contents"
        ]
    ]
    assert any(key.endswith(outcome_in_bucket.file.name) for key in keys)

    response = customer_client.get(url_of(outcome_in_bucket))

    assert response.status_code == 200
    assert "Location" not in response
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_another_customer_gets_404(client, other_customer, outcome_in_bucket):
    client.force_login(other_customer)

    assert client.get(url_of(outcome_in_bucket)).status_code == 404

"""A malformed id in a back-office URL is "not found", never a server error (issue 13.6)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("object_id", ["abc", "1abc", "-"])
def test_order_change_page_with_a_non_numeric_id_is_not_a_server_error(staff_client, object_id):
    url = reverse("admin:orders_order_change", args=[object_id])

    response = staff_client.get(url)

    # The admin's own answer for a missing object: back to the list with a message.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    followed = staff_client.get(response.url)
    assert "non esiste" in followed.content.decode()

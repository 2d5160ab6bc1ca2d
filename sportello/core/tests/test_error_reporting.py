"""Server errors reach the people named in ADMINS."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urls


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("rotto/", broken_view), *site_urls]


@pytest.mark.django_db
@pytest.mark.urls("sportello.core.tests.test_error_reporting")
def test_a_server_error_is_emailed_to_the_admins(settings):
    settings.ADMINS = [("ops@example.com", "ops@example.com")]
    settings.DEBUG = False

    response = Client(raise_request_exception=False).get("/rotto/")

    assert response.status_code == 500
    assert [message.to for message in mail.outbox] == [["ops@example.com"]]
    assert "RuntimeError" in mail.outbox[0].body

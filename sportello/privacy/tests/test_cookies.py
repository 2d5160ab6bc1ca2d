"""The cookie policy lists only `sessionid` and `csrftoken`: nothing else may be set."""

import pytest
from django.urls import reverse

from sportello.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TECHNICAL_COOKIES = {"sessionid", "csrftoken"}


def test_the_cookie_policy_names_the_technical_cookies(client):
    html = client.get(reverse("pages:cookies")).content.decode()
    for name in TECHNICAL_COOKIES:
        assert f"<code>{name}</code>" in html


def test_a_visit_with_login_and_flash_messages_sets_only_technical_cookies(client, customer):
    set_cookies: set[str] = set()

    def visit(method, url, data=None):
        response = getattr(client, method)(url, data or {})
        set_cookies.update(response.cookies.keys())
        return response

    visit("get", reverse("pages:home"))
    # Logging in and saving the profile both redirect with a message for the next page.
    login = visit("post", reverse("account_login"), {"login": customer.email, "password": PASSWORD})
    assert login.status_code == 302
    visit("get", login["Location"])
    saved = visit(
        "post",
        reverse("accounts:profile"),
        {"first_name": "Mario", "last_name": "Rossi", "phone": ""},
    )
    assert saved.status_code == 302
    page = visit("get", saved["Location"])
    assert "Profilo aggiornato." in page.content.decode()

    assert set_cookies <= TECHNICAL_COOKIES

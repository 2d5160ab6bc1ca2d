"""Content-Security-Policy, Permissions-Policy and no-store (issue 13, point 5)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_every_page_has_a_strict_content_security_policy(client):
    response = client.get(reverse("pages:home"))

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"][0] == "'self'"


def test_the_back_office_has_the_same_policy(staff_client):
    response = staff_client.get(reverse("admin:index"))

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_no_page_template_carries_inline_styles_or_scripts(client, customer_client):
    for response in (
        client.get(reverse("pages:home")),
        client.get(reverse("account_signup")),
        customer_client.get(reverse("accounts:profile")),
    ):
        html = response.content.decode()
        assert " style=" not in html
        assert "<script>" not in html
        assert " onclick=" not in html


def test_permissions_policy_turns_off_unused_features(client):
    response = client.get(reverse("pages:home"))

    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:home",
        "accounts:profile",
        "accounts:billing",
        "orders:list",
        "quotes:list",
        "cart:detail",
        "checkout:start",
        "pages:home",  # the header shows the customer's name
    ],
)
def test_pages_of_a_signed_in_customer_are_never_stored(customer_client, url_name):
    response = customer_client.get(reverse(url_name))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_signup", "cart:detail", "cart:quote_detail"]
)
def test_anonymous_pages_that_take_personal_data_are_never_stored(client, url_name):
    response = client.get(reverse(url_name))

    assert "no-store" in response["Cache-Control"]


def test_back_office_pages_are_never_stored(staff_client):
    for url in (reverse("admin:index"), reverse("admin:orders_order_changelist")):
        assert "no-store" in staff_client.get(url)["Cache-Control"]


def test_public_catalogue_pages_stay_cacheable_for_visitors(client):
    response = client.get(reverse("catalogue:index"))

    assert "no-store" not in response.get("Cache-Control", "")


def test_security_txt_names_the_contact_from_the_settings(client, settings):
    settings.SECURITY_CONTACT = "mailto:sicurezza@sportello.example"

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Contact: mailto:sicurezza@sportello.example" in lines
    assert any(line.startswith("Expires: 20") and line.endswith("Z") for line in lines)

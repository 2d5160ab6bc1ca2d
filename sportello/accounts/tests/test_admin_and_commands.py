import pytest
from django.core.management import call_command
from django.urls import reverse

from sportello.accounts.models import User

pytestmark = pytest.mark.django_db


def test_createsuperuser_from_environment(monkeypatch, client):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Direzione@Sportello.example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Back-Office-2026!")

    call_command("createsuperuser", interactive=False, verbosity=0)

    user = User.objects.get()
    assert user.email == "direzione@sportello.example"
    assert user.is_staff is True
    assert user.is_superuser is True
    assert user.check_password("Back-Office-2026!")
    # Signing in with it (e-mail code, then the authenticator app): test_backoffice_mfa.py.


def test_admin_user_list_searches_by_email_and_name(staff_client, customer, other_customer):
    response = staff_client.get(reverse("admin:accounts_user_changelist"), {"q": "rossi"})

    html = response.content.decode()
    assert response.status_code == 200
    assert customer.email in html
    assert other_customer.email not in html


def test_admin_user_pages_have_no_username(staff_client, customer):
    change = staff_client.get(reverse("admin:accounts_user_change", args=[customer.pk]))
    add = staff_client.get(reverse("admin:accounts_user_add"))

    assert change.status_code == 200
    assert add.status_code == 200
    assert 'name="username"' not in change.content.decode()
    assert 'name="username"' not in add.content.decode()
    assert 'name="email"' in add.content.decode()


def test_admin_creates_a_user_by_email(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "nuovo.operatore@sportello.example",
            "first_name": "Paolo",
            "last_name": "Gialli",
            "password1": "Gestione-Ordini-77!",
            "password2": "Gestione-Ordini-77!",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="nuovo.operatore@sportello.example")
    assert (user.first_name, user.last_name) == ("Paolo", "Gialli")
    assert user.check_password("Gestione-Ordini-77!")


def test_customers_cannot_open_the_admin(customer_client):
    response = customer_client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_permission_picker_offers_the_shop_s_permissions_only(staff_client, customer):
    """The libraries' permissions ("Content Type | content type", "MFA | authenticator") mean
    nothing to staff and read English: staff and groups are given the shop's own."""
    from django.contrib.auth.models import Group

    from sportello.accounts.admin import shop_permissions

    offered = set(shop_permissions().values_list("content_type__app_label", flat=True))
    assert {"orders", "payments", "auth"} <= offered
    assert not offered & {"contenttypes", "sessions", "mfa", "account", "sites"}
    for url in (
        reverse("admin:accounts_user_change", args=[customer.pk]),
        reverse("admin:auth_group_change", args=[Group.objects.create(name="Cassa").pk]),
    ):
        page = staff_client.get(url).text
        assert "Può modificare ordine" in page
        assert "content type" not in page.lower()
        assert "| authenticator" not in page.lower()

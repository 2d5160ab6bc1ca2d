"""Staff who may edit users cannot hand out rights: only a superuser can."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from sportello.accounts.models import User
from sportello.accounts.tests.factories import StaffFactory


def _user_editor():
    editor = StaffFactory(email="segreteria@sportello.example", is_superuser=False)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["view_user", "change_user"]
        )
    )
    return editor


def _form_data(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": "051 123456",
        "is_active": "on",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "10:00:00",
    }
    data.update(changes)
    return data


def test_staff_user_editor_cannot_make_themselves_superuser(client, db):
    editor = _user_editor()
    client.force_login(editor)
    url = reverse("admin:accounts_user_change", args=[editor.pk])

    response = client.post(
        url,
        _form_data(
            editor,
            is_staff="on",
            is_superuser="on",
            user_permissions=[p.pk for p in Permission.objects.all()[:5]],
        ),
    )

    assert response.status_code == 302
    editor = User.objects.get(pk=editor.pk)
    assert editor.phone == "051 123456"
    assert editor.is_superuser is False
    assert editor.is_staff is True
    assert editor.user_permissions.count() == 2


def test_staff_user_editor_cannot_make_a_customer_staff(client, customer):
    client.force_login(_user_editor())

    response = client.post(
        reverse("admin:accounts_user_change", args=[customer.pk]),
        _form_data(customer, is_staff="on", is_superuser="on"),
    )

    assert response.status_code == 302
    customer = User.objects.get(pk=customer.pk)
    assert (customer.phone, customer.is_staff, customer.is_superuser) == (
        "051 123456",
        False,
        False,
    )


def test_superuser_still_grants_staff(staff_client, customer):
    response = staff_client.post(
        reverse("admin:accounts_user_change", args=[customer.pk]),
        _form_data(customer, is_staff="on"),
    )

    assert response.status_code == 302
    customer = User.objects.get(pk=customer.pk)
    assert (customer.is_staff, customer.is_superuser) == (True, False)

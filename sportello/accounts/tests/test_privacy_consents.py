import pytest
from django.urls import reverse

from sportello.privacy.actions import record_signup_consents
from sportello.privacy.models import ConsentEvent
from sportello.privacy.queries import current_notice

pytestmark = pytest.mark.django_db


def _rows(user):
    return list(
        ConsentEvent.objects.filter(user=user)
        .order_by("id")
        .values_list("purpose", "is_granted", "source", "notice__version")
    )


def test_form_shows_the_current_choices_and_no_privacy_notice_toggle(customer_client, customer):
    record_signup_consents(user=customer, is_marketing_granted=True, notice=current_notice())

    html = customer_client.get(reverse("accounts:privacy")).content.decode()

    assert (
        '<input type="checkbox" name="marketing" aria-describedby="id_marketing_helptext" '
        'id="id_marketing" checked>'
    ) in html
    assert (
        '<input type="checkbox" name="profiling" aria-describedby="id_profiling_helptext" '
        'id="id_profiling">'
    ) in html
    assert 'name="privacy_notice"' not in html
    assert "La presa visione dell'informativa non è un consenso che si può revocare" in html


def test_toggling_writes_history_rows_with_notice_version(customer_client, customer):
    record_signup_consents(user=customer, is_marketing_granted=False, notice=current_notice())
    url = reverse("accounts:privacy")

    response = customer_client.post(url, {"marketing": "on", "profiling": "on"})

    assert response.status_code == 302
    assert response.url == url
    assert _rows(customer)[2:] == [
        ("marketing", True, "account", "1.0"),
        ("profiling", True, "account", "1.0"),
    ]
    page = customer_client.get(url).content.decode()
    assert "Scelte sul consenso salvate." in page
    assert page.count("<td>Area IL MIO ACCOUNT</td>") == 2

    customer_client.post(url, {"profiling": "on"})  # marketing unticked: withdrawn

    assert _rows(customer)[4:] == [("marketing", False, "account", "1.0")]


def test_saving_unchanged_choices_writes_nothing(customer_client, customer):
    record_signup_consents(user=customer, is_marketing_granted=True, notice=current_notice())
    before = _rows(customer)
    url = reverse("accounts:privacy")

    customer_client.post(url, {"marketing": "on"})

    assert _rows(customer) == before
    assert "Nessuna modifica ai consensi." in customer_client.get(url).content.decode()


def test_a_post_cannot_withdraw_the_privacy_notice(customer_client, customer):
    record_signup_consents(user=customer, is_marketing_granted=False, notice=current_notice())
    before = _rows(customer)

    customer_client.post(reverse("accounts:privacy"), {"privacy_notice": ""})

    assert _rows(customer) == before


def test_toggling_never_touches_another_customer(customer_client, customer, other_customer):
    record_signup_consents(user=other_customer, is_marketing_granted=False, notice=current_notice())
    other_before = _rows(other_customer)

    customer_client.post(reverse("accounts:privacy"), {"marketing": "on"})

    assert _rows(other_customer) == other_before
    assert _rows(customer) == [("marketing", True, "account", "1.0")]


def test_anonymous_post_writes_nothing(client, customer):
    url = reverse("accounts:privacy")

    response = client.post(url, {"marketing": "on"})

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
    assert ConsentEvent.objects.count() == 0

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sportello.accounts.models import User
from sportello.privacy.actions import record_consent, record_signup_consents
from sportello.privacy.models import ConsentPurpose, ConsentSource
from sportello.privacy.queries import current_notice

pytestmark = pytest.mark.django_db

SECTIONS = [
    ("orders:list", "I MIEI ORDINI"),
    ("quotes:list", "I MIEI PREVENTIVI"),
    ("accounts:profile", "PROFILO"),
    ("accounts:billing", "DATI DI FATTURAZIONE"),
    ("accounts:privacy", "INFORMAZIONI PRIVACY"),
]
ACCOUNT_URL_NAMES = ["accounts:home", *(name for name, _label in SECTIONS)]


@pytest.mark.parametrize("url_name", ACCOUNT_URL_NAMES)
def test_anonymous_visitors_are_sent_to_login(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


OWN_PAGES = ACCOUNT_URL_NAMES


@pytest.mark.parametrize("url_name", OWN_PAGES)
def test_account_pages_open_for_the_customer(customer_client, url_name):
    assert customer_client.get(reverse(url_name)).status_code == 200


def test_header_name_links_to_the_account(customer_client):
    html = customer_client.get(reverse("pages:home")).content.decode()

    assert f'<a href="{reverse("accounts:home")}" class="account-name"' in html
    assert "Mario Rossi" in html


def test_account_home_lists_the_five_sections(customer_client):
    html = customer_client.get(reverse("accounts:home")).content.decode()

    assert "<h1>IL MIO ACCOUNT</h1>" in html
    for url_name, label in SECTIONS:
        assert f'<a class="card" href="{reverse(url_name)}">\n    <h2>{label}</h2>' in html


def test_profile_shows_the_current_data(customer_client, customer):
    customer.phone = "+39 051 1234567"
    customer.save()

    html = customer_client.get(reverse("accounts:profile")).content.decode()

    assert '<label for="id_first_name">Nome' in html
    assert 'value="Mario"' in html
    assert 'value="Rossi"' in html
    assert 'value="+39 051 1234567"' in html
    assert "mario.rossi@example.com" in html


def test_profile_edit_saves(customer_client, customer):
    response = customer_client.post(
        reverse("accounts:profile"),
        {"first_name": " Mariano ", "last_name": "Rossi Bianchi", "phone": "333 123 4567"},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.phone) == (
        "Mariano",
        "Rossi Bianchi",
        "333 123 4567",
    )
    page = customer_client.get(response.url).content.decode()
    assert "Profilo aggiornato." in page
    assert "Mariano Rossi Bianchi" in page  # the name top left follows


def test_profile_phone_may_be_emptied(customer_client, customer):
    customer.phone = "051 123456"
    customer.save()

    customer_client.post(
        reverse("accounts:profile"), {"first_name": "Mario", "last_name": "Rossi", "phone": ""}
    )

    customer.refresh_from_db()
    assert customer.phone == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_name": "", "last_name": "Verdi", "phone": ""}, "first_name"),
        ({"first_name": "Marco", "last_name": "", "phone": ""}, "last_name"),
        ({"first_name": "Marco", "last_name": "Verdi", "phone": "chiamami"}, "phone"),
        ({"first_name": "Marco", "last_name": "Verdi", "phone": "12"}, "phone"),
    ],
)
def test_profile_errors_keep_input_and_change_nothing(customer_client, customer, data, field):
    response = customer_client.post(reverse("accounts:profile"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    for value in data.values():
        if value:
            assert f'value="{value}"' in html
    assert "Mario Rossi" in html  # the header still shows the saved name
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.phone) == ("Mario", "Rossi", "")


def test_profile_edit_changes_only_the_logged_in_customer(customer_client, other_customer):
    customer_client.post(
        reverse("accounts:profile"), {"first_name": "Nuovo", "last_name": "Nome", "phone": ""}
    )

    other_customer.refresh_from_db()
    assert (other_customer.first_name, other_customer.last_name) == ("Giulia", "Bianchi")
    assert User.objects.filter(first_name="Nuovo").count() == 1


def test_privacy_page_shows_notice_states_and_history(customer_client, customer):
    notice = current_notice()
    record_signup_consents(user=customer, is_marketing_granted=True, notice=notice)
    record_consent(
        user=customer,
        purpose=ConsentPurpose.MARKETING,
        is_granted=False,
        source=ConsentSource.STAFF,
        notice=notice,
    )

    html = customer_client.get(reverse("accounts:privacy")).content.decode()

    assert "<h1>INFORMAZIONI PRIVACY</h1>" in html
    assert f'<h2 id="notice-title">{notice.title}</h2>' in html
    assert "Versione 1.0" in html
    assert "Titolare del trattamento" in html
    assert html.count("<td>Concesso</td>") == 2
    assert html.count("<td>Negato o revocato</td>") == 1
    assert html.count("<td>Back-office, su richiesta del cliente</td>") == 1
    assert html.count("<td>Registrazione al sito</td>") == 2
    # Current state: notice accepted, marketing withdrawn, profiling never asked.
    assert '<span class="status">Accettata</span>' in html
    assert html.count('<span class="status">Non concesso</span>') == 2
    assert "Mai richiesto" in html


def test_privacy_page_never_shows_another_customers_consents(customer_client, other_customer):
    record_consent(
        user=other_customer,
        purpose=ConsentPurpose.MARKETING,
        is_granted=True,
        source=ConsentSource.SIGNUP,
        notice=current_notice(),
    )

    html = customer_client.get(reverse("accounts:privacy")).content.decode()

    assert "Non risultano consensi registrati." in html
    assert "<td>Concesso</td>" not in html


def test_privacy_page_queries_do_not_grow_with_history(
    customer_client, customer, django_assert_num_queries
):
    notice = current_notice()
    record_signup_consents(user=customer, is_marketing_granted=True, notice=notice)
    url = reverse("accounts:privacy")
    customer_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as baseline:
        customer_client.get(url)
    ledger_queries = [q for q in baseline.captured_queries if "privacy_consentevent" in q["sql"]]
    assert len(ledger_queries) == 1

    for index in range(10):
        record_consent(
            user=customer,
            purpose=ConsentPurpose.MARKETING,
            is_granted=bool(index % 2),
            source=ConsentSource.ACCOUNT,
            notice=notice,
        )
    with django_assert_num_queries(len(baseline)):
        response = customer_client.get(url)
    assert response.content.decode().count("<td>Area IL MIO ACCOUNT</td>") == 10

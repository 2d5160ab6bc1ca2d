"""ACCOUNT AZIENDALE pages, the invitation link, and what colleagues see of each other's
orders (I MIEI ORDINI with "Ordinato da")."""

import html
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from sportello.accounts.tests.factories import UserFactory
from sportello.cart.models import CartLine
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.models import Service
from sportello.companies import actions
from sportello.companies.models import Company, Membership, Role
from sportello.companies.queries import membership_of
from sportello.companies.tests.factories import MembershipFactory
from sportello.notifications.models import OutgoingEmail
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.quotes.tests.factories import QuoteRequestFactory

pytestmark = pytest.mark.django_db

CREATE = {
    "name": "Agenzia Immobiliare Gamma",
    "partita_iva": "00743110157",
    "codice_fiscale": "",
    "sdi_code": "",
    "pec": "gamma@pec.it",
    "address": "Via Roma 1",
    "cap": "40121",
    "comune": "Bologna",
    "provincia": "BO",
    "country": "IT",
}


def test_create_a_company_from_the_account(customer_client, customer):
    response = customer_client.post(reverse("companies:home"), CREATE)
    assert response.status_code == 302
    company = Company.objects.get()
    assert company.codice_fiscale == "00743110157"  # defaults to the partita IVA
    assert membership_of(customer).role == Role.ADMINISTRATOR


def test_a_wrong_partita_iva_is_explained_next_to_the_field(customer_client):
    response = customer_client.post(
        reverse("companies:home"), {**CREATE, "partita_iva": "00743110158"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_partita_iva_error"' in html
    assert "La partita IVA non è valida" in html
    assert 'value="Agenzia Immobiliare Gamma"' in html
    assert not Company.objects.exists()


def test_sdi_or_pec_is_required(customer_client):
    response = customer_client.post(reverse("companies:home"), {**CREATE, "pec": ""})
    assert response.status_code == 400
    assert "codice destinatario SDI oppure la PEC" in response.content.decode()
    assert not Company.objects.exists()


def test_the_company_page_costs_the_same_with_more_members(
    customer_client, customer_company, django_assert_max_num_queries
):
    MembershipFactory(company=customer_company, role=Role.BUYER)
    with django_assert_max_num_queries(8) as few:
        response = customer_client.get(reverse("companies:home"))
    assert response.status_code == 200
    for _ in range(5):
        MembershipFactory(company=customer_company, role=Role.VIEWER)
    actions.invite(
        company=customer_company,
        actor=customer_company.created_by,
        email="a@example.com",
        role=Role.BUYER,
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = customer_client.get(reverse("companies:home"))
    assert response.status_code == 200
    assert "a@example.com" in response.content.decode()


def test_invite_through_the_page(customer_client, customer_company):
    response = customer_client.post(
        reverse("companies:invite"),
        {"email": "nuovo@example.com", "role": "viewer"},
    )
    assert response.status_code == 302
    assert customer_company.invitations.get().email == "nuovo@example.com"


def test_invite_errors_stay_on_the_page(customer_client, customer_company, colleague):
    response = customer_client.post(
        reverse("companies:invite"), {"email": colleague.email, "role": "buyer"}
    )
    assert response.status_code == 400
    assert "fa già parte" in response.content.decode()
    assert not customer_company.invitations.exists()


def test_a_buyer_cannot_use_the_administrator_pages(client, colleague, customer_company):
    client.force_login(colleague)
    assert client.get(reverse("companies:edit")).status_code == 404
    response = client.post(reverse("companies:invite"), {"email": "x@example.com", "role": "buyer"})
    assert response.status_code == 404
    assert not customer_company.invitations.exists()


def test_another_company_cannot_remove_a_member(client, colleague, other_company_user):
    client.force_login(other_company_user)
    membership = membership_of(colleague)
    response = client.post(reverse("companies:remove_member", kwargs={"pk": membership.pk}))
    assert response.status_code == 404
    assert membership_of(colleague) == membership


def test_remove_and_transfer_through_the_page(
    customer_client, customer, colleague, django_capture_on_commit_callbacks
):
    viewer = MembershipFactory(company=membership_of(customer).company, role=Role.VIEWER)
    remove_url = reverse("companies:remove_member", kwargs={"pk": viewer.pk})
    # "Rimuovi" in the members' list opens a page that says what removing means.
    home = customer_client.get(reverse("companies:home")).content.decode()
    assert f'href="{remove_url}"' in home
    confirm = customer_client.get(remove_url).content.decode()
    assert "non potrà più ordinare" in confirm and viewer.user.email in confirm
    assert membership_of(viewer.user) is not None  # nothing removed by looking

    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(remove_url)
    assert response.status_code == 302
    assert membership_of(viewer.user) is None
    # The person removed is told by e-mail.
    sent = OutgoingEmail.objects.get(to=viewer.user.email)
    assert "Non fai più parte dell'account aziendale" in sent.subject
    assert viewer.user.first_name
    assert f"Gentile {viewer.user.first_name},\n" in sent.text_body
    # The administrator cannot be removed, not even by a crafted request.
    admin = membership_of(customer)
    assert (
        customer_client.get(reverse("companies:remove_member", args=[admin.pk])).status_code == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            reverse("companies:transfer"), {"member": membership_of(colleague).pk}
        )
    assert response.status_code == 302
    assert membership_of(colleague).role == Role.ADMINISTRATOR
    assert membership_of(customer).role == Role.BUYER
    # The new administrator is told by e-mail what the role means.
    sent = OutgoingEmail.objects.get(to=colleague.email)
    assert "Sei l'amministratore dell'account aziendale" in sent.subject
    assert "invitare i colleghi" in sent.text_body
    assert reverse("companies:home") in sent.text_body


def test_accept_an_invitation_through_its_link(client, customer, customer_company):
    _invitation, token = actions.invite(
        company=customer_company, actor=customer, email="nuovo@example.com", role=Role.BUYER
    )
    url = reverse("companies:invitation", kwargs={"token": token})
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    assert "Accedi" in anonymous.content.decode()
    # "Registrati" opens the sign-up with the invited address already filled in.
    signup_link = re.search(
        r'class="button button-secondary" href="([^"]*)">Registrati</a>', anonymous.content.decode()
    )
    signup = client.get(html.unescape(signup_link.group(1))).content.decode()
    assert 'value="nuovo@example.com"' in signup

    client.force_login(UserFactory(email="altro@example.com"))
    wrong = client.get(url).content.decode()
    assert "nuovo@example.com" in wrong and "Accetta l'invito" not in wrong

    invited = UserFactory(email="nuovo@example.com")
    client.force_login(invited)
    assert "Accetta l'invito" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert membership_of(invited).company == customer_company
    assert "già stato accettato" in client.get(url).content.decode()


def test_an_unknown_invitation_token_is_404(client):
    url = reverse("companies:invitation", kwargs={"token": "non-esiste"})
    assert client.get(url).status_code == 404


@pytest.fixture
def company_orders(customer, customer_company, colleague):
    return {
        "admin": OrderFactory(customer=customer, company=customer_company),
        "colleague": OrderFactory(customer=colleague, company=customer_company),
    }


def _listed(client) -> str:
    return client.get(reverse("orders:list")).content.decode()


def test_the_administrator_sees_who_placed_each_order(customer_client, company_orders):
    html = _listed(customer_client)
    assert "Ordinato da" in html
    assert company_orders["colleague"].number in html
    assert "Luca Neri" in html


def test_a_buyer_sees_only_their_own_unless_allowed(client, colleague, company_orders):
    client.force_login(colleague)
    html = _listed(client)
    assert company_orders["colleague"].number in html
    assert company_orders["admin"].number not in html
    detail = reverse("orders:detail", kwargs={"number": company_orders["admin"].number})
    assert client.get(detail).status_code == 404

    Membership.objects.filter(user=colleague).update(can_see_colleague_orders=True)
    assert company_orders["admin"].number in _listed(client)
    page = client.get(detail)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mario Rossi" in html  # Ordinato da
    assert "Paga ora" not in html and "Invia messaggio" not in html  # reads only
    pay = reverse("payments:pay", kwargs={"number": company_orders["admin"].number})
    assert client.get(pay).status_code == 404


def test_the_administrator_may_pay_a_colleagues_order(customer_client, company_orders):
    pay = reverse("payments:pay", kwargs={"number": company_orders["colleague"].number})
    assert customer_client.get(pay).status_code == 200


def test_a_viewer_reads_quotes_but_cannot_accept(client, customer, customer_company):
    viewer = MembershipFactory(company=customer_company, role=Role.VIEWER).user
    quote = QuoteRequestFactory(customer=customer, company=customer_company)
    client.force_login(viewer)
    assert client.get(reverse("quotes:detail", kwargs={"number": quote.number})).status_code == 200
    response = client.post(
        reverse("quotes:accept", kwargs={"number": quote.number}), {"version": 1}
    )
    assert response.status_code == 404


def test_the_orders_list_costs_the_same_with_colleagues_orders(
    customer_client, customer, customer_company, colleague, django_assert_max_num_queries
):
    OrderFactory(customer=colleague, company=customer_company)
    with django_assert_max_num_queries(20) as few:
        customer_client.get(reverse("orders:list"))
    for _ in range(5):
        OrderFactory(customer=colleague, company=customer_company)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert customer_client.get(reverse("orders:list")).status_code == 200


def test_a_viewer_cannot_check_out(client, customer_company):
    viewer = MembershipFactory(company=customer_company, role=Role.VIEWER).user
    client.force_login(viewer)
    response = client.get(reverse("quotes:request"))
    assert response.status_code == 302


def test_a_viewer_is_sent_back_from_the_billing_step(client, colleague):
    CartLineFactory(cart=CartFactory(user=colleague))
    client.force_login(colleague)
    Membership.objects.filter(user=colleague).update(role=Role.VIEWER)
    response = client.get(reverse("checkout:billing"))
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:detail")


def test_a_viewer_cannot_start_a_purchase_anywhere(client, customer, customer_company):
    """ACQUISTA (the service form), "Ordina di nuovo" and "Ordine multiplo" stop a viewer with
    the reason, before anything reaches a cart; the order page does not offer "Ordina di
    nuovo" to them."""
    call_command("load_demo_catalogue", verbosity=0)
    visura = Service.objects.get(slug="visura-camerale")
    order = OrderFactory(customer=customer, company=customer_company)
    OrderLineFactory(order=order, service=visura, answers={"partita_iva": "00743110157"})
    viewer = MembershipFactory(company=customer_company, role=Role.VIEWER).user
    client.force_login(viewer)
    service_url = reverse("catalogue:service", kwargs={"slug": visura.slug})

    form_url = reverse("cart:add", kwargs={"slug": visura.slug})
    response = client.get(form_url, follow=True)
    assert response.redirect_chain == [(service_url, 302)]
    assert "ruolo di visualizzatore" in response.content.decode()
    response = client.post(form_url, {"partita_iva": "00743110157", "tipo_visura": "ordinaria"})
    assert response["Location"] == service_url

    detail_url = reverse("orders:detail", kwargs={"number": order.number})
    page = client.get(detail_url).content.decode()
    assert "Ordina di nuovo" not in page
    response = client.post(reverse("cart:reorder", kwargs={"number": order.number}))
    assert response["Location"] == detail_url

    response = client.get(reverse("cart:bulk_start", kwargs={"slug": visura.slug}))
    assert response["Location"] == service_url
    assert not CartLine.objects.exists()

    # A buyer of the same company is offered all of it.
    client.force_login(customer)
    assert "Ordina di nuovo" in client.get(detail_url).content.decode()
    assert client.get(form_url).status_code == 200


def test_a_member_sees_company_prices_from_creation_and_at_every_login(
    customer_client, customer, password
):
    """A member buys for the company, billed with its data: prices net + VAT ("Azienda"),
    also with personal billing data of a private person saved before joining."""
    from django.test import Client

    from sportello.accounts.models import BillingProfile
    from sportello.accounts.tests.test_billing_page import PERSON

    BillingProfile.objects.create(user=customer, **{**PERSON, "country": "IT"})
    home = reverse("pages:home")
    customer_client.post(reverse("companies:home"), CREATE)
    assert customer_client.get(home).context["buyer_kind"] == "company"

    fresh = Client()
    fresh.post(reverse("account_login"), {"login": customer.email, "password": password})
    page = fresh.get(home)
    assert page.context["buyer_kind"] == "company"
    assert "Prezzi per: <strong>Azienda</strong>" in page.text


def test_each_members_controls_say_whose_they_are(customer_client, customer, other_customer):
    """The members table has one role select per member: each is labelled with the name."""
    from sportello.companies.tests.factories import CompanyFactory, MembershipFactory

    company = CompanyFactory()
    MembershipFactory(company=company, user=customer, role=Role.ADMINISTRATOR)
    MembershipFactory(company=company, user=other_customer, role=Role.BUYER)

    import html

    page = html.unescape(customer_client.get(reverse("companies:home")).text)

    name = other_customer.display_name
    assert f">Ruolo di {name}" in page
    assert f">{name} può vedere gli ordini dei colleghi" in page


def test_billing_data_page_tells_a_member_the_company_s_data_are_used(customer_client, customer):
    url = reverse("accounts:billing")
    assert "Fai parte dell'azienda" not in html.unescape(customer_client.get(url).text)

    membership = MembershipFactory(
        user=customer, company__name="Studio Verdi S.r.l.", role=Role.BUYER
    )

    page = html.unescape(customer_client.get(url).text)
    assert (
        "Fai parte dell'azienda «Studio Verdi S.r.l.»: i tuoi ordini sono intestati all'azienda "
        "e fatturati con i suoi dati" in page
    )
    assert f'<a href="{reverse("companies:home")}">ACCOUNT AZIENDALE</a>' in page
    # Not contradicted by the invitation to fill the data in for the next purchase.
    assert "ritrovarli già pronti al prossimo acquisto" not in page

    membership.role = Role.VIEWER
    membership.save()
    page = html.unescape(customer_client.get(url).text)
    assert "come visualizzatore: vedi i suoi ordini" in page
    assert "i tuoi ordini sono intestati" not in page

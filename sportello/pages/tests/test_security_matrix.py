"""Every URL pattern of the project × every persona has an expected outcome (issue 13).

Personas: an anonymous visitor, customer A (who owns the orders, quotes, cart and payments
below), customer B, a staff member without permissions and a superuser ("staff with the
permission"), both with their second factor; and for company accounts (issue 16) — customer
A administers a company and the order and quote below belong to it — a colleague (a buyer of
the same company who does not see the colleagues' orders), a viewer of the same company (who
sees the company's orders but acts on none) and the administrator of another company. A row
written with five outcomes gives the three company personas customer B's outcome.
Each row is one URL name: how to fill its arguments and what each persona gets on a GET. A
URL pattern without a row (or an admin pattern family) fails
``test_every_url_pattern_has_an_entry``: add one row per new URL name.

Outcomes: a status code, or
- ``LOGIN``: redirect to the shop's login (customer pages);
- ``ADMIN_LOGIN``: redirect to the back-office login (which itself is the shop's login);
- ``REDIRECT``: any other redirect (e.g. an empty cart sent back to the cart).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin import site as admin_site
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sportello.accounts.models import PrivacyNotice
from sportello.accounts.tests.factories import StaffFactory, UserFactory
from sportello.api.actions import create_token
from sportello.api.models import WebhookDelivery, WebhookEndpoint
from sportello.audit.context import Source
from sportello.audit.models import AuditEvent, EventType
from sportello.cart.bulk_actions import create_bulk_import, validate_bulk_import
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.companies.actions import invite
from sportello.companies.models import Role
from sportello.companies.queries import membership_of
from sportello.companies.tests.factories import CompanyFactory
from sportello.contracts.models import TermsOfSale
from sportello.credit.actions import adjust
from sportello.credit.models import CreditTopUp
from sportello.invoicing.actions import issue_invoice
from sportello.invoicing.tests.conftest import make_order, pay
from sportello.notifications.tests.factories import OutgoingEmailFactory
from sportello.orders.models import DataRequest
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.payments.models import Refund
from sportello.payments.tests.factories import PaymentFactory
from sportello.privacy.models import AccountErasure
from sportello.privacy.tests.factories import ConsentEventFactory
from sportello.quotes.models import QuoteStatus
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory
from sportello.withdrawals.models import WithdrawalRequest

pytestmark = pytest.mark.django_db

LOGIN, ADMIN_LOGIN, REDIRECT = "login", "admin-login", "redirect"
BASE_PERSONAS = ("anonymous", "customer_a", "customer_b", "staff_without", "staff_with")
COMPANY_PERSONAS = ("colleague", "viewer", "other_company")
PERSONAS = BASE_PERSONAS + COMPANY_PERSONAS


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[dict], dict]
    outcomes: tuple  # one per persona, in PERSONAS order


def row(kwargs=None, *outcomes) -> Row:
    if len(outcomes) == len(BASE_PERSONAS):
        # The company personas are strangers to customer A's objects, like customer B.
        outcomes = (*outcomes, *(outcomes[2],) * len(COMPANY_PERSONAS))
    assert len(outcomes) == len(PERSONAS), outcomes
    return Row(kwargs or (lambda world: {}), outcomes)


def everyone(outcome, kwargs=None) -> Row:
    return row(kwargs, *(outcome,) * len(PERSONAS))


def signed_in(outcome, kwargs=None) -> Row:
    """A page of one's own account: every signed-in persona has one."""
    return row(kwargs, LOGIN, outcome, outcome, outcome, outcome)


def owned(kwargs, outcome=200, anonymous=LOGIN, viewer=404) -> Row:
    """A page of customer A's own object: everybody else gets 404, staff included (staff
    see customers' objects in the back-office, never through the customer's pages), and so
    do a colleague who does not see the colleagues' orders and another company's user. The
    company's viewer reads (`viewer=outcome`) but never acts (404)."""
    return row(kwargs, anonymous, outcome, 404, 404, 404, 404, viewer, 404)


order = lambda world: {"number": world["order"].number}  # noqa: E731
quote = lambda world: {"number": world["quote"].number}  # noqa: E731
admin_order = lambda world: {"object_id": world["order"].pk}  # noqa: E731
admin_quote = lambda world: {"object_id": world["quote"].pk}  # noqa: E731
admin_document = lambda world: {"pk": world["document"].pk}  # noqa: E731


def staff_page(kwargs=None, staff_with=200, staff_without=403) -> Row:
    """A back-office page outside the model families: the back-office login for everyone
    who is not staff, 403 without the permission."""
    return row(kwargs, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, staff_without, staff_with)


MISSING_FILE = 999_999

# --- One row per URL name ---------------------------------------------------------------------
ROWS: dict[str, Row] = {
    # Public pages.
    "pages:home": everyone(200),
    "pages:privacy": everyone(200),
    "pages:cookies": everyone(200),
    "pages:security_txt": everyone(200),
    "pages:buyer_kind": everyone(405),  # "Privato / Azienda": POST only
    "pages:robots_txt": everyone(200),
    "pages:sitemap": everyone(200),
    "pages:favicon": everyone(REDIRECT),  # to the static file
    "search:results": everyone(200),
    # The sales contract: terms of sale (public), the withdrawal function.
    "contracts:terms": everyone(200),
    "contracts:terms_version": everyone(200, lambda w: {"version": w["terms"].version}),
    "withdrawals:start": everyone(200),  # the footer's form: no login needed
    "withdrawals:sent": everyone(200),
    "withdrawals:for_order": owned(order),
    "catalogue:index": everyone(200),
    "catalogue:category": everyone(200, lambda w: {"slug": w["service"].category.slug}),
    "catalogue:service": everyone(200, lambda w: {"slug": w["service"].slug}),
    # Carts: a visitor's own, anonymous included; a line of someone else's cart is 404.
    "cart:detail": everyone(200),
    "cart:quote_detail": everyone(200),
    # A company's viewer may not fill a cart: sent back to the service with the reason.
    "cart:add": row(
        lambda w: {"slug": w["service"].slug}, 200, 200, 200, 200, 200, 200, REDIRECT, 200
    ),
    "cart:live_price": everyone(200, lambda w: {"slug": w["service"].slug}),
    # Proceeding asks to sign in first; an empty cart is sent back (A's purchase cart is
    # not empty, but proceeding goes on to the checkout: a redirect too).
    "cart:proceed": row(None, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "cart:quote_proceed": row(None, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "cart:edit_line": owned(lambda w: {"pk": w["cart_line"].pk}, anonymous=404),
    "cart:remove_line": row(lambda w: {"pk": w["cart_line"].pk}, 405, 405, 405, 405, 405),
    "cart:reorder": everyone(405, order),  # "Ordina di nuovo": POST only
    # "Ordine multiplo": signed-in customers only; an import is its owner's alone.
    "cart:bulk_start": row(
        lambda w: {"slug": w["service"].slug}, LOGIN, 200, 200, 200, 200, 200, REDIRECT, 200
    ),
    "cart:bulk_template": signed_in(
        200, lambda w: {"slug": w["service"].slug, "extension": "xlsx"}
    ),
    "cart:bulk_detail": owned(lambda w: {"pk": w["bulk_import"].pk}),
    "cart:bulk_progress": owned(lambda w: {"pk": w["bulk_import"].pk}),
    "cart:bulk_file": owned(lambda w: {"pk": w["bulk_import"].pk}),
    "cart:bulk_edit_row": owned(lambda w: {"pk": w["bulk_import"].pk, "number": 2}),
    "cart:bulk_add": row(lambda w: {"pk": w["bulk_import"].pk}, LOGIN, 405, 405, 405, 405),
    # Checkout: without a cart every step sends back to the cart (the anonymous visitor too,
    # who signs in at "procedi"); A's cart opens the billing step, whose data the later
    # steps need first.
    "checkout:start": everyone(REDIRECT),
    # The "Accesso" step: allauth's login (a signed-in user is sent on).
    "checkout:login": row(None, 200, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    # Its sign-up for new customers: allauth's sign-up (a signed-in user is sent on).
    "checkout:signup": row(None, 200, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "checkout:billing": row(None, REDIRECT, 200, REDIRECT, REDIRECT, REDIRECT),
    "checkout:payment": everyone(REDIRECT),
    "checkout:review": everyone(REDIRECT),
    # The Riepilogo's billing data and payment method changed in place (issue 15).
    "checkout:review_billing": everyone(REDIRECT),
    "checkout:review_payment": everyone(REDIRECT),
    "checkout:place": row(None, 405, 405, 405, 405, 405),
    "checkout:start_quote": owned(quote, outcome=REDIRECT),
    # Buying prepaid credit: without an amount (or a top-up under way) back to the credit page.
    "checkout:top_up": row(None, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    # CREDITO PREPAGATO: one's own company's credit (or the explanation outside a company).
    "credit:account": signed_in(200),
    # IL MIO ACCOUNT.
    "accounts:home": signed_in(200),
    "accounts:profile": signed_in(200),
    "accounts:billing": signed_in(200),
    "accounts:privacy": signed_in(200),
    "privacy:download_data": row(None, LOGIN, 405, 405, 405, 405),
    "privacy:delete_account": signed_in(200),
    # I MIEI ORDINI.
    "orders:list": signed_in(200),
    "orders:detail": owned(order, viewer=200),
    "orders:confirmation": owned(order, viewer=200),
    "orders:outcome_file": owned(lambda w: {**order(w), "file_id": MISSING_FILE}, 404),
    "orders:answer_file": owned(lambda w: {**order(w), "file_id": MISSING_FILE}, 404),
    # The order's conversation (desk): a GET of the form's target goes back to the order.
    "orders:post_message": owned(order, outcome=REDIRECT),
    "orders:message_attachment": owned(lambda w: {**order(w), "message_id": MISSING_FILE}, 404),
    "orders:data_request": owned(lambda w: {**order(w), "request_id": w["data_request"].pk}),
    # Invoices (FatturaPA copies): the customer's own documents.
    "invoicing:pdf": owned(admin_document),
    "invoicing:xml": owned(admin_document, 404),  # private persons have the PDF only
    "invoicing:order_invoice_pdf": owned(lambda w: {"number": w["document"].order.number}),
    # ACCOUNT AZIENDALE (issue 16): A administers the company; the forms' targets are POST
    # only; an invitation link opens its page for everyone (it says what to do next).
    "companies:home": signed_in(200),  # the company's page, or the form to create one
    "companies:edit": row(None, LOGIN, 200, 404, 404, 404, 404, 404, 200),
    "companies:invite": everyone(405),
    "companies:revoke_invitation": everyone(405, lambda w: {"pk": w["invitation"].pk}),
    "companies:change_member": everyone(405, lambda w: {"pk": w["colleague_membership"].pk}),
    # The confirmation page: only the company's administrator.
    "companies:remove_member": row(
        lambda w: {"pk": w["colleague_membership"].pk}, LOGIN, 200, 404, 404, 404, 404, 404, 404
    ),
    "companies:transfer": everyone(405),
    "companies:leave": everyone(405),
    "companies:invitation": everyone(200, lambda w: {"token": w["invitation_token"]}),
    # Load balancers' probe (no details in it).
    "health": everyone(200),
    # I MIEI PREVENTIVI.
    "quotes:list": signed_in(200),
    "quotes:request": signed_in(REDIRECT),  # an empty quote cart is sent back
    "quotes:detail": owned(quote, viewer=200),
    "quotes:confirmation": owned(quote, viewer=200),
    "quotes:post_message": row(quote, 405, 405, 405, 405, 405),
    "quotes:accept": row(quote, 405, 405, 405, 405, 405),
    "quotes:decline": row(quote, 405, 405, 405, 405, 405),
    "quotes:pdf": owned(quote, 404),  # no PDF before staff price the quote
    "quotes:message_attachment": owned(lambda w: {**quote(w), "pk": MISSING_FILE}, 404),
    "quotes:answer_file": owned(lambda w: {**quote(w), "file_id": MISSING_FILE}, 404),
    # Payments: the customer's pay page, the return page and the provider callbacks.
    "payments:pay": owned(order),
    "payments:return": owned(lambda w: {"reference": w["payment"].reference}),
    "payments:test_gateway": owned(lambda w: {"reference": w["payment"].reference}),
    "payments:test_gateway_callback": everyone(405),
    "payments:pay_with_credit": owned(order),
    "payments:stripe_webhook": everyone(405),
    # IL MIO ACCOUNT → TOKEN API / WEBHOOK; revoking and deleting are POST only.
    "api_account:tokens": signed_in(200),
    "api_account:revoke": everyone(405, lambda w: {"pk": w["api_token"].pk}),
    "api_account:webhooks": signed_in(200),
    "api_account:delete_webhook": everyone(405, lambda w: {"pk": w["webhook"].pk}),
    # The JSON API: only a bearer token authenticates (sportello/api/tests check the tokens,
    # scopes and ownership), so a browser's session is refused like no session at all.
    "api:openapi-json": everyone(200),
    "api:openapi-view": everyone(200),
    "api_docs_with_slash": everyone(REDIRECT),  # to api:openapi-view
    "api:api-root": everyone(404),
    "api:list_services": everyone(401),
    "api:get_service": everyone(401, lambda w: {"slug": w["service"].slug}),
    "api:create_order": everyone(401),
    "api:list_orders": everyone(401),
    "api:get_order": everyone(401, order),
    "api:outcome_file": everyone(401, lambda w: {**order(w), "file_id": MISSING_FILE}),
    "api:order_invoice_pdf": everyone(401, order),
    "api:document_pdf": everyone(401, admin_document),
    "api:document_xml": everyone(401, admin_document),
    "api:upload_file": everyone(405),  # POST only
    "api:pay_order_from_credit": everyone(405, order),  # POST only
    "api:create_quote": everyone(401),
    "api:list_quotes": everyone(401),
    "api:get_quote": everyone(401, quote),
    # allauth: sign-in, sign-up, password, e-mail code, second factor.
    "account_login": row(None, 200, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_signup": row(None, 200, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    # The login link of "Hai già un account": to the login (which sends signed-in users on).
    "account_login_from_email": everyone(LOGIN),
    "account_logout": row(None, REDIRECT, 200, 200, 200, 200),
    "account_inactive": everyone(200),
    "account_reauthenticate": signed_in(200),
    "account_email": signed_in(200),
    "account_email_verification_sent": row(None, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_change_password": signed_in(200),
    "account_set_password": signed_in(REDIRECT),  # they have one: sent to change it
    "account_reset_password": everyone(200),
    "account_reset_password_done": everyone(200),
    "account_reset_password_from_key": everyone(
        200, lambda w: {"uidb36": "zz", "key": "not-a-key"}
    ),
    "account_reset_password_from_key_done": everyone(200),
    "account_confirm_login_code": row(None, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "mfa_index": signed_in(200),
    "mfa_authenticate": row(None, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "mfa_reauthenticate": row(None, LOGIN, REDIRECT, REDIRECT, 200, 200),
    "mfa_activate_totp": row(None, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "mfa_deactivate_totp": row(None, LOGIN, 404, 404, REDIRECT, REDIRECT),
    "mfa_view_recovery_codes": row(None, LOGIN, 404, 404, 404, 404),
    "mfa_generate_recovery_codes": row(None, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "mfa_download_recovery_codes": row(None, LOGIN, 404, 404, 404, 404),
    # The back-office's own pages (model pages are in ADMIN_FAMILIES below).
    "admin:index": row(None, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200),
    "admin:login": row(None, LOGIN, 403, 403, REDIRECT, REDIRECT),
    "admin:logout": row(None, REDIRECT, REDIRECT, REDIRECT, 405, 405),  # POST only
    "admin:password_change": row(None, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200),
    "admin:password_change_done": row(None, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200),
    "admin:autocomplete": row(None, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 403),
    "admin:jsi18n": row(None, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200),
    "admin:view_on_site": row(
        lambda w: {"content_type_id": 999_999, "object_id": 1},
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        404,
        404,
    ),
    "admin:app_list": row(
        lambda w: {"app_label": "orders"}, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404, 200
    ),
    "admin:auth_user_password_change": row(
        lambda w: {"id": w["customer_a"].pk}, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200
    ),
    # Back-office action pages: the staff member needs the model's permission.
    "admin:orders_order_action": row(
        lambda w: {**admin_order(w), "action": "annulla"},
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        403,
        200,
    ),
    "admin:orders_order_line": row(
        lambda w: {**admin_order(w), "line_id": w["order"].lines.get().pk},
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        403,
        200,
    ),
    "admin:quotes_quoterequest_pricing": row(
        admin_quote, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200
    ),
    "admin:quotes_quoterequest_message": row(
        admin_quote, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200
    ),
    "admin:quotes_quoterequest_start": row(
        admin_quote, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200
    ),
    "admin:quotes_quoterequest_cancel": row(
        admin_quote, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200
    ),
    "admin:quotes_quoterequest_pdf": row(  # no PDF before the quote is priced
        admin_quote, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 404
    ),
    "admin:quotes_quoterequest_attachment": row(
        lambda w: {**admin_quote(w), "message_id": MISSING_FILE},
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        403,
        404,
    ),
    "admin:quotes_quoterequest_answer_file": row(
        lambda w: {**admin_quote(w), "file_id": MISSING_FILE},
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        403,
        404,
    ),
    "admin:withdrawals_withdrawalrequest_process": row(
        lambda w: {"object_id": w["withdrawal"].pk},
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        403,
        200,
    ),
    # The matrix's statement matched its order: nothing to verify, back to its page.
    "admin:withdrawals_withdrawalrequest_close_unmatched": row(
        lambda w: {"object_id": w["withdrawal"].pk},
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        403,
        REDIRECT,
    ),
    "admin:withdrawals_withdrawalrequest_attach": row(
        lambda w: {"object_id": w["withdrawal"].pk},
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        403,
        REDIRECT,
    ),
    "admin:notifications_outgoingemail_html_preview": row(
        lambda w: {"email_id": w["email"].pk}, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200
    ),
    "admin:notifications_outgoingemail_resend": staff_page(lambda w: {"object_id": w["email"].pk}),
    "admin:invoicing_fiscaldocument_export": staff_page(),
    "admin:credit_creditaccount_adjust": staff_page(
        lambda w: {"object_id": w["admin_objects"]["credit.creditaccount"].pk}
    ),
    "admin:invoicing_fiscaldocument_receipts": staff_page(),
    "admin:invoicing_fiscaldocument_register": staff_page(),
    "admin:invoicing_fiscaldocument_pdf": staff_page(admin_document),
    "admin:invoicing_fiscaldocument_xml": staff_page(admin_document),
    # Only a rejected document is corrected: the others are sent back to their page.
    "admin:invoicing_fiscaldocument_correct": staff_page(admin_document, staff_with=REDIRECT),
    # The Scrivania (desk): staff who work on orders. The others land on the back-office
    # index from its home; its other pages refuse them. Buttons are POST only.
    # A customer's "Ordine multiplo" file, for staff who may see the imports.
    "admin:cart_bulkimport_file": staff_page(lambda w: {"object_id": w["bulk_import"].pk}),
    "desk:home": staff_page(staff_without=REDIRECT),
    "desk:order": staff_page(order),
    "desk:request_data": staff_page(lambda w: {**order(w), "line_id": w["order"].lines.get().pk}),
    "desk:post_message": everyone(405, order),
    "desk:mark_answered": everyone(405, lambda w: {**order(w), "message_id": MISSING_FILE}),
    "desk:start_line": everyone(405, lambda w: {**order(w), "line_id": MISSING_FILE}),
    "desk:assign_line": everyone(405, lambda w: {**order(w), "line_id": MISSING_FILE}),
    "desk:set_inspection": everyone(405, lambda w: {**order(w), "line_id": MISSING_FILE}),
    "desk:assign_quote": everyone(405, lambda w: {"quote_id": w["quote"].pk}),
}

# --- The back-office's model pages, by pattern family -------------------------------------------
# For every registered model: without the permission a staff member gets 403; a superuser
# opens the list, the object and its history; "add" and "delete" are refused (403) on the
# read-only models (their rows change only through actions).
READ_ONLY_MODELS = {
    "accounts.consentevent",
    "cart.bulkimport",
    "companies.membership",
    "companies.invitation",
    "credit.creditaccount",
    "credit.creditmovement",
    "credit.credittopup",
    "audit.auditevent",
    "invoicing.fiscaldocument",
    "privacy.accounterasure",
    "orders.order",
    "payments.payment",
    "payments.refund",
    "notifications.outgoingemail",
    "quotes.quoterequest",
    "withdrawals.withdrawalrequest",
    "api.apitoken",
    "api.webhookendpoint",
    "api.webhookdelivery",
}
# Published privacy notices are the reference of every consent: never deleted.
NO_DELETE_MODELS = {"accounts.privacynotice"}
# Second factors are added by their owner only (a lost one is deleted here).
NO_ADD_MODELS = {"accounts.staffauthenticator"}
ADMIN_FAMILY = re.compile(
    r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<view>changelist|add|history|delete|change)$"
)


def admin_family_row(app: str, model: str, view: str) -> Row:
    label = f"{app}.{model}"
    staff_with = 200
    if view in ("add", "delete") and label in READ_ONLY_MODELS:
        staff_with = 403
    if view == "add" and label in NO_ADD_MODELS:
        staff_with = 403
    if view == "delete" and label in NO_DELETE_MODELS:
        staff_with = 403

    def kwargs(world) -> dict:
        if view in ("changelist", "add"):
            return {}
        return {"object_id": world["admin_objects"][label].pk}

    return row(kwargs, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, staff_with)


# Nameless admin patterns: "<object_id>/" redirects to the change page; anything else under
# /admin/ is "not found" for staff and the login for everyone else.
NAMELESS_ADMIN = {
    r"admin/(?P<app>[a-z]+)/(?P<model>[a-z]+)/<path:object_id>/": "object redirect",
    re.escape("admin/(?P<url>.*)$"): "catch-all",
}


def admin_model_label(app_and_model: str) -> str:
    for model_admin in admin_site._registry.values():
        opts = model_admin.model._meta
        if f"{opts.app_label}_{opts.model_name}" == app_and_model:
            return opts.label_lower
    raise LookupError(app_and_model)


def all_patterns(patterns=None, prefix="", namespace=None):
    """(name or None, route) of every URL pattern of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner:
                inner = f"{namespace}:{inner}" if namespace else inner
            yield from all_patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace
            )
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, prefix + str(pattern.pattern)


def expected_row(name: str) -> Row | None:
    if name in ROWS:
        return ROWS[name]
    match = ADMIN_FAMILY.match(name)
    if match:
        label = admin_model_label(f"{match['app']}_{match['model']}")
        app, model = label.split(".")
        return admin_family_row(app, model, match["view"])
    return None


def nameless_family(route: str) -> str | None:
    for family, kind in NAMELESS_ADMIN.items():
        if re.fullmatch(family, route):
            return kind
    return None


def test_every_url_pattern_has_an_entry():
    missing = []
    for name, route in all_patterns():
        if name is None:
            if nameless_family(route) is None:
                missing.append(route)
        elif expected_row(name) is None:
            missing.append(name)
    assert missing == [], f"Add these URLs to ROWS in {__file__}: {missing}"


def test_no_row_names_a_url_that_no_longer_exists():
    names = {name for name, _route in all_patterns() if name}
    assert set(ROWS) - names == set()


# --- The world every persona looks at ---------------------------------------------------------
@pytest.fixture
def world(
    customer, other_customer, customer_company, colleague, company_viewer, other_company_user
):
    staff_without = StaffFactory(email="senza.permessi@sportello.example", is_superuser=False)
    staff_with = StaffFactory(email="direzione@sportello.example")
    service = ServiceFactory()
    field = FormFieldFactory(service=service, key="indirizzo", label="Indirizzo")
    cart_line = CartLineFactory(cart=CartFactory(user=customer), service=service)
    bulk_import = create_bulk_import(
        owner=customer,
        service=service,
        uploaded=SimpleUploadedFile("ordine.csv", b"Indirizzo\r\nVia Roma 1\r\n"),
        mode="valid_only",
    )
    validate_bulk_import(bulk_import.pk)
    # A's order and quote belong to A's company: the colleague (a buyer who does not see the
    # colleagues' orders) does not see them, the viewer reads them.
    order_a = OrderFactory(customer=customer, company=customer_company)
    OrderLineFactory(order=order_a)
    payment = PaymentFactory(order=order_a, reference=uuid.uuid4())
    refund = Refund.objects.create(payment=payment, amount="1.00", created_by=staff_with)
    quote_a = QuoteRequestFactory(
        customer=customer, company=customer_company, status=QuoteStatus.IN_PROGRESS
    )
    invitation, invitation_token = invite(
        company=customer_company, actor=customer, email="nuovo@example.com", role=Role.BUYER
    )
    QuoteLineFactory(quote=quote_a)
    email = OutgoingEmailFactory(html_body="<p>Gentile cliente</p>")
    data_request = DataRequest.objects.create(line=order_a.lines.get(), note="Serve la visura")
    consent = ConsentEventFactory(user=customer)
    document = issue_invoice(order=pay(make_order(customer, [{"base_net": "100.00"}])).order)
    terms = TermsOfSale.objects.create(version="9.9", body="Condizioni di prova")
    withdrawal = WithdrawalRequest.objects.create(
        order=order_a,
        customer_name="Mario Rossi",
        email=customer.email,
        order_number=order_a.number,
        source="account",
        received_at=timezone.now(),
    )
    api_token = create_token(user=customer, name="Gestionale", scopes=["orders:read"]).token
    webhook = WebhookEndpoint.objects.create(user=customer, url="https://example.com/", secret="s")
    credit_movement = adjust(
        company=CompanyFactory(), amount="10.00", note="Prova", actor=staff_with
    )
    objects = {
        "api.apitoken": api_token,
        "api.webhookendpoint": webhook,
        "api.webhookdelivery": WebhookDelivery.objects.create(
            endpoint=webhook, event_type="order.created", payload={}
        ),
        "auth.group": Group.objects.create(name="Segreteria"),
        "accounts.user": customer,
        "account.emailaddress": customer.emailaddress_set.get(),
        "catalogue.category": service.category,
        "catalogue.service": service,
        "catalogue.formfield": field,
        "orders.order": order_a,
        "payments.payment": payment,
        "payments.refund": refund,
        "quotes.quoterequest": quote_a,
        "notifications.outgoingemail": email,
        "accounts.consentevent": consent,
        "audit.auditevent": AuditEvent.objects.create(
            event_type=EventType.ORDER_STATUS,
            source=Source.BACK_OFFICE,
            message="Ordine annullato",
            order_number=order_a.number,
            customer=customer,
        ),
        "invoicing.fiscaldocument": document,
        "accounts.staffauthenticator": Authenticator.objects.filter(user=staff_with).first(),
        "contracts.termsofsale": terms,
        "withdrawals.withdrawalrequest": withdrawal,
        "cart.bulkimport": bulk_import,
        "companies.company": customer_company,
        "companies.membership": membership_of(colleague),
        "companies.invitation": invitation,
        "credit.creditmovement": credit_movement,
        "credit.creditaccount": credit_movement.account,
        "credit.credittopup": CreditTopUp.objects.create(
            order=OrderFactory(customer=customer),
            company=credit_movement.account.company,
            amount="100.00",
        ),
    }
    objects["accounts.privacynotice"] = PrivacyNotice.objects.first()
    objects["privacy.accounterasure"] = AccountErasure.objects.create(
        user=UserFactory(email="cancellato@example.com")
    )
    return {
        "customer_a": customer,
        "customer_b": other_customer,
        "colleague": colleague,
        "viewer": company_viewer,
        "other_company": other_company_user,
        "invitation": invitation,
        "invitation_token": invitation_token,
        "colleague_membership": membership_of(colleague),
        "staff_without": staff_without,
        "staff_with": staff_with,
        "service": service,
        "cart_line": cart_line,
        "bulk_import": bulk_import,
        "order": order_a,
        "data_request": data_request,
        "document": document,
        "payment": payment,
        "quote": quote_a,
        "email": email,
        "terms": terms,
        "withdrawal": withdrawal,
        "api_token": api_token,
        "webhook": webhook,
        "admin_objects": objects,
    }


def outcome_of(response) -> object:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("account_login")):
            return LOGIN
        return REDIRECT
    return response.status_code


def url_cases():
    cases = []
    for name, route in all_patterns():
        if name is not None and (name in ROWS or ADMIN_FAMILY.match(name)):
            cases.append(pytest.param(name, id=name))
    return sorted(set(cases), key=lambda case: case.id)


@pytest.mark.parametrize("url_name", url_cases())
def test_each_persona_gets_the_expected_answer(client, world, url_name):
    expected = expected_row(url_name)
    url = reverse(url_name, kwargs=expected.kwargs(world))
    got = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world[persona])
        got[persona] = outcome_of(client.get(url))

    assert got == dict(zip(PERSONAS, expected.outcomes, strict=True)), f"{url} {got}"


@pytest.mark.parametrize("route_kind", ["object redirect", "catch-all"])
def test_nameless_back_office_patterns(client, world, route_kind):
    url = {
        "object redirect": f"/admin/orders/order/{world['order'].pk}/",
        "catch-all": "/admin/non-esiste/",
    }[route_kind]
    got = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world[persona])
        got[persona] = outcome_of(client.get(url))

    staff = REDIRECT if route_kind == "object redirect" else 404
    assert got == {
        "anonymous": ADMIN_LOGIN,
        "customer_a": ADMIN_LOGIN,
        "customer_b": ADMIN_LOGIN,
        "staff_without": staff,
        "staff_with": staff,
        "colleague": ADMIN_LOGIN,
        "viewer": ADMIN_LOGIN,
        "other_company": ADMIN_LOGIN,
    }

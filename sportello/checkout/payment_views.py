"""The payment pages that settle money: the provider's callback and webhook, and the page the
customer comes back to (which asks the provider). They live at the top because they call
`checkout.settlement`; their URLs stay under /pagamenti/ in the "payments" namespace
(`payment_urls.py`)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sportello.audit.context import audit_source
from sportello.audit.models import Source
from sportello.checkout import settlement
from sportello.credit.actions import InsufficientCredit
from sportello.credit.queries import balance_of_company_id, may_pay_from_credit
from sportello.orders.queries import is_fully_withdrawn
from sportello.payments import queries
from sportello.payments.actions import PaymentNotAllowed
from sportello.payments.models import PaymentStatus
from sportello.payments.providers import stripe_checkout, test_gateway
from sportello.payments.providers.base import InvalidSignature, MalformedNotification
from sportello.payments.providers.registry import is_enabled
from sportello.payments.views import (
    DECLINED_MESSAGE,
    WITHDRAWN_MESSAGE,
    confirmation_url,
    pay_url,
)

logger = logging.getLogger(__name__)


@never_cache
@login_required
def payment_return(request: HttpRequest, reference) -> HttpResponse:
    """Where providers send the customer back: show the outcome of the attempt."""
    payment = queries.payment_for_customer(customer=request.user, reference=reference)
    settlement.refresh_from_provider(payment=payment)
    order = payment.order
    order.refresh_from_db(fields=["status"])
    if payment.status == PaymentStatus.CONFIRMED or (
        payment.status == PaymentStatus.CANCELLED and not order.is_awaiting_payment
    ):
        return redirect(confirmation_url(order))
    if not order.is_awaiting_payment:
        return redirect(order.get_absolute_url())
    if payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
        messages.error(request, DECLINED_MESSAGE.format(number=order.number))
        return redirect(pay_url(order))
    if "annullato" in request.GET:
        messages.warning(
            request,
            f"Hai interrotto il pagamento. L'ordine {order.number} è salvato ed è in attesa "
            "di pagamento: puoi pagarlo quando vuoi.",
        )
        return redirect(pay_url(order))
    return render(request, "payments/return_pending.html", {"order": order, "payment": payment})


@audit_source(Source.WEBHOOK)
@csrf_exempt
@require_POST
def test_gateway_callback(request: HttpRequest) -> HttpResponse:
    """Server-to-server notification from the test gateway."""
    if not is_enabled(test_gateway.TestGatewayProvider.identifier):
        raise Http404("Gateway di test non attivo")
    try:
        news = test_gateway.read_notification(
            request.body, request.headers.get(test_gateway.SIGNATURE_HEADER)
        )
    except (InvalidSignature, MalformedNotification) as exc:
        logger.warning("Test gateway notification refused: %s", exc)
        return JsonResponse({"error": "invalid notification"}, status=400)
    return JsonResponse({"result": settlement.apply_payment_news(news)})


@audit_source(Source.WEBHOOK)
@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's webhook endpoint: verified, dispatched by event type, repeats are no-ops."""
    try:
        news = stripe_checkout.read_webhook(request.body, request.headers.get("Stripe-Signature"))
    except InvalidSignature as exc:
        logger.warning("Stripe webhook refused: %s", exc)
        return JsonResponse({"error": "invalid signature"}, status=400)
    except MalformedNotification as exc:
        logger.warning("Stripe webhook unreadable: %s", exc)
        return JsonResponse({"error": "invalid event"}, status=400)
    return JsonResponse({"result": settlement.apply_payment_news(news)})


def settle_from_credit(request: HttpRequest, order) -> HttpResponse:
    """Pay `order` from the company's credit and say how it went (checkout and pay page)."""
    try:
        settlement.pay_from_credit(order=order, actor=request.user)
    except InsufficientCredit as exc:
        messages.error(
            request,
            f"{exc} L'ordine {order.number} è salvato ed è in attesa di pagamento: "
            "scegli un altro metodo.",
        )
        return redirect(pay_url(order))
    except settlement.CreditPaymentNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect(pay_url(order))
    except PaymentNotAllowed:
        order.refresh_from_db(fields=["status"])
        if not order.is_awaiting_payment:
            messages.info(request, f"L'ordine {order.number} non è più in attesa di pagamento.")
            return redirect(order.get_absolute_url())
        messages.error(request, "Questo ordine non si può pagare con il credito prepagato.")
        return redirect(pay_url(order))
    return redirect(confirmation_url(order))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def pay_with_credit(request: HttpRequest, number: str) -> HttpResponse:
    """ "Credito prepagato" chosen on the pay-again page: the amount, the balance, and the
    button that pays (the debit and the confirmation happen together in settlement)."""
    order = queries.order_for_customer(customer=request.user, number=number)
    if order.is_awaiting_payment and is_fully_withdrawn(order):
        messages.info(request, WITHDRAWN_MESSAGE.format(number=order.number))
        return redirect(order.get_absolute_url())
    if request.method == "POST":
        return settle_from_credit(request, order)
    if not order.is_awaiting_payment:
        return redirect(order.get_absolute_url())
    balance = balance_of_company_id(order.company_id)
    return render(
        request,
        "checkout/pay_with_credit.html",
        {
            "order": order,
            "balance": balance,
            "is_covered": order.company_id is not None and balance >= order.total_gross,
            "may_pay": may_pay_from_credit(request.user, order),
        },
    )

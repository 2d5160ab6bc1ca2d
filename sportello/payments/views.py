from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sportello.payments import queries
from sportello.payments.actions import (
    PaymentNotAllowed,
    PaymentStartFailed,
    start_payment,
    sync_with_provider,
)
from sportello.payments.forms import PaymentMethodForm, TestGatewayDecisionForm
from sportello.payments.models import PaymentStatus
from sportello.payments.providers import stripe_checkout, test_gateway
from sportello.payments.providers.base import InvalidSignature, MalformedNotification
from sportello.payments.providers.registry import enabled_providers, is_enabled

logger = logging.getLogger(__name__)

DECLINED_MESSAGE = (
    "Il pagamento dell'ordine {number} non è andato a buon fine e non ti è stato addebitato "
    "nulla. L'ordine resta in attesa di pagamento: puoi pagarlo ora con lo stesso metodo o "
    "con un altro."
)


def pay_url(order) -> str:
    return reverse("payments:pay", kwargs={"number": order.number})


def confirmation_url(order) -> str:
    return reverse("orders:confirmation", kwargs={"number": order.number})


def redirect_to_payment(request: HttpRequest, *, order, provider_id: str) -> HttpResponseRedirect:
    """Start paying `order` and send the customer where the provider says.

    For checkout (after place_order) and the pay-again page: when the attempt cannot start,
    the customer lands on the pay-again page with a message, and nothing is lost.
    """
    try:
        result = start_payment(order=order, provider_id=provider_id, request=request)
    except PaymentStartFailed as exc:
        messages.error(
            request,
            f"{exc} Il tuo ordine {order.number} è salvato ed è in attesa di pagamento: "
            "riprova tra poco o scegli un altro metodo.",
        )
        return redirect(pay_url(order))
    except PaymentNotAllowed:
        order.refresh_from_db(fields=["status"])
        if not order.is_awaiting_payment:
            messages.info(request, f"L'ordine {order.number} non è più in attesa di pagamento.")
            return redirect(order.get_absolute_url())
        messages.error(
            request, "Il metodo di pagamento scelto non è disponibile: scegline un altro."
        )
        return redirect(pay_url(order))
    return redirect(result.redirect_url)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, number: str) -> HttpResponse:
    order = queries.order_for_customer(customer=request.user, number=number)
    if not order.is_awaiting_payment:
        messages.info(
            request,
            f"L'ordine {order.number} è {order.get_status_display().lower()}: "
            "non c'è nulla da pagare.",
        )
        return redirect(order.get_absolute_url())
    providers = enabled_providers(order)
    form = PaymentMethodForm(
        request.POST if request.method == "POST" else None,
        providers=providers,
        initial={"method": order.payment_method},
    )
    if request.method == "POST" and form.is_valid():
        return redirect_to_payment(request, order=order, provider_id=form.cleaned_data["method"])
    latest = queries.latest_payment(order)
    return render(
        request,
        "payments/pay.html",
        {
            "order": order,
            "form": form,
            "providers": providers,
            "last_attempt_failed": latest is not None and latest.status == PaymentStatus.FAILED,
            "pending_bank_transfer": queries.pending_bank_transfer(order),
        },
    )


@never_cache
@login_required
def payment_return(request: HttpRequest, reference) -> HttpResponse:
    """Where providers send the customer back: show the outcome of the attempt."""
    payment = queries.payment_for_customer(customer=request.user, reference=reference)
    sync_with_provider(payment=payment)
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


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def test_gateway_page(request: HttpRequest, reference) -> HttpResponse:
    """The page that plays the card gateway: it only reports the choice to the callback."""
    if not is_enabled(test_gateway.TestGatewayProvider.identifier):
        raise Http404("Gateway di test non attivo")
    payment = queries.payment_for_customer(
        customer=request.user,
        reference=reference,
        provider=test_gateway.TestGatewayProvider.identifier,
    )
    return_url = reverse("payments:return", kwargs={"reference": payment.reference})
    if not test_gateway.can_be_paid(payment):
        return render(
            request,
            "payments/test_gateway.html",
            {
                "payment": payment,
                "order": payment.order,
                "is_closed": True,
                "return_url": return_url,
            },
        )
    if request.method == "POST":
        form = TestGatewayDecisionForm(request.POST)
        if form.is_valid():
            test_gateway.decide(
                payment=payment, approve=form.cleaned_data["decision"] == "authorize"
            )
            return redirect(return_url)
    return render(
        request,
        "payments/test_gateway.html",
        {"payment": payment, "order": payment.order, "is_closed": False, "return_url": return_url},
    )


@csrf_exempt
@require_POST
def test_gateway_callback(request: HttpRequest) -> HttpResponse:
    """Server-to-server notification from the test gateway."""
    if not is_enabled(test_gateway.TestGatewayProvider.identifier):
        raise Http404("Gateway di test non attivo")
    try:
        result = test_gateway.handle_notification(
            request.body, request.headers.get(test_gateway.SIGNATURE_HEADER)
        )
    except (InvalidSignature, MalformedNotification) as exc:
        logger.warning("Test gateway notification refused: %s", exc)
        return JsonResponse({"error": "invalid notification"}, status=400)
    return JsonResponse({"result": result})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's webhook endpoint: verified, dispatched by event type, repeats are no-ops."""
    try:
        result = stripe_checkout.handle_webhook(
            request.body, request.headers.get("Stripe-Signature")
        )
    except InvalidSignature as exc:
        logger.warning("Stripe webhook refused: %s", exc)
        return JsonResponse({"error": "invalid signature"}, status=400)
    return JsonResponse({"result": result})

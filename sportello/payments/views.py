from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sportello.orders.queries import is_fully_withdrawn
from sportello.payments import queries
from sportello.payments.actions import (
    OrderWithdrawn,
    PaymentNotAllowed,
    PaymentStartFailed,
    TooManyPaymentAttempts,
    start_payment,
    still_due,
)
from sportello.payments.forms import PaymentMethodForm, TestGatewayDecisionForm
from sportello.payments.models import PaymentStatus
from sportello.payments.providers import test_gateway
from sportello.payments.providers.registry import enabled_providers, is_enabled

logger = logging.getLogger(__name__)

WITHDRAWN_MESSAGE = (
    "Hai esercitato il recesso da tutti i servizi dell'ordine {number}: non c'è nulla da "
    "pagare. Ti scriveremo quando avremo gestito il recesso."
)

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
    except TooManyPaymentAttempts as exc:
        messages.error(request, str(exc))
        return redirect(pay_url(order))
    except OrderWithdrawn:
        messages.info(request, WITHDRAWN_MESSAGE.format(number=order.number))
        return redirect(order.get_absolute_url())
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
    if is_fully_withdrawn(order):
        messages.info(request, WITHDRAWN_MESSAGE.format(number=order.number))
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
            # Less than the total when part of a bank transfer already arrived.
            "still_due": still_due(order),
        },
    )


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

"""The withdrawal function: "Recedi dal contratto qui" (I MIEI ORDINI and the footer), then
"Conferma il recesso". Both end on the same page, which says nothing about the order."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from sportello.core.money import format_euro
from sportello.withdrawals import actions
from sportello.withdrawals.forms import AnonymousWithdrawalForm, ServicesForm
from sportello.withdrawals.queries import (
    can_withdraw,
    is_own_order_number,
    order_for_withdrawal,
    service_labels,
    still_to_pay,
    withdrawable_lines,
)

# The ACCOUNT_RATE_LIMITS entry counting the public form's submissions.
FORM_RATE_LIMIT = "withdrawal"
RATE_LIMITED = (
    "Hai inviato molte richieste in poco tempo: attendi qualche minuto e riprova. "
    "I dati che hai inserito sono stati conservati."
)
CONFIRM_STEP = "conferma"
NOT_ONE_OF_YOUR_ORDERS = (
    "Non troviamo un tuo ordine con questo numero: controllalo in I MIEI ORDINI, dove trovi "
    "anche «Recedi dal contratto qui» accanto a ogni ordine."
)


def _names_none_of_own_orders(request, data) -> bool:
    """A logged-in customer writing their own account's address: the number must be one of
    their orders (a typo would otherwise be a statement that matches nothing). Visitors, and
    anyone giving another address, get the same answer whether the order exists or not."""
    user = request.user
    if not user.is_authenticated or data["email"].strip().lower() != user.email.lower():
        return False
    return not is_own_order_number(customer=user, number=data["order_number"])


def start(request):
    """The public form (footer link): no login, the data that identify the contract."""
    if request.method != "POST":
        initial = {}
        if request.user.is_authenticated:
            initial = {"customer_name": request.user.get_full_name(), "email": request.user.email}
        return render(
            request, "withdrawals/start.html", {"form": AnonymousWithdrawalForm(initial=initial)}
        )
    form = AnonymousWithdrawalForm(request.POST)
    # Counted before anything is looked up: trying order numbers costs the same either way.
    if not ratelimit.consume(request, action=FORM_RATE_LIMIT):
        form.is_valid()
        form.add_error(None, RATE_LIMITED)
        return render(request, "withdrawals/start.html", {"form": form}, status=429)
    if form.is_valid() and _names_none_of_own_orders(request, form.cleaned_data):
        form.add_error("order_number", NOT_ONE_OF_YOUR_ORDERS)
    if not form.is_valid() or request.POST.get("step") == "modifica":
        return render(request, "withdrawals/start.html", {"form": form})
    if request.POST.get("step") != CONFIRM_STEP:
        return render(request, "withdrawals/confirm_form.html", {"form": form})
    actions.withdraw_from_form(**form.cleaned_data)
    return redirect("withdrawals:sent")


@login_required
def for_order(request, number):
    """ "Recedi dal contratto qui" on one of the customer's orders (404 for anyone else's)."""
    order = order_for_withdrawal(customer=request.user, number=number)
    if not can_withdraw(order):
        return render(request, "withdrawals/closed.html", {"order": order})
    lines = withdrawable_lines(order)
    if request.method != "POST":
        form = ServicesForm(
            lines=lines,
            all_lines=order.lines.all(),
            initial={"lines": [line.pk for line in lines]},
        )
        return render(request, "withdrawals/for_order.html", {"order": order, "form": form})
    form = ServicesForm(request.POST, lines=lines, all_lines=order.lines.all())
    if not form.is_valid() or request.POST.get("step") == "modifica":
        return render(request, "withdrawals/for_order.html", {"order": order, "form": form})
    chosen = form.cleaned_data["lines"]
    if request.POST.get("step") != CONFIRM_STEP:
        return render(
            request,
            "withdrawals/confirm_order.html",
            {
                "order": order,
                "form": form,
                "chosen": [label for pk, label in service_labels(lines).items() if pk in chosen],
            },
        )
    try:
        actions.withdraw_from_account(order=order, line_ids=chosen, customer=request.user)
    except actions.NothingToWithdraw:
        return render(request, "withdrawals/closed.html", {"order": order})
    left = still_to_pay(order)
    if left is not None:
        # Not paid yet: the services kept are what is still to pay (the total just dropped).
        messages.info(
            request,
            f"Per gli altri servizi dell'ordine n. {order.number} restano da pagare "
            f"{format_euro(left)}.",
        )
    return redirect("withdrawals:sent")


def sent(request):
    return render(request, "withdrawals/sent.html")

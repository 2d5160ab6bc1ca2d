"""The checkout as a list of steps (the idea of pretix's checkout flow).

Each step knows whether it applies, whether it is complete and where it lives. A step page is
only shown when every applicable step before it is complete; `checkout:start` sends the
customer to the first incomplete one. Completing the last step (the review) places the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse

from sportello.accounts.forms import BillingForm
from sportello.checkout.queries import enabled_payment_providers, purchase_source
from sportello.checkout.session import CheckoutState, load_state


class Step:
    identifier = ""
    label = ""
    url_name = ""
    # Whether the customer may come back to the step from a later one (progress bar link).
    is_revisitable = True

    def is_applicable(self, flow: CheckoutFlow) -> bool:
        return True

    def is_completed(self, flow: CheckoutFlow) -> bool:
        raise NotImplementedError

    def url(self, flow: CheckoutFlow) -> str:
        return reverse(self.url_name)


class LoginStep(Step):
    """allauth's login in the checkout's own page (with the order summary), or registration
    (with the e-mail code), then back to checkout."""

    identifier = "login"
    label = "Accesso"
    is_revisitable = False

    def is_completed(self, flow: CheckoutFlow) -> bool:
        return flow.request.user.is_authenticated

    def url(self, flow: CheckoutFlow) -> str:
        return f"{reverse('checkout:login')}?{urlencode({'next': reverse('checkout:start')})}"


class BillingStep(Step):
    identifier = "billing"
    label = "Dati di Fatturazione"
    url_name = "checkout:billing"

    def is_completed(self, flow: CheckoutFlow) -> bool:
        # Validated again rather than trusted: the rules may have changed since it was stored.
        return bool(flow.state.billing) and BillingForm(data=flow.state.billing).is_valid()


class PaymentStep(Step):
    identifier = "payment"
    label = "Pagamento"
    url_name = "checkout:payment"

    def is_completed(self, flow: CheckoutFlow) -> bool:
        return flow.chosen_provider is not None


class ReviewStep(Step):
    identifier = "review"
    label = "Riepilogo"
    url_name = "checkout:review"

    def is_completed(self, flow: CheckoutFlow) -> bool:
        return False


STEPS: tuple[Step, ...] = (LoginStep(), BillingStep(), PaymentStep(), ReviewStep())


@dataclass(frozen=True)
class ProgressItem:
    label: str
    url: str
    is_current: bool
    is_done: bool


class CheckoutFlow:
    """The steps for one request, with the session's checkout state."""

    def __init__(self, request, state: CheckoutState | None = None):
        self.request = request
        self.state = state if state is not None else load_state(request)
        self.steps = [step for step in STEPS if step.is_applicable(self)]

    @cached_property
    def source(self):
        """What this checkout buys (the cart, an accepted quote, a credit top-up)."""
        return purchase_source(self.request, self.state)

    @cached_property
    def payment_providers(self) -> list:
        """The methods offered to this customer for what they buy (the prepaid credit only to
        a company's buyers whose credit covers it, never for a top-up)."""
        return [
            provider
            for provider in enabled_payment_providers()
            if provider.is_offered_at_checkout(customer=self.request.user, source=self.source)
        ]

    @cached_property
    def chosen_provider(self):
        """The method chosen in this checkout if it is still offered, else None. Asks only the
        chosen method (the review does not price the credit check of the others)."""
        chosen = self.state.payment_method
        for provider in enabled_payment_providers():
            if provider.identifier == chosen:
                offered = provider.is_offered_at_checkout(
                    customer=self.request.user, source=self.source
                )
                return provider if offered else None
        return None

    def first_incomplete(self) -> Step:
        for step in self.steps:
            if not step.is_completed(self):
                return step
        return self.steps[-1]

    def blocking_step(self, identifier: str) -> Step | None:
        """The first incomplete step before `identifier`, or None if it may be shown."""
        for step in self.steps:
            if step.identifier == identifier:
                return None
            if not step.is_completed(self):
                return step
        raise KeyError(identifier)

    def progress(self, current: str) -> list[ProgressItem]:
        items = []
        reachable = True
        for step in self.steps:
            is_current = step.identifier == current
            is_completed = step.is_completed(self)
            link = reachable and not is_current and step.is_revisitable
            items.append(
                ProgressItem(
                    label=step.label,
                    url=step.url(self) if link else "",
                    is_current=is_current,
                    is_done=is_completed and not is_current,
                )
            )
            reachable = reachable and is_completed
        return items

"""CREDITO PREPAGATO in IL MIO ACCOUNT: the company's balance, its movements and "Ricarica"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sportello.credit.forms import TopUpForm
from sportello.credit.queries import credit_page_for


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    page = credit_page_for(request.user, page_number=request.GET.get("pagina"))
    if page is None:
        return render(request, "credit/no_company.html")
    form = TopUpForm(request.POST or None) if page.may_top_up else None
    if request.method == "POST":
        if form is None:
            raise Http404("Ricarica non disponibile")
        if form.is_valid():
            # On to the checkout, which buys the top-up like a cart (billing, payment, review).
            query = urlencode({"importo": str(form.cleaned_data["amount"])})
            return redirect(f"{reverse('checkout:top_up')}?{query}")
    return render(
        request,
        "credit/account.html",
        {"page": page, "movements": page.movements, "form": form},
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )

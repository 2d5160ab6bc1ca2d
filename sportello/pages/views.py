from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sportello.catalogue.queries import featured_services, home_categories
from sportello.pages.queries import attention_for_customer
from sportello.privacy.queries import current_notice


def home(request):
    return render(
        request,
        "pages/home.html",
        {"categories": home_categories(), "services": featured_services()},
    )


@login_required
def account_home(request):
    """IL MIO ACCOUNT: what needs the customer's attention across orders and quotes.

    Served under the accounts URL namespace (`accounts:home`, see config/urls.py) but composed
    here, above the orders and quotes it reads.
    """
    return render(
        request,
        "pages/account_home.html",
        {"attention": attention_for_customer(customer=request.user)},
    )


def privacy_notice(request):
    return render(request, "pages/privacy.html", {"notice": current_notice()})


def cookie_policy(request):
    return render(request, "pages/cookies.html")

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from sportello.accounts.actions import update_profile
from sportello.accounts.forms import ProfileForm
from sportello.privacy.queries import consent_overview, current_notice


@login_required
def home(request):
    return render(request, "accounts/home.html")


@login_required
def orders(request):
    return render(request, "accounts/orders.html")


@login_required
def quotes(request):
    return render(request, "accounts/quotes.html")


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            update_profile(user=user, **form.cleaned_data)
            messages.success(request, "Profilo aggiornato.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "phone": user.phone,
            }
        )
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def billing(request):
    return render(request, "accounts/billing.html")


@login_required
def privacy(request):
    overview = consent_overview(user=request.user)
    return render(
        request,
        "accounts/privacy.html",
        {"notice": current_notice(), "states": overview.states, "history": overview.history},
    )

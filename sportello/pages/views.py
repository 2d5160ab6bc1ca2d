from django.shortcuts import render

from sportello.catalogue.queries import featured_services, home_categories


def home(request):
    return render(
        request,
        "pages/home.html",
        {"categories": home_categories(), "services": featured_services()},
    )


def privacy_notice(request):
    from sportello.privacy.queries import current_notice

    return render(request, "pages/privacy.html", {"notice": current_notice()})


def cookie_policy(request):
    return render(request, "pages/cookies.html")

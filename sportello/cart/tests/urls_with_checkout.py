"""The project's URLs with a stand-in checkout start page at /cassa/."""

from django.http import HttpResponse
from django.urls import include, path

from sportello.cart.tests.urls_without_checkout import urlpatterns as base_urlpatterns


def _checkout_start(request):
    return HttpResponse("checkout")


urlpatterns = [
    *base_urlpatterns,
    path("cassa/", include(([path("", _checkout_start, name="start")], "checkout"))),
]

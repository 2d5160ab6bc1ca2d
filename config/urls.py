from django.contrib import admin
from django.urls import include, path

from sportello.core.admin_login import rate_limited_login
from sportello.desk.views import land_on_desk

admin.site.site_header = "Sportello — back-office"
admin.site.site_title = "Sportello back-office"
admin.site.index_title = "Gestione"
# Staff passwords get the same failed-login limit as the shop login.
admin.site.login = rate_limited_login(admin.site.login)  # type: ignore[method-assign]
# After logging in, staff land on their workstation (the Scrivania).
admin.site.login = land_on_desk(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/scrivania/", include("sportello.desk.urls")),
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("il-mio-account/preventivi/", include("sportello.quotes.urls")),
    # Before the account's own URLs, so that I MIEI ORDINI is served by the orders app.
    path("il-mio-account/ordini/", include("sportello.orders.urls")),
    path("il-mio-account/privacy/", include("sportello.privacy.urls")),
    path("il-mio-account/", include("sportello.accounts.urls")),
    path("servizi/", include("sportello.catalogue.urls")),
    path("carrello/", include("sportello.cart.urls")),
    path("checkout/", include("sportello.checkout.urls")),
    path("pagamenti/", include("sportello.payments.urls")),
    path("", include("sportello.pages.urls")),
]

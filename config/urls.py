from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from sportello.accounts.signup import ConfirmEmailCodeView

admin.site.site_header = "Sportello — back-office"
admin.site.site_title = "Sportello back-office"
admin.site.index_title = "Gestione"
# Staff sign in through the shop's login: its rate limits, its e-mail code and the second
# factor (sportello.accounts.backoffice). The admin's own password form is never shown.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before allauth's URLs: its code page, with the same content for a taken address.
    path(
        "account/confirm-email/",
        ConfirmEmailCodeView.as_view(),
        name="account_email_verification_sent",
    ),
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

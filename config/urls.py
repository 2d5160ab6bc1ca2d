from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from health_check.views import HealthCheckView

from sportello.accounts import urls as account_urls
from sportello.accounts import views as account_views
from sportello.api.endpoints import api
from sportello.checkout.views import CheckoutConfirmEmailCodeView
from sportello.core.health import CHECKS as HEALTH_CHECKS
from sportello.desk.views import land_on_desk
from sportello.pages.views import account_home

admin.site.site_header = "Sportello — back-office"
admin.site.site_title = "Sportello back-office"
admin.site.index_title = "Gestione"
# Staff sign in through the shop's login: its rate limits, its e-mail code and the second
# factor (sportello.accounts.backoffice). The admin's own password form is never shown.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
# After logging in, staff land on their workstation (the Scrivania).
admin.site.login = land_on_desk(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/scrivania/", include("sportello.desk.urls")),
    path("admin/", admin.site.urls),
    # Before allauth's URLs: its code page, with the same content for a taken address (and,
    # for a sign-up made during the checkout, the checkout's progress and order summary).
    path(
        "account/confirm-email/",
        CheckoutConfirmEmailCodeView.as_view(),
        name="account_email_verification_sent",
    ),
    # The login link of the "Hai già un account" e-mail.
    path(
        "account/login/from-email/",
        account_views.login_from_email,
        name="account_login_from_email",
    ),
    path("account/", include("allauth.urls")),
    path("il-mio-account/preventivi/", include("sportello.quotes.urls")),
    # Before the account's own URLs, so that I MIEI ORDINI is served by the orders app.
    path("il-mio-account/ordini/", include("sportello.payments.order_urls")),
    path("il-mio-account/privacy/", include("sportello.privacy.urls")),
    path("il-mio-account/fatture/", include("sportello.invoicing.urls")),
    path("il-mio-account/token-api/", include("sportello.api.urls")),
    path("il-mio-account/azienda/", include("sportello.companies.urls")),
    path("il-mio-account/credito/", include("sportello.credit.urls")),
    # IL MIO ACCOUNT's home reads orders and quotes, so it lives in the pages app (top layer);
    # it keeps its name `accounts:home` next to the account's own pages.
    path(
        "il-mio-account/",
        include(
            (
                [path("", account_home, name="home"), *account_urls.urlpatterns],
                account_urls.app_name,
            )
        ),
    ),
    path("servizi/", include("sportello.catalogue.urls")),
    path("cerca/", include("sportello.catalogue.search_urls")),
    path("carrello/", include("sportello.cart.urls")),
    path("checkout/", include("sportello.checkout.urls")),
    path("pagamenti/", include("sportello.checkout.payment_urls")),
    path("condizioni-di-vendita/", include("sportello.contracts.urls")),
    path("recesso/", include("sportello.withdrawals.urls")),
    # The JSON API (personal tokens), its OpenAPI schema and docs (/api/docs).
    # Its docs page typed with a trailing slash, as the shop's own pages are written.
    path(
        "api/docs/",
        RedirectView.as_view(pattern_name="api:openapi-view", permanent=True),
        name="api_docs_with_slash",
    ),
    path("api/", api.urls),
    path("", include("sportello.pages.urls")),
]
# Load balancers' probe: 200 when database, cache, broker and private storage answer.
urlpatterns.append(path("health/", HealthCheckView.as_view(checks=HEALTH_CHECKS), name="health"))

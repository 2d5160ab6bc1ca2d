"""/pagamenti/ — the "payments" URL namespace. The pages that settle money (callback, webhook,
return page) are checkout's; choosing a method and the test gateway's page are payments'."""

from django.urls import path

from sportello.checkout import payment_views
from sportello.payments import views

app_name = "payments"

urlpatterns = [
    path("ordine/<str:number>/", views.pay, name="pay"),
    path("esito/<uuid:reference>/", payment_views.payment_return, name="return"),
    path(
        "gateway-di-test/notifica/",
        payment_views.test_gateway_callback,
        name="test_gateway_callback",
    ),
    path("gateway-di-test/<uuid:reference>/", views.test_gateway_page, name="test_gateway"),
    path("credito/<str:number>/", payment_views.pay_with_credit, name="pay_with_credit"),
    path("stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
]

from django.urls import path

from sportello.payments import views

app_name = "payments"

urlpatterns = [
    path("ordine/<str:number>/", views.pay, name="pay"),
    path("esito/<uuid:reference>/", views.payment_return, name="return"),
    path("gateway-di-test/notifica/", views.test_gateway_callback, name="test_gateway_callback"),
    path("gateway-di-test/<uuid:reference>/", views.test_gateway_page, name="test_gateway"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]

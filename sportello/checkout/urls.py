from django.urls import path

from sportello.checkout import views

app_name = "checkout"
urlpatterns = [
    path("", views.start, name="start"),
    path("accesso/", views.CheckoutLoginView.as_view(), name="login"),
    path("accesso/registrazione/", views.CheckoutSignupView.as_view(), name="signup"),
    path("dati-di-fatturazione/", views.billing, name="billing"),
    path("pagamento/", views.payment, name="payment"),
    path("riepilogo/", views.review, name="review"),
    path("riepilogo/dati-di-fatturazione/", views.review_billing, name="review_billing"),
    path("riepilogo/metodo-di-pagamento/", views.review_payment, name="review_payment"),
    path("completa/", views.place, name="place"),
    path("preventivo/<str:number>/", views.start_quote, name="start_quote"),
    path("ricarica/", views.top_up, name="top_up"),
]

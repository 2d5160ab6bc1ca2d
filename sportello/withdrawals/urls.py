from django.urls import path

from sportello.withdrawals import views

app_name = "withdrawals"
urlpatterns = [
    path("", views.start, name="start"),
    path("ordine/<str:number>/", views.for_order, name="for_order"),
    path("inviato/", views.sent, name="sent"),
]

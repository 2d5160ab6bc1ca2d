from django.urls import path

from sportello.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("ordini/", views.orders, name="orders"),
    path("preventivi/", views.quotes, name="quotes"),
    path("profilo/", views.profile, name="profile"),
    path("dati-di-fatturazione/", views.billing, name="billing"),
    path("privacy/", views.privacy, name="privacy"),
]

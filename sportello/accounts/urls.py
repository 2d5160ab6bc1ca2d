from django.urls import path

from sportello.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("profilo/", views.profile, name="profile"),
    path("dati-di-fatturazione/", views.billing, name="billing"),
    path("privacy/", views.privacy, name="privacy"),
]

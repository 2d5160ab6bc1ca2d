from django.urls import path

from sportello.accounts import views

# The account home (`accounts:home`) is composed by the pages app, above orders and quotes;
# config/urls.py adds it to this namespace.
app_name = "accounts"
urlpatterns = [
    path("profilo/", views.profile, name="profile"),
    path("dati-di-fatturazione/", views.billing, name="billing"),
    path("privacy/", views.privacy, name="privacy"),
]

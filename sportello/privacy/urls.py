from django.urls import path

from sportello.privacy import views

app_name = "privacy"
urlpatterns = [
    path("scarica-i-miei-dati/", views.download_data, name="download_data"),
    path("cancella-account/", views.delete_account, name="delete_account"),
]

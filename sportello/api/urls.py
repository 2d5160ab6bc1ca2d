from django.urls import path

from sportello.api import views

app_name = "api_account"
urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoca/", views.revoke, name="revoke"),
    path("webhook/", views.webhooks, name="webhooks"),
    path("webhook/<int:pk>/elimina/", views.delete_webhook, name="delete_webhook"),
]

from django.urls import path

from sportello.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.terms, name="terms"),
    path("versione/<str:version>/", views.terms_version, name="terms_version"),
]

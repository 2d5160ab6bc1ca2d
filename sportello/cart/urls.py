from django.urls import path

from sportello.cart import views

app_name = "cart"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("preventivi/", views.quote_detail, name="quote_detail"),
]

from django.urls import path

from sportello.accounts import views

app_name = "accounts"
urlpatterns = [path("", views.home, name="home")]

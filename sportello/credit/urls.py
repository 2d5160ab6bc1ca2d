from django.urls import path

from sportello.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.account, name="account"),
]

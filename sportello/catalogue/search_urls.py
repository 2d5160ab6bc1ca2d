from django.urls import path

from sportello.catalogue import views

app_name = "search"
urlpatterns = [
    path("", views.search, name="results"),
]

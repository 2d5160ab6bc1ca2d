from django.urls import path

from sportello.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("categoria/<slug:slug>/", views.category, name="category"),
    path("<slug:slug>/", views.service, name="service"),
]

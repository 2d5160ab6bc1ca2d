from django.urls import path

from sportello.cart import views

app_name = "cart"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("procedi/", views.proceed, name="proceed"),
    path("preventivi/", views.quote_detail, name="quote_detail"),
    path("preventivi/procedi/", views.quote_proceed, name="quote_proceed"),
    path("aggiungi/<slug:slug>/", views.add, name="add"),
    path("aggiungi/<slug:slug>/prezzo/", views.live_price_view, name="live_price"),
    path("riga/<int:pk>/modifica/", views.edit_line, name="edit_line"),
    path("riga/<int:pk>/rimuovi/", views.remove_line, name="remove_line"),
    path("ordina-di-nuovo/<str:number>/", views.reorder, name="reorder"),
]

from django.urls import path

from sportello.cart import bulk_views, views

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
    # "Ordine multiplo": many lines of one service from a CSV/XLSX file.
    path("ordine-multiplo/<slug:slug>/", bulk_views.start, name="bulk_start"),
    path(
        "ordine-multiplo/<slug:slug>/modello.<str:extension>",
        bulk_views.template,
        name="bulk_template",
    ),
    path("ordine-multiplo/file/<int:pk>/", bulk_views.detail, name="bulk_detail"),
    path("ordine-multiplo/file/<int:pk>/avanzamento/", bulk_views.progress, name="bulk_progress"),
    path(
        "ordine-multiplo/file/<int:pk>/riga/<int:number>/",
        bulk_views.edit_row,
        name="bulk_edit_row",
    ),
    path("ordine-multiplo/file/<int:pk>/carrello/", bulk_views.add_to_cart, name="bulk_add"),
    path("ordine-multiplo/file/<int:pk>/scarica/", bulk_views.download_file, name="bulk_file"),
]

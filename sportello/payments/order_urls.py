"""/il-mio-account/ordini/ — the "orders" URL namespace: the list and file downloads are the
orders app's, one order's page and the page after payment the payments app's."""

from django.urls import path

from sportello.orders import views
from sportello.payments import order_views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<str:number>/", order_views.order_detail, name="detail"),
    path("<str:number>/conferma/", order_views.order_confirmation, name="confirmation"),
    path("<str:number>/esiti/<int:file_id>/", views.outcome_file, name="outcome_file"),
    path("<str:number>/allegati/<int:file_id>/", views.answer_file, name="answer_file"),
    path("<str:number>/messaggi/", order_views.post_message, name="post_message"),
    path(
        "<str:number>/messaggi/<int:message_id>/allegato/",
        views.message_attachment,
        name="message_attachment",
    ),
    path("<str:number>/richieste/<int:request_id>/", views.data_request, name="data_request"),
]

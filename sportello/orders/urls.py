from django.urls import path

from sportello.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/conferma/", views.order_confirmation, name="confirmation"),
    path("<str:number>/esiti/<int:file_id>/", views.outcome_file, name="outcome_file"),
    path("<str:number>/allegati/<int:file_id>/", views.answer_file, name="answer_file"),
    path("<str:number>/messaggi/", views.post_message, name="post_message"),
    path(
        "<str:number>/messaggi/<int:message_id>/allegato/",
        views.message_attachment,
        name="message_attachment",
    ),
    path("<str:number>/richieste/<int:request_id>/", views.data_request, name="data_request"),
]

from django.urls import path

from sportello.quotes import views

app_name = "quotes"
urlpatterns = [
    path("", views.quote_list, name="list"),
    path("richiesta/", views.request_quote, name="request"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/inviata/", views.confirmation, name="confirmation"),
    path("<str:number>/messaggi/", views.post_message, name="post_message"),
    path(
        "<str:number>/messaggi/<int:pk>/allegato/",
        views.message_attachment,
        name="message_attachment",
    ),
    path("<str:number>/accetta/", views.accept, name="accept"),
    path("<str:number>/rifiuta/", views.decline, name="decline"),
    path("<str:number>/pdf/", views.pdf, name="pdf"),
    path("<str:number>/allegati/<int:file_id>/", views.answer_file, name="answer_file"),
]

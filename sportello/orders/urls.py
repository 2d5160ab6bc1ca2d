from django.urls import path

from sportello.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/conferma/", views.order_confirmation, name="confirmation"),
    path("<str:number>/esiti/<int:file_id>/", views.outcome_file, name="outcome_file"),
    path("<str:number>/allegati/<int:file_id>/", views.answer_file, name="answer_file"),
]

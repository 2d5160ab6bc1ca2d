from django.urls import path

from sportello.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("ordini/<str:number>/", views.order, name="order"),
    path("ordini/<str:number>/messaggi/", views.post_message, name="post_message"),
    path(
        "ordini/<str:number>/messaggi/<int:message_id>/gestito/",
        views.mark_answered,
        name="mark_answered",
    ),
    path("ordini/<str:number>/servizi/<int:line_id>/inizia/", views.start_line, name="start_line"),
    path(
        "ordini/<str:number>/servizi/<int:line_id>/assegna/", views.assign_line, name="assign_line"
    ),
    path(
        "ordini/<str:number>/servizi/<int:line_id>/sopralluogo/",
        views.set_inspection,
        name="set_inspection",
    ),
    path(
        "ordini/<str:number>/servizi/<int:line_id>/richiesta-integrazione/",
        views.request_data,
        name="request_data",
    ),
    path("preventivi/<int:quote_id>/assegna/", views.assign_quote_view, name="assign_quote"),
]

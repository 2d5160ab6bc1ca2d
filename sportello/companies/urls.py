from django.urls import path

from sportello.companies import views

app_name = "companies"
urlpatterns = [
    path("", views.home, name="home"),
    path("dati/", views.edit, name="edit"),
    path("invita/", views.invite, name="invite"),
    path("inviti/<int:pk>/annulla/", views.revoke_invitation, name="revoke_invitation"),
    path("membri/<int:pk>/ruolo/", views.change_member, name="change_member"),
    path("membri/<int:pk>/rimuovi/", views.remove_member, name="remove_member"),
    path("amministratore/", views.transfer, name="transfer"),
    path("esci/", views.leave, name="leave"),
    path("invito/<str:token>/", views.invitation, name="invitation"),
]

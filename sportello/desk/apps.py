from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "sportello.desk"
    label = "desk"
    verbose_name = "Scrivania"

from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "sportello.uploads"
    label = "uploads"
    verbose_name = "File caricati"

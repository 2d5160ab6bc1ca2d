from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "sportello.pages"
    label = "pages"

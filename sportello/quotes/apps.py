from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "sportello.quotes"
    label = "quotes"
    verbose_name = "Preventivi"

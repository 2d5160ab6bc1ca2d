from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Base"
    name = "sportello.core"
    label = "core"

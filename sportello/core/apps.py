from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Base"
    name = "sportello.core"
    label = "core"

    def ready(self) -> None:
        from sportello.core import checks  # noqa: F401  (registers the deployment checks)

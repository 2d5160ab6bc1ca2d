from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "sportello.invoicing"
    label = "invoicing"
    verbose_name = "Fatturazione"

    def ready(self) -> None:
        from sportello.invoicing import checks  # noqa: F401  (registers the system checks)

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "sportello.payments"
    label = "payments"
    verbose_name = "Pagamenti"

    def ready(self) -> None:
        from sportello.payments import checks  # noqa: F401  (registers the system checks)

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sportello.api"
    verbose_name = "API"

    def ready(self) -> None:
        # Inside ready(): the listener's module imports models, which need the app registry.
        from sportello.api import checks  # noqa: F401  (registers the deployment check)
        from sportello.api.webhooks import order_outcome_added, order_status_changed
        from sportello.orders.listeners import listen_to_outcomes, listen_to_status_changes

        listen_to_status_changes(order_status_changed)
        listen_to_outcomes(order_outcome_added)

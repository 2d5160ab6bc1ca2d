from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sportello.api"
    verbose_name = "API"

    def ready(self) -> None:
        # Inside ready(): the listener's module imports models, which need the app registry.
        from sportello.api import checks  # noqa: F401  (registers the deployment check)
        from sportello.api.webhooks import (
            order_outcome_added,
            order_status_changed,
            quote_status_changed,
        )
        from sportello.orders import listeners as orders
        from sportello.quotes import listeners as quotes

        orders.listen_to_status_changes(order_status_changed)
        orders.listen_to_outcomes(order_outcome_added)
        quotes.listen_to_status_changes(quote_status_changed)

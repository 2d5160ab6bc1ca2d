from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "sportello.orders"
    label = "orders"
    verbose_name = "Ordini"

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "sportello.payments"
    label = "payments"

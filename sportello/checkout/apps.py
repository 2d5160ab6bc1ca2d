from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "sportello.checkout"
    label = "checkout"

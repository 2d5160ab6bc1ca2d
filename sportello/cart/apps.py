from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "sportello.cart"
    label = "cart"

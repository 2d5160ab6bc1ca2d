from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sportello.accounts"
    label = "accounts"
    verbose_name = "Utenti"

from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "sportello.contracts"
    label = "contracts"
    verbose_name = "Condizioni di vendita"

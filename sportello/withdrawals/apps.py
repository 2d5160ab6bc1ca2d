from django.apps import AppConfig


class WithdrawalsConfig(AppConfig):
    name = "sportello.withdrawals"
    label = "withdrawals"
    verbose_name = "Recessi"

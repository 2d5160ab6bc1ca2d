from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "sportello.credit"
    label = "credit"
    verbose_name = "Credito prepagato"

    def ready(self) -> None:
        # Inside ready(): the provider module reads models, so it is registered once the app
        # registry is loaded. The payments registry is below this app and cannot import it.
        from sportello.credit.provider import PrepaidCreditProvider
        from sportello.payments.providers.registry import register_provider

        register_provider(PrepaidCreditProvider)

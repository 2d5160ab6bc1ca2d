from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sportello.accounts"
    label = "accounts"
    verbose_name = "Utenti"

    def ready(self) -> None:
        # allauth's own admin for second factors speaks English: ours (StaffAuthenticator)
        # replaces it. Every admin module is imported by now (django.contrib.admin is ready).
        from allauth.mfa.models import Authenticator
        from django.contrib import admin

        if admin.site.is_registered(Authenticator):
            admin.site.unregister(Authenticator)

"""allauth's "account" app under an Italian name in the back-office (its own is "Accounts")."""

from allauth.account.apps import AccountConfig


class ItalianAccountConfig(AccountConfig):
    verbose_name = "Indirizzi e-mail"

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "sportello.privacy"
    label = "privacy"

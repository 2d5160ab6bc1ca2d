from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "sportello.companies"
    label = "companies"
    verbose_name = "Account aziendali"

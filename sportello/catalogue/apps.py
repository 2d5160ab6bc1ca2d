from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "sportello.catalogue"
    label = "catalogue"
    verbose_name = "Catalogo"

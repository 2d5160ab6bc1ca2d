"""Changes to the catalogue made by code (the admin and the demo loader call these)."""

from django.db.models import F

from sportello.catalogue.models import CatalogueVersion, Service


def bump_form_version(service: Service) -> int:
    """Record that the service's form changed; answer sets keep the version they were given on.

    An F() update, so two staff members saving at once both count. Returns the new version.
    """
    Service.objects.filter(pk=service.pk).update(form_version=F("form_version") + 1)
    CatalogueVersion.bump()  # an update() bypasses Service.save()
    service.form_version = Service.objects.values_list("form_version", flat=True).get(pk=service.pk)
    return service.form_version


def catalogue_rows_deleted() -> None:
    """Bulk deletes (the admin's "Elimina" on a list) bypass the models' delete(): call this."""
    CatalogueVersion.bump()

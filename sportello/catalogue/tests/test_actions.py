"""Catalogue actions: the form version."""

import pytest

from sportello.catalogue.actions import bump_form_version
from sportello.catalogue.models import Service
from sportello.catalogue.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_bump_form_version_increments_in_the_database_and_on_the_instance():
    service = ServiceFactory()
    stale_copy = Service.objects.get(pk=service.pk)

    assert bump_form_version(service) == 2
    assert bump_form_version(stale_copy) == 3  # counts from the database, not the stale copy

    assert service.form_version == 2
    assert Service.objects.get(pk=service.pk).form_version == 3


def test_bump_form_version_touches_no_other_service():
    service, other = ServiceFactory(), ServiceFactory()
    bump_form_version(service)
    assert Service.objects.get(pk=other.pk).form_version == 1

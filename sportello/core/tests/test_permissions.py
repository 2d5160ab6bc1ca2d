"""The back-office's permission names are Italian (Django writes them in English)."""

import pytest
from django.contrib.auth.models import Permission

from sportello.core.permissions import italian_permission_names

pytestmark = pytest.mark.django_db


def test_default_permissions_are_named_in_italian_after_migrate():
    assert Permission.objects.get(codename="change_order").name == "Può modificare ordine"
    assert Permission.objects.get(codename="add_refund").name == "Può aggiungere rimborso"
    assert not Permission.objects.filter(name__startswith="Can ").exists()


def test_a_name_staff_changed_is_left_alone_and_a_new_english_one_renamed():
    Permission.objects.filter(codename="view_order").update(name="Consulta gli ordini")
    Permission.objects.filter(codename="delete_order").update(name="Can delete ordine")

    assert italian_permission_names(sender=None) == 1

    assert Permission.objects.get(codename="view_order").name == "Consulta gli ordini"
    assert Permission.objects.get(codename="delete_order").name == "Può eliminare ordine"

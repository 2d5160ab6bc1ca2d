"""Real threads on PostgreSQL (SQLite's test database is in memory, one connection):
one "Ordine multiplo" added to the cart from two tabs, or validated by two deliveries of
the task, gives its lines once."""

import pytest
from django.db import connection

from sportello.cart import bulk_actions
from sportello.cart.models import BulkImport, BulkImportStatus, Cart, CartKind, CartLine
from sportello.cart.tests.bulk_helpers import GOOD_ROW, build_visura, csv_file
from sportello.core.tests.racing import race_all

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared by several connections")


def _imported(customer, rows):
    # Outside a test transaction on_commit runs at once, and Celery is eager: validated.
    bulk_import = bulk_actions.create_bulk_import(
        owner=customer, service=build_visura(), uploaded=csv_file(rows), mode="valid_only"
    )
    bulk_import.refresh_from_db()
    assert bulk_import.status == BulkImportStatus.VALIDATED
    return bulk_import


def test_two_tabs_adding_the_same_file_add_its_lines_once(postgres_only, customer):
    bulk_import = _imported(customer, [GOOD_ROW] * 3)
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)

    def add():
        return bulk_actions.add_bulk_import_to_cart(
            bulk_import=BulkImport.objects.get(pk=bulk_import.pk), cart=cart, mode="valid_only"
        )

    results, errors = race_all([add] * THREADS)

    assert len(results) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(error, bulk_actions.BulkImportNotReady) for error in errors)
    assert CartLine.objects.filter(cart=cart).count() == 3


def test_redelivered_validations_write_the_results_once(postgres_only, customer):
    bulk_import = _imported(customer, [GOOD_ROW] * 20)
    BulkImport.objects.filter(pk=bulk_import.pk).update(
        status=BulkImportStatus.PENDING, rows=[], valid_rows=0, total_rows=0
    )

    results, errors = race_all(
        [lambda: bulk_actions.validate_bulk_import(bulk_import.pk)] * THREADS
    )

    assert errors == []
    assert results.count(True) == 1
    bulk_import.refresh_from_db()
    assert (bulk_import.status, bulk_import.total_rows, bulk_import.valid_rows) == (
        BulkImportStatus.VALIDATED,
        20,
        20,
    )

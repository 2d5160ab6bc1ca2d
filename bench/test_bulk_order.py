"""Benchmark of "Ordine multiplo" (run with `make bench`; not part of `make test`).

1,000 rows of the test service (text, codice fiscale, CAP, provincia, a priced choice and a
yes/no supplement), one in ten wrong, as CSV and as XLSX: the time to read and check them all
with the service form (what the background task does) and the SQL queries it runs. Target
(2 cores): under 5 seconds per file, queries independent of the number of rows. Printed, not
asserted on time.
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sportello.cart import bulk_actions
from sportello.cart.models import BulkImport, BulkImportStatus
from sportello.cart.tests.bulk_helpers import VALID_CF, build_visura, csv_file, xlsx_file

pytestmark = pytest.mark.django_db

ROWS = 1000


def _rows():
    return [
        [f"Cliente {n}", VALID_CF, "4012" if n % 10 == 0 else "40121", "BO", "Storica", "Sì"]
        for n in range(ROWS)
    ]


def _measure(customer, service, uploaded) -> tuple[float, int, BulkImport]:
    bulk_import = bulk_actions.create_bulk_import(
        owner=customer, service=service, uploaded=uploaded, mode="valid_only"
    )
    BulkImport.objects.filter(pk=bulk_import.pk).update(status=BulkImportStatus.PENDING)
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        bulk_actions.validate_bulk_import(bulk_import.pk)
    elapsed = time.perf_counter() - start
    bulk_import.refresh_from_db()
    return elapsed, len(queries), bulk_import


def test_thousand_rows(customer, capsys):
    service = build_visura()
    results = {
        "CSV": _measure(customer, service, csv_file(_rows())),
        "XLSX": _measure(customer, service, xlsx_file(_rows())),
    }
    with capsys.disabled():
        print(f"\n{'file':<8}{'rows':>6}{'valid':>7}{'seconds':>9}{'queries':>9}")
        for name, (elapsed, queries, bulk_import) in results.items():
            assert (bulk_import.total_rows, bulk_import.valid_rows) == (ROWS, ROWS - ROWS // 10)
            print(
                f"{name:<8}{bulk_import.total_rows:>6}{bulk_import.valid_rows:>7}"
                f"{elapsed:>9.2f}{queries:>9}"
            )

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from sportello.core.models import NumberSequence
from sportello.core.numbering import format_number, local_year, next_number


@pytest.mark.django_db
def test_each_prefix_has_its_own_yearly_series():
    with transaction.atomic():
        assert next_number(prefix="ORD", year=2026) == 1
        assert next_number(prefix="P", year=2026) == 1
        assert next_number(prefix="ORD", year=2026) == 2
        assert next_number(prefix="ORD", year=2027) == 1
    assert NumberSequence.objects.get(prefix="ORD", year=2026).last_number == 2


def test_formats():
    assert format_number(2026, 42) == "2026-000042"
    assert format_number(2026, 7, prefix="P") == "P-2026-000007"
    assert format_number(2026, 1234567) == "2026-1234567"


def test_the_year_is_the_italian_one():
    # 23:30 UTC on 31 December is already 1 January in Rome.
    assert local_year(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == 2027
    assert local_year(dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC)) == 2026


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_are_distinct():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    numbers: list[int] = []
    barrier = threading.Barrier(4)

    def take():
        barrier.wait()
        with transaction.atomic():
            numbers.append(next_number(prefix="ORD", year=2030))
        connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_migration_moves_the_order_counters_to_core():
    executor = MigrationExecutor(connection)
    before = [("orders", "0003_totals_check_tolerates_sqlite_floats")]
    after = [("orders", "0006_layers_number_sequence_to_core")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("orders", "OrderNumberSequence").objects.create(
        prefix="ORD", year=2026, last_number=41
    )
    old_apps.get_model("orders", "OrderNumberSequence").objects.create(
        prefix="P", year=2026, last_number=6
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    counters = new_apps.get_model("core", "NumberSequence").objects.order_by("prefix")
    assert [(c.prefix, c.year, c.last_number) for c in counters] == [
        ("ORD", 2026, 41),
        ("P", 2026, 6),
    ]
    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

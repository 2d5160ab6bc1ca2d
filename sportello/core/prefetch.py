"""Related rows loaded by hand, answered from memory like `prefetch_related` answers them.

`prefetch_related` builds a filtered queryset for every instance it fills (a clone and a
filter per row: most of a priced cart's time); when the rows are already grouped in Python,
`attach_prefetched` gives each instance a queryset holding them instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.db.models import QuerySet


class LoadedRows(QuerySet):
    """Rows already read: iterate, count, index, `first()`, `exists()`. It holds no relation
    filter, so building another queryset from it (`filter`, `exclude`, `order_by`, …) would
    read the whole table: refused instead."""

    _prefetch_done: bool

    def _chain(self):
        raise TypeError(
            f"These {self.model.__name__} rows were loaded in memory (attach_prefetched): "
            "query the model for more, do not chain on them."
        )


def attach_prefetched(
    instance: models.Model, name: str, model: type[models.Model], rows: Sequence[models.Model]
) -> None:
    """`instance.<name>.all()` returns `rows` without a query, as after `prefetch_related(name)`."""
    queryset: LoadedRows = LoadedRows(model=model)
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = queryset

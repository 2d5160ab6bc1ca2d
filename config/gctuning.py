"""The garbage collector of a long-running web or worker process, tuned as large Django sites do.

Profiled on the checkout journey (`bench/checkout_profile.py`), CPython's cyclic collector
took ~75 ms of CPU per order, most of it in full (generation 2) collections that walk every
object the process has loaded (Django, the URL resolvers, templates): each cost 50–120 ms.
Once the application is loaded those objects live as long as the process, so `gc.freeze()`
moves them to a permanent generation the collector no longer walks (in process: ~15 ms of
collection per journey instead of ~75). Under gunicorn the gain measured 2–3% of web CPU per
order, within the machine's noise (docs/benchmarks.md). Raising the thresholds as well
(50000,20,100) measured 10–15% *worse* there, so CPython's thresholds stay the default.

GC_THRESHOLD (e.g. "700,10,10") sets the thresholds after freezing; "default" leaves the
collector entirely as CPython has it (no freeze).
"""

from __future__ import annotations

import gc
import os

DEFAULT_THRESHOLD = (700, 10, 10)  # CPython's own


def thresholds(value: str | None) -> tuple[int, ...] | None:
    """The thresholds to set (None: leave CPython's)."""
    if value is None or not value.strip():
        return DEFAULT_THRESHOLD
    if value.strip() == "default":
        return None
    parts = tuple(int(part) for part in value.split(","))
    if not 1 <= len(parts) <= 3 or any(part < 0 for part in parts):
        raise ValueError(f"GC_THRESHOLD must be one to three non-negative integers: {value!r}")
    return parts


def tune_after_loading() -> None:
    """Call once the application is loaded (WSGI application built, Celery worker started)."""
    chosen = thresholds(os.environ.get("GC_THRESHOLD"))
    if chosen is None:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(*chosen)

"""Health checks for load balancers (django-health-check): database, cache, broker, storage.

Answers name each check and say "OK" or a generic error: never a host, a URL or a key.
"""

import dataclasses

from django.conf import settings
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable
from kombu import Connection

from sportello.core.storage import PRIVATE_ALIAS


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts connections (skipped without one: tasks run in-process)."""

    def __repr__(self) -> str:
        return "Broker"

    def run(self) -> None:
        url = settings.CELERY_BROKER_URL
        if not url:
            return
        try:
            with Connection(url, connect_timeout=3) as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
        except Exception as exc:
            raise ServiceUnavailable("Broker unreachable") from exc


CHECKS = [
    Database,
    Cache,
    Broker,
    (Storage, {"alias": PRIVATE_ALIAS}),
]

"""Deployment check (`manage.py check --deploy`): webhooks may reach internal addresses only
on a developer's machine."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_webhook_addresses(app_configs, **kwargs):
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and not settings.DEBUG:
        return [
            checks.Error(
                "Webhooks may be sent to private and loopback addresses: a customer could make "
                "the server call internal services (SSRF).",
                hint="Unset WEBHOOK_ALLOW_PRIVATE_ADDRESSES in production.",
                id="api.E001",
            )
        ]
    return []

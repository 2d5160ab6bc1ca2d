"""Deployment checks (`manage.py check --deploy`) for settings that are fine on a laptop only."""

from django.conf import settings
from django.core import checks

# Backends that keep every message, password-reset links and codes included, in files or logs.
LOCAL_EMAIL_BACKENDS = {
    "sportello.notifications.backends.FileAndConsoleEmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


@checks.register(checks.Tags.security, deploy=True)
def check_production_services(app_configs, **kwargs):
    messages = []
    if settings.EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
        messages.append(
            checks.Warning(
                "E-mails are not sent: they are written to files and the console, so "
                "password-reset links and verification codes end up in the logs.",
                hint="Set EMAIL_URL (e.g. smtp://user:pass@smtp.example.it:587/?tls=True).",
                id="core.W001",
            )
        )
    backend = settings.CACHES["default"]["BACKEND"]
    if backend == "django.core.cache.backends.locmem.LocMemCache":
        messages.append(
            checks.Warning(
                "The cache is local to each process: the login, sign-up and password-reset "
                "rate limits are multiplied by the number of web workers.",
                hint="Set REDIS_URL.",
                id="core.W002",
            )
        )
    return messages

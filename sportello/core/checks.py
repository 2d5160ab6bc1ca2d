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

# Caches whose counters live in one process (or nowhere): rate limits cannot hold with them.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=True)
def check_production_services(app_configs, **kwargs):
    messages: list[checks.CheckMessage] = []
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
    if backend in PER_PROCESS_CACHES:
        # With several web workers each keeps its own counters: the login, sign-up, upload and
        # message rate limits are multiplied by the number of workers, and the back-office
        # MFA codes could be replayed on another worker. Acceptable only with DEBUG on.
        level = checks.Warning if settings.DEBUG else checks.Error
        messages.append(
            level(
                "The cache is local to each process: the login, sign-up and password-reset "
                "rate limits are multiplied by the number of web workers.",
                hint="Set REDIS_URL.",
                id="core.W002" if settings.DEBUG else "core.E002",
            )
        )
    return messages

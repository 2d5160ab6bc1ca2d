"""Sportello settings: one file, every environment difference is an environment variable.

See `.env.example` for the full list and `docs/deployment.md` for production values.
"""

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import dj_email_url
from csp.constants import NONCE

from sportello.core.env import env_bool, env_decimal, env_int, env_list, env_str
from sportello.core.observability import init_sentry
from sportello.core.storage_url import parse_storage_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; on a laptop, a random key kept under DATA_DIR."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Sportello")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Before allauth, so that our templates for allauth's pages win the template lookup.
    "sportello.accounts",
    "allauth",
    "sportello.accounts.allauth_app.ItalianAccountConfig",  # allauth.account, in Italian
    "django_htmx",
    "localflavor",
    "sportello.core",
    "sportello.privacy",
    "sportello.uploads",
    "sportello.catalogue",
    "sportello.cart",
    "sportello.checkout",
    "sportello.orders",
    "sportello.payments",
    "sportello.quotes",
    "sportello.notifications",
    "sportello.invoicing",
    "sportello.pages",
    "sportello.audit",
    "sportello.companies",
    "sportello.credit",
    "sportello.desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole catalogue pages for visitors without a session (catalogue cache on), before the
    # session and everything below it.
    "sportello.catalogue.cache.CataloguePageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Who acts and from where, for the audit trail (after AuthenticationMiddleware).
    "sportello.audit.middleware.AuditContextMiddleware",
]
# Flash messages live in the session: the cookie policy lists only sessionid and csrftoken.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sportello" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sportello.pages.context_processors.shop",
            ],
            "builtins": [
                "sportello.core.templatetags.money",
                "sportello.core.templatetags.dates",
                "sportello.core.templatetags.sizes",
                # {% url %} remembering what it resolved (overrides Django's, same syntax).
                "sportello.core.templatetags.urls",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # With persistent connections, a connection the server dropped is noticed before use.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores SELECT ... FOR UPDATE: take the write lock when a transaction starts,
    # so concurrent writers queue instead of failing half way.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, sessions) ----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "sportello.core.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Catalogue pages (home, all services, a category, a service) and the service form's definition
# are kept in the cache for this many seconds; 0 turns the cache off. Staff edits show at once
# (the keys carry a version bumped by every catalogue save, see sportello/catalogue/cache.py).
CATALOGUE_CACHE_SECONDS = env_int("CATALOGUE_CACHE_SECONDS", 0)
# Sessions are rows in the shared database, so every web instance sees every session; with
# Redis they are also cached there (read from Redis, written to both): one query less per
# request, and a Redis flush logs nobody out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Auth and accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "sportello.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (Django's recommendation: memory-hard) at OWASP's recommended cost (see
# sportello/accounts/hashers.py); the hashers after it verify passwords stored before, and
# Django re-hashes them with it at the customer's next login.
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
    "sportello.accounts.hashers.OwaspArgon2PasswordHasher,"
    "django.contrib.auth.hashers.PBKDF2PasswordHasher,"
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "pages:home"

ACCOUNT_ADAPTER = "sportello.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "login": "sportello.accounts.forms.LoginForm",
    "signup": "sportello.accounts.forms.SignupForm",
    "reset_password": "sportello.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "sportello.accounts.forms.ResetPasswordKeyForm",
    "change_password": "sportello.accounts.forms.ChangePasswordForm",
    "set_password": "sportello.accounts.forms.SetPasswordForm",
    "add_email": "sportello.accounts.forms.ChangeEmailForm",
    "change_email": "sportello.accounts.forms.CodeChangeEmailForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
# On the code page the customer may ask for a new code or fix a mistyped address (twice each).
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_CHANGE = True
ACCOUNT_UNIQUE_EMAIL = True
# One address per account: a new one (asked with the password) replaces the current one only
# once the code sent to it is confirmed. The old address is told of the change, and every
# account holder is told of a password change.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "5/5m/ip,5/5m/key"),
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    "signup": env_str("RATE_LIMIT_SIGNUP", "20/m/ip"),
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    # Not allauth's: service forms sent with files (sportello.cart.views), anonymous included.
    "upload": env_str("RATE_LIMIT_UPLOAD", "30/h/ip"),
    # Not allauth's: messages a customer sends in a conversation (sportello.uploads.limits).
    "message": env_str("RATE_LIMIT_MESSAGES", "5/m/user,30/h/user"),
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
# The shop's Italian for a few of Django's admin strings (see the file's header).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
# Django's form renderer with the plain widgets written in Python (sportello.core.widgets).
FORM_RENDERER = "sportello.core.widgets.PythonWidgetsRenderer"
# Dates shown without a format of their own (the back-office): numeric, see the module.
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "sportello" / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", False)
# Customers' uploads and deliverables live here and are never served as public media:
# views check ownership and stream them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private")))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_ALLOWED_EXTENSIONS = env_list("UPLOAD_ALLOWED_EXTENSIONS", "pdf,jpg,jpeg,png")
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Bytes of attachments one customer may store in one conversation (a quote's or an order's).
UPLOAD_MAX_BYTES_PER_CONVERSATION = env_int("UPLOAD_MAX_BYTES_PER_CONVERSATION", 50 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@sportello.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAIL = env_str("STAFF_NOTIFICATION_EMAIL", "ordini@sportello.localhost")
EMAIL_URL = env_str("EMAIL_URL")
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
if EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
else:
    # Embedded default: each message is written under var/mail/ and echoed to the console.
    EMAIL_BACKEND = "sportello.notifications.backends.FileAndConsoleEmailBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Outbox delivery: after EMAIL_MAX_ATTEMPTS failures a message is marked failed for staff.
# Retries wait EMAIL_RETRY_BACKOFF_SECONDS, then twice as long each time (capped at 6 hours):
# with the defaults the last attempt comes about two hours after the first.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8)
EMAIL_RETRY_BACKOFF_SECONDS = env_int("EMAIL_RETRY_BACKOFF_SECONDS", 60)
# A message still "sending" after this long belongs to a worker that died: it is retried.
EMAIL_SENDING_TIMEOUT_SECONDS = env_int("EMAIL_SENDING_TIMEOUT_SECONDS", 600)
EMAIL_RETRY_BATCH_SIZE = env_int("EMAIL_RETRY_BATCH_SIZE", 200)

# --- Background work ------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Without a broker (a laptop running `make run`) tasks run in-process, right after commit.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "retry-due-emails": {
        "task": "sportello.notifications.tasks.retry_due_emails",
        "schedule": env_int("EMAIL_RETRY_EVERY_SECONDS", 60),
    },
}
CELERY_BEAT_SCHEDULE["expire-quotes"] = {
    "task": "sportello.quotes.tasks.expire_quotes",
    "schedule": env_int("QUOTE_EXPIRY_EVERY_SECONDS", 3600),
}
CELERY_BEAT_SCHEDULE["purge-abandoned-carts"] = {
    "task": "sportello.cart.tasks.purge_abandoned_carts",
    "schedule": env_int("CART_PURGE_EVERY_SECONDS", 24 * 3600),
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- Shop -----------------------------------------------------------------------------------
DEFAULT_VAT_RATE = env_decimal("DEFAULT_VAT_RATE", "22.00")
COMPANY_NAME = env_str("COMPANY_NAME", "Sportello Servizi S.r.l.")
COMPANY_ADDRESS = env_str("COMPANY_ADDRESS", "Via Esempio 1, 40121 Bologna (BO)")
COMPANY_VAT_NUMBER = env_str("COMPANY_VAT_NUMBER", "IT00000000000")
COMPANY_EMAIL = env_str("COMPANY_EMAIL", "info@sportello.localhost")
# Outcome files ("esiti") staff attach to order lines: reports, signed documents, archives.
OUTCOME_ALLOWED_EXTENSIONS = env_list("OUTCOME_ALLOWED_EXTENSIONS", "pdf,p7m,jpg,jpeg,png,zip")
OUTCOME_MAX_BYTES = env_int("OUTCOME_MAX_BYTES", 25 * 1024 * 1024)
# Anonymous carts untouched this long, and anonymous uploads this old that no cart, order or
# quote line names, are deleted (data retention; the visitor never logged in to keep them).
ANONYMOUS_CART_RETENTION_DAYS = env_int("ANONYMOUS_CART_RETENTION_DAYS", 30)
# "Ordine multiplo": the most rows one CSV/XLSX file may hold (validated in the background).
BULK_ORDER_MAX_ROWS = env_int("BULK_ORDER_MAX_ROWS", 1000)
# Days a priced quote stays valid unless staff choose another date.
QUOTE_VALIDITY_DAYS = env_int("QUOTE_VALIDITY_DAYS", 30)

# --- Payments -------------------------------------------------------------------------------
# Methods offered at checkout, in this order: test_gateway, stripe, bank_transfer,
# prepaid_credit (offered only to a company's buyers whose credit covers the order). Stripe is
# offered only when STRIPE_SECRET_KEY is set as well.
PAYMENT_METHODS = env_list("PAYMENT_METHODS", "test_gateway,bank_transfer,prepaid_credit")
# Prepaid credit ("ricarica"): the amounts a company may buy at once, in euro.
CREDIT_TOP_UP_MIN = env_decimal("CREDIT_TOP_UP_MIN", "50.00")
CREDIT_TOP_UP_MAX = env_decimal("CREDIT_TOP_UP_MAX", "10000.00")
# Signs the test gateway's notifications; empty means derived from SECRET_KEY.
TEST_GATEWAY_SECRET = env_str("TEST_GATEWAY_SECRET")
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# Empty means Stripe's own API; tests point the SDK at a local fake.
STRIPE_API_BASE = env_str("STRIPE_API_BASE")
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 20)
BANK_TRANSFER_IBAN = env_str("BANK_TRANSFER_IBAN", "IT60X0542811101000000123456")
BANK_TRANSFER_BENEFICIARY = env_str("BANK_TRANSFER_BENEFICIARY", COMPANY_NAME)
BANK_TRANSFER_BANK = env_str("BANK_TRANSFER_BANK", "Banca di Esempio S.p.A.")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
# Off unless every subdomain is HTTPS too (`check --deploy` warns about both until set).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Rate limits count per client address. Behind proxies REMOTE_ADDR is the proxy's, the same for
# everyone: five failed logins anywhere would lock every visitor out. The client is the address
# the last TRUSTED_PROXY_COUNT proxies put in X-Forwarded-For (never what a client wrote there).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)

# Server errors (500) are e-mailed to these addresses (comma-separated) when DEBUG is off,
# through the mail_admins handler of Django's default logging, which stays in force.
ADMINS = [(address, address) for address in env_list("ADMINS")]
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Payment attempts one order may open in an hour (a double submit, a customer clicking "Paga
# ora" twenty times): above it the pay page says to wait, instead of opening more sessions.
PAYMENT_ATTEMPTS_PER_HOUR = env_int("PAYMENT_ATTEMPTS_PER_HOUR", 5)

# --- Content-Security-Policy, Permissions-Policy, no-store (docs/security.md) ---------------
# Every script and style is a file served by the app. An inline <script> or <style> that must
# stay carries the request's nonce ({{ request.csp_nonce }}); no 'unsafe-inline' anywhere.
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "sportello.core.security.SecurityHeadersMiddleware",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        # The one inline <style> of Django's admin (change_list.html without actions), by hash.
        "style-src": ["'self'", NONCE, "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        # Card payments leave the shop by a redirect after the form's POST.
        "form-action": [
            "'self'",
            *env_list("CSP_FORM_ACTION_EXTRA", "https://checkout.stripe.com"),
        ],
    }
}
# Browser features the shop never uses, refused to every frame (our pages included).
PERMISSIONS_POLICY = env_str(
    "PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()",
)

# --- Back-office: second factor and idle sessions (docs/security.md) ------------------------
# Staff sign in through the shop's login (rate limits, e-mail code) and then with a TOTP code
# or a recovery code; a staff member without one is sent to set it up before the back-office
# opens (sportello.accounts.backoffice).
INSTALLED_APPS += ["allauth.mfa"]
MIDDLEWARE += ["sportello.accounts.backoffice.BackOfficeSecurityMiddleware"]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# The code of the previous and of the next 30-second window is accepted too (clock drift).
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "sportello.accounts.backoffice.MFAAdapter"
# A staff session unused for this long is closed: the next request asks to sign in again.
BACKOFFICE_IDLE_TIMEOUT_SECONDS = env_int("BACKOFFICE_IDLE_TIMEOUT_SECONDS", 30 * 60)

# Where to report a vulnerability: served at /.well-known/security.txt (a mailto: or https: URI).
SECURITY_CONTACT = env_str("SECURITY_CONTACT", f"mailto:{COMPANY_EMAIL}")

# --- Scale-out: object storage, queues, health, logs, error reports -------------------------
# Private files go to an S3-compatible bucket when one is configured, either as one URL
# (s3://KEY:SECRET@host:port/bucket?region=eu-south-1&secure=1) or through the usual AWS_*
# variables; otherwise they stay on local disk under PRIVATE_MEDIA_ROOT (one server only).
_storage = parse_storage_url(env_str("STORAGE_URL"))
AWS_STORAGE_BUCKET_NAME = _storage.get("bucket_name") or env_str("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = _storage.get("endpoint_url") or env_str("AWS_S3_ENDPOINT_URL") or None
AWS_ACCESS_KEY_ID = _storage.get("access_key") or env_str("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = _storage.get("secret_key") or env_str("AWS_SECRET_ACCESS_KEY")
AWS_S3_REGION_NAME = _storage.get("region_name") or env_str("AWS_S3_REGION_NAME") or None
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["private"] = {
        "BACKEND": "sportello.core.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
            "region_name": AWS_S3_REGION_NAME,
            "location": env_str("AWS_LOCATION"),
            "addressing_style": "path",
        },
    }
else:
    STORAGES["private"] = {"BACKEND": "sportello.core.storage.PrivateStorage"}

# Three queues, each served by its own worker process in production, so a slow mail server
# can fill the "mail" worker without delaying payment processing (docs/deployment.md).
CELERY_TASK_DEFAULT_QUEUE = "background"
CELERY_TASK_ROUTES = {
    "sportello.notifications.tasks.*": {"queue": "mail"},
    "sportello.payments.tasks.*": {"queue": "payments"},
    "sportello.checkout.tasks.*": {"queue": "payments"},
}
# A task whose worker died is handed to another worker after this long (acks late): longer
# than the slowest task, so a long task is never run twice while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600)
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True

# Load balancers probe /salute/ (database, cache, broker, private storage; no details).
INSTALLED_APPS.append("health_check")

# Logs: plain text on a laptop, one JSON object per line with LOG_FORMAT=json; every line
# logged while serving a request carries its id (X-Request-ID, honoured or generated).
MIDDLEWARE.insert(0, "sportello.core.observability.RequestIdMiddleware")
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING["filters"] = {"request_id": {"()": "sportello.core.observability.RequestIdFilter"}}
LOGGING["formatters"] = {
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}
LOGGING["handlers"]["console"].update(
    {"filters": ["request_id"], "formatter": "json" if LOG_FORMAT == "json" else "text"}
)

# Error reports to Sentry when SENTRY_DSN is set; personal data is scrubbed before sending.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env_decimal("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# --- Invoicing (FatturaPA) ---------------------------------------------------------------------
# The seller (cedente prestatore) of every invoice; with DEBUG on, unset values take the demo
# company of sportello.invoicing.seller (valid, fictitious). `manage.py check` fails when any
# is missing or invalid with DEBUG off.
from sportello.invoicing.seller import seller_from_env  # noqa: E402

# INVOICE_SELLER_DEMO=1 fills the gaps with the demo company with DEBUG off too: `make serve`
# and the scale-out test on a laptop; `check --deploy` refuses it (invoicing.E002).
INVOICE_SELLER_DEMO = env_bool("INVOICE_SELLER_DEMO", DEBUG)
INVOICE_SELLER = seller_from_env(env_str, demo=INVOICE_SELLER_DEMO)
# Printed numbers: <prefix>2026/000123. Credit notes have their own yearly sequence.
INVOICE_NUMBER_PREFIX = env_str("INVOICE_NUMBER_PREFIX", "")
CREDIT_NOTE_NUMBER_PREFIX = env_str("CREDIT_NOTE_NUMBER_PREFIX", "NC")
# Natura of 0% VAT lines, and the law the summary cites for them.
INVOICE_ZERO_RATE_NATURA = env_str("INVOICE_ZERO_RATE_NATURA", "N2.2")
INVOICE_ZERO_RATE_REFERENCE = env_str(
    "INVOICE_ZERO_RATE_REFERENCE", "Operazione non soggetta ad IVA"
)
# How documents reach SdI: "export" (staff download the XML files and send them).
INVOICE_CHANNEL = env_str("INVOICE_CHANNEL", "export")

# --- Sales contract (terms of sale, withdrawal) -------------------------------------------------
# The seller's legal data in the footer, e-mails and documents come from INVOICE_SELLER above
# (sportello.core.seller): one set of variables for invoices and for the shop.
# Days a consumer has to withdraw from a contract for services (Codice del Consumo art. 52).
WITHDRAWAL_PERIOD_DAYS = env_int("WITHDRAWAL_PERIOD_DAYS", 14)
INSTALLED_APPS += ["sportello.contracts", "sportello.withdrawals"]
ACCOUNT_RATE_LIMITS["withdrawal"] = env_str("RATE_LIMIT_WITHDRAWAL", "10/h/ip")

# --- Service desk ---------------------------------------------------------------------------
# Reply-To of every customer e-mail: the mailbox staff actually read.
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "assistenza@sportello.localhost")
# Days before an unanswered data request ("richiesta integrazione") is reminded to the customer.
DATA_REQUEST_REMINDER_DAYS = env_int("DATA_REQUEST_REMINDER_DAYS", 3)
# The company's patron-saint day as MM-DD (e.g. "06-24"), a holiday for due dates; empty: none.
PATRON_SAINT_DAY = env_str("PATRON_SAINT_DAY", "")
# Unpaid bank-transfer orders: reminder after, and cancellation after, this many days.
TRANSFER_REMINDER_DAYS = env_int("TRANSFER_REMINDER_DAYS", 5)
TRANSFER_CANCEL_DAYS = env_int("TRANSFER_CANCEL_DAYS", 15)
CELERY_BEAT_SCHEDULE["desk-reminders"] = {
    "task": "sportello.desk.tasks.send_desk_reminders",
    "schedule": env_int("DESK_REMINDERS_EVERY_SECONDS", 3600),
}

# --- API (django-ninja at /api/, docs at /api/docs) and webhooks ------------------------------
# The docs page is the shop's own, in Italian (sportello.api.docs): django-ninja's Swagger UI
# files are not needed, so "ninja" is not an installed app.
INSTALLED_APPS += ["sportello.api"]
# Requests per personal token (allauth's rate-limit syntax, "key" = the token).
ACCOUNT_RATE_LIMITS["api"] = env_str("RATE_LIMIT_API", "120/m/key")
# Tokens one user may hold (revoked ones excluded).
API_MAX_TOKENS_PER_USER = env_int("API_MAX_TOKENS_PER_USER", 10)
# Webhooks: addresses on private/loopback networks are refused unless this is on (SSRF
# protection); on by default only with DEBUG, for a receiver on the developer's machine.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BACKOFF_SECONDS = env_int("WEBHOOK_RETRY_BACKOFF_SECONDS", 60)
CELERY_BEAT_SCHEDULE["retry-due-webhooks"] = {
    "task": "sportello.api.tasks.retry_due_webhooks",
    "schedule": env_int("WEBHOOK_RETRY_EVERY_SECONDS", 60),
}

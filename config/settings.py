"""Sportello settings: one file, every environment difference is an environment variable.

See `.env.example` for the full list and `docs/deployment.md` for production values.
"""

import secrets
from pathlib import Path

import dj_database_url
import dj_email_url

from sportello.core.env import env_bool, env_decimal, env_int, env_list, env_str

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
    # Before allauth, so that our templates for allauth's pages win the template lookup.
    "sportello.accounts",
    "allauth",
    "sportello.accounts.allauth_app.ItalianAccountConfig",  # allauth.account, in Italian
    "django_htmx",
    "localflavor",
    "sportello.core",
    "sportello.privacy",
    "sportello.catalogue",
    "sportello.cart",
    "sportello.checkout",
    "sportello.orders",
    "sportello.payments",
    "sportello.quotes",
    "sportello.notifications",
    "sportello.pages",
    "sportello.desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
            "builtins": ["sportello.core.templatetags.money"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
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
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth and accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
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
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "sportello" / "static"]
STORAGES = {
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
# Days a priced quote stays valid unless staff choose another date.
QUOTE_VALIDITY_DAYS = env_int("QUOTE_VALIDITY_DAYS", 30)

# --- Payments -------------------------------------------------------------------------------
# Methods offered at checkout, in this order: test_gateway, stripe, bank_transfer. Stripe is
# offered only when STRIPE_SECRET_KEY is set as well.
PAYMENT_METHODS = env_list("PAYMENT_METHODS", "test_gateway,bank_transfer")
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
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Service desk ---------------------------------------------------------------------------
# Reply-To of every customer e-mail: the mailbox staff actually read.
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "assistenza@sportello.localhost")
# Days before an unanswered data request ("richiesta integrazione") is reminded to the customer.
DATA_REQUEST_REMINDER_DAYS = env_int("DATA_REQUEST_REMINDER_DAYS", 3)
# Messages (with or without attachment) a customer may send on their orders per hour.
ORDER_MESSAGES_PER_HOUR = env_int("ORDER_MESSAGES_PER_HOUR", 20)
# The company's patron-saint day as MM-DD (e.g. "06-24"), a holiday for due dates; empty: none.
PATRON_SAINT_DAY = env_str("PATRON_SAINT_DAY", "")
# Unpaid bank-transfer orders: reminder after, and cancellation after, this many days.
TRANSFER_REMINDER_DAYS = env_int("TRANSFER_REMINDER_DAYS", 5)
TRANSFER_CANCEL_DAYS = env_int("TRANSFER_CANCEL_DAYS", 15)
CELERY_BEAT_SCHEDULE["desk-reminders"] = {
    "task": "sportello.desk.tasks.send_desk_reminders",
    "schedule": env_int("DESK_REMINDERS_EVERY_SECONDS", 3600),
}

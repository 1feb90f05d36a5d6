"""Comuna settings: one module, safe defaults, configured from the environment.

With no environment at all Comuna runs in development mode on SQLite under ``var/``.
Production sets ``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use 1 or 0)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
DATA_DIR = Path(env_str("COMUNA_DATA_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (DEBUG=1 runs in development mode)"
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",  # the JSON API; listed so its docs use its own static files, not a CDN
    "comuna.ledger",
    "comuna.territory",
    "comuna.voting",
    "comuna.assemblies",
    "comuna.mandates",
    "comuna.cycles",
    "comuna.federation",
    "comuna.web",
    "comuna.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "comuna.web.errors.RequestSizeLimit",  # before anything reads a request's body
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

if not DEBUG:  # in development, runserver serves static files itself
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "comuna.urls"
WSGI_APPLICATION = "comuna.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Each server thread keeps its connection (opening one costs milliseconds of CPU on both
    # sides) and checks it once per request before use, so a restarted database costs no
    # failed request.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, checking a kept connection without a round trip when it can
        # (comuna/postgresql/base.py). Parameters are bound on the server, and a statement run
        # a second time on a connection is prepared there: PostgreSQL then parses and plans
        # the busy requests' statements once per connection instead of every time.
        DATABASES["default"]["ENGINE"] = "comuna.postgresql"
        DATABASES["default"].setdefault("OPTIONS", {})
        DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 1}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "comuna.sqlite3",
            # IMMEDIATE: a writing transaction takes the lock at BEGIN, so concurrent writers
            # wait (up to the timeout) instead of failing half-way with "database is locked".
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Ballot secrecy (docs/security.md): the scheduler mixes an open poll's ballot box into the
# counted ballots once it holds at least MIX_BATCH ballots, so while a poll is open a ballot is
# hidden among at least that many; at closing the whole poll is mixed whatever the number.
MIX_BATCH = env_int("MIX_BATCH", 100)
if MIX_BATCH < 1:
    raise ImproperlyConfigured(f"MIX_BATCH={MIX_BATCH} must be at least 1 ballot")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "comuna" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "America/Caracas")
USE_TZ = True
# Numbers as the reader's language writes them (es: 1.234,5; en: 1,234.5). Ids written into
# addresses or form values go through |unlocalize or {% localize off %}.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["comuna.formats"]
# The currency of a body that names none (ISO 4217).
COMUNA_CURRENCY = env_str("COMUNA_CURRENCY", "VES")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers everywhere; cookies and HTTPS enforcement in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "comuna.web.sessions"  # Django's database sessions, read with one statement
# HTTPS=0 serves plain HTTP with DEBUG off: only for a demo on this machine (`comuna demo`).
if not DEBUG and env_bool("HTTPS", True):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Trust X-Forwarded-Proto only behind a proxy that sets it: otherwise any client could claim
# HTTPS by sending the header itself.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy, in development too so a page that needs inline code fails early:
# everything from this site, no inline scripts or styles, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "comuna@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts: residents are invited from the census (no self-registration).
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one username from
# one address, that pair is locked for LOGIN_LOCKOUT_MINUTES; a successful login starts afresh.
# Failed invitation codes count the same way, per address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "comuna.web.backends.ModelBackend",  # Django's, reading the logged-in user faster
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "comuna.web.accounts.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "password1", "password2"]
AXES_ENABLE_ADMIN = False
# Behind a reverse proxy every request comes from the proxy's address: with this on, the
# client's address is the last one the proxy appended to X-Forwarded-For.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
AXES_CLIENT_IP_CALLABLE = "comuna.web.accounts.client_address"

# Largest census CSV accepted, in rows (a council has a few thousand residents at most).
CENSUS_IMPORT_MAX_ROWS = env_int("CENSUS_IMPORT_MAX_ROWS", 20000)
# Largest uploaded file (a census CSV; an option's picture has its own 2 MB limit), in bytes. A
# request larger than this plus 64 KB for the form's other fields is refused before its body
# is read (comuna.web.errors.RequestSizeLimit). A form's fields alone may hold up to 5 MB or
# UPLOAD_MAX_BYTES, whichever is less; an accepted file is held in memory.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = min(5 * 1024 * 1024, UPLOAD_MAX_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Uploaded files (the pictures of poll options), kept with the data; pages serve them to those
# who may see their poll.
MEDIA_ROOT = DATA_DIR / "media"

# Ledger witnesses kept outside the database (docs/security.md, "Ledger witnesses"): each
# body's Ed25519 signing key, one file per chain (mode 0600), and the server's own log of every
# head the ledger reached, appended after each ledger write commits. Keep both off the
# database's machine or at least out of the database administrator's reach.
COMUNA_KEYS_DIR = Path(env_str("COMUNA_KEYS_DIR", str(DATA_DIR / "keys")))
COMUNA_WITNESS_FILE = Path(
    env_str("COMUNA_WITNESS_FILE", str(DATA_DIR / "witness" / "heads.jsonl"))
)

# Rate limits (comuna/web/limits.py): django-ratelimit rates, each overridable from the
# environment as RATE_LIMIT_<NAME> (RATE_LIMIT_CAST_IP=1200/m). Logins also go through
# django-axes' lockout above; a polling station casts from one address, hence cast-ip's rate.
RATE_LIMITS = {
    name: env_str("RATE_LIMIT_" + name.upper().replace("-", "_"), default)
    for name, default in {
        # an assembly's members log in from the community's one network at the same time
        "login-ip": "120/m",
        "login-username": "5/m",
        "check-ip": "120/m",  # as many members check their receipts after the count
        "cast-user": "10/m",
        "cast-ip": "600/m",
        "token-user": "10/h",
    }.items()
}
for _name, _rate in RATE_LIMITS.items():
    if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", _rate):
        raise ImproperlyConfigured(
            f"rate limit {_name}={_rate!r} is not a rate such as 10/m (per s, m, h, d, or 5m)"
        )
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "ratelimit"
# The counters are shared by every worker process: a table of the database (made by `comuna
# migrate`), counted with one statement per limit (comuna.web.limits.CounterCache).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "comuna.web.limits.CounterCache", "LOCATION": "comuna_ratelimit"},
}

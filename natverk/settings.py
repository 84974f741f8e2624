"""Settings for the Stadsdelsnätverk portal.

Everything that differs between machines comes from environment variables, read with
django-environ (natverk/env.py: a value it cannot read stops the start with the
variable's name). `.env.example` and the README list every variable. The defaults suit
production; DEBUG=true (`make run`) gives development defaults. Tests run
natverk/settings_test.py (pytest.ini), which changes a few of these.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from core import formats
from core.s3 import s3_storages
from natverk.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# ---- Core ----
DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-key-for-local-development-only"  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where residents write about the site: accessibility problems, personal data.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", "kontaktcenter@gavle.se")

# ---- Apps and requests ----
INSTALLED_APPS = [
    # First, so that its ready() sets the site's form messages (core/form_messages.py)
    # before any other app's ready() imports a form: the admin's imports every admin.py.
    # Before core.cache's config below too, whose module shares this folder: so that
    # `manage.py send_outbox` is found in core/management/.
    "core.apps.CoreConfig",
    "natverk.apps.NatverkAdminConfig",  # Django's admin with the portal's site (natverk/admin_shortcut.py).
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "csp",
    "allauth",
    "allauth.account",
    "natverk.apps.MfaConfig",  # allauth.mfa with a Swedish name in the admin.
    "members",
    "networks",
    "meetings",
    "grants",
    "borsen",
    "voices",
    "dialog",
    "sok",
    "digest",
    "website",
    "core.cache.PageCacheConfig",  # The page cache's invalidation signals ("Speed" below).
]

MIDDLEWARE = [
    "core.querycount.QueryCountMiddleware",  # Only when QUERY_COUNT_HEADER is true.
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ControlCharacterMiddleware",  # Before the page cache: it keys on the query.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.cache.AnonymousPageCacheMiddleware",  # Before sessions: sees every cookie set.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.mail_guard.MailNeedsCacheMiddleware",  # After CSRF: refuses only valid posts.
    "members.middleware.StaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: the first to see a view's exception; a database or store that is down answers
    # the 503 page instead of the 500 page (core/unavailable.py).
    "core.unavailable.DependencyUnavailableMiddleware",
]

ROOT_URLCONF = "natverk.urls"
WSGI_APPLICATION = "natverk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "website.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "core.forms.SiteFormRenderer"


# ---- Database: DATABASE_URL, SQLite or PostgreSQL ----
def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into a DATABASES entry: sqlite:///path or postgres://..."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        # sqlite:///db.sqlite3 is relative to the project, sqlite:////abs/path is absolute.
        name = Path(path[1:] if path.startswith("/") else path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name if name.is_absolute() else BASE_DIR / name,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        query = parse_qs(parsed.query)
        # Seconds libpq waits for a new connection (a server that accepts but never answers);
        # libpq counts less than 2 as 2.
        options: dict = {"connect_timeout": env.int("DB_CONNECT_TIMEOUT", 2)}
        if env.bool("DB_POOL", True):
            options["pool"] = {
                "min_size": env.int("DB_POOL_MIN_SIZE", 1),
                "max_size": env.int("DB_POOL_MAX_SIZE", 10),
                # A request waits at most this long for a connection; then it answers the
                # 503 page (core/unavailable.py) rather than queueing while the database
                # is away.
                "timeout": env.float("DB_POOL_TIMEOUT", 2),
                # While the database is away the pool retries a connection with a doubling
                # pause, for at most this long; then it starts over at the next request. A
                # short bound means a database that is back is used again within seconds
                # rather than after a pause that grew during a long outage.
                "reconnect_timeout": env.float("DB_POOL_RECONNECT_TIMEOUT", 10),
            }
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"][0]
        return {
            # Django's backend, checking each connection taken from the pool (core/postgresql/).
            "ENGINE": "core.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # psycopg's pool keeps the connections; Django must not keep them as well.
            "CONN_MAX_AGE": 0,
            # Off on purpose: core/postgresql/base.py checks every connection taken from
            # the pool and replaces a dead one (a restarted database, terminated backends)
            # before the request uses it. On, Django 5.2 would have psycopg_pool check them
            # (check=ConnectionPool.check_connection; "check" inside OPTIONS["pool"] is a
            # TypeError in 5.2), which pauses a second or more after each dead connection.
            "CONN_HEALTH_CHECKS": False,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL has an unknown scheme: {parsed.scheme!r}")


DATABASES = {"default": database_from_url(env.str("DATABASE_URL", "sqlite:///db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---- Languages and dates ----
# Swedish without a URL prefix, the others under /en/, /fi/ and /ar/ (Arabic is right to
# left). Each is named in itself: the language switcher shows these names. Content
# (core/translation.py) gets a column per language except Swedish.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English"), ("fi", "Suomi"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats of our own for some languages (core/formats/); the rest are Django's.
FORMAT_MODULE_PATH = ["core.formats"]
# Input is day first in every language, times also as 18.00 (core/formats/); these apply
# with no language active.
DATE_INPUT_FORMATS = formats.DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = formats.DATETIME_INPUT_FORMATS
TIME_INPUT_FORMATS = formats.TIME_INPUT_FORMATS
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

# ---- Files: static files, public media, private files ----
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files that only some users may see (grant attachments) live outside MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # PRIVATE_MEDIA_ROOT, no URLs: served only through access-checked views (core/storage.py).
    "private": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        # In development served from the source folders; in production hashed and compressed
        # by collectstatic.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Without collectstatic (development) whitenoise finds files in the source folders instead
# of warning that STATIC_ROOT does not exist.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Largest attachment to a grant application, in bytes.
GRANT_ATTACHMENT_MAX_BYTES = env.int("GRANT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Largest video of a voice from the networks, in bytes (the reverse proxy must accept
# request bodies this large on /admin/).
VOICES_VIDEO_MAX_BYTES = env.int("VOICES_VIDEO_MAX_BYTES", 50 * 1024 * 1024)

# ---- Object storage (S3-compatible; README "Object storage") ----
# With S3_BUCKET set, public media and private files go to the store instead of MEDIA_ROOT
# and PRIVATE_MEDIA_ROOT, so that every app server sees every upload; core/s3.py's
# s3_storages() makes STORAGES and MEDIA_URL of these.
S3_BUCKET = env.str("S3_BUCKET", "")
S3_PRIVATE_BUCKET = env.str("S3_PRIVATE_BUCKET", "")
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", "")
S3_REGION = env.str("S3_REGION", "")
S3_ACCESS_KEY_ID = env.str("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY = env.str("S3_SECRET_ACCESS_KEY", "")
S3_MEDIA_PREFIX = env.str("S3_MEDIA_PREFIX", "media")
S3_PRIVATE_PREFIX = env.str("S3_PRIVATE_PREFIX", "private")
S3_PUBLIC_URL = env.str("S3_PUBLIC_URL", "")  # Default: the bucket's own address.
# "path" (bucket in the path; most stores other than AWS), "virtual" (bucket in the host
# name) or empty (botocore decides).
S3_ADDRESSING_STYLE = env.str("S3_ADDRESSING_STYLE", "path" if S3_ENDPOINT_URL else "")
# Seconds to wait for a connection / an answer, and the most tries of one call, so that a
# hung store answers a request with the 503 page within seconds instead of holding it
# (core/s3.py). A management command may ask for longer waits (copy_media_to_store).
S3_CONNECT_TIMEOUT = env.float("S3_CONNECT_TIMEOUT", 1)
S3_READ_TIMEOUT = env.float("S3_READ_TIMEOUT", 3)
S3_MAX_ATTEMPTS = env.int("S3_MAX_ATTEMPTS", 2)
# Calls to the store at once per worker process, and seconds a call waits for one of these
# slots before it fails as "store unavailable": a slow store then holds only these threads
# of a worker. By default half of the worker's threads (GUNICORN_THREADS, gunicorn.conf.py).
S3_MAX_CONCURRENT_CALLS = env.int("S3_MAX_CONCURRENT_CALLS", max(1, env.int("GUNICORN_THREADS", 2) // 2))
S3_QUEUE_TIMEOUT = env.float("S3_QUEUE_TIMEOUT", 0.5)
# After a timeout or a refused connection every store call of the process fails at once
# for this many seconds, instead of each waiting out its own timeout.
S3_BREAKER_SECONDS = env.float("S3_BREAKER_SECONDS", 5)
# Browsers load logos, photos and videos from here besides the site: allowed by the CSP below.
MEDIA_ORIGIN = ""
if S3_BUCKET:
    _store, MEDIA_URL, MEDIA_ORIGIN = s3_storages(
        bucket=S3_BUCKET,
        private_bucket=S3_PRIVATE_BUCKET,
        endpoint_url=S3_ENDPOINT_URL,
        region=S3_REGION,
        access_key=S3_ACCESS_KEY_ID,
        secret_key=S3_SECRET_ACCESS_KEY,
        media_prefix=S3_MEDIA_PREFIX,
        private_prefix=S3_PRIVATE_PREFIX,
        public_url=S3_PUBLIC_URL,
        addressing_style=S3_ADDRESSING_STYLE,
    )
    STORAGES.update(_store)

# ---- Cache and sessions ----
# Redis when REDIS_URL is set, so that several app servers share it. While Redis cannot be
# reached the site runs uncached (core/cache_backend.py): a call waits at most these
# seconds, and then Redis is left alone until a background probe (once a second) finds it
# answering; nothing stored before the outage is used again.
REDIS_URL = env.str("REDIS_URL", "")
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", 0.25)
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", 0.25)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", "natverk"),
            "OPTIONS": {
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions: the database is the record, read through the cache above (core/sessions.py);
# while Redis is down they are read from the database alone. Every cache key holds the
# cache's generation, which moves on when Redis is back after an outage or restarted, so a
# session ended meanwhile never comes back from Redis. A session stays in the cache for at
# most these seconds (Redis's memory, and the last bound: core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", 300)

# ---- E-mail: written to the outbox, sent by send_outbox (core/mail.py) ----
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
# Where Django's file-based backend (django.core.mail.backends.filebased.EmailBackend, which
# `make run` uses) writes mail: one file per connection, in .demo-mail/ unless set.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", str(BASE_DIR / ".demo-mail"))
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10)
# Seconds the one try right after a save may wait for the mail server (core/mail.py);
# send_outbox uses EMAIL_TIMEOUT.
EMAIL_REQUEST_TIMEOUT = env.int("EMAIL_REQUEST_TIMEOUT", 1)
# send_outbox retries a mail (at most an hour apart) for this many hours after it was written,
# or queued again in the admin, then gives it up: the admin index warns and send_outbox exits 1.
# At least 72: a mail server down from Thursday evening to Tuesday morning over Easter (Good
# Friday, Easter Monday) must lose nothing; the default 120 covers that with a margin.
MAIL_GIVE_UP_AFTER_HOURS = env.int("MAIL_GIVE_UP_AFTER_HOURS", 120)
if not 72 <= MAIL_GIVE_UP_AFTER_HOURS <= 720:
    raise ImproperlyConfigured(f"MAIL_GIVE_UP_AFTER_HOURS must be from 72 to 720, not {MAIL_GIVE_UP_AFTER_HOURS}")
MAIL_GIVE_UP_AFTER = timedelta(hours=MAIL_GIVE_UP_AFTER_HOURS)
# The right side of every mail's Message-ID, <32 hex digits@MAIL_MESSAGE_ID_DOMAIN>, made once
# per mail and kept for all its attempts: by default the host name of SITE_URL.
# The start of every mail's subject, in every language: the portal's name, as a sender's.
MAIL_SUBJECT_PREFIX = "[Stadsdelsnätverken] "
MAIL_MESSAGE_ID_DOMAIN = env.str("MAIL_MESSAGE_ID_DOMAIN", urlparse(SITE_URL).hostname or "localhost").strip().lower()
if not re.fullmatch(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?", MAIL_MESSAGE_ID_DOMAIN):
    raise ImproperlyConfigured(
        f"MAIL_MESSAGE_ID_DOMAIN must be a plain host name such as natverk.gavle.se, not {MAIL_MESSAGE_ID_DOMAIN!r}"
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Stadsdelsnätverken i Gävle <noreply@example.se>")
SERVER_EMAIL = env.str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# ---- Security: behind a TLS-terminating proxy that sets X-Forwarded-Proto ----
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        # Voices' videos from MEDIA_URL (this site, or the object store); their caption
        # tracks always from this site (voices/views.py), since a track from another
        # origin would need CORS.
        "media-src": [SELF, *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# ---- Logging: to stderr, where the service manager collects it ----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain"}},
    # A 503 for a database or store that is down: one warning line, not a traceback per request.
    "filters": {"quiet_unavailable": {"()": "core.unavailable.QuietUnavailableFilter"}},
    "root": {"handlers": ["stderr"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {
            "handlers": ["stderr"],
            "level": "ERROR",
            "propagate": False,
            "filters": ["quiet_unavailable"],
        },
        # WeasyPrint logs each step of every decision letter it renders at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# ---- Accounts (django-allauth) ----
AUTH_USER_MODEL = "members.User"
# Django's validators, in the site's words (core/form_messages.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "core.form_messages.UserAttributeSimilarityValidator"},
    {"NAME": "core.form_messages.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "core.form_messages.CommonPasswordValidator"},
    {"NAME": "core.form_messages.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:my-pages"
ACCOUNT_LOGIN_METHODS = {"email"}
# Sign-up asks for the e-mail address and a name (members.account_forms.SignupForm), no
# password: a code sent to the address proves it and logs the new user in at once. A
# password can be set later under Mina sidor; logging in by code always works.
# "password1" stays listed (optional) only because allauth drops the password field from
# the LOGIN form when sign-up has none, and staff and older accounts log in with one; the
# sign-up form removes the field itself.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Signing up with an address that already has an account logs nobody in; allauth mails the
# owner instead (account_already_exists), which PREVENT_ENUMERATION below requires anyway.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "networks:home"
ACCOUNT_FORMS = {
    "signup": "members.account_forms.SignupForm",
    # Counts its limits in the database while the cache is down (core/ratelimits.py).
    "request_login_code": "members.account_forms.RequestLoginCodeForm",
    # Two passwords that differ, in the site's words.
    "change_password": "members.account_forms.ChangePasswordForm",
    "set_password": "members.account_forms.SetPasswordForm",
    "reset_password_from_key": "members.account_forms.ResetPasswordKeyForm",
}
# allauth's mail (verification, login codes, password reset) goes through the site's outbox.
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
# Every mail's subject starts with MAIL_SUBJECT_PREFIX, added by core.mail for all mail alike;
# allauth's own prefix is off so that its mails do not get it twice.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's default rate limits (ACCOUNT_RATE_LIMITS) stay on; they use the cache above.
# While it is unreachable they fail open (logging in goes on), except for the forms that
# mail an address typed into them (a login code, sign-up, a password reset, the e-mail
# page): those count the same limits in the database then (core/ratelimits.py), so
# logging in by code goes on too.
# Reverse proxies in front of the app that append to X-Forwarded-For: allauth takes the
# client's address from that header only with this set (1 behind one nginx). 0 ignores the
# header, so behind a proxy every client would share the proxy's rate limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "members.adapter.MfaAdapter"  # Its messages in the site's words.
MFA_TOTP_ISSUER = "Stadsdelsnätverken i Gävle"
# Staff must have two-factor (TOTP) before they reach the admin.
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", not DEBUG)

# ---- Members and the Börs: limits per user ----
# Invitations to represent an actor expire after this many days.
MEMBERS_INVITATION_DAYS = env.int("MEMBERS_INVITATION_DAYS", 14)
# Messages a logged-in user (or an address without an account) may send to actors through the portal per hour.
MEMBERS_MESSAGES_PER_HOUR = env.int("MEMBERS_MESSAGES_PER_HOUR", 5)
# Someone without an account writes after a code mailed to their address (members/guest.py):
# their messages count against MEMBERS_MESSAGES_PER_HOUR per address; the code mails are
# limited per address (which protects the owner of a typed-in address) and per client IP
# address, per hour, counted in the database.
MEMBERS_GUEST_CODES_PER_ADDRESS_PER_HOUR = env.int("MEMBERS_GUEST_CODES_PER_ADDRESS_PER_HOUR", 10)
MEMBERS_GUEST_CODES_PER_IP_PER_HOUR = env.int("MEMBERS_GUEST_CODES_PER_IP_PER_HOUR", 30)
# Invitations one user may send, and actors one user may create, per 24 hours. Counted
# in the database, so the limits hold when the cache (Redis) is down.
MEMBERS_INVITATIONS_PER_DAY = env.int("MEMBERS_INVITATIONS_PER_DAY", 20)
MEMBERS_ACTORS_PER_DAY = env.int("MEMBERS_ACTORS_PER_DAY", 5)
# Börs listings one account may post per 24 hours, counted in the database like the two
# above (borsen.services.listing_create). A poster gets at most one match mail a day (borsen.match_mail).
BORSEN_LISTINGS_PER_DAY = 10
# Questions one account may raise per 24 hours ("Lyft en fråga"), counted in the database
# like the ones above (dialog.services.question_create).
DIALOG_QUESTIONS_PER_DAY = 3

# ---- Speed: anonymous page cache, query counting (issue 6) ----
# Whole public pages are cached for visitors without a session (core/cache.py), in the
# default cache above: with REDIS_URL set every app server shares the pages and the content
# version that invalidates them. allauth keeps its rate limits in that same default cache,
# so they are shared too; so are sessions, read through it (SESSION_ENGINE above).
# Seconds a page stays cached; 0 turns the cache off (as natverk/settings_test.py does).
ANON_CACHE_SECONDS = env.int("ANON_CACHE_SECONDS", 300)
# Exact paths and path prefixes that may be cached; the same under /en/, /fi/ and /ar/.
ANON_CACHE_PATHS = ["/", "/sitemap.xml"]
ANON_CACHE_PREFIXES = [
    "/natverk/",
    "/aktorer/",
    "/moten/",
    "/nyheter/",
    "/om/",
    "/tillganglighet/",
    "/personuppgifter/",
    "/lattlast/",
    "/bidrag/beviljade/",
    # Nothing per visitor on the list, a listing or the feed (answering needs a login).
    "/borsen/",
    # "Lyft en fråga": the list, a question and the feeds; "Jag med" is a form for
    # logged-in visitors only, who are never served from the cache.
    "/fragor/",
    # Results depend on the query string (part of the key) and on rows of the models
    # below only; the same for every anonymous visitor (sok/search.py).
    "/sok/",
]
# A save, delete or many-to-many change of a row of these models makes every cached page
# stale: the rows public pages show, nothing else (a draft, an outbox row, an invitation or
# a session empties no cache). A model may narrow it per row with shows_on_public_pages().
# An allow-list, so that a new model empties nobody's cache until it is added here.
ANON_CACHE_MODELS = [
    "networks.Network",
    "networks.Network_coordinators",  # Names of the coordinators on the network pages.
    "networks.WorkingGroup",
    "networks.Area",  # "Var bor du?" (/natverk/hitta/) and the network pages.
    "networks.Post",
    "members.User",  # Only coordinators (their names), and not for a login or new password.
    "members.Actor",
    "members.Membership",
    "meetings.Meeting",
    "meetings.Registration",  # Seats left.
    "grants.Pot",
    "grants.Application",  # Only granted ones (/bidrag/beviljade/).
    "grants.Application_networks",
    "grants.CoApplicant",
    "grants.FollowUpReport",
    "borsen.Listing",
    "borsen.Listing_networks",
    "dialog.Theme",
    "dialog.Question",
    "dialog.Support",  # The "Jag med" counts on the list and a question's page.
    "dialog.QuestionEvent",
    "voices.Voice",  # Every save: unpublishing or a withdrawn consent must vanish at once.
]
# Adds X-DB-Queries (the number of SQL queries) to every response; for `make bench`.
QUERY_COUNT_HEADER = env.bool("QUERY_COUNT_HEADER", False)

"""Relais settings: one module, every value from the environment with a safe default.

Embedded defaults (no environment): SQLite file, Celery tasks run in-process,
e-mail to the console. Production: DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY.
"""

import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
import plotly
from celery.schedules import crontab
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core --------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
# The test suite runs under pytest; it gets a throwaway key and fast hashing.
TESTING = env_bool("RELAIS_TESTING", False) or "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # manage.py sets RELAIS_KEYLESS_COMMAND for commands that only read the code (makemigrations…).
    if DEBUG or TESTING or env_bool("RELAIS_KEYLESS_COMMAND", False):
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_DEBUG is off (set DJANGO_DEBUG=1 for local development)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Public base URL of this Relais instance: pseudonymous xAPI actors
# (account.homePage) and activity IRIs are built from it, so it must stay stable.
RELAIS_BASE_URL = os.environ.get("RELAIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Base of the competency IRIs carried in statements. Instances that exchange
# statements should share it so that evidence from one counts in the other.
RELAIS_COMPETENCY_BASE_IRI = os.environ.get("RELAIS_COMPETENCY_BASE_IRI", RELAIS_BASE_URL + "/competencies").rstrip("/")
# The one name under which this instance issues badges and certificates (competencies/issuer.py).
RELAIS_ISSUER_NAME = os.environ.get("RELAIS_ISSUER_NAME", "Relais")
# Managers never see a group smaller than this.
RELAIS_MIN_GROUP_SIZE = int(os.environ.get("RELAIS_MIN_GROUP_SIZE", "5"))
# The follow-up questionnaire's e-mailed link works this many days; completions older than the course's
# delay plus RELAIS_FOLLOW_UP_WINDOW_WEEKS are not asked any more (e.g. those before the feature existed).
RELAIS_FOLLOW_UP_LINK_DAYS = int(os.environ.get("RELAIS_FOLLOW_UP_LINK_DAYS", "60"))
RELAIS_FOLLOW_UP_WINDOW_WEEKS = int(os.environ.get("RELAIS_FOLLOW_UP_WINDOW_WEEKS", "8"))

# --- LRS (/xapi) ----------------------------------------------------------------
# Browser origins whose scripts may call the LRS with the visitor's cookies (CORS with credentials),
# e.g. https://relais.example.fr; any other origin gets CORS without credentials (HTTP Basic only).
XAPI_CORS_ORIGINS = [origin.rstrip("/").lower() for origin in env_list("XAPI_CORS_ORIGINS")]
# The most statements one POST may carry; a larger batch is refused with 413.
XAPI_MAX_BATCH = int(os.environ.get("XAPI_MAX_BATCH", "1000"))
# The version (1.0.3 or 2.0.0) a response speaks when its request names none that the LRS speaks
# (/about without X-Experience-API-Version, the 400 for a missing or unsupported one): the newest by
# default; an LRS whose clients are all 1.0.3 may prefer 1.0.3.
XAPI_DEFAULT_VERSION = os.environ.get("XAPI_DEFAULT_VERSION", "2.0.0")
if XAPI_DEFAULT_VERSION not in {"1.0.3", "2.0.0"}:
    raise ImproperlyConfigured("XAPI_DEFAULT_VERSION must be 1.0.3 or 2.0.0.")
# bench/lrs.py only: routes a trivial view at /bench/ping, the yardstick of the framework's own cost.
RELAIS_BENCH_PING = env_bool("RELAIS_BENCH_PING", False)
# Batches in flight at once per forwarding target, from one delivery task (xapi.forwarding.delivery).
XAPI_FORWARDING_CONCURRENCY = int(os.environ.get("XAPI_FORWARDING_CONCURRENCY", "4"))
# Failed HTTP Basic logins allowed (count, seconds) before 429, per client key and per address,
# as allauth's "login_failed" defaults for the site's logins.
XAPI_LOGIN_FAILURES_PER_KEY = (5, 300)
XAPI_LOGIN_FAILURES_PER_ADDRESS = (10, 60)

# --- Applications -------------------------------------------------------------

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "widget_tweaks",
    "dsfr",
    "csp",
]
LOCAL_APPS = [
    "lms",
    "xapi",
    "xapi.forwarding",
    "competencies",
    "frameworks",
    "evidence",
    "ambassadors",
    "maps",
    "evaluation",
    "courses",
    "questionnaires",
    "themes",
]
# themes first among local apps for template overrides (allauth, wagtail), then the rest.
INSTALLED_APPS = ["themes"] + DJANGO_APPS + THIRD_PARTY_APPS + [a for a in LOCAL_APPS if a != "themes"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files (among them the demo cmi5 content) carry no page policy.
    "lms.content_security.RelaisCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.sso.middleware.SchoolRequiredMiddleware",
    "lms.sso.middleware.PasswordSignInOffMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"
ASGI_APPLICATION = "lms.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with no SELECT 1 health check for a connection in steady use (lms/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "lms.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # A file, not memory, so that a live server, a worker or a second process
    # in the tests sees the same test database; one per test run.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"relais-test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------

AUTH_USER_MODEL = "lms.User"
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
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# "mandatory", "optional" or "none".
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

# --- Single sign-on: ProConnect and the académies' OpenID Connect providers (README) ---

from lms.sso.config import oidc_apps_from_env, oidc_origins  # noqa: E402  (reads the environment only)

# Each role lands where its work is (a `next` still wins: lms/login_redirect.py); logout ends the provider's
# session too.
ACCOUNT_ADAPTER = "lms.sso.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "lms.sso.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "lms.sso.provider.RelaisOpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": oidc_apps_from_env(os.environ),
    }
}
# For a Content-Security-Policy: `form-action` must allow these (sign-in and logout redirect there).
RELAIS_OIDC_ORIGINS = oidc_origins(SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"])
SOCIALACCOUNT_AUTO_SIGNUP = True
# A provider's verified address signs in to the account that holds it, and links the two for next time.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("RELAIS_OIDC_TIMEOUT", "10"))
# RELAIS_SSO_ONLY=1: no e-mail/password sign-in, sign-up or password reset (hidden and refused).
SOCIALACCOUNT_ONLY = env_bool("RELAIS_SSO_ONLY", False)
if SOCIALACCOUNT_ONLY:
    ACCOUNT_EMAIL_VERIFICATION = "none"
    # The Wagtail admin sends people who are not signed in to the providers' buttons.
    WAGTAILADMIN_LOGIN_URL = "account_login"
    WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# plotly.js is served from the plotly package itself (no CDN: the site works offline).
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).resolve().parent / "package_data")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Relais <ne-pas-repondre@relais.localhost>")

# --- Celery -----------------------------------------------------------------------

# A cache shared by every process (Redis) when CACHE_URL is set; otherwise one per process.
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
    }

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker, tasks run in-process, right away: the embedded default (debug, tests). In production
# that would silently run every task inside web requests, so it must be asked for by name.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    eager_asked = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
    if not (DEBUG or TESTING or eager_asked or env_bool("RELAIS_KEYLESS_COMMAND", False)):
        raise ImproperlyConfigured(
            "CELERY_BROKER_URL must be set when DJANGO_DEBUG is off "
            "(or set CELERY_TASK_ALWAYS_EAGER=1 to run tasks inside web requests)."
        )
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Evidence ages: levels are recomputed for the new day.
    "competencies-levels-refresh": {"task": "competencies.levels_refresh", "schedule": crontab(hour=2, minute=30)},
    "competencies-ambassadors": {"task": "competencies.ambassadors_propose", "schedule": crontab(hour=3, minute=30)},
    # Maps' aggregates of schools still marked after their batches' refresh (maps.stats_queue).
    # The evaluation's indicators (funnels, item analysis, effect on levels), after the levels' refresh.
    "evaluation-refresh": {"task": "evaluation.refresh", "schedule": crontab(hour=4, minute=15)},
    "competencies-stats-pending": {"task": "competencies.stats_refresh_pending", "schedule": 60.0},
    # Stored statements announced through Redis whose drain task was lost (xapi.announcing).
    "xapi-announce-drain": {"task": "xapi.announce_drain", "schedule": 60.0},
    # Outbox rows whose delivery task was lost (worker killed, broker down), and due retries.
    "xapi-forwarding-sweep": {"task": "xapi_forwarding.sweep", "schedule": 60.0},
    # Each pull source has its own interval; this only looks for the ones that are due.
    "xapi-forwarding-pull": {"task": "xapi_forwarding.pull_due", "schedule": 60.0},
    # cmi5 sessions left open past their lifetime: token dead, `abandoned` recorded.
    "courses-cmi5-launches-expire": {"task": "courses.cmi5_launches_expire", "schedule": 900.0},
    # Reminders 48 hours before each session (each sent once).
    "courses-session-reminders": {"task": "courses.session_reminders_send", "schedule": crontab(minute=5)},
    # The follow-up questionnaire, some weeks after each course completion (each sent once).
    "courses-follow-ups": {"task": "courses.follow_ups_send", "schedule": crontab(hour=9, minute=15)},
}

# --- Wagtail ------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Relais"
WAGTAILADMIN_BASE_URL = RELAIS_BASE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The admin asks no third party anything: no avatars from gravatar.com (an e-mail hash per user), no
# release check; the admin's Content-Security-Policy would refuse both anyway.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Documents, and the videos trainers upload for the video block (with a transcript).
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "key",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
    "odp",
    "ods",
    "mp4",
    "webm",
    "ogv",
]

# --- Security -------------------------------------------------------------------------

# Production (debug off, outside the tests) is HTTPS only unless told otherwise; each can be turned off.
PRODUCTION = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Sent on HTTPS responses only. One year by default; 0 turns HSTS off (e.g. while trying HTTPS out).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Nothing of Relais is framed by another page; Wagtail's preview overrides this for its own iframe.
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles from this site or carrying the request's nonce,
# nothing inline otherwise. The Wagtail admin gets its own, looser policy (lms/content_security.py).
PLOTLY_EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
PLOTLY_IMAGE_RENDERING_STYLE = "'sha256-AR/cKIZjWPcPmBUPDA6oti9XBiTbJvz0Cro2J1VzzS8='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        # plotly.js puts its rules into an empty <style> through the CSSOM: the empty element's hash allows
        # that element only. It also writes two fixed style attributes (colour bars, heatmap images);
        # their hashes allow those values only. tests/maps/test_plotly_csp.py checks them.
        "style-src": [CSP_SELF, CSP_NONCE, PLOTLY_EMPTY_STYLE],
        "style-src-attr": ["'unsafe-hashes'", PLOTLY_EMPTY_STYLE, PLOTLY_IMAGE_RENDERING_STYLE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "media-src": [CSP_SELF],
        # Trainers embed videos from any host (Canopé, PeerTube instances…): HTTPS only unless narrowed.
        "frame-src": [CSP_SELF, *env_list("CSP_FRAME_SRC", "https:")],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        # cmi5 launches redirect the form's POST to the content's own host; SSO sign-in and logout
        # redirect to the OpenID Connect providers (listed too, for a provider on plain HTTP).
        "form-action": [CSP_SELF, "https:", *RELAIS_OIDC_ORIGINS],
        "frame-ancestors": [CSP_NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail's background tasks and in-process Celery tasks would log every page save and statement.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

"""BT-portalen settings: one module, driven by environment variables.

Development defaults are safe to run on a laptop (DEBUG on, SQLite). Production sets at least
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; the app refuses to start with DEBUG off
and the development key.
"""

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from accounts.sso_settings import socialaccount_providers
from btportal import release
from btportal.env import env_bool, env_int, env_list, env_str, storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a real secret when DEBUG is off.")

# True under pytest: tests serve static files through the finders, without a manifest.
TESTING = "pytest" in sys.modules

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on through the regions' identity providers (accounts/sso.py).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    # BT-portalen, in layer order (docs/architecture.md). `core` comes before django_tasks_db so that its
    # `db_worker` (the library's worker plus recovery of jobs whose worker died) takes the command's name.
    "core",
    # Background jobs: Django 6's task API (backported) with its database backend.
    "django_tasks",
    "django_tasks_db",
    "btportal",
    "accounts",
    "organisations",
    "goals",
    "trainees",
    "assessments",
    "portfolio",
    "notifications",
    "scheduling",
    "intake",
    "certificates",
    "quality",
    "reports",
    "api",
    "demo",
    # django-ninja: its templates and static files (the interactive API docs, served locally).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy, Permissions-Policy and Cache-Control: no-store on everything dynamic.
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL character anywhere in a request is a 400, never a database error (core/middleware.py).
    "core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff use the app only after a second factor (accounts/middleware.py; settings MFA_REQUIRED_FOR_STAFF).
    "accounts.middleware.StaffSecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "btportal.urls"
WSGI_APPLICATION = "btportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "btportal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "btportal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A persistent connection is checked (a cheap round trip) before a request reuses it, so after the
        # database restarts (a failover, maintenance) the first request of each process opens a new one
        # instead of failing on the dead one: the app recovers without a restart (bench/RESULTS.md, "Faults").
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and env_bool("SQLITE_IMMEDIATE", True):
    # SQLite (a laptop, the demo): a writing transaction takes the write lock when it begins (IMMEDIATE), so
    # two simultaneous writers (two PIN signings) queue for up to `timeout` seconds instead of one failing
    # with "database is locked" when it upgrades its read lock; WAL lets readers go on while one writes.
    # SQLITE_IMMEDIATE=0 turns it off (the old deferred transactions; btportal/tests/test_bad_input.py
    # shows what fails then).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The running code's fingerprint (or BTPORTAL_RELEASE): the key prefix of the pages kept rendered.
RELEASE = release.current(BASE_DIR)

# The cache holds login rate-limit counters; a database cache keeps them shared between app
# processes so that two gunicorn workers behave as one.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "btportal_cache",
    },
    # The background workers' heartbeats (core.jobs): a table of their own, so that culling the
    # rate-limit counters never drops a live worker's heartbeat.
    "jobs": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "btportal_jobs",
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
    # Rendered parts of pages kept per person under a key that changes with what they show (the home's role
    # sections: btportal/home.py; the cohort pages and the region timeline: trainees/caching.py), prefixed
    # with the release (btportal/release.py), so that no page drawn by an earlier release is shown.
    # Shared by every app process, so a change seen on one server is seen on all. An entry never changes under
    # its key, so each process also keeps its recent entries in memory (core/cache.py): a kept page served
    # from there reads nothing from the database.
    "fragments": {
        "BACKEND": "core.cache.KeptDatabaseCache",
        "LOCATION": "btportal_fragments",
        "KEY_PREFIX": RELEASE,
        "TIMEOUT": 86400,
        "OPTIONS": {"MAX_ENTRIES": 100000, "CULL_FREQUENCY": 4},
    },
}

# Background jobs (core/jobs.py): tasks stored in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job whose worker has not been heard from for JOB_TIMEOUT seconds (killed, out of
# memory, machine gone) is given to another worker; after JOB_MAX_ATTEMPTS such attempts it fails.
JOB_TIMEOUT = env_int("JOB_TIMEOUT", 300)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
# Dashboard exports of more rows than this are made as a background job (reports.tasks) and downloaded
# from the exports page when ready; smaller ones download at once.
REPORTS_INLINE_EXPORT_ROWS = env_int("REPORTS_INLINE_EXPORT_ROWS", 1000)
# The cohort dashboard's table and charts are kept rendered under a key that changes with every audited
# change of a member's record (trainees.caching); what is not a record (a unit's name) shows after at most this.
COHORT_PAGE_SECONDS = env_int("COHORT_PAGE_SECONDS", 3600)
# The national statistics (every region's figures, suppression checked by linear programming: about a
# second at national scale) are kept this long in the cache; 0 computes them at every request.
REPORTS_STATISTICS_CACHE_SECONDS = env_int("REPORTS_STATISTICS_CACHE_SECONDS", 0 if TESTING else 300)
# Quality reviews: evaluation and survey results are shown only over at least this many answers (quality/anonymity.py).
QUALITY_MIN_ANSWERS = max(env_int("QUALITY_MIN_ANSWERS", 5), 2)
if JOB_TIMEOUT < 1 or JOB_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("JOB_TIMEOUT and JOB_MAX_ATTEMPTS must be at least 1.")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Tests create many users; a fast hasher keeps the suite quick (never used outside tests).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email login, no self sign-up (accounts are created by the BT office), TOTP MFA.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    # Failed logins: per client address and per account (email).
    "login_failed": env_str("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
# Second factors: TOTP (an authenticator app) and passkeys / security keys (WebAuthn), with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "BT-portalen"
# WebAuthn needs https; the development server is plain http on localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Staff (kansli, studierektor, verksamhetschef, admin) must enrol and use a second factor — or log in through
# the region's identity provider — before using the app (accounts/middleware.py). On in production; the demo
# and the tests turn it on where they need it.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", not DEBUG)
# Signing Bilaga 3, the final assessment and issuing ask the person to prove who they are again when their
# last login or re-authentication is older than this many seconds (0: never; accounts.strong_auth).
SIGNING_REAUTHENTICATION_SECONDS = env_int("SIGNING_REAUTHENTICATION_SECONDS", 0 if DEBUG else 300)
ACCOUNT_REAUTHENTICATION_TIMEOUT = SIGNING_REAUTHENTICATION_SECONDS or 300

# Single sign-on through the regions' identity providers (SAML 2.0, OpenID Connect): allauth's providers,
# configured in the file SSO_PROVIDERS_FILE (README) and/or in the admin (Social applications). A person is
# matched to their account by personnummer or HSA-id, never by email, and no account is ever created.
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(env_str("SSO_PROVIDERS_FILE", ""))
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# Off: staff (kansli, studierektor, verksamhetschef, admin) may log in only through an identity provider.
STAFF_PASSWORD_LOGIN = env_bool("STAFF_PASSWORD_LOGIN", True)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm (node_modules) and are served locally: no CDN.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
]
STORAGES = {
    # Uploaded evidence, issued documents and exports: local disk, or an S3-compatible object
    # store with STORAGE_URL=s3://bucket/prefix?endpoint_url=… (docs/operations.md).
    "default": storage_from_url(env_str("STORAGE_URL", "")),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Portfolio evidence files: size limit and allowed types (file extensions; the content is
# also sniffed, see portfolio.evidence). Files are served only through a permission-checked view.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_ALLOWED_TYPES = env_list("EVIDENCE_ALLOWED_TYPES", ["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "odt", "txt"])

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BT-portalen <noreply@btportal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Assessment requests (a one-time link/QR code to the assessor): days until a link expires, and
# wrong PINs after which the request is locked until the trainee re-sends it.
ASSESSMENT_REQUEST_DAYS = env_int("ASSESSMENT_REQUEST_DAYS", 14)
ASSESSMENT_PIN_MAX_FAILURES = env_int("ASSESSMENT_PIN_MAX_FAILURES", 5)

# Behind the installation's TLS proxy (load balancer): the client's address is the last one the proxy added
# to X-Forwarded-For (TRUSTED_PROXY_COUNT proxies of ours in front), for login throttling and the login log;
# without it the header is ignored, since anyone can send it.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1) if BEHIND_TLS_PROXY else 0

# Content-Security-Policy of every page (core.middleware.SecurityHeadersMiddleware): our own static files only,
# no inline script or style (positions come as data attributes, set by btportal/positions.js), data: images
# for Bootstrap's form icons and the QR codes, no framing. Permissions-Policy: no device features.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
)
PERMISSIONS_POLICY = env_str(
    "PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "publickey-credentials-get=(self), publickey-credentials-create=(self)",
)

# Security. Production (DEBUG off) gets the strict settings that `check --deploy` asks for.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# The REST API (api/): page sizes of lists.
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200
# The portable record (api/record): the largest archive an import accepts (also when unpacked).
RECORD_MAX_BYTES = env_int("RECORD_MAX_BYTES", 500 * 1024 * 1024)

# Certificates: the directory holding Socialstyrelsen's blank official forms (HSLF-FS 2021:8
# bilaga 1–4, fillable PDF). Empty: only the system's own PDFs are produced.
_DEFAULT_FORMS_DIR = BASE_DIR.parent / "shared" / "forms"
OFFICIAL_FORMS_DIR = env_str("OFFICIAL_FORMS_DIR", str(_DEFAULT_FORMS_DIR) if _DEFAULT_FORMS_DIR.is_dir() else "")

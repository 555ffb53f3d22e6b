"""A stand-in for a region's OpenID Connect identity provider, for the tests only.

A separate small Django project (django-oauth-toolkit's OIDC provider), run by `serve.py` in a subprocess on
loopback, with its own SQLite file and an RSA key made by the test. Who may log in, and with which claims
(personnummer, HSA-id, acr), is read from the JSON file IDP_CONFIG_FILE at every request, so a test can
change it while the provider runs.
"""

import os
from pathlib import Path

SECRET_KEY = "test-identity-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "accounts.tests.idp.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["IDP_DB"]}}
# A session cookie of its own: the provider and BT-portalen both run on loopback.
SESSION_COOKIE_NAME = "test_idp_session"
LOGIN_URL = "/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(os.environ["IDP_RSA_KEY_FILE"]).read_text(encoding="utf-8"),
    "OIDC_ISS_ENDPOINT": os.environ["IDP_ISSUER"],
    "SCOPES": {"openid": "OpenID Connect", "profile": "Profile"},
    "OAUTH2_VALIDATOR_CLASS": "accounts.tests.idp.validator.Validator",
    "PKCE_REQUIRED": True,
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}

"""Small typed helpers to read settings from the environment.

They fail loudly on malformed values instead of silently falling back, so a typo in a
production environment file stops the app at start-up rather than running insecurely.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def storage_from_url(url: str) -> dict:
    """The default file storage (uploaded evidence, issued documents, exports) from `STORAGE_URL`.

    * empty or `file:` → the local disk under MEDIA_ROOT (`file:///srv/media` also sets the directory);
    * `s3://BUCKET/PREFIX?endpoint_url=https://s3.example.se&region_name=eu-north-1&addressing_style=path`
      → an S3-compatible object store (django-storages). The keys come from the usual
      `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` variables (or the machine's role), never the URL.

    Files are private either way: no public ACL, and they are only served through the app's
    permission-checked views (which read them through the storage API)."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    if not url or parts.scheme == "file":
        options = {"location": parts.path} if parts.path else {}
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": options}
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(f"STORAGE_URL must be empty, file:///path or s3://bucket[/prefix][?…], not {url!r}")
    known = {"endpoint_url", "region_name", "addressing_style", "signature_version", "verify"}
    query = dict(parse_qsl(parts.query))
    unknown = set(query) - known
    if unknown:
        raise ImproperlyConfigured(f"STORAGE_URL: unknown option(s) {', '.join(sorted(unknown))}")
    if "verify" in query:
        query["verify"] = query["verify"].lower() not in ("0", "false", "no")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": parts.netloc,
            "location": parts.path.strip("/"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            **query,
        },
    }

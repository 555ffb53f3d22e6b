"""The identity providers configured in a file (`SSO_PROVIDERS_FILE`), turned into allauth's settings.

Read by btportal/settings.py at start-up, so it imports nothing that needs the apps loaded. A mistake in the
file stops the app with a message naming the provider and the key, rather than leaving a login button that
fails later. The format is documented in the README ("Logging in through the region's identity provider").
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

#: The block of an identity provider's allauth settings that holds BT-portalen's part (accounts/sso.py).
BT_KEY = "btportal"
SAML_PROVIDER_CLASS = "accounts.sso_providers.SAMLProvider"
_PROTOCOLS = {"oidc": "openid_connect", "openid_connect": "openid_connect", "saml": "saml"}
_BT_KEYS = ("region", "personnummer", "hsa_id", "assurance", "required_assurance", "accepted_assurance", "contact")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def socialaccount_providers(path: str) -> dict:
    """allauth's SOCIALACCOUNT_PROVIDERS for the providers in the file at `path` (none when `path` is empty)."""
    result = {
        "openid_connect": {"APPS": []},
        # allauth's SAML provider with the assertion's level of assurance passed on (accounts/sso_providers.py).
        "saml": {"provider_class": SAML_PROVIDER_CLASS, "APPS": []},
    }
    if not path:
        return result
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"SSO_PROVIDERS_FILE {path}: {error}") from None
    entries = data.get("providers") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ImproperlyConfigured(
            f"SSO_PROVIDERS_FILE {path}: expected a list of providers (or {{'providers': [...]}})"
        )
    seen = set()
    for index, entry in enumerate(entries):
        protocol, app = _app(entry, f"SSO_PROVIDERS_FILE {path}, provider {index + 1}")
        key = app.get("provider_id") or app["client_id"]
        if key in seen:
            raise ImproperlyConfigured(f"SSO_PROVIDERS_FILE {path}: the id {key!r} is used twice")
        seen.add(key)
        result[protocol]["APPS"].append(app)
    return result


def _app(entry, where: str) -> tuple[str, dict]:
    if not isinstance(entry, dict):
        raise ImproperlyConfigured(f"{where}: expected an object")
    protocol = _PROTOCOLS.get(str(entry.get("protocol", "")).lower())
    if protocol is None:
        raise ImproperlyConfigured(f"{where}: 'protocol' must be 'oidc' or 'saml'")
    ident = str(entry.get("id", ""))
    if not _ID.match(ident):
        raise ImproperlyConfigured(f"{where}: 'id' must be 1–40 lowercase letters, digits, '-' or '_' (it is in URLs)")
    where = f"{where} ({ident})"
    name = _required(entry, "name", where)
    settings = dict(entry.get("allauth") or {})
    settings[BT_KEY] = {key: entry[key] for key in _BT_KEYS if key in entry}
    accepted = settings[BT_KEY].get("accepted_assurance", [])
    if not isinstance(accepted, list):
        raise ImproperlyConfigured(f"{where}: 'accepted_assurance' must be a list")

    if protocol == "openid_connect":
        settings["server_url"] = _required(entry, "server_url", where)
        if "scope" in entry:
            settings["scope"] = list(entry["scope"])
        secret = entry.get("secret", "")
        if entry.get("secret_env"):
            secret = os.environ.get(entry["secret_env"], "")
            if not secret:
                raise ImproperlyConfigured(f"{where}: the environment variable {entry['secret_env']} is empty")
        return protocol, {
            "provider_id": ident,
            "name": name,
            "client_id": _required(entry, "client_id", where),
            "secret": secret,
            "settings": settings,
        }

    idp = dict(_required(entry, "idp", where))
    if not idp.get("entity_id"):
        raise ImproperlyConfigured(f"{where}: 'idp' needs the IdP's 'entity_id'")
    if idp.get("metadata_file"):
        if not Path(idp["metadata_file"]).is_file():
            raise ImproperlyConfigured(f"{where}: the metadata file {idp['metadata_file']} does not exist")
    elif not idp.get("metadata_url"):
        if idp.get("x509cert_file"):
            idp["x509cert"] = Path(idp.pop("x509cert_file")).read_text(encoding="utf-8")
        if not (idp.get("sso_url") and idp.get("x509cert")):
            raise ImproperlyConfigured(
                f"{where}: 'idp' needs 'metadata_url', 'metadata_file', or 'sso_url' with 'x509cert' (or 'x509cert_file')"
            )
    settings["idp"] = idp
    if "sp" in entry:
        settings["sp"] = dict(entry["sp"])
    return protocol, {"name": name, "client_id": ident, "settings": settings}


def _required(entry: dict, key: str, where: str):
    value = entry.get(key)
    if not value:
        raise ImproperlyConfigured(f"{where}: '{key}' is required")
    return value

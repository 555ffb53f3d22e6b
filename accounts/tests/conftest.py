"""Identity providers for the single sign-on tests, all on loopback: an OpenID Connect provider in a subprocess
(accounts/tests/idp/, django-oauth-toolkit) and a SAML provider made of signed XML (accounts/tests/idp/saml.py)."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from accounts.sso_settings import socialaccount_providers
from accounts.tests.idp.keys import rsa_key_pem
from accounts.tests.idp.saml import SamlIdP

ROOT = Path(__file__).resolve().parents[2]
OIDC_ID = "region-oidc"
SAML_ID = "region-saml"
SP_ENTITY_ID = "https://bt.test.invalid/saml"
CONTACT = "BT-kansliet, Region Test: bt-kansliet@region.test"


class OidcIdP:
    """The running test provider: `people` (username → claims) and `redirect_uris` are written to its file."""

    client_id = "btportal-test"
    client_secret = "s3cret-for-the-test-provider-only"

    def __init__(self, directory: Path):
        self.directory = directory
        self.config_file = directory / "idp.json"
        self.people: dict[str, dict] = {}
        self.redirect_uris: list[str] = []
        self.save()
        key_file = directory / "idp-key.pem"
        key_file.write_text(rsa_key_pem(), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
        env.update(
            IDP_DB=str(directory / "idp.sqlite3"),
            IDP_RSA_KEY_FILE=str(key_file),
            IDP_CONFIG_FILE=str(self.config_file),
            IDP_CLIENT_ID=self.client_id,
            IDP_CLIENT_SECRET=self.client_secret,
        )
        self.log = (directory / "idp.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "accounts.tests.idp.serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        line = self._first_line(timeout=60)
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"the test OpenID Connect provider did not start: {line!r}; see {directory / 'idp.log'}")
        self.base_url = f"http://127.0.0.1:{int(line.split()[1])}"
        self.server_url = f"{self.base_url}/o"

    def _first_line(self, timeout: float) -> str:
        result = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return result[0].strip() if result else ""

    def save(self):
        self.config_file.write_text(
            json.dumps({"people": self.people, "redirect_uris": self.redirect_uris}), encoding="utf-8"
        )

    def person(self, username: str, **claims):
        self.people[username] = claims
        self.save()

    def allow_redirect(self, base_url: str, provider_id: str = OIDC_ID):
        uri = f"{base_url}/accounts/oidc/{provider_id}/login/callback/"
        if uri not in self.redirect_uris:
            self.redirect_uris.append(uri)
            self.save()

    def provider_entry(self, **overrides) -> dict:
        """This provider as an entry of SSO_PROVIDERS_FILE."""
        entry = {
            "protocol": "oidc",
            "id": OIDC_ID,
            "name": "Region Test",
            "region": "vgr",
            "server_url": self.server_url,
            "client_id": self.client_id,
            "secret": self.client_secret,
            "contact": CONTACT,
        }
        entry.update(overrides)
        return entry

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def oidc_idp(tmp_path_factory):
    idp = OidcIdP(tmp_path_factory.mktemp("oidc-idp"))
    idp.allow_redirect("http://testserver")
    yield idp
    idp.stop()


def configure_oidc(settings, idp: OidcIdP, tmp_path: Path, **overrides):
    """Configure BT-portalen with the test provider the way an installation does: SSO_PROVIDERS_FILE."""
    path = tmp_path / "sso-providers.json"
    path.write_text(json.dumps({"providers": [idp.provider_entry(**overrides)]}), encoding="utf-8")
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(str(path))


@pytest.fixture
def oidc(settings, oidc_idp, tmp_path):
    """BT-portalen with the test OpenID Connect provider configured (requires loa3, as the default)."""
    oidc_idp.people.clear()
    configure_oidc(settings, oidc_idp, tmp_path)
    return oidc_idp


@pytest.fixture(scope="session")
def saml_idp():
    return SamlIdP()


def configure_saml(idp: SamlIdP, sso_url: str = "https://idp.test.invalid/sso", **bt):
    """Configure BT-portalen with the test SAML provider the way the admin does: a SocialApp row."""
    from allauth.socialaccount.models import SocialApp

    return SocialApp.objects.create(
        provider="saml",
        name="Region Test (SAML)",
        client_id=SAML_ID,
        settings={
            "idp": {"entity_id": idp.entity_id, "sso_url": sso_url, "x509cert": idp.keys.cert_base64},
            "sp": {"entity_id": SP_ENTITY_ID},
            # The tests' hosts (testserver, localhost) have no dot: python3-saml refuses such addresses unless told.
            "advanced": {"allow_single_label_domains": True},
            "btportal": {"contact": CONTACT, **bt},
        },
    )


@pytest.fixture
def saml(db, saml_idp):
    """BT-portalen with the test SAML provider configured (requires loa3, as the default)."""
    saml_idp.people.clear()
    saml_idp.mode = ""
    configure_saml(saml_idp)
    return saml_idp

"""Configuring identity providers: the settings file, the admin, the safe defaults and the levels of assurance."""

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ImproperlyConfigured

from accounts import sso
from accounts.sso_settings import SAML_PROVIDER_CLASS, socialaccount_providers
from accounts.tests.conftest import ROOT
from accounts.tests.idp.keys import key_pair

LOA = "http://id.elegnamnden.se/loa/1.0/loa{}"


def write(tmp_path, providers):
    path = tmp_path / "sso.json"
    path.write_text(json.dumps(providers), encoding="utf-8")
    return str(path)


OIDC_ENTRY = {
    "protocol": "oidc",
    "id": "vgr",
    "name": "Västra Götalandsregionen",
    "region": "vgr",
    "server_url": "https://idp.vgregion.example/oidc",
    "client_id": "btportal",
    "secret_env": "TEST_SSO_SECRET",
    "personnummer": "https://id.oidc.se/claim/personalIdentityNumber",
    "contact": "bt@vgregion.example",
}
SAML_ENTRY = {
    "protocol": "saml",
    "id": "sambi-rs",
    "name": "Region Sörmland (Sambi)",
    "idp": {"entity_id": "https://idp.example/saml", "metadata_url": "https://md.example/idp.xml"},
    "required_assurance": "http://id.sambi.se/loa/loa3",
}


def test_the_file_becomes_allauths_apps(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_SSO_SECRET", "from-the-environment")
    providers = socialaccount_providers(write(tmp_path, {"providers": [OIDC_ENTRY, SAML_ENTRY]}))
    [oidc] = providers["openid_connect"]["APPS"]
    assert (oidc["provider_id"], oidc["client_id"], oidc["secret"]) == ("vgr", "btportal", "from-the-environment")
    assert oidc["settings"]["server_url"] == "https://idp.vgregion.example/oidc"
    assert oidc["settings"]["btportal"] == {
        "region": "vgr",
        "personnummer": "https://id.oidc.se/claim/personalIdentityNumber",
        "contact": "bt@vgregion.example",
    }
    [saml] = providers["saml"]["APPS"]
    assert saml["client_id"] == "sambi-rs"
    assert saml["settings"]["idp"]["metadata_url"] == "https://md.example/idp.xml"
    assert providers["saml"]["provider_class"] == SAML_PROVIDER_CLASS


def test_no_file_no_providers():
    providers = socialaccount_providers("")
    assert providers["openid_connect"]["APPS"] == [] and providers["saml"]["APPS"] == []


@pytest.mark.parametrize(
    "change,message",
    [
        ({"protocol": "ldap"}, "'protocol' must be"),
        ({"id": "Has Spaces"}, "'id' must be"),
        ({"server_url": ""}, "'server_url' is required"),
        ({"secret_env": "TEST_SSO_UNSET"}, "TEST_SSO_UNSET is empty"),
    ],
)
def test_a_mistake_in_the_file_stops_the_start(tmp_path, monkeypatch, change, message):
    monkeypatch.delenv("TEST_SSO_UNSET", raising=False)
    monkeypatch.setenv("TEST_SSO_SECRET", "x")
    with pytest.raises(ImproperlyConfigured, match=message):
        socialaccount_providers(write(tmp_path, [{**OIDC_ENTRY, **change}]))


@pytest.mark.parametrize(
    "idp,message",
    [
        ({"metadata_url": "https://md.example/x.xml"}, "entity_id"),
        ({"entity_id": "e"}, "needs 'metadata_url'"),
        ({"entity_id": "e", "metadata_file": "/nonexistent/idp.xml"}, "does not exist"),
    ],
)
def test_a_saml_provider_needs_its_idp(tmp_path, idp, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        socialaccount_providers(write(tmp_path, [{**SAML_ENTRY, "idp": idp}]))


def test_an_id_is_used_once(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_SSO_SECRET", "x")
    with pytest.raises(ImproperlyConfigured, match="used twice"):
        socialaccount_providers(write(tmp_path, [OIDC_ENTRY, OIDC_ENTRY]))


def test_the_app_refuses_to_start_with_a_broken_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["SSO_PROVIDERS_FILE"] = write(tmp_path, [{"protocol": "oidc", "id": "x", "name": "X"}])
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "'server_url' is required" in result.stderr


# -- levels of assurance --------------------------------------------------------------------------------


def idp(**conf):
    return sso.IdentityProvider.of(
        SimpleNamespace(provider="saml", provider_id="", client_id="x", name="X", settings={"btportal": conf})
    )


def test_loa3_is_required_unless_the_installation_says_otherwise():
    assert idp().required_assurance == sso.LOA3
    assert idp().accepted_levels() == {LOA.format(3), LOA.format(4)}


def test_a_required_level_accepts_the_higher_levels_of_its_own_scheme_only():
    sambi = idp(required_assurance="http://id.sambi.se/loa/loa2")
    assert sambi.accepted_levels() == {f"http://id.sambi.se/loa/loa{n}" for n in (2, 3, 4)}
    assert LOA.format(4) not in sambi.accepted_levels()


def test_levels_of_another_scheme_count_when_listed():
    conf = idp(accepted_assurance=["http://id.elegnamnden.se/loa/1.0/eidas-sub"])
    assert "http://id.elegnamnden.se/loa/1.0/eidas-sub" in conf.accepted_levels()


def test_no_required_level_accepts_any_login_but_not_as_a_second_factor():
    free = idp(required_assurance="")
    assert free.accepted_levels() == frozenset()
    assert sso.check_assurance(sso.Identity(assurance=""), free) is False
    with pytest.raises(sso.LoginRefused):
        sso.check_assurance(sso.Identity(assurance=LOA.format(2)), idp())
    assert sso.check_assurance(sso.Identity(assurance=LOA.format(3)), idp()) is True


# -- reading what the provider sent -----------------------------------------------------------------------


def sociallogin(extra_data):
    return SimpleNamespace(account=SimpleNamespace(extra_data=extra_data))


def test_the_personnummer_is_read_in_any_usual_form_and_the_hsa_id_upper_case():
    oidc = sso.IdentityProvider.of(
        SimpleNamespace(provider="openid_connect", provider_id="o", client_id="c", name="O", settings={})
    )
    data = {
        "id_token": {"personalIdentityNumber": "19811218-9876", "acr": sso.LOA3},
        "userinfo": {"employeeHsaId": "se2321000131-p1"},
    }
    identity = sso.identity_of(sociallogin(data), oidc)
    assert (identity.personnummer, identity.hsa_id, identity.assurance) == ("198112189876", "SE2321000131-P1", sso.LOA3)
    assert identity.describe() == "19811218-**** SE2321000131-P1"


def test_the_level_comes_from_the_id_token_not_the_userinfo():
    oidc = sso.IdentityProvider.of(
        SimpleNamespace(provider="openid_connect", provider_id="o", client_id="c", name="O", settings={})
    )
    data = {"id_token": {"acr": LOA.format(2)}, "userinfo": {"acr": LOA.format(4)}}
    assert sso.identity_of(sociallogin(data), oidc).assurance == LOA.format(2)


def test_a_number_that_is_no_personnummer_is_no_identity():
    saml = idp()
    identity = sso.identity_of(sociallogin({"urn:oid:1.2.752.29.4.13": ["19811218-9875"]}), saml)
    assert identity.personnummer == ""
    with pytest.raises(sso.LoginRefused) as refused:
        sso.match_user(identity)
    assert refused.value.reason == "no_identity"


# -- safe defaults ------------------------------------------------------------------------------------------


def test_oidc_gets_pkce_and_asks_for_the_required_level():
    app = sso.with_safe_defaults(SocialApp(provider="openid_connect", settings={"server_url": "https://x"}))
    assert app.settings["oauth_pkce_enabled"] is True
    assert app.settings["auth_params"] == {"acr_values": sso.LOA3}


def test_saml_requires_signed_assertions_unless_told_otherwise_explicitly():
    app = sso.with_safe_defaults(SocialApp(provider="saml", settings={"idp": {}}))
    assert app.settings["advanced"]["want_assertion_signed"] is True
    assert app.settings["advanced"]["reject_idp_initiated_sso"] is True
    original = {"idp": {}, "advanced": {"want_message_signed": True}}
    app = sso.with_safe_defaults(SocialApp(provider="saml", settings=original))
    assert app.settings["advanced"] == {
        "want_message_signed": True,
        "strict": True,
        "want_assertion_signed": True,
        "reject_idp_initiated_sso": True,
    }
    assert original == {"idp": {}, "advanced": {"want_message_signed": True}}  # the settings are not changed


@pytest.mark.django_db
def test_a_saml_metadata_file_is_read(tmp_path, rf, settings):
    settings.ALLOWED_HOSTS = ["bt.example.se"]
    from allauth.socialaccount.providers.saml.utils import build_saml_config

    keys = key_pair("metadata-test")
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text(
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.region.example/saml">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{keys.cert_base64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        'Location="https://idp.region.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>',
        encoding="utf-8",
    )
    entry = {**SAML_ENTRY, "idp": {"entity_id": "https://idp.region.example/saml", "metadata_file": str(metadata)}}
    [conf] = socialaccount_providers(write(tmp_path, [entry]))["saml"]["APPS"]
    app = sso.with_safe_defaults(SocialApp(provider="saml", client_id=conf["client_id"], settings=conf["settings"]))
    config = build_saml_config(rf.get("/", HTTP_HOST="bt.example.se"), app.settings, app.client_id)
    assert config["idp"]["entityId"] == "https://idp.region.example/saml"
    assert config["idp"]["singleSignOnService"]["url"] == "https://idp.region.example/sso"
    assert config["idp"]["x509cert"] == keys.cert_base64


# -- the admin ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_configures_a_provider_with_bt_portalens_fields(client):
    from btportal import factories as f

    client.force_login(f.make_user("admin@example.se", role="admin"))
    response = client.get("/admin/socialaccount/socialapp/add/")
    assert response.status_code == 200
    choices = [value for value, _ in response.context["adminform"].form.fields["provider"].choices]
    assert choices == ["openid_connect", "saml"]
    response = client.post(
        "/admin/socialaccount/socialapp/add/",
        {
            "provider": "openid_connect",
            "provider_id": "rs",
            "name": "Region Sörmland",
            "client_id": "btportal",
            "secret": "s",
            "key": "",
            "settings": json.dumps({"server_url": "https://idp.rs.example"}),
            "bt_region": "sormland",
            "bt_personnummer": "",
            "bt_hsa_id": "hsaId",
            "bt_assurance": "",
            "bt_required_assurance": "http://id.elegnamnden.se/loa/1.0/loa3",
            "bt_accepted_assurance": "http://id.elegnamnden.se/loa/1.0/eidas-sub\n",
            "bt_contact": "BT-kansliet",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    app = SocialApp.objects.get(provider_id="rs")
    assert app.settings == {
        "server_url": "https://idp.rs.example",
        "btportal": {
            "region": "sormland",
            "hsa_id": "hsaId",
            "required_assurance": "http://id.elegnamnden.se/loa/1.0/loa3",
            "accepted_assurance": ["http://id.elegnamnden.se/loa/1.0/eidas-sub"],
            "contact": "BT-kansliet",
        },
    }
    conf = sso.IdentityProvider.of(app)
    assert (conf.id, conf.personnummer, conf.hsa_id) == ("rs", "personalIdentityNumber", "hsaId")
    # The form shows what is stored.
    form = client.get(f"/admin/socialaccount/socialapp/{app.pk}/change/").context["adminform"].form
    assert form.initial["bt_hsa_id"] == "hsaId"
    assert form.initial["bt_accepted_assurance"] == "http://id.elegnamnden.se/loa/1.0/eidas-sub"

"""Logging in through the region's identity providers with a browser, end to end on loopback.

OpenID Connect: the test provider in its subprocess (django-oauth-toolkit); SAML: the test provider in a
thread, answering with assertions signed by a key made in the test. Each test is a few page loads.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import LoginEvent, LoginRefusal
from accounts.sso import LOA3
from accounts.tests.conftest import CONTACT, SP_ENTITY_ID, configure_oidc, configure_saml
from accounts.tests.idp.saml import Person
from btportal import factories as f
from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, check_axe

pytestmark = BROWSER_MARKS

LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
OIDC_BUTTON = "Logga in med e-legitimation: Region Test"
SAML_BUTTON = "Logga in med e-legitimation: Region Test (SAML)"
#: Set BT_SCREENSHOT_DIR to keep screenshots of the login and refusal pages (phone and desktop).
SCREENSHOTS = os.environ.get("BT_SCREENSHOT_DIR", "")


@pytest.fixture(scope="session")
def saml_server(saml_idp):
    server = saml_idp.serve(audience=SP_ENTITY_ID)
    yield saml_idp
    server.shutdown()


@pytest.fixture
def idps(live_server, oidc_idp, saml_server, settings, tmp_path):
    """Both test providers configured in BT-portalen: OpenID Connect by the settings file, SAML in the database."""
    oidc_idp.people.clear()
    oidc_idp.allow_redirect(live_server.url)
    configure_oidc(settings, oidc_idp, tmp_path)
    saml_server.people.clear()
    saml_server.mode = ""
    configure_saml(saml_server, sso_url=saml_server.url)
    return oidc_idp, saml_server


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


def screenshot(page, name):
    if not SCREENSHOTS:
        return
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    for label, viewport in (("1280", {"width": 1280, "height": 800}), ("375", MOBILE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{label}.png", full_page=True)


def at_oidc_provider(page, username):
    page.get_by_role("button", name=OIDC_BUTTON, exact=True).click()
    page.get_by_label("Who are you?").fill(username)
    page.get_by_role("button", name="Identify").click()


def at_saml_provider(page, username):
    page.get_by_role("button", name=SAML_BUTTON, exact=True).click()
    page.get_by_label("Who are you?").fill(username)
    page.get_by_role("button", name="Identify").click()
    page.get_by_role("button", name="Continue to the service").click()


def expect_logged_in_then_log_out(page, user):
    expect(page.get_by_role("link", name=user.get_full_name())).to_be_visible()
    page.get_by_test_id("logout").click()
    expect(page.get_by_role("heading", name="Logga in", exact=True)).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(f"{page.url.split('/accounts/')[0]}/accounts/login/?next=/")


def test_the_login_page_offers_the_identity_providers(page, idps):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Logga in med e-legitimation")).to_be_visible()
    expect(page.get_by_role("button", name=OIDC_BUTTON, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=SAML_BUTTON, exact=True)).to_be_visible()
    check_axe(page, "(login page with identity providers)")
    screenshot(page, "login")


def test_oidc_a_registered_person_logs_in_and_out(page, idps):
    oidc, _ = idps
    pnr = f.make_personnummer()
    user = f.make_user("anna@example.se", personnummer=pnr, role="kansli", region=f.region("vgr"))
    oidc.person("anna", personalIdentityNumber=pnr, acr=LOA3)
    page.goto("/accounts/login/?next=/people/profile/")
    at_oidc_provider(page, "anna")
    expect(page).to_have_url(f"{page.url.split('/people/')[0]}/people/profile/")
    expect_logged_in_then_log_out(page, user)


def test_oidc_an_unknown_person_is_told_whom_to_contact(page, idps):
    oidc, _ = idps
    oidc.person("stranger", personalIdentityNumber=f.make_personnummer(), acr=LOA3)
    page.goto("/accounts/login/")
    at_oidc_provider(page, "stranger")
    expect(page.get_by_role("heading", name="Du finns inte registrerad i BT-portalen")).to_be_visible()
    expect(page.get_by_test_id("sso-contact")).to_have_text(CONTACT)
    check_axe(page, "(unknown person)")
    screenshot(page, "unknown-person")
    page.goto("/")
    expect(page).to_have_url(f"{page.url.split('/accounts/')[0]}/accounts/login/?next=/")


def test_oidc_a_login_below_the_required_level_is_refused(page, idps):
    oidc, _ = idps
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    oidc.person("low", personalIdentityNumber=pnr, acr=LOA2)
    page.goto("/accounts/login/")
    at_oidc_provider(page, "low")
    expect(page.get_by_role("heading", name="Inloggningen var inte tillräckligt stark")).to_be_visible()
    screenshot(page, "assurance-too-low")


def test_oidc_an_expired_id_token_is_refused(page, idps):
    oidc, _ = idps
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    oidc.person("old", personalIdentityNumber=pnr, acr=LOA3, expired=True)
    page.goto("/accounts/login/")
    at_oidc_provider(page, "old")
    expect(page.get_by_test_id("logout")).to_have_count(0)
    assert LoginEvent.objects.filter(reason=LoginRefusal.IDP_ERROR).exists()


def test_saml_a_registered_person_logs_in_and_out(page, idps):
    _, saml = idps
    pnr = f.make_personnummer()
    user = f.make_user("bo@example.se", personnummer=pnr)
    saml.people["bo"] = Person(personnummer=pnr)
    page.goto("/accounts/login/")
    at_saml_provider(page, "bo")
    expect(page).to_have_url(f"{page.url.split('/', 3)[0]}//{page.url.split('/', 3)[2]}/")
    expect_logged_in_then_log_out(page, user)


def test_saml_an_unknown_person_is_refused(page, idps):
    _, saml = idps
    saml.people["stranger"] = Person(personnummer=f.make_personnummer())
    page.goto("/accounts/login/")
    at_saml_provider(page, "stranger")
    expect(page.get_by_role("heading", name="Du finns inte registrerad i BT-portalen")).to_be_visible()


def test_saml_a_login_below_the_required_level_is_refused(page, idps):
    _, saml = idps
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    saml.people["low"] = Person(personnummer=pnr, assurance=LOA2)
    page.goto("/accounts/login/")
    at_saml_provider(page, "low")
    expect(page.get_by_role("heading", name="Inloggningen var inte tillräckligt stark")).to_be_visible()


@pytest.mark.parametrize("mode", ["tampered", "expired"])
def test_saml_an_assertion_that_cannot_be_trusted_is_refused(page, idps, mode):
    _, saml = idps
    pnr, victim = f.make_personnummer(), f.make_personnummer()
    f.make_user("mallory@example.se", personnummer=pnr)
    f.make_user("victim@example.se", personnummer=victim)
    saml.people["mallory"] = Person(personnummer=pnr)
    saml.mode, saml.tamper_to = mode, victim
    page.goto("/accounts/login/")
    at_saml_provider(page, "mallory")
    expect(page.get_by_test_id("logout")).to_have_count(0)
    event = LoginEvent.objects.order_by("-pk").first()
    assert (event.reason, event.user) == (LoginRefusal.IDP_ERROR, None)

"""Strong login for staff (issue 13, item 6): a second factor before using the app, re-authentication before
signing and issuing, and login throttling that slows an attacker without locking the owner out."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from accounts import strong_auth
from accounts.tests.totp import current_code
from btportal import factories as f

LOGIN = "/accounts/login/"
pytestmark = pytest.mark.django_db


def password_login(client, email, password=f.PASSWORD, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def code(secret):
    return current_code(secret)


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    return settings


@pytest.mark.parametrize("role", ["kansli", "studierektor", "verksamhetschef", "admin"])
def test_staff_without_a_second_factor_are_sent_to_enrol_one(client, mfa_on, role):
    f.make_user("staff@example.se", role=role, region=f.region("vgr"))
    password_login(client, "staff@example.se")
    for url in (reverse("home"), reverse("trainees:list"), "/reports/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_index"))
    assert client.get(reverse("mfa_index")).status_code == 200  # the enrolment page itself is open
    assert client.get("/api/v1/trainees").status_code == 403  # and the API of such a session is closed


def test_other_roles_are_not_asked(client, mfa_on):
    f.make_user("bt@example.se")
    password_login(client, "bt@example.se")
    assert client.get(reverse("home")).status_code == 200


def test_it_is_off_unless_configured(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    f.make_user("staff@example.se", role="kansli", region=f.region("vgr"))
    password_login(client, "staff@example.se")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # allauth announces the factor on commit
def test_enrolling_totp_lets_staff_in(client, mfa_on):
    f.make_user("staff@example.se", role="kansli", region=f.region("vgr"))
    password_login(client, "staff@example.se")
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks for the password again before enrolment
        client.post(page["Location"], {"password": f.PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": code(secret)})
    assert client.get(reverse("home")).status_code == 200


def test_an_enrolled_factor_not_used_in_this_session_is_asked_for(client, mfa_on):
    user = f.make_user("staff@example.se", role="kansli", region=f.region("vgr"))
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.force_login(user)  # e.g. a session from before the requirement
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_password_and_totp_at_login_is_enough(client, mfa_on):
    user = f.make_user("staff@example.se", role="kansli", region=f.region("vgr"))
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    password_login(client, "staff@example.se")
    client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    assert client.get(reverse("home")).status_code == 200


def test_a_login_through_the_regions_identity_provider_is_enough(client, mfa_on):
    user = f.make_user("staff@example.se", role="kansli", region=f.region("vgr"))
    client.force_login(user)
    session = client.session
    session.update(
        {
            strong_auth.METHOD_KEY: "idp",
            strong_auth.PROVIDER_KEY: "siths",
            strong_auth.ASSURANCE_KEY: "loa3",
            strong_auth.USER_KEY: user.pk,
        }
    )
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_production_settings_require_it():
    import os
    import subprocess
    import sys

    env = dict(os.environ, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="bt.example.se")
    env.pop("MFA_REQUIRED_FOR_STAFF", None)
    env.pop("SIGNING_REAUTHENTICATION_SECONDS", None)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from btportal import settings as s; print(s.MFA_REQUIRED_FOR_STAFF, s.SIGNING_REAUTHENTICATION_SECONDS)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    required, seconds = out.stdout.split()
    assert required == "True" and 0 < int(seconds) <= 900


# -- re-authentication before signing and issuing ----------------------------------------------------------


def test_signing_asks_for_reauthentication_when_the_login_is_old(client, settings, monkeypatch):
    from django.test import RequestFactory

    settings.SIGNING_REAUTHENTICATION_SECONDS = 300
    from allauth.core.exceptions import ReauthenticationRequired

    user = f.make_user("vc@example.se", role="verksamhetschef", region=f.region("vgr"))
    password_login(client, "vc@example.se")
    request = client.get(reverse("home")).wsgi_request
    strong_auth.require_recent_authentication(request)  # just logged in: fine
    later = time.time() + 301
    monkeypatch.setattr(strong_auth.time, "time", lambda: later)
    with pytest.raises(ReauthenticationRequired):
        strong_auth.require_recent_authentication(request)
    bare = RequestFactory().get("/")
    bare.user, bare.session = user, client.session
    with pytest.raises(ReauthenticationRequired):
        strong_auth.require_recent_authentication(bare)  # no login record at all (force_login)


# -- throttling ----------------------------------------------------------------------------------------------


def test_an_attacker_elsewhere_cannot_lock_out_the_owner(client):
    f.make_user("anna@example.se")
    for i in range(8):
        password_login(client, "anna@example.se", f"wrong{i}", REMOTE_ADDR="203.0.113.9")
    blocked = password_login(client, "anna@example.se", REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many failed login attempts" in blocked.content.decode()
    client.logout()
    owner = password_login(client, "anna@example.se", REMOTE_ADDR="198.51.100.7")
    assert owner.status_code == 302 and client.get(reverse("home")).status_code == 200


def test_behind_the_proxy_the_forwarded_client_address_counts(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    f.make_user("anna@example.se")
    for i in range(6):
        password_login(
            client, "anna@example.se", f"wrong{i}", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
    # Another client behind the same proxy is not blocked by the attacker's count.
    owner = password_login(client, "anna@example.se", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert owner.status_code == 302
    from accounts.models import LoginEvent

    assert LoginEvent.objects.order_by("-pk").first().ip_address == "198.51.100.7"

"""The login log, password login closed to staff, the one login page (also for the admin), and strong logins."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import RequestFactory
from django.urls import reverse

from accounts import strong_auth
from accounts.models import LoginEvent, LoginMethod, LoginOutcome, LoginRefusal
from accounts.tests.totp import current_code
from btportal import factories as f

LOGIN = "/accounts/login/"


def password_login(client, email, password=f.PASSWORD, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def last_event():
    return LoginEvent.objects.order_by("-pk").first()


@pytest.mark.django_db
def test_a_password_login_is_recorded(client):
    user = f.make_user("anna@example.se")
    password_login(client, "anna@example.se", HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3")
    event = last_event()
    assert (event.user, event.method, event.outcome, event.reason) == (
        user,
        LoginMethod.PASSWORD,
        LoginOutcome.SUCCESS,
        "",
    )
    assert (event.identifier, event.ip_address, event.user_agent) == ("anna@example.se", "10.1.2.3", "Firefox/140")
    assert strong_auth.is_strong(client.get(reverse("home")).wsgi_request) is False


@pytest.mark.django_db
def test_a_wrong_password_is_recorded_with_the_address_tried(client):
    f.make_user("anna@example.se")
    password_login(client, "anna@example.se", "wrong")
    password_login(client, "nobody@example.se", "wrong")
    events = list(LoginEvent.objects.order_by("pk").values_list("identifier", "outcome", "reason", "user"))
    assert events == [
        ("anna@example.se", LoginOutcome.REFUSED, LoginRefusal.WRONG_CREDENTIALS, None),
        ("nobody@example.se", LoginOutcome.REFUSED, LoginRefusal.WRONG_CREDENTIALS, None),
    ]


@pytest.mark.django_db
def test_rate_limited_attempts_are_recorded(client):
    f.make_user("anna@example.se")
    for i in range(6):
        password_login(client, "anna@example.se", f"wrong{i}")
    assert last_event().reason == LoginRefusal.RATE_LIMITED


@pytest.mark.django_db
def test_an_inactive_account_is_recorded(client):
    f.make_user("gone@example.se", is_active=False)
    password_login(client, "gone@example.se")
    assert (last_event().reason, last_event().identifier) == (LoginRefusal.INACTIVE, "gone@example.se")


@pytest.mark.django_db
def test_a_password_and_totp_login_is_strong(client):

    user = f.make_user("mfa@example.se")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = password_login(client, "mfa@example.se")
    assert response["Location"] == reverse("mfa_authenticate")
    assert not LoginEvent.objects.filter(outcome=LoginOutcome.SUCCESS).exists()  # not yet logged in
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    event = last_event()
    assert (event.user, event.method, event.outcome) == (user, LoginMethod.PASSWORD_MFA, LoginOutcome.SUCCESS)
    request = client.get(reverse("home")).wsgi_request
    assert strong_auth.is_strong(request)
    assert request.session[strong_auth.METHOD_KEY] == "mfa"


# -- password login switched off for staff ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["kansli", "studierektor", "verksamhetschef", "admin"])
def test_staff_are_refused_a_password_login_when_it_is_off(client, settings, role):
    settings.STAFF_PASSWORD_LOGIN = False
    user = f.make_user("staff@example.se", role=role, region=f.region("vgr"))
    response = password_login(client, "staff@example.se", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Staff log in through the region&#x27;s identity provider" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    event = last_event()
    assert (event.user, event.reason) == (user, LoginRefusal.PASSWORD_LOGIN_OFF)


@pytest.mark.django_db
def test_the_refusal_is_translated(client, settings):
    settings.STAFF_PASSWORD_LOGIN = False
    f.make_user("staff@example.se", role="kansli", region=f.region("vgr"))
    body = password_login(client, "staff@example.se", follow=True).content.decode()
    assert "Personal loggar in via regionens identitetsleverantör" in body


@pytest.mark.django_db
def test_others_keep_their_password_login_when_it_is_off_for_staff(client, settings):
    settings.STAFF_PASSWORD_LOGIN = False
    f.make_user("bt@example.se", role="bt_lakare")
    f.make_user("hl@example.se", role="handledare")
    assert password_login(client, "bt@example.se")["Location"] == reverse("home")
    client.post(reverse("account_logout"))
    assert password_login(client, "hl@example.se")["Location"] == reverse("home")


@pytest.mark.django_db
def test_staff_log_in_with_a_password_by_default(client):
    f.make_user("staff@example.se", role="kansli", region=f.region("vgr"))
    assert password_login(client, "staff@example.se")["Location"] == reverse("home")


@pytest.mark.django_db
def test_an_expired_staff_role_does_not_close_the_password_login(client, settings):
    import datetime

    settings.STAFF_PASSWORD_LOGIN = False
    user = f.make_user("former@example.se")
    f.grant(user, "kansli", region=f.region("vgr"), valid_to=datetime.date(2020, 1, 1))
    assert password_login(client, "former@example.se")["Location"] == reverse("home")


# -- one login page, also for the Django admin ------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_login_page_sends_people_to_the_one_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/"
    # The admin's own login form takes no password either.
    f.make_user("admin@example.se", role="admin")
    response = client.post("/admin/login/", {"username": "admin@example.se", "password": f.PASSWORD})
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_an_admin_is_sent_on_and_others_refused(client):
    client.force_login(f.make_user("admin@example.se", role="admin"))
    assert client.get("/admin/login/?next=/admin/accounts/").url == "/admin/accounts/"
    assert client.get("/admin/login/?next=https://evil.example/").url == "/admin/"
    client.force_login(f.make_user("bt@example.se"))
    assert client.get("/admin/login/").status_code == 403


@pytest.mark.django_db
def test_the_admin_sees_the_login_log_and_cannot_change_it(client):
    f.make_user("anna@example.se")
    password_login(client, "anna@example.se", "wrong")
    client.force_login(f.make_user("admin@example.se", role="admin"))
    response = client.get("/admin/accounts/loginevent/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "anna@example.se" in response.content.decode()
    assert "Wrong email address or password" in response.content.decode()
    event = LoginEvent.objects.get()
    assert client.get(f"/admin/accounts/loginevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/loginevent/add/").status_code == 403
    client.post(f"/admin/accounts/loginevent/{event.pk}/change/", {"identifier": "changed"})
    event.refresh_from_db()
    assert event.identifier == "anna@example.se"


# -- the login page ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_has_no_idp_buttons_without_providers(client):
    body = client.get(LOGIN).content.decode()
    assert "e-legitimation" not in body


@pytest.mark.django_db
def test_the_login_page_has_a_button_per_provider(client, saml, oidc):
    body = client.get(f"{LOGIN}?next=/people/profile/").content.decode()
    assert 'action="/accounts/saml/region-saml/login/"' in body
    assert 'action="/accounts/oidc/region-oidc/login/"' in body
    assert "Logga in med e-legitimation: Region Test" in body
    assert body.count('name="next" value="/people/profile/"') == 3  # both buttons and the password form


@pytest.mark.django_db
def test_the_login_page_says_staff_use_e_identification_when_password_login_is_off(client, saml, settings):
    settings.STAFF_PASSWORD_LOGIN = False
    assert "loggar bara in med e-legitimation" in client.get(LOGIN).content.decode()


# -- the strong-login contract -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_mark_strong_and_is_strong():
    user, other = f.make_user(), f.make_user()
    request = RequestFactory().get("/")
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request.user = user
    assert not strong_auth.is_strong(request)
    with pytest.raises(ValueError):
        strong_auth.mark_strong(request, method="idp", provider="x")  # no level: not strong
    with pytest.raises(ValueError):
        strong_auth.mark_strong(request, method="password")
    strong_auth.mark_strong(request, method="idp", provider="x", assurance="loa3")
    assert strong_auth.is_strong(request) and strong_auth.strong_method(request) == "idp"
    request.user = other  # marks of another user do not count
    assert not strong_auth.is_strong(request)
    request.user = user
    strong_auth.forget(request)
    assert not strong_auth.is_strong(request)

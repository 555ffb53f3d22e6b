import pytest
from django.core import mail
from django.urls import reverse

from btportal import factories as f


@pytest.mark.django_db
def test_it_logs_in_with_email_and_lands_on_home(client):
    f.make_user("anna@example.se", role="kansli", region=f.region("vgr"))
    response = client.post(reverse("account_login"), {"login": "anna@example.se", "password": f.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_email_login_is_case_insensitive(client):
    f.make_user("anna@example.se")
    response = client.post(reverse("account_login"), {"login": "Anna@Example.se", "password": f.PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_gives_a_clear_message(client):
    f.make_user("anna@example.se")
    response = client.post(
        reverse("account_login"), {"login": "anna@example.se", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(client):
    f.make_user("anna@example.se")
    url = reverse("account_login")
    bodies = [
        client.post(
            url, {"login": "anna@example.se", "password": f"wrong{i}"}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        for i in range(6)
    ]
    assert all("Too many failed login attempts" not in body for body in bodies[:5])
    assert "Too many failed login attempts" in bodies[5]
    # Even the right password is refused while the limit holds.
    response = client.post(url, {"login": "anna@example.se", "password": f.PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_logout_requires_post_and_ends_the_session(client):
    user = f.make_user()
    client.force_login(user)
    client.post(reverse("account_logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_an_email(client):
    f.make_user("anna@example.se")
    response = client.post(reverse("account_reset_password"), {"email": "anna@example.se"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "anna@example.se" in mail.outbox[0].to


@pytest.mark.django_db
def test_self_signup_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.se", "password1": "x-very-long-1", "password2": "x-very-long-1"},
    )
    from accounts.models import User

    assert not User.objects.filter(email="new@example.se").exists()
    assert response.status_code in (200, 403)


@pytest.mark.django_db
def test_totp_mfa_can_be_activated(client):
    from allauth.mfa.models import Authenticator

    from accounts.tests.totp import current_code

    user = f.make_user("anna@example.se")
    client.post(reverse("account_login"), {"login": "anna@example.se", "password": f.PASSWORD})
    # Security-sensitive: allauth asks for the password again before activating.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    client.post(response["Location"], {"password": f.PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@pytest.mark.django_db
def test_login_with_totp_asks_for_the_code(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = f.make_user("mfa@example.se")
    TOTP.activate(user, generate_totp_secret())
    response = client.post(reverse("account_login"), {"login": "mfa@example.se", "password": f.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not logged in until the code is given.
    assert client.get(reverse("home")).status_code == 302

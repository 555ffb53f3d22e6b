"""Logging in through the region's OpenID Connect provider (a real one on loopback: accounts/tests/idp/)."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts import strong_auth
from accounts.models import LoginEvent, LoginMethod, LoginOutcome, LoginRefusal, User
from accounts.sso import LOA3
from accounts.tests.conftest import OIDC_ID, configure_oidc
from accounts.tests.sso_flows import oidc_callback_url, oidc_login
from btportal import factories as f

LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
LOA4 = "http://id.elegnamnden.se/loa/1.0/loa4"
HSA_ID = "SE2321000131-P000000123456"


def logged_in_user(client):
    response = client.get(reverse("home"))
    return response.context["user"] if response.status_code == 200 else None


def last_event():
    return LoginEvent.objects.order_by("-pk").first()


@pytest.mark.django_db
def test_it_logs_in_the_person_with_the_personnummer_never_by_email(client, oidc):
    pnr = f.make_personnummer()
    user = f.make_user("anna@example.se", personnummer=pnr)
    f.make_user("someone.else@example.se")  # the IdP's email claim names this account: it must not matter
    oidc.person("anna", personalIdentityNumber=pnr, acr=LOA3, email="someone.else@example.se")
    response = oidc_login(client, "anna")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user(client) == user
    event = last_event()
    assert (event.user, event.method, event.outcome, event.provider, event.assurance) == (
        user,
        LoginMethod.IDP,
        LoginOutcome.SUCCESS,
        OIDC_ID,
        LOA3,
    )
    assert event.identifier == f"{pnr[:8]}-****"
    # Matched afresh at every login: no link between the IdP's account and ours is stored.
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_the_login_is_strong_and_recorded_in_the_session(client, oidc):
    pnr = f.make_personnummer()
    f.make_user("kansli@example.se", personnummer=pnr, role="kansli", region=f.region("vgr"))
    oidc.person("k", personalIdentityNumber=pnr, acr=LOA3)
    oidc_login(client, "k")
    session = client.session
    assert session[strong_auth.METHOD_KEY] == "idp"
    assert session[strong_auth.ASSURANCE_KEY] == LOA3
    assert session[strong_auth.PROVIDER_KEY] == OIDC_ID


@pytest.mark.django_db
def test_it_asks_the_provider_for_the_required_level_with_pkce(client, oidc):
    response = client.post(f"/accounts/oidc/{OIDC_ID}/login/")
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["acr_values"] == [LOA3]
    assert query["code_challenge_method"] == ["S256"]
    assert "openid" in query["scope"][0].split()


@pytest.mark.django_db
def test_it_matches_by_hsa_id_when_there_is_no_personnummer(client, oidc):
    user = f.make_user("hsa@example.se", hsa_id=HSA_ID)
    oidc.person("h", employeeHsaId=HSA_ID.lower(), acr=LOA3)
    oidc_login(client, "h")
    assert logged_in_user(client) == user


@pytest.mark.django_db
def test_an_unknown_person_is_told_whom_to_contact_and_no_account_is_made(client, oidc):
    f.make_user("someone@example.se")  # the IdP's email claim names this account: still unknown
    users = User.objects.count()
    oidc.person("x", personalIdentityNumber=f.make_personnummer(), acr=LOA3, email="someone@example.se")
    response = oidc_login(client, "x")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Du finns inte registrerad i BT-portalen" in body
    assert "Inget konto har skapats." in body
    assert "BT-kansliet, Region Test" in body and 'href="mailto:bt-kansliet@region.test"' in body
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()
    assert logged_in_user(client) is None
    event = last_event()
    assert (event.outcome, event.reason, event.user) == (LoginOutcome.REFUSED, LoginRefusal.UNKNOWN_PERSON, None)


@pytest.mark.django_db
def test_the_unknown_person_page_is_translated(client, oidc):
    oidc.person("x", personalIdentityNumber=f.make_personnummer(), acr=LOA3)
    client.cookies.load({"django_language": "en"})
    body = oidc_login(client, "x").content.decode()
    assert "You are not registered in BT-portalen" in body


@pytest.mark.django_db
def test_a_login_below_the_required_level_is_refused(client, oidc):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    oidc.person("low", personalIdentityNumber=pnr, acr=LOA2)
    response = oidc_login(client, "low")
    assert response.status_code == 403
    assert "Inloggningen var inte tillräckligt stark" in response.content.decode()
    assert logged_in_user(client) is None
    event = last_event()
    assert (event.reason, event.assurance) == (LoginRefusal.ASSURANCE_TOO_LOW, LOA2)


@pytest.mark.django_db
def test_a_login_without_a_level_is_refused(client, oidc):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    oidc.person("none", personalIdentityNumber=pnr)
    assert oidc_login(client, "none").status_code == 403
    assert last_event().reason == LoginRefusal.ASSURANCE_TOO_LOW


@pytest.mark.django_db
def test_a_higher_level_of_the_same_scheme_is_accepted(client, oidc):
    pnr = f.make_personnummer()
    user = f.make_user(personnummer=pnr)
    oidc.person("high", personalIdentityNumber=pnr, acr=LOA4)
    oidc_login(client, "high")
    assert logged_in_user(client) == user


@pytest.mark.django_db
def test_an_expired_id_token_is_refused(client, oidc):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    oidc.person("old", personalIdentityNumber=pnr, acr=LOA3, expired=True)
    response = oidc_login(client, "old")
    assert response.status_code == 401  # allauth's "login failure" page
    assert logged_in_user(client) is None
    assert last_event().reason == LoginRefusal.IDP_ERROR


@pytest.mark.django_db
def test_a_replayed_callback_is_refused(client, oidc):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    oidc.person("anna", personalIdentityNumber=pnr, acr=LOA3)
    callback = oidc_callback_url(client, "anna")
    assert client.get(callback).status_code == 302
    assert logged_in_user(client) is not None
    client.post(reverse("account_logout"))
    # The same code and state again: the state was used up (and the code too).
    client.get(callback)
    assert logged_in_user(client) is None


@pytest.mark.django_db
def test_logout_ends_the_session(client, oidc):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    oidc.person("anna", personalIdentityNumber=pnr, acr=LOA3)
    oidc_login(client, "anna")
    assert logged_in_user(client) is not None
    client.post(reverse("account_logout"))
    assert logged_in_user(client) is None
    assert strong_auth.METHOD_KEY not in client.session


@pytest.mark.django_db
def test_the_login_goes_where_the_person_was_going(client, oidc):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    oidc.person("anna", personalIdentityNumber=pnr, acr=LOA3)
    response = oidc_login(client, "anna", next="/people/profile/")
    assert response["Location"] == "/people/profile/"


@pytest.mark.django_db
def test_personnummer_and_hsa_id_of_two_accounts_are_refused(client, oidc):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    f.make_user(hsa_id=HSA_ID)
    oidc.person("two", personalIdentityNumber=pnr, employeeHsaId=HSA_ID, acr=LOA3)
    response = oidc_login(client, "two")
    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert last_event().reason == LoginRefusal.AMBIGUOUS_PERSON


@pytest.mark.django_db
def test_an_inactive_account_is_refused(client, oidc):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr, is_active=False)
    oidc.person("gone", personalIdentityNumber=pnr, acr=LOA3)
    assert oidc_login(client, "gone").status_code == 403
    assert logged_in_user(client) is None
    assert last_event().reason == LoginRefusal.INACTIVE


@pytest.mark.django_db
def test_roles_come_from_the_role_assignments_only(client, oidc):
    pnr = f.make_personnummer()
    user = f.make_user(personnummer=pnr)
    oidc.person("anna", personalIdentityNumber=pnr, acr=LOA3, roles=["admin"], groups=["kansli"])
    oidc_login(client, "anna")
    user.refresh_from_db()
    assert not user.role_assignments.exists()
    assert not user.is_staff and not user.is_superuser
    assert client.get("/admin/", follow=True).status_code == 403


@pytest.mark.django_db
def test_the_idp_login_counts_as_the_second_factor(client, oidc):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    pnr = f.make_personnummer()
    user = f.make_user("sr@example.se", personnummer=pnr, role="studierektor", region=f.region("vgr"))
    TOTP.activate(user, generate_totp_secret())
    oidc.person("sr", personalIdentityNumber=pnr, acr=LOA3)
    response = oidc_login(client, "sr")
    assert response["Location"] == reverse("home")  # no TOTP code asked for
    assert logged_in_user(client) == user


@pytest.mark.django_db
def test_without_a_required_level_the_idp_login_is_no_second_factor(client, oidc_idp, settings, tmp_path):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    configure_oidc(settings, oidc_idp, tmp_path, required_assurance="")
    pnr = f.make_personnummer()
    user = f.make_user(personnummer=pnr)
    TOTP.activate(user, generate_totp_secret())
    oidc_idp.person("p", personalIdentityNumber=pnr)
    response = oidc_login(client, "p")
    assert response["Location"] == reverse("mfa_authenticate")
    assert logged_in_user(client) is None


@pytest.mark.django_db
def test_staff_log_in_through_the_idp_when_password_login_is_off_for_them(client, oidc, settings):
    settings.STAFF_PASSWORD_LOGIN = False
    pnr = f.make_personnummer()
    user = f.make_user("kansli@example.se", personnummer=pnr, role="kansli", region=f.region("vgr"))
    oidc.person("k", personalIdentityNumber=pnr, acr=LOA3)
    oidc_login(client, "k")
    assert logged_in_user(client) == user


@pytest.mark.django_db
def test_a_logged_in_person_cannot_attach_an_idp_account_to_themself(client, oidc):
    other = f.make_user("other@example.se")
    pnr = f.make_personnummer()
    owner = f.make_user("owner@example.se", personnummer=pnr)
    client.force_login(other)
    oidc.person("owner", personalIdentityNumber=pnr, acr=LOA3)
    oidc_login(client, "owner", process="connect")
    # The IdP login is a login as its own person, never a link to the account that happened to be logged in.
    assert logged_in_user(client) == owner
    assert not SocialAccount.objects.exists()

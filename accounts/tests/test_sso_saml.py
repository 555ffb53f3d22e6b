"""Logging in through the region's SAML 2.0 identity provider (Sambi-style: signed assertions, loa3 as
AuthnContextClassRef; the answers are made in the test with a key and certificate made in the test)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts import strong_auth
from accounts.models import LoginEvent, LoginMethod, LoginOutcome, LoginRefusal, User
from accounts.sso import LOA3
from accounts.tests.conftest import SAML_ID, SP_ENTITY_ID
from accounts.tests.idp.saml import Person
from accounts.tests.sso_flows import saml_login, saml_post, saml_start
from btportal import factories as f

LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
HSA_ID = "SE2321000131-P000000654321"


def logged_in_user(client):
    response = client.get(reverse("home"))
    return response.context["user"] if response.status_code == 200 else None


def last_event():
    return LoginEvent.objects.order_by("-pk").first()


@pytest.mark.django_db
def test_it_logs_in_the_person_with_the_personnummer(client, saml):
    pnr = f.make_personnummer()
    user = f.make_user("anna@example.se", personnummer=pnr)
    response = saml_login(client, saml, Person(personnummer=pnr))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user(client) == user
    event = last_event()
    assert (event.user, event.method, event.outcome, event.provider, event.assurance) == (
        user,
        LoginMethod.IDP,
        LoginOutcome.SUCCESS,
        SAML_ID,
        LOA3,
    )
    assert client.session[strong_auth.METHOD_KEY] == "idp"
    assert client.session[strong_auth.ASSURANCE_KEY] == LOA3
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_it_matches_by_hsa_id(client, saml):
    user = f.make_user(hsa_id=HSA_ID)
    saml_login(client, saml, Person(hsa_id=HSA_ID))
    assert logged_in_user(client) == user


@pytest.mark.django_db
def test_an_unknown_person_is_refused_and_no_account_is_made(client, saml):
    users = User.objects.count()
    response = saml_login(client, saml, Person(personnummer=f.make_personnummer()))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Du finns inte registrerad i BT-portalen" in body
    assert "BT-kansliet, Region Test" in body and 'href="mailto:bt-kansliet@region.test"' in body
    assert User.objects.count() == users
    assert logged_in_user(client) is None
    assert last_event().reason == LoginRefusal.UNKNOWN_PERSON


@pytest.mark.django_db
def test_a_login_below_the_required_level_is_refused(client, saml):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    response = saml_login(client, saml, Person(personnummer=pnr, assurance=LOA2))
    assert response.status_code == 403
    assert "Inloggningen var inte tillräckligt stark" in response.content.decode()
    assert logged_in_user(client) is None
    assert (last_event().reason, last_event().assurance) == (LoginRefusal.ASSURANCE_TOO_LOW, LOA2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mode,why",
    [
        ("expired", "Could not validate timestamp: expired"),
        ("tampered", "Signature validation failed"),
        ("wrong_key", "Signature validation failed"),
        ("unsigned", "The Assertion of the Response is not signed"),
    ],
)
def test_an_assertion_that_cannot_be_trusted_is_refused(client, saml, mode, why):
    pnr = f.make_personnummer()
    victim_pnr = f.make_personnummer()
    f.make_user("attacker@example.se", personnummer=pnr)
    f.make_user("victim@example.se", personnummer=victim_pnr)
    saml.tamper_to = victim_pnr
    response = saml_login(client, saml, Person(personnummer=pnr), mode=mode)
    assert response.status_code != 302
    assert logged_in_user(client) is None
    event = last_event()
    assert (event.outcome, event.reason, event.user) == (LoginOutcome.REFUSED, LoginRefusal.IDP_ERROR, None)
    assert why in event.detail  # python3-saml's reason, for whoever reads the log


@pytest.mark.django_db
def test_a_replayed_response_is_refused(client, saml):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    request = saml_start(client)
    answer = saml.response(
        request_id=request["id"], acs=request["acs"], audience=SP_ENTITY_ID, person=Person(personnummer=pnr)
    )
    assert saml_post(client, request, answer).status_code == 302
    client.post(reverse("account_logout"))
    saml_post(client, request, answer)
    assert logged_in_user(client) is None


@pytest.mark.django_db
def test_an_idp_initiated_login_is_refused(client, saml):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    acs = f"http://testserver/accounts/saml/{SAML_ID}/acs/"
    answer = saml.response(request_id="", acs=acs, audience=SP_ENTITY_ID, person=Person(personnummer=pnr))
    saml_post(client, {"acs": acs, "relay_state": ""}, answer)
    assert logged_in_user(client) is None
    assert last_event().reason == LoginRefusal.IDP_ERROR


@pytest.mark.django_db
def test_an_answer_for_another_service_is_refused(client, saml):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    request = saml_start(client)
    answer = saml.response(
        request_id=request["id"],
        acs=request["acs"],
        audience="https://other.test.invalid/",
        person=Person(personnummer=pnr),
    )
    saml_post(client, request, answer)
    assert logged_in_user(client) is None
    assert "not a valid audience" in last_event().detail


@pytest.mark.django_db
def test_logout_ends_the_session(client, saml):
    pnr = f.make_personnummer()
    f.make_user(personnummer=pnr)
    saml_login(client, saml, Person(personnummer=pnr))
    assert logged_in_user(client) is not None
    client.post(reverse("account_logout"))
    assert logged_in_user(client) is None


@pytest.mark.django_db
def test_the_assurance_may_come_from_an_attribute(client, saml_idp, settings):
    """Some providers put the level in an attribute rather than the authentication context."""
    from accounts.tests.conftest import configure_saml

    saml_idp.mode = ""
    configure_saml(saml_idp, assurance="urn:oid:2.5.4.42", required_assurance="Test")
    pnr = f.make_personnummer()
    user = f.make_user(personnummer=pnr)
    saml_login(client, saml_idp, Person(personnummer=pnr, assurance=LOA2, given_name="Test"))
    assert logged_in_user(client) == user

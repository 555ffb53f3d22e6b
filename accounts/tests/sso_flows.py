"""Logging in through the test identity providers with Django's test client (the browser tests click instead)."""

from urllib.parse import parse_qs, urljoin, urlparse

import requests

from accounts.tests.conftest import OIDC_ID, SAML_ID, SP_ENTITY_ID

HOST = {"host": "testserver"}


def _path(url: str) -> str:
    parts = urlparse(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def oidc_callback_url(client, username: str, *, provider_id: str = OIDC_ID, **data) -> str:
    """Press BT-portalen's button (posting `data`: next, process), identify at the provider as `username`:
    the address the provider sends the browser back to (BT-portalen's callback, with code and state)."""
    response = client.post(f"/accounts/oidc/{provider_id}/login/", data)
    assert response.status_code == 302, response
    authorize = response["Location"]
    with requests.Session() as browser:
        answer = browser.get(authorize, allow_redirects=False)  # not logged in at the provider: its login page
        login_page = urljoin(authorize, answer.headers["Location"])
        nxt = parse_qs(urlparse(login_page).query)["next"][0]
        answer = browser.post(login_page.split("?")[0], {"username": username, "next": nxt}, allow_redirects=False)
        answer = browser.get(urljoin(authorize, answer.headers["Location"]), allow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]
        callback = answer.headers["Location"]
    assert callback.startswith("http://testserver/"), callback
    return _path(callback)


def oidc_login(client, username: str, *, provider_id: str = OIDC_ID, **data):
    """Log in through the OpenID Connect provider as `username`; BT-portalen's answer at the callback."""
    return client.get(oidc_callback_url(client, username, provider_id=provider_id, **data))


def saml_start(client, *, slug: str = SAML_ID, next_url: str = ""):
    """Press the SAML button: the AuthnRequest BT-portalen sends (its ID and ACS) and the RelayState."""
    from accounts.tests.idp.saml import SamlIdP

    # python3-saml builds addresses from the Host header, which Django's test client leaves out unless asked.
    response = client.post(f"/accounts/saml/{slug}/login/", {"next": next_url} if next_url else {}, headers=HOST)
    assert response.status_code == 302, response
    query = parse_qs(urlparse(response["Location"]).query)
    request = SamlIdP.read_request(query["SAMLRequest"][0])
    request["relay_state"] = query.get("RelayState", [""])[0]
    return request


def saml_post(client, request: dict, saml_response: str):
    """Post a SAMLResponse to the ACS as the browser would, and follow allauth's redirect to finish the login."""
    response = client.post(
        _path(request["acs"]), {"SAMLResponse": saml_response, "RelayState": request["relay_state"]}, headers=HOST
    )
    assert response.status_code == 302, response
    return client.get(response["Location"], headers=HOST)


def saml_login(client, idp, person, *, mode=None, slug: str = SAML_ID):
    request = saml_start(client, slug=slug)
    answer = idp.response(request_id=request["id"], acs=request["acs"], audience=SP_ENTITY_ID, person=person, mode=mode)
    return saml_post(client, request, answer)

"""A stand-in for a region's SAML 2.0 identity provider (Sambi-style), for the tests only.

It reads BT-portalen's AuthnRequest and answers with a Response whose Assertion is signed (XML-DSig, RSA-SHA256)
with a key and certificate made in the test, carrying the person's attributes (personnummer, HSA-id) and the
level of assurance as AuthnContextClassRef. It can also answer wrongly on purpose: an expired assertion, an
assertion altered after signing, one signed with another key, or one not signed at all.

`SamlIdP.serve()` puts it on a loopback port for browser tests: GET /sso shows a "who are you" form, its POST
answers with an HTML form that posts the SAMLResponse to BT-portalen's ACS (the HTTP-POST binding, with a button
instead of a script).
"""

from __future__ import annotations

import base64
import datetime
import threading
import uuid
from dataclasses import dataclass, field
from html import escape
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from accounts.sso import LOA3
from accounts.tests.idp.keys import KeyPair, key_pair

PNR_ATTRIBUTE = "urn:oid:1.2.752.29.4.13"
HSA_ATTRIBUTE = "urn:oid:1.2.752.29.6.2.1"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"


@dataclass
class Person:
    personnummer: str = ""
    hsa_id: str = ""
    assurance: str = LOA3
    given_name: str = "Test"


@dataclass
class SamlIdP:
    entity_id: str = "https://idp.test.invalid/saml"
    keys: KeyPair = field(default_factory=lambda: key_pair("test-idp"))
    people: dict[str, Person] = field(default_factory=dict)
    #: How the next answers go wrong: "", "expired", "tampered", "wrong_key" or "unsigned".
    mode: str = ""
    #: The personnummer a "tampered" answer is edited to carry (after signing).
    tamper_to: str = ""
    url: str = ""  # set by serve()

    # -- the protocol, as a test writes it --------------------------------------------------------------

    @staticmethod
    def read_request(saml_request: str) -> dict:
        """The ID and the ACS address of an AuthnRequest (HTTP-Redirect binding: deflated, base64)."""
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(saml_request)
        root = etree.fromstring(xml)
        return {"id": root.get("ID"), "acs": root.get("AssertionConsumerServiceURL")}

    def response(self, *, request_id: str, acs: str, audience: str, person: Person, mode: str | None = None) -> str:
        """A base64 SAMLResponse for `person`, answering the request `request_id`."""
        mode = self.mode if mode is None else mode
        now = datetime.datetime.now(datetime.UTC)
        if mode == "expired":
            now -= datetime.timedelta(hours=2)
        assertion = self._assertion(request_id=request_id, acs=acs, audience=audience, person=person, now=now)
        if mode != "unsigned":
            keys = key_pair("someone-else") if mode == "wrong_key" else self.keys
            assertion = OneLogin_Saml2_Utils.add_sign(assertion, keys.key_pem, keys.cert_pem).decode()
        if mode == "tampered":
            # Someone edits their own signed assertion to become another person.
            assert self.tamper_to and person.personnummer, "a tampered answer needs tamper_to and a personnummer"
            assertion = assertion.replace(f">{person.personnummer}<", f">{self.tamper_to}<")
        response = (
            f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_t(now)}" Destination="{escape(acs)}" '
            f"{_in_response_to(request_id)}><saml:Issuer>{self.entity_id}</saml:Issuer>"
            f'<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f"{_strip_declaration(assertion)}</samlp:Response>"
        )
        return base64.b64encode(response.encode()).decode()

    def _assertion(self, *, request_id, acs, audience, person: Person, now) -> str:
        until = now + datetime.timedelta(minutes=5)
        attributes = {"urn:oid:2.5.4.42": person.given_name}
        if person.personnummer:
            attributes[PNR_ATTRIBUTE] = person.personnummer
        if person.hsa_id:
            attributes[HSA_ATTRIBUTE] = person.hsa_id
        attribute_xml = "".join(
            f'<saml:Attribute Name="{name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
            f'<saml:AttributeValue xsi:type="xs:string">{escape(value)}</saml:AttributeValue></saml:Attribute>'
            for name, value in attributes.items()
        )
        return (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_t(now)}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            "<saml:Subject>"
            f'<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">_{uuid.uuid4().hex}</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{_t(until)}" Recipient="{escape(acs)}"{_in_response_to(request_id)}/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_t(now - datetime.timedelta(minutes=1))}" NotOnOrAfter="{_t(until)}">'
            f"<saml:AudienceRestriction><saml:Audience>{escape(audience)}</saml:Audience></saml:AudienceRestriction>"
            "</saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_t(now)}" SessionIndex="_{uuid.uuid4().hex}">'
            f"<saml:AuthnContext><saml:AuthnContextClassRef>{escape(person.assurance)}</saml:AuthnContextClassRef>"
            "</saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{attribute_xml}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )

    # -- on a loopback port, for a browser ----------------------------------------------------------------

    def serve(self, audience: str) -> WSGIServer:
        """Start the provider in a thread; `self.url` is its SSO address. Stop it with `server.shutdown()`."""

        class Server(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        class Quiet(WSGIRequestHandler):
            def log_message(self, format, *args):
                pass

        def app(environ, start_response):
            if environ["REQUEST_METHOD"] == "POST":
                size = int(environ.get("CONTENT_LENGTH") or 0)
                form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
                request = self.read_request(form["SAMLRequest"])
                person = self.people.get(form.get("username", ""), Person())
                answer = self.response(request_id=request["id"], acs=request["acs"], audience=audience, person=person)
                body = (
                    f'<form method="post" action="{escape(request["acs"])}">'
                    f'<input type="hidden" name="SAMLResponse" value="{answer}">'
                    f'<input type="hidden" name="RelayState" value="{escape(form.get("RelayState", ""))}">'
                    "<button type=submit>Continue to the service</button></form>"
                )
            else:
                query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
                body = (
                    '<form method="post"><label for="username">Who are you?</label> '
                    '<input id="username" name="username">'
                    f'<input type="hidden" name="SAMLRequest" value="{escape(query.get("SAMLRequest", ""))}">'
                    f'<input type="hidden" name="RelayState" value="{escape(query.get("RelayState", ""))}">'
                    " <button type=submit>Identify</button></form>"
                )
            page = f'<!doctype html><html lang="en"><title>Test SAML IdP</title><h1>Test SAML IdP</h1>{body}</html>'
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [page.encode()]

        server = make_server("127.0.0.1", 0, app, server_class=Server, handler_class=Quiet)
        self.url = f"http://127.0.0.1:{server.server_port}/sso"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def _in_response_to(request_id: str) -> str:
    """The InResponseTo attribute; none in an IdP-initiated answer (which answers no request)."""
    return f' InResponseTo="{request_id}"' if request_id else ""


def _t(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _strip_declaration(xml: str) -> str:
    return xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml

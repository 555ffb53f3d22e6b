"""API test helpers: a token per persona, and a client that sends it."""

import pytest

from api.models import Scope


@pytest.fixture
def token_for():
    from api.tokens import create_token

    def make(user, scopes=tuple(Scope.values), **kwargs):
        return create_token(user, name="test", scopes=list(scopes), **kwargs)[1]

    return make


@pytest.fixture
def api(client, token_for):
    """api(user, scopes=…).get(url, **params) → the response of a call with a fresh token."""

    class Caller:
        def __init__(self, user, scopes=tuple(Scope.values)):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user, scopes)}"}

        def get(self, url, **params):
            return client.get(url, params, **self.headers)

        def post(self, url, data):
            return client.post(url, data, content_type="application/json", **self.headers)

    return Caller


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield

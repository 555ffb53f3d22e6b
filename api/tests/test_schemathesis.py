"""Schemathesis against the OpenAPI document: every operation, called as two roles (a region's
BT office and a BT-läkare), answers without a server error and as its schema says.

Bounded and repeatable: a few examples per operation (EXAMPLES), the same ones on every run (derandomized,
so that CI does not pass or fail by chance), so the whole run takes seconds."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from api.models import Scope

EXAMPLES = 4


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI application directly, and Django closes the database connection
    when a request ends, which would end the test's transaction (PostgreSQL). Django's own test
    client leaves the connection alone the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def personas(world, token_for):
    """The Authorization headers of two roles with every scope."""
    return [
        {"Authorization": f"Bearer {token_for(world.users[role], Scope.values)}"} for role in ("kansli", "bt_lakare")
    ]


def _schema():
    # The document as /api/v1/openapi.json serves it, called through the WSGI application (in the
    # test's database transaction). Loaded from the API object, not from a fixture: schemathesis'
    # lazy fixture loader does not work with pytest 9.
    from api.main import api
    from btportal.wsgi import application

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = application
    loaded.location = "/api/v1/openapi.json"
    return loaded


schema = _schema()


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def test_nul_is_found_wherever_it_is():
    assert _has_nul(({"id": 1}, None, {"reason": ["ok", "a\x00b"]}))
    assert not _has_nul(({"id": 1}, {"q": "x"}, {"reason": "\\x00"}))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@pytest.mark.django_db
def test_the_api_answers_as_its_schema_says(case, personas):
    # A list's `cursor` is an opaque signed token taken from the page before: no schema can generate a valid
    # one, and a made-up one is refused with 400 as documented (api/tests/test_assessment_pages.py); every
    # other check still applies to such a call.
    # A NUL character anywhere in a request is refused with 400 before any view (core/middleware.py; the API's
    # description says so): PostgreSQL cannot store it. Such generated data is valid for the schema, not for us.
    refused = (case.query or {}).get("cursor") or _has_nul((case.path_parameters, case.query, case.body))
    excluded = [positive_data_acceptance] if refused else []
    for headers in personas:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

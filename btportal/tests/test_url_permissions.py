"""Every view of ours declares its permission; anonymous users never get past it.

The REST API's URLs (/api/v1/…) are django-ninja's views, one per path with the operations behind
it: they are checked explicitly below (each operation declares a permission and a token scope,
anonymous calls get 401), not skipped."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_PACKAGES = (
    "btportal",
    "accounts",
    "organisations",
    "goals",
    "trainees",
    "scheduling",
    "portfolio",
    "assessments",
    "notifications",
    "intake",
    "certificates",
    "quality",
    "reports",
    "api",
)
API_PREFIX = "api/v1/"


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def project_patterns():
    for route, pattern in _walk(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "") or ""
        if module.split(".")[0] in PROJECT_PACKAGES or route.startswith(API_PREFIX):
            yield route, pattern


def api_operations():
    """(route, method, permission, token scope) of every operation of the REST API."""
    for route, pattern in project_patterns():
        for methods, perm, scope in getattr(pattern.callback, "api_operations", ()):
            for method in methods:
                yield route, pattern, method, perm, scope


def _sample_url(route: str, pattern: URLPattern) -> str:
    url = "/" + route
    for name, converter in pattern.pattern.converters.items():
        value = {
            "IntConverter": "999999",
            "SlugConverter": "x",
            "UUIDConverter": "00000000-0000-0000-0000-000000000000",
        }.get(type(converter).__name__, "x")
        url = url.replace(f"<{type(converter).__name__.replace('Converter', '').lower()}:{name}>", value)
        url = url.replace(f"<{name}>", value)
    return url


def test_it_finds_the_project_views():
    routes = [route for route, _ in project_patterns()]
    assert len(routes) >= 10
    assert "trainees/<int:pk>/" in routes
    assert "api/v1/trainees/<trainee_id>" in routes
    assert len(list(api_operations())) >= 10


@pytest.mark.parametrize(
    "route,pattern,method,perm,scope", list(api_operations()), ids=lambda v: str(v) if isinstance(v, str) else ""
)
def test_every_api_operation_declares_a_permission_and_a_token_scope(route, pattern, method, perm, scope):
    from accounts.permissions import Permission
    from api.models import Scope

    assert isinstance(perm, Permission), f"{method} /{route} declares no permission (use api.auth.endpoint)"
    assert perm.public or scope in Scope.values, f"{method} /{route} declares no token scope"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route,pattern,method,perm,scope", list(api_operations()), ids=lambda v: str(v) if isinstance(v, str) else ""
)
def test_the_api_answers_anonymous_calls_with_401(client, route, pattern, method, perm, scope):
    if perm.public:
        return
    response = client.generic(method, _sample_url(route, pattern))
    assert response.status_code == 401, f"{method} /{route}"
    assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize("route,pattern", list(project_patterns()), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_it_declares_a_permission(route, pattern):
    assert getattr(pattern.callback, "permission", None), f"view for /{route} declares no permission"


@pytest.mark.django_db
@pytest.mark.parametrize("route,pattern", list(project_patterns()), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_it_sends_anonymous_users_to_login(client, route, pattern):
    if pattern.callback.permission.public or route.startswith(API_PREFIX):
        return  # the API answers 401 instead (test_the_api_answers_anonymous_calls_with_401)
    response = client.get(_sample_url(route, pattern))
    assert response.status_code == 302, route
    assert response["Location"].startswith("/accounts/login/")


def test_a_permission_is_an_object_not_a_name():
    """A misspelt permission fails when the module loads; a bare name is refused outright."""
    from accounts.permissions import Permission, permission

    with pytest.raises(TypeError):
        permission("trainees.view_trainee")
    assert all(isinstance(p.callback.permission, Permission) for _, p in project_patterns())

"""The REST API (django-ninja) under /api/v1/: one NinjaAPI, a router per area, errors answered
as JSON with the status codes the OpenAPI document declares."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import NinjaAPI, Schema
from ninja.openapi.docs import Swagger
from ninja.pagination import LimitOffsetPagination
from pydantic import Field

from accounts.permissions import PUBLIC, permission
from api.auth import AUTH
from api.permissions import ENDPOINT
from core.errors import DomainError

#: Ids in paths and filters: positive and within a 64-bit key (larger ones never exist, and the
#: database would refuse them with an error instead of a 404).
MAX_ID = 2**63 - 1
#: The furthest a client may page (a guard against offsets the database cannot take).
MAX_OFFSET = 10**9


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="Items per page (at most 200).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=200, **kwargs)


class BtApi(NinjaAPI):
    def _get_urls(self):
        """Mark every URL for the permission test (btportal/tests/test_url_permissions.py): the
        schema and the docs are public; an endpoint's URL carries ENDPOINT and the operations
        behind it, each of which declares its own permission and token scope (`api.auth.endpoint`)."""
        urls = super()._get_urls()
        views = {}
        for bound in self._get_bound_routers():
            # urls_paths yields one pattern per operation, path by path.
            owners = [view for view in bound.path_operations.values() for _op in view.operations]
            for pattern, path_view in zip(bound.urls_paths(bound.prefix), owners):
                views[pattern.name] = path_view
        for pattern in urls:
            operations = views.get(pattern.name)
            if operations is None:
                pattern.callback.permission = PUBLIC
            else:
                pattern.callback.permission = ENDPOINT
                pattern.callback.api_operations = [
                    (op.methods, getattr(op.view_func, "permission", None), getattr(op.view_func, "token_scope", None))
                    for op in operations.operations
                ]
        return urls


api = BtApi(
    title="BT-portalen API",
    version="1.0.0",
    description=(
        "Read access to BT doctors, plans and placements, assessments, certificates, units and statistics, "
        "with the same permissions and scopes as the pages. Authenticate with the session (logged in) or a "
        "personal token: `Authorization: Bearer btp_…` (create one under Your details → API tokens). "
        "Lists are paginated with `limit` and `offset`. Statistics suppress counts below 5."
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=permission(PUBLIC),
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(DomainError)
def _refused(request, exc):
    # A workflow step the current state does not allow: a conflict with the state, not bad input.
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(DjangoValidationError)
def _invalid(request, exc):
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)


def _register():
    from api.endpoints import assessments, certificates, statistics, trainees, units

    api.add_router("/trainees", trainees.router)
    api.add_router("/placements", trainees.placements)
    api.add_router("/assessments", assessments.router)
    api.add_router("/certificates", certificates.router)
    api.add_router("/regions", units.regions)
    api.add_router("/units", units.router)
    api.add_router("/statistics", statistics.router)


_register()

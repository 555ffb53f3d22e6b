"""The REST API (django-ninja) under /api/v1/: one NinjaAPI, a router per area, errors answered
as JSON with the status codes the OpenAPI document declares."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DateTimeField, Q
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.openapi.docs import Swagger
from ninja.pagination import LimitOffsetPagination, PaginationBase
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


class NewestFirstPagination(PaginationBase):
    """Keyset (cursor) pagination, newest first, without a total: for lists too long to count at every
    request (a region office may see tens of thousands of assessments; counting them cost more than the
    page). A page is `{"items": [...], "next": url or null, "previous": url or null}`; follow `next`
    until it is null. The cursor is an opaque, signed position — the (date, id) of the last or first
    row shown — so a page costs the same wherever it is, a row added meanwhile is neither skipped nor
    shown twice, and a cursor that was altered or made up is refused with 400. The position only
    narrows the rows the caller may see, so no cursor shows anyone else's.

    The view returns its queryset; it is ordered here by (`date_field`, pk), newest first. `date_field`
    is a date or a date-and-time field (a subclass names it)."""

    date_field = "performed_on"
    items_attribute = "items"

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="Items per page (at most 200).")
        cursor: str | None = Field(
            None,
            max_length=200,
            description="Where the page starts: take it from the `next` or `previous` link of the page before.",
        )

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(description="The next (older) page, or null after the last page.")
        previous: str | None = Field(description="The page before (newer), or null on the first page.")

    def _salt(self, request) -> str:
        return f"api.cursor:{request.path}"  # a cursor of one list is no cursor of another

    def _read(self, request, cursor: str, parse) -> tuple[str, datetime.date, int]:
        try:
            direction, day, pk = signing.loads(cursor, salt=self._salt(request))
            if direction not in ("after", "before") or not isinstance(pk, int) or not 0 < pk <= MAX_ID:
                raise ValueError(direction)
            return direction, parse(day), pk
        except (signing.BadSignature, ValueError, TypeError):
            raise HttpError(400, "Invalid cursor: use the next or previous link of a page as it is.") from None

    def _link(self, request, direction: str, row) -> str:
        token = signing.dumps([direction, getattr(row, self.date_field).isoformat(), row.pk], salt=self._salt(request))
        params = [(k, v) for k, values in request.GET.lists() if k != "cursor" for v in values]
        return request.build_absolute_uri(request.path + "?" + urlencode([*params, ("cursor", token)]))

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        field = self.date_field
        with_time = isinstance(queryset.model._meta.get_field(field), DateTimeField)
        parse = datetime.datetime.fromisoformat if with_time else datetime.date.fromisoformat
        newest_first = queryset.order_by(f"-{field}", "-pk")
        backwards = False
        if pagination.cursor:
            direction, day, pk = self._read(request, pagination.cursor, parse)
            if direction == "after":  # older than the position
                older = Q(**{f"{field}__lt": day}) | Q(pk__lt=pk)
                queryset = newest_first.filter(older, **{f"{field}__lte": day})
            else:  # newer than the position, read oldest first and turned round
                newer = Q(**{f"{field}__gt": day}) | Q(pk__gt=pk)
                queryset = queryset.order_by(field, "pk").filter(newer, **{f"{field}__gte": day})
                backwards = True
        else:
            queryset = newest_first
        rows = list(queryset[: pagination.limit + 1])
        more = len(rows) > pagination.limit
        rows = rows[: pagination.limit]
        if backwards:
            rows.reverse()
            has_next, has_previous = bool(rows), more
        else:
            has_next, has_previous = more, bool(pagination.cursor) and bool(rows)
        return {
            "items": rows,
            "next": self._link(request, "after", rows[-1]) if has_next else None,
            "previous": self._link(request, "before", rows[0]) if has_previous else None,
        }


class IssuedFirstPagination(NewestFirstPagination):
    """The same, by the moment of issue (issued certificates)."""

    date_field = "issued_at"


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
        "Lists are paginated with `limit` and `offset` and give the `count` of all items; the assessments and "
        "the issued certificates, newest first, come a page at a time without a count: follow the page's "
        "`next` link (a `cursor`) until it is null. Statistics suppress counts below 5. A NUL character anywhere in a request (address, "
        "query or body) is refused with 400: it cannot be stored."
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

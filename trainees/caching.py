"""Pages kept rendered in the `fragments` cache: the cohort dashboard's table, its charts and the unit
report (`reports`), the region timeline (`trainees.timeline_views`). Here, below both, so that each
builds its key the same way.

Such a page shows what the records of its BT-läkare hold, on a given day. Its cache key names
everything the content depends on:

* the cohort's **fingerprint** (`fingerprint`): how many BT-läkare it has, the sum of the versions of
  their records and the sum of their ids, read in one query. Every audited change of a record
  raises that record's version (`trainees.versions`), so the sum grows with any change of any
  member, and a BT-läkare entering or leaving the cohort changes the count or the ids;
* the viewer's scope (`scope_of`): their user id and their active role assignments with role, region,
  unit and the unit's path (a new assignment is a new scope);
* the filters, the sort and the page asked for; the date; the language.

The home and the cohort dashboard are kept whole as well (`keep_page`): a repeated visit reads the few
facts of its key and renders no template; the CSRF token is put in on each answer.

A page that shows units' capacity adds `capacity_fingerprint` of its units (their capacity and their
months' capacities). What is part of neither (a unit renamed) can show for at most `COHORT_PAGE_SECONDS`
(the fragments' lifetime) before the page is computed again.
"""

from __future__ import annotations

import hashlib
import zlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from accounts.permissions import active_assignments
from organisations.models import UnitCapacity
from trainees import versions


def lifetime() -> int:
    return getattr(settings, "COHORT_PAGE_SECONDS", 3600)


def fingerprint(queryset, *, shape=None) -> str:
    """count.sum-of-versions.sum-of-ids of the BT-läkare of `queryset`, in one query.

    `shape`: a hashable value that determines the queryset's SQL and parameters completely (see `page_key`);
    its statement is then built once per process and kept (`_STATEMENTS`): compiling the scope of a
    cohort is most of a kept page's cost (about 1 ms of its 4 on the cohort dashboard). `queryset` may be
    a function that returns it, called only when the statement is built (building the queryset of a
    permission's scope is a quarter of a millisecond)."""
    kept = _STATEMENTS.get(shape) if shape is not None else None
    if kept is None:
        queryset = queryset() if callable(queryset) else queryset
        kept = (queryset.db, _fingerprint_statement(queryset))
        if shape is not None:
            if len(_STATEMENTS) >= _STATEMENTS_MAX:
                _STATEMENTS.clear()
            _STATEMENTS[shape] = kept
    db, statement = kept
    if statement is _NOTHING:
        return "0.0.0"
    sql, params = statement
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        n, version_sum, ids = cursor.fetchone()
    return f"{n}.{version_sum}.{ids or 0}"


_STATEMENTS: dict = {}
_STATEMENTS_MAX = 10000
_NOTHING = ("", ())  # a queryset that can select nothing (`none()`, an empty scope): no statement at all


def _fingerprint_statement(queryset) -> tuple[str, tuple]:
    try:
        # No order (the scope's own, e.g. by name, would join and sort for nothing).
        inner, params = queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return _NOTHING
    return versions.totals_statement(inner, tuple(params), connections[queryset.db])


def capacity_fingerprint(units) -> str:
    """What the capacity of `units` (a queryset) is made of: which units they are, their own capacity and
    their months' capacities (counts, sums of values and ids), in two queries."""
    own = units.order_by().aggregate(n=Count("pk"), capacity=Sum("bt_capacity"), ids=Sum("pk"))
    months = (
        UnitCapacity.objects.filter(unit__in=units.values("pk"))
        .order_by()
        .aggregate(n=Count("pk"), capacity=Sum("capacity"), ids=Sum("pk"))
    )
    return f"{own['n']}.{own['capacity']}.{own['ids']}.{months['n']}.{months['capacity']}.{months['ids']}"


def page_key(user, queryset, *parts, shape: str | None = None) -> str:
    """The key (vary-on value) of a cohort page of `user` showing `queryset`, for `parts` (filters, page…).

    `shape`: the name of a scope whose queryset follows from the user's active assignments alone (their
    roles, regions and units, and whether they are the admin), e.g. a permission's name: the fingerprint's
    statement is then kept per process for that user and those assignments (`fingerprint`)."""
    scope = scope_of(user)
    if shape is not None:
        shape = (shape, user.pk, user.is_superuser, scope)
    raw = "|".join(
        [
            str(user.pk),
            repr(scope),
            fingerprint(queryset, shape=shape),
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            *(str(p) for p in parts),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


# ---------------------------------------------------------------------------
# Whole pages
# ---------------------------------------------------------------------------

#: Stands for the CSRF token in a kept page: the token is masked anew for every answer and changes at each
#: login, so it is put in when the page is served. A NUL character cannot come from a request
#: (core/middleware.py refuses it) and so from nothing stored; it is never sent.
CSRF_PLACEHOLDER = "\x00csrf-token\x00"


def keep_page(request, key: str, render, *, seconds: int) -> HttpResponse:
    """The answer of a page whose content is kept under `key` (the page's own vary-on value, built as
    `page_key` builds it), rendered by `render(extra_context)` only when nothing is kept for it.

    Kept with the rest of what the whole page shows besides its content: the language, the address asked
    for (the navigation marks it; the language form returns to it), an htmx request or not, the person's
    name and e-mail (the navigation shows them) and their active roles with scope (the navigation's links
    follow them). Not kept: an answer other than 200, a page with messages to show (they are shown once),
    anything but a GET. The CSRF token is rendered as `CSRF_PLACEHOLDER` and replaced by the request's own
    token on every answer, kept or not (`get_token`, which also sets the CSRF cookie when it is missing)."""
    if request.method != "GET" or len(messages.get_messages(request)):
        return render({})
    user = request.user
    raw = "|".join(
        [
            key,
            translation.get_language() or "",
            request.get_full_path(),
            "htmx" if request.headers.get("HX-Request") else "",
            str(user.pk),
            user.first_name,
            user.last_name,
            user.email,
            f"{user.is_staff:d}{user.is_superuser:d}",
            repr(scope_of(user)),
        ]
    )
    store = caches["fragments"]
    cache_key = "page." + hashlib.sha256(raw.encode()).hexdigest()
    kept = store.get(cache_key)
    if kept is None:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        body = response.content.decode(response.charset)
        if response.status_code == 200:
            # Compressed (a quarter of the size): less to store, read and decode on every visit.
            store.set(cache_key, zlib.compress(body.encode(), 1), seconds)
    else:
        response = HttpResponse(content_type="text/html; charset=utf-8")
        body = zlib.decompress(kept).decode()
    response.content = body.replace(CSRF_PLACEHOLDER, get_token(request))
    return response


def scope_of(user) -> tuple:
    """The person's scope, as kept pages vary on it: each active role assignment (in id order) with its role,
    region, unit and the unit's path (a new, ended or changed assignment, or a moved unit, is a new scope)."""
    return tuple((a.pk, a.role, a.region_id, a.unit_id, a.unit_path) for a in sorted(active_assignments(user), key=_pk))


def _pk(row) -> int:
    return row.pk

"""Optimistic locking: a form carries the version of the record it was rendered with, and a save
over someone else's newer change is refused instead of silently overwriting it.

- `bump_version(queryset, expected=...)`: one conditional `UPDATE … SET version = version + 1
  WHERE … AND version = expected`; no row changed means someone else was first: `StaleEdit`.
- `check_version(current, expected)`: the same refusal for a version that is computed (a
  fingerprint of what the page showed) rather than stored.
- `posted_version(request.POST)`: the version a plain POST (a button, no form class) carried;
  a missing or malformed one is stale. Forms use `core.forms.VersionField`, which says the same.

`expected=None` skips the check. It is for callers that show no form (an import, accepting a
proposal for everyone); a view never passes None for a version-less POST: the field and
`posted_version` refuse that as stale.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

STALE = _(
    "Someone else changed this record while you were editing it. Reload the page to see their change, then try again."
)


class StaleEdit(DomainError):
    """The record changed since the form was shown (or the form carried no version); nothing was
    saved. The message is translated and says so in plain words."""

    def __init__(self, message=None):
        super().__init__(message or STALE)


def bump_version(queryset: QuerySet, *, expected: int | None, field: str = "version", message=None) -> int:
    """Claim the next version of the one row of `queryset`, or raise StaleEdit when its version is
    no longer `expected` (or the row is not there, or no longer matches the queryset's filter).
    Returns the new version. Run it inside the transaction that saves the change: the row stays
    locked until the change is committed, so two concurrent saves cannot both succeed."""
    claimed = queryset if expected is None else queryset.filter(**{field: expected})
    if claimed.update(**{field: F(field) + 1}) != 1:
        raise StaleEdit(message)
    return queryset.values_list(field, flat=True).get()


def check_version(current, expected, *, message=None) -> None:
    """Refuse when `expected` (what the form was rendered with) is not `current` (what is stored
    now). Lock the row being changed first, so the check holds until the change is saved."""
    if expected is not None and expected != current:
        raise StaleEdit(message)


def posted_version(data, name: str = "version", *, message=None) -> int:
    """The version a POST carried as field `name`; StaleEdit when it is missing or not a whole
    number ≥ 0 (a form without its version cannot show that nobody else changed the record)."""
    try:
        version = int(data.get(name, ""))
    except (TypeError, ValueError):
        raise StaleEdit(message) from None
    if version < 0:
        raise StaleEdit(message)
    return version

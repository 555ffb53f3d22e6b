"""Pages kept rendered in the `fragments` cache: the cohort dashboard's table, its charts and the unit
report (`reports`), the region timeline (`trainees.timeline_views`). Here, below both, so that each
builds its key the same way.

Such a page shows what the records of its BT-läkare hold, on a given day. Its cache key names
everything the content depends on:

* the cohort's **fingerprint** (`fingerprint`): how many BT-läkare it has, the sum of the versions of
  their records and the sum of their ids, read in one query. Every audited change of a record
  raises that record's version (`trainees.versions`), so the sum grows with any change of any
  member, and a BT-läkare entering or leaving the cohort changes the count or the ids;
* the viewer's scope: their user id and the ids of their active role assignments (a new assignment
  is a new scope);
* the filters, the sort and the page asked for; the date; the language.

A page that shows units' capacity adds `capacity_fingerprint` of its units (their capacity and their
months' capacities). What is part of neither (a unit renamed) can show for at most `COHORT_PAGE_SECONDS`
(the fragments' lifetime) before the page is computed again.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from accounts.permissions import active_assignments
from organisations.models import UnitCapacity
from trainees import versions
from trainees.models import Trainee


def lifetime() -> int:
    return getattr(settings, "COHORT_PAGE_SECONDS", 3600)


def fingerprint(queryset) -> str:
    """count.sum-of-versions.sum-of-ids of the BT-läkare of `queryset`, in one query."""
    got = (
        Trainee.objects.filter(pk__in=queryset.values("pk"))
        .order_by()
        .aggregate(n=Count("pk"), versions=Coalesce(Sum(versions.version_of()), Value(0)), ids=Sum("pk"))
    )
    return f"{got['n']}.{got['versions']}.{got['ids'] or 0}"


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


def page_key(user, queryset, *parts) -> str:
    """The key (vary-on value) of a cohort page of `user` showing `queryset`, for `parts` (filters, page…)."""
    scope = ",".join(str(a.pk) for a in sorted(active_assignments(user), key=lambda a: a.pk))
    raw = "|".join(
        [
            str(user.pk),
            scope,
            fingerprint(queryset),
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            *(str(p) for p in parts),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()

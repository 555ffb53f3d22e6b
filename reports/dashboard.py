"""The cohort dashboard: the user's cohort filtered, searched and sorted.

Filters on stored fields (search, status, BT type, region) narrow the query; those on computed facts
(phase, what needs attention) and every sort work on the rows of `reports.cohort`, which are computed
for the whole filtered cohort in a fixed number of queries, so that sorting by "overdue assessments"
sorts everyone, not one page. The page then shows one page of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accounts.models import Role
from organisations.permissions import regions_covered, units_covered
from reports.cohort import CohortRow, Phase, cohort_rows
from reports.forms import ALL, ONGOING, ONGOING_STATUSES, CohortFilterForm
from reports.permissions import DASHBOARD

PAGE_SIZE = 25
_PHASE_ORDER = {value: i for i, value in enumerate(Phase.values)}


def _name(row: CohortRow):
    user = row.trainee.user
    return (user.last_name.lower(), user.first_name.lower(), row.trainee.pk)


SORT_KEYS = {
    "name": _name,
    "start": lambda r: (r.started_on or r.trainee.planned_start, _name(r)),
    "phase": lambda r: (_PHASE_ORDER.get(r.phase, 99), _name(r)),
    "months": lambda r: (r.months_done, _name(r)),
    "goals": lambda r: (r.goals_evidenced, _name(r)),
    "overdue": lambda r: (r.assessments_overdue, r.assessments_due, _name(r)),
    "findings": lambda r: (len(r.errors), len(r.warnings), _name(r)),
    "completion": lambda r: (r.expected_completion or datetime.date.max, _name(r)),
}

ATTENTION_TESTS = {
    "any": lambda r: r.needs_attention,
    "overdue": lambda r: r.assessments_overdue > 0,
    "errors": lambda r: bool(r.errors),
    "supervisor": lambda r: r.supervisor_missing,
}


def regions_of(user):
    return regions_covered(user, {Role.STUDIEREKTOR, Role.KANSLI}).order_by("name")


def capacity_units(user):
    """The placement units in the user's cohort scope (whose capacity the dashboard's chart sums)."""
    return units_covered(user, {Role.STUDIEREKTOR, Role.KANSLI}).exclude(category="").order_by("path")


def filter_queryset(queryset, filters: dict):
    status = filters.get("status", ONGOING)
    if status == ONGOING:
        queryset = queryset.filter(status__in=ONGOING_STATUSES)
    elif status != ALL:
        queryset = queryset.filter(status=status)
    if filters.get("bt_type"):
        queryset = queryset.filter(bt_type=filters["bt_type"])
    if filters.get("region"):
        queryset = queryset.filter(region_id=filters["region"])
    words = (filters.get("q") or "").casefold().split()
    if words:
        # Matched here rather than with icontains: SQLite folds the case of ASCII letters only, and
        # "åberg" must find "Åberg" on every database. One light query.
        people = queryset.values_list("pk", "user__first_name", "user__last_name", "user__email").order_by()
        found = [pk for pk, *texts in people if all(w in " ".join(texts).casefold() for w in words)]
        queryset = queryset.filter(pk__in=found)
    return queryset


def filter_rows(rows: list[CohortRow], filters: dict) -> list[CohortRow]:
    if filters.get("phase"):
        rows = [r for r in rows if r.phase == filters["phase"]]
    test = ATTENTION_TESTS.get(filters.get("attention", ""))
    if test:
        rows = [r for r in rows if test(r)]
    return rows


def sort_rows(rows: list[CohortRow], sort: str) -> list[CohortRow]:
    key = sort.lstrip("-")
    return sorted(rows, key=SORT_KEYS.get(key, _name), reverse=sort.startswith("-"))


@dataclass
class Cohort:
    form: CohortFilterForm
    filters: dict
    rows: list[CohortRow]
    sort: str


def cohort_for(user, params, *, today: datetime.date | None = None) -> Cohort:
    """The user's cohort under the filters in `params` (a QueryDict or dict), sorted."""
    form = CohortFilterForm(params, regions=regions_of(user))
    filters = form.filters()
    queryset = filter_queryset(DASHBOARD.queryset(user), filters)
    rows = filter_rows(cohort_rows(queryset, today=today), filters)
    sort = filters.get("sort", "name")
    return Cohort(form=form, filters=filters, rows=sort_rows(rows, sort), sort=sort)


def count_for(user, params) -> int:
    """How many BT-läkare the filters on stored fields leave (one query; the size of an export)."""
    form = CohortFilterForm(params, regions=regions_of(user))
    return filter_queryset(DASHBOARD.queryset(user), form.filters()).count()

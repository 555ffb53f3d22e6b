"""The cohort dashboard: the user's cohort filtered, searched and sorted.

Filters on stored fields (search, status, BT type, region) narrow the query. The sorts by name,
start, phase and expected completion and the phase filter need only stored fields and aggregates of
the placements: those are read for the whole filtered cohort in one query (`cohort_facts`), sorted,
and the rows of `reports.cohort` are computed only for the page shown (`LazyRows`). The sorts and
filters on computed facts (months, goals, assessments, plan findings, what needs attention) read
the facts stored per BT-läkare (`reports.facts`): the stale ones of the filtered cohort are
recomputed first (with the same `cohort_rows`), then one query sorts and filters everyone on the
stored columns, so that sorting by "overdue assessments" sorts everyone, not one page, and again
only the page shown is computed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from accounts.models import Role
from organisations.permissions import regions_covered, units_covered
from portfolio.progress import goal_states
from reports import facts as stored_facts
from reports.cohort import CohortRow, LazyRows, Phase, phase_of
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

#: The sorts that need only `CohortFacts` (the others need every row computed).
FACT_SORTS = frozenset({"name", "start", "phase", "completion"})

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
class CohortFacts:
    """What the sorts by name, start, phase and completion, the phase filter and the charts of
    completion times need of one BT-läkare: stored fields and aggregates of the placements, the
    same values `reports.cohort` computes from the placements themselves."""

    pk: int
    last_name: str
    first_name: str
    status: str
    planned_start: datetime.date
    phase: str
    started_on: datetime.date | None
    expected_completion: datetime.date | None
    goals: dict | None = None  # delmål code → state, filled by `with_goals`

    def name_key(self):
        return (self.last_name.lower(), self.first_name.lower(), self.pk)


FACT_KEYS = {
    "name": CohortFacts.name_key,
    "start": lambda f: (f.started_on or f.planned_start, f.name_key()),
    "phase": lambda f: (_PHASE_ORDER.get(f.phase, 99), f.name_key()),
    "completion": lambda f: (f.expected_completion or datetime.date.max, f.name_key()),
}


def cohort_facts(queryset, *, today: datetime.date) -> list[CohortFacts]:
    """The `CohortFacts` of every trainee of `queryset`, in one query (the placements aggregated)."""
    from trainees.models import Trainee, TraineeStatus

    at_placements = Trainee.objects.filter(pk__in=queryset.values("pk")).annotate(
        first_start=Min("placements__start"),
        last_end=Max("placements__end"),
        n_placements=Count("placements"),
        n_now=Count("placements", filter=Q(placements__start__lte=today, placements__end__gte=today)),
        n_later=Count("placements", filter=Q(placements__start__gt=today)),
    )
    out = []
    for (
        pk,
        last,
        first,
        status,
        planned,
        since,
        bt_end,
        first_start,
        last_end,
        n,
        now,
        later,
    ) in at_placements.order_by().values_list(
        "pk",
        "user__last_name",
        "user__first_name",
        "status",
        "planned_start",
        "status_since",
        "bt_end",
        "first_start",
        "last_end",
        "n_placements",
        "n_now",
        "n_later",
    ):
        if status == TraineeStatus.COMPLETED:
            completion = since
        elif status == TraineeStatus.DISCONTINUED:
            completion = None
        else:
            completion = last_end if n else bt_end
        out.append(
            CohortFacts(
                pk=pk,
                last_name=last,
                first_name=first,
                status=status,
                planned_start=planned,
                phase=phase_of(status, has_placements=bool(n), now=bool(now), later=bool(later)),
                started_on=first_start,
                expected_completion=completion,
            )
        )
    return out


@dataclass
class Cohort:
    form: CohortFilterForm
    filters: dict
    rows: Sequence[CohortRow]  # a list, or `LazyRows` computing the rows read
    sort: str
    queryset: object = None
    facts: list[CohortFacts] | None = None  # when the rows are lazy: the facts of all of them
    today: datetime.date | None = None

    def with_goals(self) -> list:
        """Every BT-läkare of the cohort with `goals` and what the completion chart reads: the
        rows when they are computed, else the facts with their delmål states (three queries)."""
        if self.facts is None and isinstance(self.rows, LazyRows):  # sorted by stored facts: theirs, in order
            by_pk = {f.pk: f for f in cohort_facts(self.queryset, today=self.today or timezone.localdate())}
            self.facts = [by_pk[pk] for pk in self.rows.pks]
        if self.facts is None:
            return list(self.rows)
        states = goal_states(self.facts, queryset=self.queryset)
        for fact in self.facts:
            fact.goals = states.get(fact.pk, {})
        return self.facts


def computes_every_row(filters: dict) -> bool:
    """Whether the filters sort or filter by a fact only a computed row has."""
    return filters.get("sort", "name").lstrip("-") not in FACT_SORTS or bool(filters.get("attention"))


@dataclass
class CohortScope:
    """The filters in `params` and the BT-läkare the stored-field filters leave (before any sort or
    filter on a fact): what a cohort page needs before it computes anything."""

    form: CohortFilterForm
    filters: dict
    queryset: object

    @property
    def sort(self) -> str:
        return self.filters.get("sort", "name")


def cohort_scope(user, params) -> CohortScope:
    form = CohortFilterForm(params, regions=regions_of(user))
    filters = form.filters()
    return CohortScope(form, filters, filter_queryset(DASHBOARD.queryset(user), filters))


def cohort_for(user, params, *, today: datetime.date | None = None, scope: CohortScope | None = None) -> Cohort:
    """The user's cohort under the filters in `params` (a QueryDict or dict), sorted."""
    today = today or timezone.localdate()
    scope = scope or cohort_scope(user, params)
    form, filters, queryset = scope.form, scope.filters, scope.queryset
    sort = filters.get("sort", "name")
    if computes_every_row(filters):
        # Sorted and filtered on the stored facts, the stale ones refreshed first (`reports.facts`).
        stored_facts.refresh(queryset, today=today)
        pks = stored_facts.ordered_pks(
            queryset, sort=sort, phase=filters.get("phase") or "", attention=filters.get("attention") or ""
        )
        return Cohort(
            form=form, filters=filters, rows=LazyRows(pks, today=today), sort=sort, queryset=queryset, today=today
        )
    facts = cohort_facts(queryset, today=today)
    if filters.get("phase"):
        facts = [f for f in facts if f.phase == filters["phase"]]
    key = sort.lstrip("-")
    facts.sort(key=FACT_KEYS.get(key, CohortFacts.name_key), reverse=sort.startswith("-"))
    rows = LazyRows([f.pk for f in facts], today=today)
    return Cohort(form=form, filters=filters, rows=rows, sort=sort, queryset=queryset, facts=facts, today=today)


def count_for(user, params) -> int:
    """How many BT-läkare the filters on stored fields leave (one query; the size of an export)."""
    form = CohortFilterForm(params, regions=regions_of(user))
    return filter_queryset(DASHBOARD.queryset(user), form.filters()).count()

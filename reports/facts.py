"""The cohort dashboard's computed facts, stored per BT-läkare (`reports.models.TraineeFacts`).

Sorting or filtering a cohort by a computed fact (months done, delmål evidenced, overdue
assessments, plan findings, what needs attention) would compute every row of the cohort on every
request. Instead each BT-läkare's facts are stored with the record version they were computed
from (`trainees.versions`) and the day they were computed for; `refresh` recomputes the stale ones
of a cohort (version changed, another day, or none yet) with `reports.cohort.cohort_rows` — the
very rows the dashboard shows, so there is no second implementation — and `ordered_pks` sorts and
filters the cohort in one query on the stored columns.

`refresh_cohort_facts` (a management command, daily from cron after midnight) refreshes everyone,
so that the first dashboard of the morning does not recompute a whole region.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Collate
from django.utils import timezone

from reports.cohort import Phase, cohort_rows
from reports.models import TraineeFacts
from trainees import versions
from trainees.models import Trainee

#: How many BT-läkare one `cohort_rows` call computes (its queries take the ids as a subquery).
CHUNK = 1000
PHASE_ORDER = {value: i for i, value in enumerate(Phase.values)}
NO_DATE = datetime.date.max

#: Sort → the stored columns, in the order of `reports.dashboard.SORT_KEYS` (the name follows).
SORT_COLUMNS = {
    "name": (),
    "start": ("start_key",),
    "phase": ("phase_order",),
    "months": ("months_done",),
    "goals": ("goals_evidenced",),
    "overdue": ("assessments_overdue", "assessments_due"),
    "findings": ("errors", "warnings"),
    "completion": ("completion_key",),
}

#: Attention filter → the condition on the stored columns (as `reports.dashboard.ATTENTION_TESTS`).
ATTENTION = {
    "any": Q(needs_attention=True),
    "overdue": Q(assessments_overdue__gt=0),
    "errors": Q(errors__gt=0),
    "supervisor": Q(supervisor_missing=True),
}


def _facts_of(row, version: int, today: datetime.date) -> TraineeFacts:
    user = row.trainee.user
    return TraineeFacts(
        trainee_id=row.trainee.pk,
        version=version,
        computed_for=today,
        last_name_key=user.last_name.lower(),
        first_name_key=user.first_name.lower(),
        phase=row.phase,
        phase_order=PHASE_ORDER.get(row.phase, 99),
        start_key=row.started_on or row.trainee.planned_start,
        completion_key=row.expected_completion or NO_DATE,
        months_done=float(row.months_done),
        goals_evidenced=row.goals_evidenced,
        assessments_overdue=row.assessments_overdue,
        assessments_due=row.assessments_due,
        errors=len(row.errors),
        warnings=len(row.warnings),
        supervisor_missing=row.supervisor_missing,
        needs_attention=row.needs_attention,
    )


FIELDS = [f.name for f in TraineeFacts._meta.concrete_fields if not f.primary_key]


def stale(queryset, *, today: datetime.date) -> dict[int, int]:
    """trainee id → current record version, for those of `queryset` whose stored facts are stale
    (missing, of another version or of another day). One query."""
    stored = TraineeFacts.objects.filter(trainee_id=OuterRef("pk"))
    rows = (
        Trainee.objects.filter(pk__in=queryset.values("pk"))
        .annotate(
            current=versions.version_of(),
            stored=Subquery(stored.values("version")[:1]),
            day=Subquery(stored.values("computed_for")[:1]),
        )
        .values_list("pk", "current", "stored", "day")
        .order_by()
    )
    return {pk: current for pk, current, stored, day in rows if stored != current or day != today}


def refresh(queryset, *, today: datetime.date | None = None, chunk: int = CHUNK) -> int:
    """Recompute and store the stale facts of the trainees of `queryset`; how many were stale.
    Queries: one, plus per `chunk` stale BT-läkare `cohort_rows`' nine and the upserts storing them
    (batched as the database allows: 55 rows a statement on SQLite, thousands on PostgreSQL). Two
    requests refreshing at once are harmless: the later write wins, and a row stored with a version
    that has moved on since is stale at the next look."""
    today = today or timezone.localdate()
    versions = stale(queryset, today=today)  # read before computing: a change meanwhile stays stale
    pks = sorted(versions)
    for i in range(0, len(pks), chunk):
        part = pks[i : i + chunk]
        # In id order: two app servers refreshing the same rows take their locks in the same order.
        rows = cohort_rows(Trainee.objects.filter(pk__in=part).order_by("pk"), today=today)
        TraineeFacts.objects.bulk_create(
            [_facts_of(row, versions[row.trainee.pk], today) for row in rows],
            update_conflicts=True,
            unique_fields=["trainee_id"],
            update_fields=FIELDS,
        )
    return len(pks)


def _name_order():
    # Python compares names by code point; so do SQLite (BINARY) and PostgreSQL's "C" collation.
    collation = "C" if connection.vendor == "postgresql" else "BINARY"
    return [Collate("last_name_key", collation), Collate("first_name_key", collation), F("trainee_id")]


def ordered_pks(queryset, *, sort: str, phase: str = "", attention: str = "") -> list[int]:
    """The ids of `queryset`'s trainees filtered and sorted on their stored facts (refresh them
    first), in the order `reports.dashboard.sort_rows` gives their rows. One query."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    facts = TraineeFacts.objects.filter(trainee_id__in=queryset.values("pk"))
    if phase:
        facts = facts.filter(phase=phase)
    if attention in ATTENTION:
        facts = facts.filter(ATTENTION[attention])
    columns = [F(c) for c in SORT_COLUMNS.get(key, ())] + _name_order()
    order = [c.desc() if descending else c.asc() for c in columns]
    return list(facts.order_by(*order).values_list("trainee_id", flat=True))

"""The cohort dashboard's facts: one row per BT-läkare, computed for many at once.

Every fact comes from the module that owns it: months from the rules module (`rules.counting`,
through `trainees.services.check_plan` for the plan), plan findings from `check_plan`, assessments
done/due/overdue from `assessments.cadence.due_items`, delmål from `portfolio.progress.goal_states`.
This module only fetches what they need for all trainees at once and hands it to them, so the
number of queries is fixed (`cohort_rows`: nine), whatever the number of trainees.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import rules
import rules.counting
from assessments import cadence
from assessments.models import Assessment
from certificates.models import FinalAssessment
from portfolio.progress import ProgressState, goal_states
from trainees.models import Credit, Leave, Placement, Trainee, TraineeStatus
from trainees.services import check_plan, to_rules_plan

#: An assessment due within this many days counts as "due" on the dashboard (later ones are just planned).
DUE_WITHIN_DAYS = 30
#: A placement starting within this many days needs its handledare now.
SUPERVISOR_NEEDED_DAYS = 30
#: Statuses whose BT is over: no assessments are due and no supervisor is missing.
CLOSED = frozenset({TraineeStatus.COMPLETED, TraineeStatus.DISCONTINUED})


class Phase(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    NO_PLAN = "no_plan", _("No placements planned")
    IN_PLACEMENT = "in_placement", _("In placement")
    BETWEEN = "between", _("Between placements")
    FINAL = "final", _("Placements done, final assessment")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


@dataclass
class CohortRow:
    """What the dashboard shows about one BT-läkare."""

    trainee: object
    phase: str
    placements: list
    current: object | None  # the placement today, else the next one
    current_is_now: bool
    months_done: Fraction
    months_planned: Fraction
    goals: dict[str, str]  # delmål code → progress state
    final_approved: bool
    assessments_done: int  # signed assessments, of any instrument
    assessments_due: int  # open items of the programme's cadence due within DUE_WITHIN_DAYS
    assessments_overdue: int
    main_supervisor_missing: bool
    placements_without_supervisor: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    expected_completion: datetime.date | None = None
    started_on: datetime.date | None = None

    @property
    def phase_label(self) -> str:
        return Phase(self.phase).label

    @property
    def status(self) -> str:
        return self.trainee.status

    @property
    def months_done_display(self):
        return rules.counting.as_number(self.months_done, 1)

    @property
    def months_planned_display(self):
        return rules.counting.as_number(self.months_planned, 1)

    @property
    def goals_evidenced(self) -> int:
        return sum(1 for state in self.goals.values() if state == ProgressState.EVIDENCED)

    @property
    def goals_total(self) -> int:
        return len(self.goals)

    @property
    def supervisor_missing(self) -> bool:
        return self.main_supervisor_missing or bool(self.placements_without_supervisor)

    @property
    def needs_attention(self) -> bool:
        return bool(self.assessments_overdue or self.errors or self.supervisor_missing)


def _make_up_kinds(trainee) -> frozenset[str]:
    try:
        return rules.regulation_for(trainee.planned_start).make_up_leave
    except LookupError:
        return rules.counting.DEFAULT_MAKE_UP_LEAVE


def phase_of(status: str, *, has_placements: bool, now: bool, later: bool) -> str:
    """The phase from the status and whether there are placements, one today, one later."""
    if status == TraineeStatus.PLANNED:
        return Phase.NOT_STARTED
    if status != TraineeStatus.ACTIVE:
        return status  # paused, completed, discontinued: the phase is the status
    if not has_placements:
        return Phase.NO_PLAN
    if now:
        return Phase.IN_PLACEMENT
    if later:
        return Phase.BETWEEN
    return Phase.FINAL


def _phase(trainee, placements, today) -> str:
    return phase_of(
        trainee.status,
        has_placements=bool(placements),
        now=any(p.start <= today <= p.end for p in placements),
        later=any(p.start > today for p in placements),
    )


def _group(rows, key="trainee_id") -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in rows:
        out[getattr(row, key)].append(row)
    return out


def cohort_rows(queryset, *, today: datetime.date | None = None) -> list[CohortRow]:
    """A row for every trainee of `queryset`, in its order, in a fixed number of queries."""
    today = today or timezone.localdate()
    among = queryset.values("pk")
    trainees = list(queryset.select_related("user", "region", "home_unit", "main_supervisor__supervisor_profile"))
    placements = _group(
        Placement.objects.filter(trainee__in=among)
        .select_related("unit", "supervisor__supervisor_profile")
        .order_by("start", "end", "pk")
    )
    leave = _group(Leave.objects.filter(trainee__in=among).order_by("start", "pk"))
    credits = _group(Credit.objects.filter(trainee__in=among).order_by("pk"))
    signed = _group(
        Assessment.objects.filter(trainee__in=among)
        .evidence()
        .only("pk", "trainee_id", "instrument", "placement_id", "performed_on", "signed_at")
        .order_by("performed_on", "pk")
    )
    goals = goal_states(trainees, queryset=queryset)
    approved = {f.trainee_id for f in FinalAssessment.objects.filter(trainee__in=among).order_by() if f.approved}
    return [
        _row(
            t,
            placements.get(t.pk, []),
            leave.get(t.pk, []),
            credits.get(t.pk, []),
            signed.get(t.pk, []),
            goals.get(t.pk, {}),
            t.pk in approved,
            today,
        )
        for t in trainees
    ]


class LazyRows(Sequence):
    """The rows of the trainees `pks`, in that order, each computed only when it is read.

    A page (a slice, as `Paginator` takes it) computes its 25 rows in `cohort_rows`' fixed number
    of queries; iterating (an export) computes them a chunk at a time. Its length needs no query.
    `prepare(row)` is called on each row computed (e.g. to add what a page shows beside it)."""

    CHUNK = 500

    def __init__(self, pks, *, today=None, prepare: Callable | None = None):
        self.pks = list(pks)
        self.today = today
        self.prepare = prepare

    def __len__(self) -> int:
        return len(self.pks)

    def count(self) -> int:  # what Paginator asks
        return len(self.pks)

    def _rows(self, pks) -> list[CohortRow]:
        if not pks:
            return []
        by_pk = {r.trainee.pk: r for r in cohort_rows(Trainee.objects.filter(pk__in=pks), today=self.today)}
        rows = [by_pk[pk] for pk in pks]
        if self.prepare:
            for row in rows:
                self.prepare(row)
        return rows

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._rows(self.pks[index])
        return self._rows([self.pks[index]])[0]

    def __iter__(self):
        for i in range(0, len(self.pks), self.CHUNK):
            yield from self._rows(self.pks[i : i + self.CHUNK])


def _row(trainee, placements, leave, credits, signed, goals, approved, today) -> CohortRow:
    check = check_plan(trainee, placements=placements, leave=leave, credits=credits)
    plan = to_rules_plan(trainee, placements=placements, leave=leave, credits=credits)
    closed = trainee.status in CLOSED
    due = overdue = 0
    for item in cadence.due_items(trainee, today=today, placements=placements, leave=leave, assessments=signed):
        if item.status == cadence.DONE:
            continue
        if not closed and item.status == cadence.OVERDUE:
            overdue += 1
        elif not closed and item.due_date <= today + datetime.timedelta(days=DUE_WITHIN_DAYS):
            due += 1
    now = next((p for p in placements if p.start <= today <= p.end), None)
    current = now or next((p for p in placements if p.start > today), None)
    horizon = today + datetime.timedelta(days=SUPERVISOR_NEEDED_DAYS)
    unsupervised = (
        []
        if closed
        else [p for p in placements if p.end >= today and p.start <= horizon and p.unit_id and not p.supervisor_id]
    )
    if trainee.status == TraineeStatus.COMPLETED:
        completion = trainee.status_since
    elif trainee.status == TraineeStatus.DISCONTINUED:
        completion = None
    else:
        completion = max((p.end for p in placements), default=trainee.bt_end)
    return CohortRow(
        trainee=trainee,
        phase=_phase(trainee, placements, today),
        placements=placements,
        current=current,
        current_is_now=now is not None,
        months_done=rules.counting.service_done(plan, today, _make_up_kinds(trainee)),
        months_planned=check.result.exact_fte,
        goals=goals,
        final_approved=approved,
        assessments_done=len(signed),
        assessments_due=due,
        assessments_overdue=overdue,
        main_supervisor_missing=not closed and not trainee.main_supervisor_id,
        placements_without_supervisor=unsupervised,
        errors=check.errors,
        warnings=check.warnings,
        expected_completion=completion,
        started_on=placements[0].start if placements else None,
    )

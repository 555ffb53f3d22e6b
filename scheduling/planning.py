"""The Django side of cohort planning: build the planner's input from the database, run it as
a background job (a PlanningRun row claimed by `manage.py run_planning_jobs`), and turn an
accepted proposal into placements — checked by the rules module again."""

from __future__ import annotations

import calendar
import datetime
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Unit, UnitCapacity
from scheduling.models import AcceptedProposal, PlanningRun, RunStatus
from trainees import services as trainee_services
from trainees.models import Placement, Trainee, TraineeStatus

CATEGORIES = ("akut", "primarvard", "psykiatri", "annan")
INTRODUCTION_UNIT = "introduction"


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def label(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def from_label(text: str) -> datetime.date:
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def candidate_trainees(region):
    """BT-läkare of the region who are planned and have no placement yet."""
    return (
        Trainee.objects.filter(region=region, status=TraineeStatus.PLANNED, placements__isnull=True)
        .select_related("user")
        .order_by("planned_start", "user__last_name")
    )


def build_cohort(region, trainees, start: datetime.date, months: int) -> dict:
    """The planner's input (the `plan_cohort` JSON format) for `trainees` in `region`.

    Capacity per unit and month is the unit's capacity (with monthly exceptions) minus the
    trainees already placed there who are not part of this cohort.
    """
    start = first_of_month(start)
    end = last_day(add_months(start, months - 1))
    month_list = [add_months(start, i) for i in range(months)]
    units = list(Unit.objects.filter(region=region, active=True, category__in=CATEGORIES).order_by("path"))
    overrides = {
        (c.unit_id, c.month): c.capacity
        for c in UnitCapacity.objects.filter(unit__in=units, month__gte=start, month__lte=end)
    }
    trainee_ids = [t.pk for t in trainees]
    occupied: dict[tuple[int, datetime.date], set[int]] = defaultdict(set)
    others = Placement.objects.filter(unit__in=units, start__lte=end, end__gte=start).exclude(trainee_id__in=trainee_ids)
    for p in others.values("unit_id", "trainee_id", "start", "end"):
        for month in month_list:
            if p["start"] <= last_day(month) and p["end"] >= month:
                occupied[(p["unit_id"], month)].add(p["trainee_id"])

    unit_rows = []
    for unit in units:
        by_month = {}
        for month in month_list:
            capacity = overrides.get((unit.pk, month), unit.bt_capacity)
            free = max(0, capacity - len(occupied[(unit.pk, month)]))
            if free != unit.bt_capacity:
                by_month[label(month)] = free
        unit_rows.append({
            "id": str(unit.pk), "name": str(unit), "category": unit.category,
            "capacity": unit.bt_capacity, "capacity_by_month": by_month,
        })

    # An introduction is given by the region (a course, a training centre), not by a unit with
    # limited places: one shared, roomy pseudo-unit makes it plannable.
    unit_rows.append({"id": INTRODUCTION_UNIT, "name": _("Introduction"), "category": "introduktion", "capacity": 999})

    leave = defaultdict(list)
    for x in trainee_services.Leave.objects.filter(trainee_id__in=trainee_ids).exclude(kind="vacation"):
        leave[x.trainee_id].append(x)
    trainee_rows = []
    for t in trainees:
        earliest = max(start, first_of_month(t.planned_start))
        latest = min(add_months(earliest, 2), month_list[-1])
        unavailable = [
            label(m) for m in month_list if any(x.start <= m and x.end >= last_day(m) for x in leave[t.pk])
        ]
        trainee_rows.append({
            "id": str(t.pk), "name": str(t), "programme": t.programme, "bt_type": t.bt_type,
            "earliest_start": label(earliest), "latest_start": label(max(earliest, latest)),
            "unavailable": unavailable,
        })
    return {"horizon": {"start": label(start), "months": months}, "units": unit_rows, "trainees": trainee_rows}


@transaction.atomic
def start_run(*, region, by, trainees, start: datetime.date, months: int, method: str = "cpsat",
              time_limit: int = 60) -> PlanningRun:
    trainees = list(trainees)
    if not trainees:
        raise trainee_services.DomainError(_("Choose at least one BT doctor to plan."))
    run = PlanningRun.objects.create(
        region=region, created_by=by, method=method, time_limit=time_limit,
        horizon_start=first_of_month(start), horizon_months=months,
        cohort=build_cohort(region, trainees, start, months),
    )
    run.trainees.set(trainees)
    return run


def claim_next_run() -> PlanningRun | None:
    """Claim the oldest queued run with an atomic conditional update (safe with many workers)."""
    for run in PlanningRun.objects.filter(status=RunStatus.QUEUED).order_by("created_at")[:5]:
        claimed = PlanningRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, claimed_at=timezone.now()
        )
        if claimed:
            run.refresh_from_db()
            return run
    return None


def execute_run(run: PlanningRun) -> PlanningRun:
    """Solve and store the proposal; progress is saved at most once a second."""
    from scheduling.model import Cohort, CohortFormatError
    from scheduling.solver import solve

    last = [0.0]

    def progress(info: dict) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            PlanningRun.objects.filter(pk=run.pk).update(progress=info)

    try:
        cohort = Cohort.from_dict(run.cohort)
        solution = solve(cohort, run.method, time_limit=run.time_limit, seed=run.pk, progress=progress)
    except (CohortFormatError, ValueError) as error:
        run.status, run.message = RunStatus.FAILED, str(error)
    else:
        run.result = solution.to_dict()
        run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "result", "finished_at"])
    return run


@dataclass
class ProposedPlacement:
    unit: Unit | None
    category: str
    start: datetime.date
    end: datetime.date
    months: int


@dataclass
class Proposal:
    trainee: Trainee
    placements: list[ProposedPlacement]
    accepted: bool
    check: trainee_services.PlanCheck | None


def proposals(run: PlanningRun) -> list[Proposal]:
    """Per trainee of the run: the proposed placements and the rules check of that plan."""
    if not run.result:
        return []
    trainees = {str(t.pk): t for t in run.trainees.select_related("user")}
    units = Unit.objects.in_bulk([int(a["unit"]) for a in run.result.get("assignments", []) if a["unit"].isdigit()])
    accepted = set(run.accepted.values_list("trainee_id", flat=True))
    by_trainee = defaultdict(list)
    for a in run.result.get("assignments", []):
        by_trainee[a["trainee"]].append(a)
    out = []
    for key, trainee in trainees.items():
        placed = _dated(trainee, sorted(by_trainee.get(key, []), key=lambda a: a["start"]), units)
        check = None
        if placed:
            check = trainee_services.check_plan(trainee, placements=[
                Placement(trainee=trainee, category=p.category, unit=p.unit, start=p.start, end=p.end) for p in placed
            ])
        out.append(Proposal(trainee, placed, trainee.pk in accepted, check))
    return out


def _dated(trainee, assignments, units) -> list[ProposedPlacement]:
    """Real dates for the planner's whole months.

    The planner works in calendar months; a BT may start mid-month (e.g. 5 April). The first
    placement then starts on the BT's start day, each placement follows on from the one
    before it, and each ends on the first day that gives it its full-time months as the rules
    module counts them, so a proposal of "3 months" never counts 2.99.
    """
    out, cursor = [], None
    for a in assignments:
        start = from_label(a["start"])
        if not out and start <= trainee.planned_start <= last_day(start):
            start = trainee.planned_start
        if cursor and cursor > start:
            start = cursor
        end = _end_for_months(start, a["months"])
        unit = units.get(int(a["unit"])) if a["unit"].isdigit() else None
        out.append(ProposedPlacement(unit=unit, category=a["category"], start=start, end=end, months=a["months"]))
        cursor = end + datetime.timedelta(days=1)
    return out


def _end_for_months(start: datetime.date, months: int) -> datetime.date:
    import rules

    end = add_months(first_of_month(start), months) - datetime.timedelta(days=1)
    if start.day == 1:
        return end
    while rules.months_between(start, end) < months:
        end += datetime.timedelta(days=1)
    return end


@transaction.atomic
def accept_proposal(run: PlanningRun, trainee: Trainee, *, by) -> list[Placement]:
    """Turn the trainee's proposed placements into placements (all or nothing)."""
    if run.status != RunStatus.DONE:
        raise trainee_services.DomainError(_("The proposal is not ready yet."))
    if AcceptedProposal.objects.filter(run=run, trainee=trainee).exists():
        raise trainee_services.DomainError(_("This proposal has already been accepted."))
    proposal = next((p for p in proposals(run) if p.trainee.pk == trainee.pk), None)
    if proposal is None or not proposal.placements:
        raise trainee_services.DomainError(_("The planner found no placements for %(name)s.") % {"name": trainee})
    if trainee.placements.exists():
        raise trainee_services.DomainError(
            _("%(name)s already has placements; remove them in the plan editor before accepting a proposal.")
            % {"name": trainee}
        )
    if not proposal.check.valid:
        raise trainee_services.DomainError(
            _("The proposal for %(name)s does not meet the rules: %(errors)s")
            % {"name": trainee, "errors": "; ".join(f.message for f in proposal.check.errors)}
        )
    created = [
        trainee_services.save_placement(
            trainee, Placement(category=p.category, unit=p.unit, start=p.start, end=p.end), expected_version=None
        )
        for p in proposal.placements
    ]
    AcceptedProposal.objects.create(run=run, trainee=trainee, accepted_by=by)
    return created


def visible_runs(user):
    from accounts.permissions import scoped

    return PlanningRun.objects.filter(region__in=scoped(user, "scheduling.plan")).select_related("region", "created_by")


def trainee_in_run(run, pk) -> Trainee | None:
    return run.trainees.filter(Q(pk=pk)).first()

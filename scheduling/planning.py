"""The Django side of cohort planning: build the planner's input from the database, run it as
a background job (`scheduling.tasks.solve_planning_run`, run by `manage.py db_worker`), and turn
an accepted proposal into placements — checked by the rules module again."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

import rules
from core.errors import DomainError
from core.locking import check_version
from organisations.models import Unit, UnitCapacity
from rules.dates import add_months, first_of_month, month_index
from rules.dates import month_end as last_day
from scheduling.models import AcceptedProposal, PlanningRun, ProposalEdit, RunStatus
from scheduling.permissions import PLAN, PLAN_TRAINEE
from scheduling.tasks import solve_planning_run
from trainees import capacity
from trainees import services as trainee_services
from trainees.models import Placement, Trainee, TraineeStatus
from trainees.wishes import planner_preferences

#: The categories of the units the planner places on (introduction is the region's course).
CATEGORIES = rules.UNIT_CATEGORIES
INTRODUCTION_UNIT = "introduction"


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
    trainees already placed there who are not part of this cohort. The trainees' placement
    wishes (`trainees.wishes`) are their preferences.
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
    # Who else is on each unit, per month: counted as the most on any one day (as the capacity
    # timelines count), so a place handed over mid-month is not counted twice.
    occupied: dict[tuple[int, datetime.date], dict[int, capacity.Entry]] = defaultdict(dict)
    others = Placement.objects.filter(unit__in=units, start__lte=end, end__gte=start).exclude(
        trainee_id__in=trainee_ids
    )
    for p in others.values("unit_id", "trainee_id", "start", "end"):
        for month in month_list:
            if p["start"] <= last_day(month) and p["end"] >= month:
                entry = occupied[(p["unit_id"], month)].setdefault(
                    p["trainee_id"], capacity.Entry(p["trainee_id"], "", "")
                )
                entry.placements.append(capacity.PlacementInfo("", "", 100, p["start"], p["end"]))

    wishes = planner_preferences(trainees, [u.pk for u in units])
    wished = {w["unit"] for prefs in wishes.values() for w in prefs if w["weight"] > 0}
    avoided = {w["unit"] for prefs in wishes.values() for w in prefs if w["weight"] < 0}
    unit_rows = []
    for unit in units:
        by_month = {}
        for month in month_list:
            taken = occupied.get((unit.pk, month))
            free = max(
                0,
                overrides.get((unit.pk, month), unit.bt_capacity)
                - (capacity.peak(taken.values(), month) if taken else 0),
            )
            if free != unit.bt_capacity:
                by_month[label(month)] = free
        unit_rows.append(
            {
                "id": str(unit.pk),
                "name": str(unit),
                "category": unit.category,
                "capacity": unit.bt_capacity,
                "capacity_by_month": by_month,
                # A unit someone in the cohort would rather avoid and no one wishes for: the planner
                # spreads such placements fairly.
                "unpopular": str(unit.pk) in avoided - wished,
            }
        )

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
        unavailable = [label(m) for m in month_list if any(x.start <= m and x.end >= last_day(m) for x in leave[t.pk])]
        trainee_rows.append(
            {
                "id": str(t.pk),
                "name": str(t),
                "programme": t.programme,
                "bt_type": t.bt_type,
                "earliest_start": label(earliest),
                "latest_start": label(max(earliest, latest)),
                "unavailable": unavailable,
                "preferences": wishes.get(t.pk, []),
            }
        )
    return {"horizon": {"start": label(start), "months": months}, "units": unit_rows, "trainees": trainee_rows}


@transaction.atomic
def start_run(
    *,
    region,
    by,
    trainees,
    start: datetime.date,
    months: int,
    method: str = "cpsat",
    time_limit: int = 60,
    weights: dict[str, int] | None = None,
) -> PlanningRun:
    """Queue a planning run; `weights` sets the soft goals' weights (the planner's defaults
    for those not given).

    The run and its job are written in one transaction (the job is a row of the same database),
    so there is never a run without a job or a job without its run.
    """
    trainees = list(trainees)
    if not trainees:
        raise DomainError(_("Choose at least one BT doctor to plan."))
    check_may_plan(by, trainees, region=region)
    cohort = build_cohort(region, trainees, start, months)
    if weights:
        cohort["weights"] = dict(weights)
    run = PlanningRun.objects.create(
        region=region,
        created_by=by,
        method=method,
        time_limit=time_limit,
        horizon_start=first_of_month(start),
        horizon_months=months,
        cohort=cohort,
    )
    run.trainees.set(trainees)
    solve_planning_run.enqueue(run.pk)
    return run


# ---------------------------------------------------------------------------
# Proposals: the planner's result per trainee, with a person's edits applied
# ---------------------------------------------------------------------------


@dataclass
class ProposedPlacement:
    unit: Unit | None
    category: str
    start: datetime.date
    end: datetime.date
    months: int

    @property
    def occupied_months(self) -> list[datetime.date]:
        """The calendar months with at least one day of this placement (as the timelines count)."""
        months, month = [], first_of_month(self.start)
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months


@dataclass
class CapacityConflict:
    """A unit over capacity in some months, in people's words."""

    unit: Unit
    months: list[datetime.date]

    @property
    def message(self) -> str:
        return _("%(unit)s is over capacity in %(months)s") % {
            "unit": self.unit,
            "months": ", ".join(label(m) for m in self.months),
        }


@dataclass
class Proposal:
    trainee: Trainee
    placements: list[ProposedPlacement]
    accepted: bool
    # The rules check of the proposed plan (None without placements), made when first read: the
    # capacity review counts every proposal of a run, the page checks only the proposals it lists.
    check_plan: Callable[[], trainee_services.PlanCheck | None] = field(repr=False, compare=False)
    # The planner's own proposal, and whether a person has changed it (see ProposalEdit).
    original: list[ProposedPlacement] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    edited: bool = False
    version: int = 0
    edit: ProposalEdit | None = None
    # Filled in by `review`: where this proposal sits in a month over capacity.
    conflicts: list[CapacityConflict] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return not self.accepted

    @cached_property
    def check(self) -> trainee_services.PlanCheck | None:
        return self.check_plan()


def proposals(run: PlanningRun, *, only: Trainee | None = None) -> list[Proposal]:
    """Per trainee of the run: the proposed placements (edited when a person changed them)
    and the rules check of that plan.

    A fixed number of queries whatever the number of trainees: the trainees with what the
    rules check reads (leave, credited service, main supervisor), the edits, the accepted
    proposals and the units.
    """
    if not run.result:
        return []
    people = run.trainees.select_related("user", "main_supervisor__supervisor_profile").prefetch_related(
        "leave", "credits"
    )
    if only is not None:
        people = people.filter(pk=only.pk)
    trainees = {str(t.pk): t for t in people.order_by("user__last_name", "user__first_name", "pk")}
    edits = {
        e.trainee_id: e
        for e in run.edits.select_related("edited_by").filter(trainee_id__in=[t.pk for t in trainees.values()])
    }
    planner = defaultdict(list)
    for a in run.result.get("assignments", []):
        planner[a["trainee"]].append(a)
    effective = {}
    for key, trainee in trainees.items():
        edit = edits.get(trainee.pk)
        effective[key] = edit.assignments if edit and edit.assignments is not None else planner.get(key, [])
    unit_ids = {
        int(a["unit"]) for rows in (*planner.values(), *effective.values()) for a in rows if str(a["unit"]).isdigit()
    }
    units = Unit.objects.select_related("parent").in_bulk(unit_ids)
    accepted = set(run.accepted.values_list("trainee_id", flat=True))
    out = []
    for key, trainee in trainees.items():
        edit = edits.get(trainee.pk)
        rows = sorted(effective[key], key=lambda a: a["start"])
        placed = _dated(trainee, rows, units)

        def check(trainee=trainee, placed=placed):
            if not placed:
                return None
            return trainee_services.check_plan(
                trainee,
                placements=[
                    Placement(trainee=trainee, category=p.category, unit=p.unit, start=p.start, end=p.end)
                    for p in placed
                ],
            )

        edited = bool(edit and edit.assignments is not None)
        original = _dated(trainee, sorted(planner.get(key, []), key=lambda a: a["start"]), units) if edited else placed
        out.append(
            Proposal(
                trainee,
                placed,
                trainee.pk in accepted,
                check,
                original=original,
                assignments=rows,
                edited=edited,
                version=edit.version if edit else 0,
                edit=edit,
            )
        )
    return out


def _dated(trainee, assignments, units) -> list[ProposedPlacement]:
    """Real dates for the planner's whole months.

    The planner works in calendar months; a BT may start mid-month (e.g. 5 April). The first
    placement then starts on the BT's start day, each placement follows on from the one before it,
    and each ends the day before the same day of the month its months later (the rules module's
    calendar months: 5 April + 3 months ends 4 July), so a proposal of "3 months" counts exactly 3.
    """
    out, cursor = [], None
    for a in assignments:
        start = from_label(a["start"])
        if not out and start <= trainee.planned_start <= last_day(start):
            start = trainee.planned_start
        if cursor and cursor > start:
            start = cursor
        end = rules.counting.period_end(start, a["months"])
        key = str(a["unit"])
        unit = units.get(int(key)) if key.isdigit() else None
        out.append(ProposedPlacement(unit=unit, category=a["category"], start=start, end=end, months=a["months"]))
        cursor = end + datetime.timedelta(days=1)
    return out


# ---------------------------------------------------------------------------
# Review against capacity
# ---------------------------------------------------------------------------


@dataclass
class ProposedEntry(capacity.Entry):
    """A trainee in a capacity cell because of a proposal not yet accepted."""

    proposed: bool = True


@dataclass
class Review:
    grid: capacity.Grid
    groups: list[tuple[str, str, capacity.Grid]]
    conflicts: list[CapacityConflict]  # over capacity in cells the proposals take part in
    existing: list[CapacityConflict] = field(default_factory=list)  # over capacity without them

    @property
    def over_capacity(self) -> bool:
        return bool(self.conflicts)


def review(run: PlanningRun, items: list[Proposal], *, visible=None) -> Review:
    """Unit × month capacity of the region as it would be with the pending proposals accepted.

    Used in a cell = the placements on record of everyone whose plan is not pending in this
    run (trainees outside the run, and those whose proposal was accepted: their proposal is
    now placements) + the pending proposals (with edits). Units: the region's units of the
    categories the proposals use. Queries: the units, plus `month_grid`'s fixed two or three.
    `visible`: a Trainee queryset whose names may be shown (others are counted, not named).
    """
    from organisations.models import PlacementCategory

    pending = [p for p in items if not p.accepted]
    categories = {a["category"] for p in items for a in p.assignments} & set(CATEGORIES)
    used_units = {x.unit.pk for p in pending for x in p.placements if x.unit}
    units = (
        Unit.objects.filter(region_id=run.region_id, category__in=categories)
        .filter(Q(active=True) | Q(pk__in=used_units))
        .select_related("parent")
        .order_by("path")
    )
    grid = capacity.month_grid(units, run.horizon_start, run.horizon_months, visible_trainees=visible)
    pending_ids = {p.trainee.pk for p in pending}
    named_ids = pending_ids if visible is None else set(visible.filter(pk__in=pending_ids).values_list("pk", flat=True))
    cells = {(row.unit.pk, cell.month): cell for row in grid.rows for cell in row.cells}
    for cell in cells.values():
        cell.entries = [e for e in cell.entries if e.trainee_id not in pending_ids]
    for p in pending:
        for x in p.placements:
            if not x.unit:
                continue
            for month in x.occupied_months:
                cell = cells.get((x.unit.pk, month))
                if cell is None:
                    continue
                entry = next((e for e in cell.entries if e.trainee_id == p.trainee.pk), None)
                if entry is None:
                    named = p.trainee.pk in named_ids
                    entry = ProposedEntry(
                        trainee_id=p.trainee.pk,
                        name=str(p.trainee) if named else "",
                        url=p.trainee.get_absolute_url() if named else "",
                        visible=named,
                    )
                    cell.entries.append(entry)
                entry.placements.append(
                    capacity.PlacementInfo(x.category, PlacementCategory(x.category).label, 100, x.start, x.end)
                )
    grid = grid.subgrid(grid.rows)  # totals again, with the proposals
    over = [(row.unit, cell) for row in grid.rows for cell in row.cells if cell.over_capacity]

    def proposed(cell) -> bool:
        return any(isinstance(e, ProposedEntry) for e in cell.entries)

    conflicts = _conflicts((unit, cell.month) for unit, cell in over if proposed(cell))
    # Over capacity already with the placements on record alone: worth knowing, not the proposal's doing.
    existing = _conflicts((unit, cell.month) for unit, cell in over if not proposed(cell))
    for p in pending:
        mine = {(x.unit.pk, m) for x in p.placements if x.unit for m in x.occupied_months}
        p.conflicts = _conflicts(
            (row.unit, cell.month)
            for row in grid.rows
            for cell in row.cells
            if cell.over_capacity and (row.unit.pk, cell.month) in mine
        )
    labels = dict(PlacementCategory.choices)
    order = list(PlacementCategory.values)
    groups = sorted(
        grid.group_by(lambda u: u.category), key=lambda g: order.index(g[0]) if g[0] in order else len(order)
    )
    return Review(grid, [(key, labels.get(key, key), sub) for key, sub in groups], conflicts, existing)


def outcome(proposal: Proposal) -> tuple[bool, str]:
    """(all well?, plain words) for a proposal after `review`: the rules check and capacity."""
    problems = []
    if proposal.check and not proposal.check.valid:
        problems.append(
            _("It does not meet the rules: %(errors)s.")
            % {"errors": "; ".join(f.message.rstrip(".") for f in proposal.check.errors)}
        )
    if proposal.conflicts:
        problems.append(
            _("With the other proposals, %(conflicts)s.")
            % {"conflicts": "; ".join(c.message for c in proposal.conflicts)}
        )
    if problems:
        return False, " ".join(problems)
    return True, _("It meets the rules and fits the units' capacity.")


def _conflicts(unit_months) -> list[CapacityConflict]:
    """(unit, month) pairs → one conflict per unit, months in order."""
    by_unit: dict[int, CapacityConflict] = {}
    for unit, month in unit_months:
        by_unit.setdefault(unit.pk, CapacityConflict(unit, [])).months.append(month)
    for conflict in by_unit.values():
        conflict.months.sort()
    return list(by_unit.values())


def accept_conflicts(run: PlanningRun, proposal: Proposal) -> list[CapacityConflict]:
    """Where accepting this one proposal would put a unit over capacity: the placements on
    record now (other pending proposals do not count: they are not placements yet) plus this
    trainee's proposed placements."""
    units = {x.unit.pk: x.unit for x in proposal.placements if x.unit}
    if not units:
        return []
    months = sorted({m for x in proposal.placements if x.unit for m in x.occupied_months})
    first, count = months[0], month_index(months[-1]) - month_index(months[0]) + 1
    grid = capacity.month_grid(units.values(), first, count)
    over = []
    for x in proposal.placements:
        if not x.unit:
            continue
        mine = capacity.Entry(
            proposal.trainee.pk,
            "",
            "",
            placements=[
                capacity.PlacementInfo(y.category, "", 100, y.start, y.end)
                for y in proposal.placements
                if y.unit and y.unit.pk == x.unit.pk
            ],
        )
        for month in x.occupied_months:
            cell = grid.cell(x.unit, month)
            others = [e for e in cell.entries if e.trainee_id != proposal.trainee.pk]
            if capacity.peak([*others, mine], month) > cell.capacity:
                over.append((x.unit, month))
    return _conflicts(dict.fromkeys(over))


# ---------------------------------------------------------------------------
# Accepting
# ---------------------------------------------------------------------------


def check_open(run: PlanningRun, trainee: Trainee) -> None:
    """The trainee's proposal may still be edited or accepted (DomainError otherwise)."""
    if run.status != RunStatus.DONE:
        raise DomainError(_("The proposal is not ready yet."))
    if AcceptedProposal.objects.filter(run=run, trainee=trainee).exists():
        raise DomainError(_("This proposal has already been accepted."))


def stale_message(trainee: Trainee) -> str:
    return _(
        "The proposal for %(name)s was changed while you were looking at it. Review it again before accepting."
    ) % {"name": trainee}


@transaction.atomic
def accept_proposal(run: PlanningRun, trainee: Trainee, *, by, expected_version: int | None = None) -> list[Placement]:
    """Turn the trainee's proposed placements (edited, when a person changed them) into
    placements — all or nothing, after the rules check and the capacity check."""
    # One accept at a time per run, so two people cannot both take a unit's last place.
    PlanningRun.objects.select_for_update().filter(pk=run.pk).first()
    check_may_plan(by, [trainee], region=run.region)
    check_open(run, trainee)
    proposal = next(iter(proposals(run, only=trainee)), None)
    if proposal is None or not proposal.placements:
        raise DomainError(_("The planner found no placements for %(name)s.") % {"name": trainee})
    check_version(proposal.version, expected_version, message=stale_message(trainee))
    if trainee.placements.exists():
        raise DomainError(
            _("%(name)s already has placements; remove them in the plan editor before accepting a proposal.")
            % {"name": trainee}
        )
    if not proposal.check.valid:
        raise DomainError(
            _("The proposal for %(name)s does not meet the rules: %(errors)s")
            % {"name": trainee, "errors": "; ".join(f.message for f in proposal.check.errors)}
        )
    over = accept_conflicts(run, proposal)
    if over:
        raise DomainError(
            _("The proposal for %(name)s was not accepted: %(conflicts)s. Change the proposal first.")
            % {"name": trainee, "conflicts": "; ".join(c.message for c in over)}
        )
    created = [
        trainee_services.save_placement(
            trainee, Placement(category=p.category, unit=p.unit, start=p.start, end=p.end), expected_version=None
        )
        for p in proposal.placements
    ]
    AcceptedProposal.objects.create(run=run, trainee=trainee, accepted_by=by)
    return created


def check_may_plan(user, trainees, *, region) -> None:
    """The last word on scope, whatever the view: a run is started, and a proposal accepted, only for
    BT-läkare the user may plan, in a region where they plan (PermissionDenied otherwise). `user` None is the
    system itself (a management command), which no request can be."""
    if user is None:
        return
    PLAN.check(user, region)
    for trainee in trainees:
        PLAN_TRAINEE.check(user, trainee)


def visible_runs(user):
    return PlanningRun.objects.filter(region__in=PLAN.queryset(user)).select_related("region", "created_by")


def trainee_in_run(run, pk) -> Trainee | None:
    return run.trainees.filter(Q(pk=pk)).first()

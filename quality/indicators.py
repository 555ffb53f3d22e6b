"""Indicators of a unit's BT for a period, from the data (months and cadence through the rules module),
shown to the reviewers beside the survey answers. Aggregates only: counts, shares, a median (over at
least N completed, as in the statistics) and the anonymity module's evaluation results.

Queries: a fixed number, whatever the number of placements (placements with their trainees, leave,
signed assessments and supervisors are fetched at once).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Prefetch

import rules
import rules.counting
from assessments import cadence
from assessments.models import Assessment
from core import programmes
from trainees.models import Placement, Trainee, TraineeStatus
from trainees.services import leave_policy
from trainees.statistics import months_to_completion

from . import anonymity
from .models import PUBLISHED_STATES, ActionKind, StatementFinding


@dataclass
class Indicators:
    start: datetime.date
    end: datetime.date
    trainees_placed: int
    months_given: float
    placements: int
    with_supervisor_percent: int | None
    supervisors: int
    trained_percent: int | None
    bt_trained_percent: int | None  # None where the region neither requires nor recommends it
    bt_training_rule: str  # "required" / "recommended" / ""
    assessments_due: int
    assessments_on_time_percent: int | None
    evaluations: anonymity.EvaluationResults
    completed: int
    median_months_to_completion: float | None
    open_findings: int


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def unit_indicators(
    unit, *, start: datetime.date, end: datetime.date, today: datetime.date | None = None, exclude_review=None
) -> Indicators:
    today = today or datetime.date.today()
    placements = list(
        Placement.objects.filter(unit__path__startswith=unit.path, start__lte=end, end__gte=start)
        .select_related("trainee", "supervisor__supervisor_profile")
        .prefetch_related("trainee__leave")
        .order_by("pk")
    )
    trainee_ids = {p.trainee_id for p in placements}
    months = Fraction(0)
    for p in placements:
        excluded = leave_policy(p.trainee).deducted(
            [rules.Leave(kind=x.kind, start=x.start, end=x.end) for x in p.trainee.leave.all()]
        )
        clipped = rules.Placement(category=p.category, start=max(p.start, start), end=min(p.end, end), extent=p.extent)
        months += rules.counting.placement_months(clipped, excluded)

    with_supervisor = [p for p in placements if p.supervisor_id]
    supervisors = {p.supervisor_id: p.supervisor for p in with_supervisor}
    profiles = [
        getattr(s, "supervisor_profile", None) if hasattr(s, "supervisor_profile") else None
        for s in supervisors.values()
    ]
    trained = sum(1 for pr in profiles if pr is not None and pr.has_supervisor_training)
    bt_rule = programmes.load_or_fallback(unit.region.programme).supervisor_requirements.bt_handledarutbildning
    bt_rule = bt_rule if bt_rule in ("required", "recommended") else ""
    bt_trained = sum(1 for pr in profiles if pr is not None and pr.bt_supervisor_training_date)

    # Cadence: the items of these placements whose due date has passed (within the period), done or not.
    trainees = (
        Trainee.objects.filter(pk__in=trainee_ids)
        .prefetch_related(
            "placements",
            "leave",
            Prefetch("assessments", queryset=Assessment.objects.filter(signed_at__isnull=False), to_attr="signed"),
        )
        .order_by("pk")
    )
    placement_ids = {p.pk for p in placements}
    due = done = 0
    for t in trainees:
        items = cadence.due_items(
            t, today=today, placements=list(t.placements.all()), leave=list(t.leave.all()), assessments=t.signed
        )
        for item in items:
            if item.placement is None or item.placement.pk not in placement_ids:
                continue
            if item.due_date > min(today, end) or item.due_date < start:
                continue
            due += 1
            done += item.status == cadence.DONE

    # Time to completion for the BT-läkare whose BT started at (home unit in) the unit.
    completed = list(
        Trainee.objects.filter(home_unit__path__startswith=unit.path, status=TraineeStatus.COMPLETED)
        .filter(status_since__gte=start, status_since__lte=end)
        .values_list("planned_start", "status_since")
    )
    spans = [months_to_completion(s, max(s, e or s)) for s, e in completed]
    median = round(statistics.median(spans), 1) if len(spans) >= anonymity.threshold() else None

    earlier = StatementFinding.objects.filter(
        review__unit=unit, review__state__in=PUBLISHED_STATES, action=ActionKind.REQUIREMENT, remedied_at=None
    )
    if exclude_review is not None:
        earlier = earlier.exclude(review=exclude_review)

    return Indicators(
        start=start,
        end=end,
        trainees_placed=len(trainee_ids),
        months_given=round(float(months), 1),
        placements=len(placements),
        with_supervisor_percent=_percent(len(with_supervisor), len(placements)),
        supervisors=len(supervisors),
        trained_percent=_percent(trained, len(supervisors)),
        bt_trained_percent=_percent(bt_trained, len(supervisors)) if bt_rule else None,
        bt_training_rule=bt_rule,
        assessments_due=due,
        assessments_on_time_percent=_percent(done, due),
        evaluations=anonymity.evaluation_results(unit),
        completed=len(spans),
        median_months_to_completion=median,
        open_findings=earlier.count(),
    )

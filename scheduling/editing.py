"""Editing a planning run's proposal before it is accepted: a person's version of one
trainee's placements is stored beside the planner's result (`ProposalEdit`, which the planner's
result never changes), with optimistic locking on its version, and can be reset."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.locking import StaleEdit, bump_version
from organisations.models import Unit
from rules.dates import add_months, first_of_month
from scheduling.models import PlanningRun, ProposalEdit
from scheduling.planning import (
    CATEGORIES,
    INTRODUCTION_UNIT,
    check_may_plan,
    check_open,
    from_label,
    label,
)
from trainees.models import Trainee


def region_units(run: PlanningRun):
    """The units a proposal may use: the region's active units with a planning category."""
    return (
        Unit.objects.filter(region_id=run.region_id, active=True, category__in=CATEGORIES)
        .select_related("parent")
        .order_by("category", "path")
    )


def stale_message() -> str:
    return _(
        "Someone else changed this proposal while you were editing it. Reload the page to see their change, then try again."
    )


def _claim_edit(run: PlanningRun, trainee: Trainee, expected_version: int | None) -> ProposalEdit:
    """The trainee's edit row with its version bumped, or StaleEdit when the form is stale.
    Only people edit proposals: a missing version is stale here too, never "unchecked"."""
    if expected_version is None:
        raise StaleEdit(stale_message())
    edit = ProposalEdit.objects.filter(run=run, trainee=trainee).first()
    if edit is None:
        # No edit yet: the planner's proposal is version 0, and the first edit creates the row.
        if expected_version != 0:
            raise StaleEdit(stale_message())
        try:
            with transaction.atomic():
                return ProposalEdit.objects.create(run=run, trainee=trainee, version=1)
        except IntegrityError:
            raise StaleEdit(stale_message()) from None
    edit.version = bump_version(
        ProposalEdit.objects.filter(pk=edit.pk), expected=expected_version, message=stale_message()
    )
    return edit


def validate_rows(run: PlanningRun, rows: list[dict], units: dict[str, Unit]) -> list[str]:
    """Plain-words problems with edited rows (the form checks each field; this checks the
    rows together and again at the service boundary). `units`: allowed unit key → Unit."""
    problems = []
    first = first_of_month(run.horizon_start)
    last = add_months(first, run.horizon_months - 1)
    taken: dict[datetime.date, int] = {}
    if not rows:
        problems.append(_("Add at least one placement, or go back to the planner's proposal."))
    for number, row in enumerate(sorted(rows, key=lambda r: r["start"]), start=1):
        if str(row["unit"]) != INTRODUCTION_UNIT and str(row["unit"]) not in units:
            problems.append(_("Choose one of the region's units."))
            continue
        try:
            start = from_label(str(row["start"]))
        except ValueError:
            problems.append(_("Give the first month as year and month, e.g. %(example)s.") % {"example": label(first)})
            continue
        months = row["months"]
        if not isinstance(months, int) or months < 1:
            problems.append(_("A placement is at least 1 month."))
            continue
        if start < first or add_months(start, months - 1) > last:
            problems.append(
                _("A placement must lie within the planning period, %(first)s to %(last)s.")
                % {"first": label(first), "last": label(last)}
            )
            continue
        for i in range(months):
            month = add_months(start, i)
            if month in taken:
                problems.append(_("Two placements overlap in %(month)s.") % {"month": label(month)})
                break
            taken[month] = number
    return list(dict.fromkeys(problems))


@transaction.atomic
def save_proposal_edit(
    run: PlanningRun, trainee: Trainee, rows: list[dict], *, expected_version: int | None, by
) -> ProposalEdit:
    """Store a person's version of the trainee's proposal (rows: unit key, start month label,
    months). The planner's result is untouched. Invalid rows change nothing."""
    check_may_plan(by, [trainee], region=run.region)
    check_open(run, trainee)
    units = {str(u.pk): u for u in region_units(run)}
    problems = validate_rows(run, rows, units)
    if problems:
        raise DomainError(" ".join(problems))
    edit = _claim_edit(run, trainee, expected_version)
    edit.assignments = [
        {
            "trainee": str(trainee.pk),
            "unit": str(r["unit"]),
            "category": "introduktion" if str(r["unit"]) == INTRODUCTION_UNIT else units[str(r["unit"])].category,
            "start": r["start"],
            "months": r["months"],
        }
        for r in sorted(rows, key=lambda r: r["start"])
    ]
    edit.edited_by = by
    edit.save()
    return edit


@transaction.atomic
def reset_proposal(run: PlanningRun, trainee: Trainee, *, expected_version: int | None, by) -> ProposalEdit:
    """Back to the planner's proposal (the edit row stays, with a new version)."""
    check_may_plan(by, [trainee], region=run.region)
    check_open(run, trainee)
    edit = _claim_edit(run, trainee, expected_version)
    edit.assignments = None
    edit.edited_by = by
    edit.save()
    return edit

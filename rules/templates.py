"""Draft plans from a programme template (used when a BT-läkare is registered)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from .counting import months_between, period_end, to_fraction
from .dates import ONE_DAY
from .model import Placement, Plan
from .programmes import Programme, resolve


def end_after_months(start: date, months: int | float | Fraction) -> date:
    """The first day ``d`` such that ``start..d`` counts at least ``months`` full-time months."""
    return period_end(start, months)


def _nearest_end(start: date, months: Fraction) -> date:
    """The day ``d`` for which ``start..d`` counts closest to ``months`` (ties: the later day)."""
    after = end_after_months(start, months)
    before = after - ONE_DAY
    if before < start:
        return after

    if months - months_between(start, before) < months_between(start, after) - months:
        return before
    return after


def template_plan(programme_id: str | Programme, bt_type: str, start: date) -> Plan:
    """A draft plan: one consecutive full-time placement per slot with a non-zero default.

    Slot boundaries are the days closest to the running total of the defaults (so a 12-month template from
    15 September ends on 14 September), and each slot is stretched when needed so that it
    never counts less than its minimum. Units are left empty except for slots that name a
    shared ``place`` (e.g. Gävleborg's main supervisor's vårdcentral at start and end).
    Raises ``ValueError`` if the programme does not offer ``bt_type``.
    """
    programme = resolve(programme_id)
    if not programme.offers(bt_type):
        raise ValueError(
            f"programme {programme.id!r} does not offer {bt_type!r} (offers: {', '.join(programme.bt_types)})"
        )
    placements = []
    cursor = start
    running = Fraction(0)
    for slot in programme.slots:
        default = to_fraction(slot.default)
        if default <= 0:
            continue
        running += default
        end = max(_nearest_end(start, running), cursor)
        if to_fraction(slot.min) > 0:
            end = max(end, end_after_months(cursor, slot.min))
        placements.append(Placement(category=slot.category, start=cursor, end=end, extent=100, unit=slot.place))
        cursor = end + ONE_DAY
    return Plan(programme=programme.id, bt_type=bt_type, start=start, placements=tuple(placements))

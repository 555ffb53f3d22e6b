"""Small factories for plans in tests (dates as ISO strings for brevity)."""

from __future__ import annotations

from datetime import date

from rules import Credit, Leave, Placement, Plan


def d(s: str) -> date:
    return date.fromisoformat(s)


def pl(category: str, start: str, end: str, extent: int | float = 100, unit: str | None = None) -> Placement:
    return Placement(category=category, start=d(start), end=d(end), extent=extent, unit=unit)


def make_plan(
    *placements: Placement,
    programme: str = "national",
    bt_type: str = "fristaende",
    start: str | None = None,
    end: str | None = None,
    leave: tuple = (),
    credited: tuple = (),
) -> Plan:
    first = min((p.start for p in placements), default=d("2026-09-01"))
    return Plan(
        programme=programme,
        bt_type=bt_type,
        start=d(start) if start else first,
        placements=tuple(placements),
        leave=tuple(leave),
        credited=tuple(credited),
        end=d(end) if end else None,
    )


def leave(kind: str, start: str, end: str) -> Leave:
    return Leave(kind=kind, start=d(start), end=d(end))


def credit(category: str, months: float, kind: str = "foreign") -> Credit:
    return Credit(category=category, months=months, kind=kind)


def national_valid(**kw) -> Plan:
    """A valid 12-month national plan: akut 4, psykiatri 2, primärvård 6."""
    return make_plan(
        pl("akut", "2026-09-01", "2026-12-31", unit="Medicin"),
        pl("psykiatri", "2027-01-01", "2027-02-28", unit="Psykiatri"),
        pl("primarvard", "2027-03-01", "2027-08-31", unit="VC Centrum"),
        **kw,
    )

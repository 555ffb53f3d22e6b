"""Small factories for plans in tests (dates as ISO strings for brevity)."""

from __future__ import annotations

from datetime import date

from rules import Credit, Leave, Placement, Plan


def d(s: str) -> date:
    return date.fromisoformat(s)


def pl(
    category: str,
    start: str,
    end: str,
    extent: int | float = 100,
    unit: str | None = None,
    supervisor: str | None = None,
) -> Placement:
    return Placement(category=category, start=d(start), end=d(end), extent=extent, unit=unit, supervisor=supervisor)


def make_plan(
    *placements: Placement,
    programme: str = "national",
    bt_type: str = "fristaende",
    start: str | None = None,
    end: str | None = None,
    leave: tuple = (),
    credited: tuple = (),
    licence_date: str | None = None,
    st_start: str | None = None,
    main_supervisor: str | None = None,
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
        licence_date=d(licence_date) if licence_date else None,
        st_start=d(st_start) if st_start else None,
        main_supervisor=main_supervisor,
    )


def leave(kind: str, start: str, end: str) -> Leave:
    return Leave(kind=kind, start=d(start), end=d(end))


def credit(category: str, months: float, kind: str = "foreign", note: str | None = None) -> Credit:
    return Credit(category=category, months=months, kind=kind, note=note)


def national_valid(**kw) -> Plan:
    """A valid and complete 12-month national plan: akut 4, psykiatri 2, primärvård 6, each placement
    with its unit and handledare, a huvudhandledare and a licence before the start."""
    kw.setdefault("licence_date", "2026-08-15")
    kw.setdefault("main_supervisor", "Karin Holmberg")
    return make_plan(
        pl("akut", "2026-09-01", "2026-12-31", unit="Medicin", supervisor="Erik Sandberg"),
        pl("psykiatri", "2027-01-01", "2027-02-28", unit="Psykiatri", supervisor="Sara Lind"),
        pl("primarvard", "2027-03-01", "2027-08-31", unit="VC Centrum", supervisor="Karin Holmberg"),
        **kw,
    )

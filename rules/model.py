"""Plain data classes for a BT plan and the result of checking it.

The JSON plan format (``Plan.from_dict`` / ``Plan.to_dict``)::

    {"programme": "national", "bt_type": "fristaende" | "integrerad",
     "start": "2026-09-01", "end": "2027-08-31",            # end is optional
     "licence_date": "2026-08-15",                          # the Swedish licence (legitimation)
     "st_start": "2026-03-01",                              # integrated BT: start of the ST employment
     "main_supervisor": "name or id",                       # the huvudhandledare
     "placements": [{"category": "akut", "unit": "optional name", "supervisor": "optional name",
                     "start": "2026-09-01", "end": "2026-11-30", "extent": 100}],
     "leave": [{"kind": "parental|sick|unpaid|vacation", "start": "...", "end": "..."}],
     "credited": [{"category": "akut", "months": 2.0, "kind": "foreign|before_licence",
                   "note": "optional: where and when"}]}

``licence_date``, ``st_start``, ``main_supervisor`` and a placement's ``unit`` and ``supervisor``
are optional: a plan without them is judged all the same, with warnings that it is not complete.

Format problems raise :class:`PlanFormatError` whose message starts with the offending
field, e.g. ``placements[2].end: not a date (expected YYYY-MM-DD)``. Unknown keys are
rejected so that typos (``"extend"``) do not silently drop data. Things that are well
formed but wrong (end before start, overlaps, extent 0) are *findings*, not format errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Literal

from .dates import parse_iso_date

#: The placement categories: the one enumeration. The Django models' choices are made from it
#: (``core.categories``), with the names in ``rules.messages.CATEGORY_NAMES``.
INTRODUCTION = "introduktion"
EMERGENCY_CARE = "akut"
PRIMARY_CARE = "primarvard"
PSYCHIATRY = "psykiatri"
ELECTIVE = "valfri"
OTHER = "annan"
#: Placement categories, in display order.
CATEGORIES: tuple[str, ...] = (INTRODUCTION, EMERGENCY_CARE, PRIMARY_CARE, PSYCHIATRY, ELECTIVE, OTHER)
#: The categories a unit provides, in display order. Introduction is the region's course, not a unit;
#: an elective (valfri) placement is served at a unit of any category.
UNIT_CATEGORIES: tuple[str, ...] = (PRIMARY_CARE, EMERGENCY_CARE, PSYCHIATRY, OTHER)
#: fristående BT (standalone post) and integrerad BT (inside an ST employment).
BT_TYPES: tuple[str, ...] = ("fristaende", "integrerad")
LEAVE_KINDS: tuple[str, ...] = ("parental", "sick", "unpaid", "vacation")
#: Earlier service credited after individual assessment (tillgodoräknande).
CREDIT_KINDS: tuple[str, ...] = ("foreign", "before_licence")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

Severity = Literal["error", "warning", "info"]


class PlanFormatError(ValueError):
    """A plan (dict/JSON) does not match the format. ``field`` names the offending field."""

    def __init__(self, field_path: str, problem: str):
        self.field = field_path
        self.problem = problem
        super().__init__(f"{field_path}: {problem}")


@dataclass(frozen=True)
class Placement:
    """A period of service (placering) in one category, dates inclusive, extent in % of full time."""

    category: str
    start: date
    end: date
    extent: int | float = 100
    unit: str | None = None
    #: The placement's handledare (a name or id; only whether there is one is judged).
    supervisor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"category": self.category}
        if self.unit is not None:
            d["unit"] = self.unit
        if self.supervisor is not None:
            d["supervisor"] = self.supervisor
        d.update(start=self.start.isoformat(), end=self.end.isoformat(), extent=self.extent)
        return d


@dataclass(frozen=True)
class Leave:
    """Leave (ledighet); parental, sick and unpaid leave must be made up, vacation counts."""

    kind: str
    start: date
    end: date

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Credit:
    """Earlier service credited toward BT (tillgodoräknande), in full-time months."""

    category: str
    months: float
    kind: str
    #: What was credited (where and when), to name the credit in findings.
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"category": self.category, "months": self.months, "kind": self.kind}
        if self.note is not None:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Plan:
    """A BT plan: programme, BT type, start (and optional end) of the BT period and its parts.

    Sequences given as lists are stored as tuples so that plans stay hashable and immutable.
    """

    programme: str
    bt_type: str
    start: date
    placements: tuple[Placement, ...]
    leave: tuple[Leave, ...] = ()
    credited: tuple[Credit, ...] = ()
    end: date | None = None
    #: Date of the Swedish licence (legitimation); BT is done after it.
    licence_date: date | None = None
    #: Integrated BT: the start of the ST employment (the two years are counted from it).
    st_start: date | None = None
    #: The huvudhandledare (a name or id; only whether there is one is judged).
    main_supervisor: str | None = None

    def __post_init__(self) -> None:
        for name in ("placements", "leave", "credited"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    @classmethod
    def from_dict(cls, d: Any) -> Plan:
        """Build a plan from the JSON format; raise :class:`PlanFormatError` naming the field."""
        obj = _Obj(d, "plan")
        obj.allow(
            {
                "programme",
                "bt_type",
                "start",
                "end",
                "licence_date",
                "st_start",
                "main_supervisor",
                "placements",
                "leave",
                "credited",
            }
        )
        placements = tuple(_placement(_Obj(p, f"placements[{i}]")) for i, p in enumerate(obj.list("placements")))
        leave = tuple(_leave(_Obj(x, f"leave[{i}]")) for i, x in enumerate(obj.list("leave", required=False)))
        credited = tuple(_credit(_Obj(x, f"credited[{i}]")) for i, x in enumerate(obj.list("credited", required=False)))
        return cls(
            programme=obj.text("programme"),
            bt_type=obj.choice("bt_type", BT_TYPES),
            start=obj.date("start"),
            end=obj.date("end", required=False),
            licence_date=obj.date("licence_date", required=False),
            st_start=obj.date("st_start", required=False),
            main_supervisor=obj.text("main_supervisor", required=False),
            placements=placements,
            leave=leave,
            credited=credited,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON format (dates as ISO strings); ``Plan.from_dict(p.to_dict()) == p``."""
        d: dict[str, Any] = {"programme": self.programme, "bt_type": self.bt_type, "start": self.start.isoformat()}
        if self.end is not None:
            d["end"] = self.end.isoformat()
        for key in ("licence_date", "st_start"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key).isoformat()
        if self.main_supervisor is not None:
            d["main_supervisor"] = self.main_supervisor
        d["placements"] = [p.to_dict() for p in self.placements]
        d["leave"] = [x.to_dict() for x in self.leave]
        d["credited"] = [c.to_dict() for c in self.credited]
        return d


@dataclass(frozen=True)
class Finding:
    """One judgement about a plan: a stable ``code``, a ``severity`` and JSON-safe ``params``."""

    code: str
    severity: Severity
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "params": dict(self.params)}


@dataclass(frozen=True)
class Result:
    """Outcome of :func:`rules.check_plan`.

    ``valid`` is true when there is no error finding. ``fte_months`` and
    ``months_by_category`` (every category, zero included) are rounded to 2 decimals so
    that the category values add up exactly to the total (largest-remainder rounding);
    the exact values are kept in ``exact_fte`` / ``exact_months_by_category``.
    """

    valid: bool
    fte_months: float
    findings: list[Finding]
    months_by_category: dict[str, float]
    exact_fte: Fraction = Fraction(0)
    exact_months_by_category: dict[str, Fraction] = field(default_factory=dict)
    regulation: str | None = None
    #: Credited earlier service per category (included in the totals above), exact.
    exact_credited_by_category: dict[str, Fraction] = field(default_factory=dict)
    #: Places of service as the regulation counts them (distinct units; introduction excluded).
    places: int = 0

    @property
    def exact_credited(self) -> Fraction:
        """Credited earlier service (tillgodoräknande), full-time months."""
        return sum(self.exact_credited_by_category.values(), Fraction(0))

    @property
    def exact_service(self) -> Fraction:
        """Service in the placements alone (the sum of Bilaga 3), full-time months."""
        return self.exact_fte - self.exact_credited

    @property
    def complete(self) -> bool:
        """No warning that the plan lacks information (licence date, a unit, a supervisor …)."""
        from .findings import COMPLETENESS_CODES

        return not any(f.code in COMPLETENESS_CODES for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    @property
    def codes(self) -> list[str]:
        """Finding codes in order (handy in tests and logs)."""
        return [f.code for f in self.findings]

    def to_dict(self, render: Callable[[Finding], str] | None = None) -> dict[str, Any]:
        """JSON-safe dict; with ``render`` each finding also gets a ``message``."""
        findings = []
        for f in self.findings:
            item: dict[str, Any] = {"code": f.code, "severity": f.severity}
            if render is not None:
                item["message"] = render(f)
            item["params"] = dict(f.params)
            findings.append(item)
        return {
            "valid": self.valid,
            "fte_months": self.fte_months,
            "months_by_category": dict(self.months_by_category),
            "findings": findings,
        }


# --- parsing helpers -------------------------------------------------------------------


class _Obj:
    """A JSON object being parsed, remembering its path for error messages."""

    def __init__(self, value: Any, path: str):
        if not isinstance(value, dict):
            raise PlanFormatError(path, "expected a JSON object")
        self.value = value
        self.path = path

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path != "plan" else key

    def allow(self, keys: set[str]) -> None:
        for key in self.value:
            if key not in keys:
                raise PlanFormatError(self._key(str(key)), "unknown field")

    def get(self, key: str, required: bool) -> Any:
        if key not in self.value or self.value[key] is None:
            if required:
                raise PlanFormatError(self._key(key), "missing")
            return None
        return self.value[key]

    def text(self, key: str, required: bool = True) -> str | None:
        v = self.get(key, required)
        if v is None:
            return None
        if not isinstance(v, str) or not v.strip():
            raise PlanFormatError(self._key(key), "expected a non-empty string")
        return v

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        v = self.get(key, True)
        if v not in choices:
            raise PlanFormatError(self._key(key), f"unknown value {v!r} (expected one of {', '.join(choices)})")
        return v

    def date(self, key: str, required: bool = True) -> date | None:
        v = self.get(key, required)
        if v is None or (isinstance(v, date) and not hasattr(v, "hour")):
            return v
        try:
            return parse_iso_date(v)
        except ValueError as exc:
            raise PlanFormatError(self._key(key), str(exc)) from None

    def number(self, key: str, required: bool = True, default: float | None = None) -> int | float:
        v = self.get(key, required)
        if v is None:
            return default  # type: ignore[return-value]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v in (float("inf"), float("-inf")):
            raise PlanFormatError(self._key(key), "expected a number")
        return v

    def list(self, key: str, required: bool = True) -> list[Any]:
        v = self.get(key, required)
        if v is None:
            return []
        if not isinstance(v, (list, tuple)):
            raise PlanFormatError(self._key(key), "expected a list")
        return list(v)


def _placement(obj: _Obj) -> Placement:
    obj.allow({"category", "unit", "supervisor", "start", "end", "extent"})
    return Placement(
        category=obj.choice("category", CATEGORIES),
        start=obj.date("start"),
        end=obj.date("end"),
        extent=obj.number("extent", required=False, default=100),
        unit=obj.text("unit", required=False),
        supervisor=obj.text("supervisor", required=False),
    )


def _leave(obj: _Obj) -> Leave:
    obj.allow({"kind", "start", "end"})
    return Leave(kind=obj.choice("kind", LEAVE_KINDS), start=obj.date("start"), end=obj.date("end"))


def _credit(obj: _Obj) -> Credit:
    obj.allow({"category", "months", "kind", "note"})
    months = obj.number("months")
    if months < 0:
        raise PlanFormatError(obj._key("months"), "must not be negative")
    return Credit(
        category=obj.choice("category", CATEGORIES),
        months=months,
        kind=obj.choice("kind", CREDIT_KINDS),
        note=obj.text("note", required=False),
    )

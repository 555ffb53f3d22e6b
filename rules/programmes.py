"""Regional BT programmes (programme templates) loaded from ``rules/data/programmes/<id>.json``.

A :class:`Programme` tells the checker, the plan editor and the cohort scheduler what a
region expects: BT types served, total length, ordered slots with month ranges, category
minimums, ordering constraints, assessment cadence, supervisor requirements, which delmål
are expected in which placement categories, and intake months. See rules/README.md for the
JSON shape.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from .counting import to_fraction
from .model import BT_TYPES, CATEGORIES
from .regulations import RulesDataError, load_regulation

BT_SUPERVISOR_TRAINING = ("required", "recommended", "no")


class UnknownProgrammeError(LookupError):
    """No programme with this id exists under ``rules/data/programmes``."""


@dataclass(frozen=True)
class Slot:
    """One placement slot of a programme template (months as given in the data, 0.5 allowed)."""

    category: str
    min: int | float
    max: int | float
    default: int | float
    required: bool
    label_sv: str | None = None
    label_en: str | None = None
    #: Placeholder unit name; slots with the same place are served at the same unit (one place).
    place: str | None = None


@dataclass(frozen=True)
class MonthRange:
    """Total length in full-time months: below ``min`` is an error, above ``max`` a warning."""

    min: int | float
    norm: int | float
    max: int | float | None


@dataclass(frozen=True)
class OrderRules:
    """Ordering constraints. ``first``/``last`` ignore introduction placements."""

    first: str | None = None
    last: str | None = None
    introduction_first: bool = False


@dataclass(frozen=True)
class AssessmentCadence:
    """How often kompetensvärdering is expected (all parts optional, combined by maximum).

    * ``per_month``: at least N per month of placement (Gävleborg: 1);
    * ``per_placement_min``: at least N per placement whatever its length (Dalarna: 2);
    * ``per_placement_months``: (count, months) = ``count`` per started ``months`` of a
      placement (Jönköping: 2 per 3 months);
    * ``final_per_placement``: one final assessment at the end of each placement (added);
    * ``review_at_months``: collective progress reviews at these months of BT (VGR: 3, 9).
    """

    per_month: int | float | None = None
    per_placement_min: int | None = None
    per_placement_months: tuple[int, int | float] | None = None
    final_per_placement: bool = False
    review_at_months: tuple[int | float, ...] = ()

    def expected_for_placement(self, months: int | float | Fraction) -> int:
        """Minimum number of assessments expected in a placement of ``months`` full-time months."""
        m = to_fraction(months)
        if m <= 0:
            return 0
        n = 0
        if self.per_month:
            n = max(n, math.ceil(m * to_fraction(self.per_month)))
        if self.per_placement_min:
            n = max(n, self.per_placement_min)
        if self.per_placement_months:
            count, period = self.per_placement_months
            n = max(n, count * math.ceil(m / to_fraction(period)))
        return n + (1 if self.final_per_placement else 0)


@dataclass(frozen=True)
class SupervisorRequirements:
    """What a handledare must have; ``bt_handledarutbildning`` is required|recommended|no."""

    specialist: bool = True
    handledarutbildning: bool = True
    bt_handledarutbildning: str = "no"


@dataclass(frozen=True)
class Programme:
    """A region's BT programme (or the national baseline) as a template and rule set."""

    id: str
    name_sv: str
    name_en: str
    region: str | None
    regulation: str
    bt_types: tuple[str, ...]
    total_months: MonthRange
    slots: tuple[Slot, ...]
    category_minimums: Mapping[str, int | float]
    extra_categories: tuple[str, ...]
    order: OrderRules
    assessment_cadence: AssessmentCadence
    supervisor_requirements: SupervisorRequirements
    goal_categories: Mapping[str, tuple[str, ...]]
    intake: tuple[int, ...]
    #: Sick-leave spells of at most this many days count as service in this region (None: the
    #: regulation's threshold; see rules.leave).
    short_sick_leave_days: int | None = None
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    # --- what a scheduler needs -----------------------------------------------------
    @property
    def first_category(self) -> str | None:
        """Category the BT must start with (after any introduction), or None."""
        return self.order.first

    @property
    def last_category(self) -> str | None:
        """Category the BT must end with, or None."""
        return self.order.last

    @property
    def introduction_first(self) -> bool:
        """True when introduction placements must precede all others."""
        return self.order.introduction_first

    @property
    def allowed_categories(self) -> tuple[str, ...]:
        """Categories a plan may use (slot categories plus ``extra_categories``), display order."""
        cats = {s.category for s in self.slots} | set(self.extra_categories)
        return tuple(c for c in CATEGORIES if c in cats)

    @property
    def min_total_months(self) -> int | float:
        return max(self.total_months.min, load_regulation(self.regulation).min_total_months)

    @property
    def norm_total_months(self) -> int | float:
        return self.total_months.norm

    @property
    def max_total_months(self) -> int | float | None:
        return self.total_months.max

    def offers(self, bt_type: str) -> bool:
        return bt_type in self.bt_types

    def requirements(self, bt_type: str) -> dict[str, int | float]:
        """Minimum full-time months per category: the national minimums merged with the programme's.

        Raises ``ValueError`` when the programme does not offer ``bt_type``.
        """
        if not self.offers(bt_type):
            raise ValueError(f"programme {self.id!r} does not offer {bt_type!r}")
        merged = dict(load_regulation(self.regulation).category_minimums)
        for cat, months in self.category_minimums.items():
            merged[cat] = max(merged.get(cat, 0), months)
        return {c: merged[c] for c in CATEGORIES if c in merged}

    def default_months(self) -> dict[str, int | float]:
        """Template default months per category (slots summed); only categories with slots."""
        out: dict[str, Fraction] = {}
        for s in self.slots:
            out[s.category] = out.get(s.category, Fraction(0)) + to_fraction(s.default)
        return {c: _num(out[c]) for c in CATEGORIES if c in out}

    def max_months(self, category: str) -> int | float | None:
        """Upper end of the template's range for a category (slots summed); None if no slot."""
        slots = [s for s in self.slots if s.category == category]
        if not slots:
            return None
        return _num(sum((to_fraction(s.max) for s in slots), Fraction(0)))

    def goals_for_category(self, category: str) -> tuple[str, ...]:
        """Delmål the programme expects to be reached (mainly) in this placement category."""
        return tuple(g for g, cats in self.goal_categories.items() if category in cats)

    def to_dict(self) -> dict[str, Any]:
        """The programme's data as loaded from its JSON file (a deep copy)."""
        return json.loads(json.dumps(dict(self.raw)))


def _num(x: Fraction) -> int | float:
    return int(x) if x.denominator == 1 else float(x)


@cache
def _files() -> dict[str, Any]:
    folder = resources.files(__package__).joinpath("data", "programmes")
    return {p.name[:-5]: p for p in folder.iterdir() if p.name.endswith(".json")}


def programme_ids() -> tuple[str, ...]:
    """Ids of all programmes, ``national`` first, then alphabetical."""
    return tuple(sorted(_files(), key=lambda i: (i != "national", i)))


@cache
def load_programme(programme_id: str) -> Programme:
    """Load and validate ``rules/data/programmes/<programme_id>.json`` (cached)."""
    path = _files().get(programme_id)
    if path is None:
        raise UnknownProgrammeError(f"unknown programme {programme_id!r} (known: {', '.join(programme_ids())})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        programme = _parse(data)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, RulesDataError):
            raise RulesDataError(f"programme {programme_id}: {exc}") from None
        raise RulesDataError(f"programme {programme_id}: malformed ({exc!r})") from None
    if programme.id != programme_id:
        raise RulesDataError(f"programme {programme_id}: id {programme.id!r} does not match file name")
    return programme


def resolve(programme: Programme | str) -> Programme:
    """A Programme from an id or a Programme."""
    return programme if isinstance(programme, Programme) else load_programme(programme)


def _parse(d: dict[str, Any]) -> Programme:
    total = d["total_months"]
    cadence = d.get("assessment_cadence") or {}
    ppm = cadence.get("per_placement_months")
    sup = d.get("supervisor_requirements") or {}
    order = d.get("order") or {}
    p = Programme(
        id=d["id"],
        name_sv=d["name_sv"],
        name_en=d["name_en"],
        region=d.get("region"),
        regulation=d["regulation"],
        bt_types=tuple(d["bt_types"]),
        total_months=MonthRange(total["min"], total["norm"], total.get("max")),
        slots=tuple(
            Slot(
                category=s["category"],
                min=s["months"]["min"],
                max=s["months"]["max"],
                default=s["months"]["default"],
                required=bool(s["required"]),
                label_sv=s.get("label_sv"),
                label_en=s.get("label_en"),
                place=s.get("place"),
            )
            for s in d["slots"]
        ),
        category_minimums=MappingProxyType(dict(d.get("category_minimums") or {})),
        extra_categories=tuple(d.get("extra_categories") or ()),
        order=OrderRules(order.get("first"), order.get("last"), bool(order.get("introduction_first"))),
        assessment_cadence=AssessmentCadence(
            per_month=cadence.get("per_month"),
            per_placement_min=cadence.get("per_placement_min"),
            per_placement_months=(ppm["count"], ppm["months"]) if ppm else None,
            final_per_placement=bool(cadence.get("final_per_placement")),
            review_at_months=tuple(cadence.get("review_at_months") or ()),
        ),
        supervisor_requirements=SupervisorRequirements(
            specialist=bool(sup.get("specialist", True)),
            handledarutbildning=bool(sup.get("handledarutbildning", True)),
            bt_handledarutbildning=sup.get("bt_handledarutbildning", "no"),
        ),
        goal_categories=MappingProxyType({g: tuple(c) for g, c in (d.get("goal_categories") or {}).items()}),
        intake=tuple(d.get("intake") or ()),
        short_sick_leave_days=(d.get("leave") or {}).get("short_sick_leave_days"),
        raw=MappingProxyType(d),
    )
    _validate(p)
    return p


def _validate(p: Programme) -> None:
    def fail(msg: str) -> None:
        raise RulesDataError(msg)

    reg = load_regulation(p.regulation)  # KeyError for an unknown regulation
    if not p.bt_types or not set(p.bt_types) <= set(BT_TYPES):
        fail(f"bt_types {p.bt_types!r}")
    cats = [s.category for s in p.slots] + list(p.category_minimums) + list(p.extra_categories)
    cats += [c for c in (p.order.first, p.order.last) if c]
    cats += [c for cs in p.goal_categories.values() for c in cs]
    for c in cats:
        if c not in CATEGORIES:
            fail(f"unknown category {c!r}")
    for g in p.goal_categories:
        if g not in reg.goal_ids:
            fail(f"unknown goal {g!r}")
    for i, s in enumerate(p.slots):
        if not (0 <= s.min <= s.default <= s.max):
            fail(f"slots[{i}]: expected 0 <= min <= default <= max")
    t = p.total_months
    if not (t.min <= t.norm and (t.max is None or t.norm <= t.max)):
        fail("total_months: expected min <= norm <= max")
    if p.supervisor_requirements.bt_handledarutbildning not in BT_SUPERVISOR_TRAINING:
        fail("supervisor_requirements.bt_handledarutbildning")
    if not all(isinstance(m, int) and 1 <= m <= 12 for m in p.intake):
        fail("intake: months 1..12")
    days = p.short_sick_leave_days
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
        fail("leave.short_sick_leave_days: a whole number of days >= 0, or null")
    if p.order.introduction_first and "introduktion" not in {s.category for s in p.slots}:
        fail("order.introduction_first without an introduction slot")

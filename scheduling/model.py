"""The cohort to plan: horizon, units with monthly capacity, trainees with their programme.

Pure Python (standard library + ``rules``). The JSON shape (``Cohort.from_dict``)::

    {"horizon": {"start": "2027-01", "months": 24},
     "units": [{"id": "akut-sus", "category": "akut", "capacity": 2,
                "capacity_by_month": {"2027-07": 1}, "unpopular": false, "name": "optional"}],
     "trainees": [{"id": "t1", "programme": "national", "bt_type": "fristaende",   # bt_type optional
                   "requirements": [{"category": "akut", "months": 3}],               # optional override
                   "total_months": 12,                                                # optional override
                   "earliest_start": "2027-01", "latest_start": "2027-03",
                   "unavailable": ["2027-06"],
                   "preferences": [{"unit": "akut-sus", "weight": 3}]}],
     "weights": {"preference": 5, "moves": 3, ...}}                                   # optional

Months are whole calendar months, written ``YYYY-MM`` and held internally as an index from
the horizon's first month (0 = ``horizon.start``).

What comes from the rules module (never re-implemented here): a trainee's required months
per category (``Programme.requirements(bt_type)``, rounded *up* to whole months), the total
length (``Programme.norm_total_months`` unless ``total_months`` is given), the categories a
plan may use (``allowed_categories``), the upper end of each category's range in the
template (``max_months``), and the order rules (``first_category``, ``last_category``,
``introduction_first``). ``requirements`` and ``total_months`` in the input replace the
programme's values for that trainee. Months beyond the requirements may go to any category
the programme allows except ``introduktion``, which is only planned when required.

Format problems raise :class:`CohortFormatError` naming the field, e.g.
``trainees[2].earliest_start: not a month (expected YYYY-MM)``. Unknown keys are rejected.
Things that are well formed but cannot be planned (requirements longer than the total, a
window that does not fit the horizon) are not format errors: the planner reports them in
its explanation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import rules
from rules import dates

from .objective import WEIGHT_NAMES, Weights

INTRO = "introduktion"
MAX_HORIZON_MONTHS = 120
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class CohortFormatError(ValueError):
    """The cohort (dict/JSON) does not match the format; ``field`` names the offending field."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# --- months ------------------------------------------------------------------------------


def parse_month(value: Any) -> tuple[int, int]:
    """``"2027-03"`` -> ``(2027, 3)``; raise ``ValueError`` for anything else."""
    if not isinstance(value, str):
        raise ValueError("not a month (expected YYYY-MM)")
    m = _MONTH.match(value)
    if not m:
        raise ValueError("not a month (expected YYYY-MM)")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError(f"{value!r} is not a valid month (expected YYYY-MM, month 01..12)")
    return year, month


def first_day(start: tuple[int, int], index: int) -> date:
    """The first day of month ``index`` counted from ``start`` (``(2027, 1)``, 14 -> 2028-03-01)."""
    return dates.month_from_index(dates.month_index(date(start[0], start[1], 1)) + index)


def last_day(start: tuple[int, int], index: int) -> date:
    """The last day of month ``index`` counted from ``start``."""
    return dates.month_end(first_day(start, index))


def month_label(start: tuple[int, int], index: int) -> str:
    """Label of month ``index`` counted from ``start`` (``(2027, 1)``, 14 -> ``"2028-03"``)."""
    return f"{first_day(start, index):%Y-%m}"


def month_index(start: tuple[int, int], label: str) -> int:
    y, m = parse_month(label)
    return dates.month_index(date(y, m, 1)) - dates.month_index(date(start[0], start[1], 1))


def month_range_label(start: tuple[int, int], first: int, last: int) -> str:
    a, b = month_label(start, first), month_label(start, last)
    return a if first == last else f"{a}..{b}"


# --- data classes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A unit (verksamhet) that takes trainees: ``capacity`` places a month, overridden per month."""

    id: str
    category: str
    capacity: int
    capacity_by_month: dict[int, int] = field(default_factory=dict)
    unpopular: bool = False
    name: str | None = None

    def capacity_in(self, month: int) -> int:
        return self.capacity_by_month.get(month, self.capacity)


@dataclass(frozen=True)
class Preference:
    """A trainee's wish: ``weight`` > 0 to be placed at ``unit``, < 0 to avoid it."""

    unit: str
    weight: int


@dataclass(frozen=True)
class Trainee:
    """A trainee with everything the planner needs, already resolved against the rules module.

    ``requirements`` are whole months per category (effective: the override or the
    programme's); ``caps`` the most months a plan may give a category (None = no upper end);
    ``categories`` every category the plan may use, in display order.
    """

    id: str
    programme: str
    bt_type: str
    requirements: dict[str, int]
    total_months: int
    earliest_start: int
    latest_start: int
    unavailable: frozenset[int]
    preferences: tuple[Preference, ...]
    categories: tuple[str, ...]
    caps: dict[str, int | None]
    first_category: str | None
    last_category: str | None
    introduction_first: bool
    requirements_overridden: bool = False
    total_overridden: bool = False
    name: str | None = None
    #: months at a preferred unit that fully meet the preference, per category
    targets: dict[str, int] = field(default_factory=dict)
    #: preferred unit id -> its category
    preference_categories: dict[str, str] = field(default_factory=dict)
    #: most placements per category: the template's slots for it (one without a slot; two for
    #: the category a programme both starts and ends in)
    placement_limits: dict[str, int] = field(default_factory=dict)

    def max_placements(self, category: str) -> int:
        return self.placement_limits.get(category, 1)

    def preference_target(self, category: str) -> int:
        return self.targets.get(category, 1)

    def available(self, month: int) -> bool:
        return month not in self.unavailable

    def months_needed_from(self, start: int, horizon: int) -> int | None:
        """Last month of a plan starting at ``start`` with no idle month, or None past the horizon."""
        left, m = self.total_months, start
        while m < horizon:
            if m not in self.unavailable:
                left -= 1
                if left == 0:
                    return m
            m += 1
        return None

    def first_available(self, start: int, horizon: int) -> int | None:
        m = start
        while m < horizon and m in self.unavailable:
            m += 1
        return m if m < horizon else None

    def earliest_end(self, horizon: int) -> int | None:
        """End month (index) when starting at the earliest start with no idle month."""
        s = self.first_available(self.earliest_start, horizon)
        return None if s is None else self.months_needed_from(s, horizon)


@dataclass(frozen=True)
class Cohort:
    """Horizon, units and trainees; build with :meth:`from_dict`."""

    start: tuple[int, int]
    months: int
    units: tuple[Unit, ...]
    trainees: tuple[Trainee, ...]
    weights: Weights = field(default_factory=Weights)

    # -- lookups --
    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def trainee_by_id(self) -> dict[str, Trainee]:
        return {t.id: t for t in self.trainees}

    @cached_property
    def units_by_category(self) -> dict[str, tuple[Unit, ...]]:
        out: dict[str, list[Unit]] = {}
        for u in self.units:
            out.setdefault(u.category, []).append(u)
        return {c: tuple(us) for c, us in out.items()}

    def label(self, index: int) -> str:
        return month_label(self.start, index)

    def span_label(self, first: int, last: int) -> str:
        return month_range_label(self.start, first, last)

    def index(self, label: str) -> int:
        return month_index(self.start, label)

    # -- parsing --
    @classmethod
    def from_dict(cls, d: Any) -> Cohort:
        """Parse the JSON format; raise :class:`CohortFormatError` naming the field."""
        return _parse_cohort(d)


# --- parsing -------------------------------------------------------------------------------


class _Obj:
    """A JSON object being parsed, remembering its path for error messages."""

    def __init__(self, value: Any, path: str):
        if not isinstance(value, dict):
            raise CohortFormatError(path or "cohort", "expected a JSON object")
        self.value = value
        self.path = path

    def key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> CohortFormatError:
        return CohortFormatError(self.key(key), message)

    def allow(self, keys: set[str]) -> None:
        for k in self.value:
            if k not in keys:
                raise self.fail(str(k), "unknown field")

    def get(self, key: str, required: bool = True) -> Any:
        if key not in self.value or self.value[key] is None:
            if required:
                raise self.fail(key, "missing")
            return None
        return self.value[key]

    def text(self, key: str, required: bool = True) -> str | None:
        v = self.get(key, required)
        if v is None:
            return None
        if not isinstance(v, str) or not v.strip():
            raise self.fail(key, "expected a non-empty string")
        return v

    def integer(
        self, key: str, required: bool = True, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        v = self.get(key, required)
        if v is None:
            return None
        return _integer(v, self.key(key), minimum, maximum)

    def number(self, key: str) -> float:
        v = self.get(key)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise self.fail(key, "expected a number")
        return v

    def boolean(self, key: str) -> bool | None:
        v = self.get(key, required=False)
        if v is not None and not isinstance(v, bool):
            raise self.fail(key, "expected true or false")
        return v

    def list(self, key: str, required: bool = True) -> list[Any]:
        v = self.get(key, required)
        if v is None:
            return []
        if not isinstance(v, list):
            raise self.fail(key, "expected a list")
        return v

    def month(self, key: str, start: tuple[int, int], required: bool = True) -> int | None:
        v = self.get(key, required)
        if v is None:
            return None
        try:
            return month_index(start, v)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None


def _integer(v: Any, path: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
        raise CohortFormatError(path, "expected a whole number")
    v = int(v)
    if minimum is not None and v < minimum:
        raise CohortFormatError(path, "must not be negative" if minimum == 0 else f"must be at least {minimum}")
    if maximum is not None and v > maximum:
        raise CohortFormatError(path, f"must be at most {maximum}")
    return v


def _parse_cohort(d: Any) -> Cohort:
    top = _Obj(d, "")
    top.allow({"horizon", "units", "trainees", "weights"})
    hz = _Obj(top.get("horizon"), "horizon")
    hz.allow({"start", "months"})
    try:
        start = parse_month(hz.get("start"))
    except ValueError as exc:
        raise hz.fail("start", str(exc)) from None
    months = hz.integer("months", minimum=1, maximum=MAX_HORIZON_MONTHS)

    units: list[Unit] = []
    seen: set[str] = set()
    for i, raw in enumerate(top.list("units")):
        u = _parse_unit(_Obj(raw, f"units[{i}]"), start, months)
        if u.id in seen:
            raise CohortFormatError(f"units[{i}].id", f"duplicate unit id {u.id!r}")
        seen.add(u.id)
        units.append(u)
    by_id = {u.id: u for u in units}

    trainees: list[Trainee] = []
    seen = set()
    for i, raw in enumerate(top.list("trainees")):
        t = _parse_trainee(_Obj(raw, f"trainees[{i}]"), start, months, by_id)
        if t.id in seen:
            raise CohortFormatError(f"trainees[{i}].id", f"duplicate trainee id {t.id!r}")
        seen.add(t.id)
        trainees.append(t)

    weights = Weights()
    if top.get("weights", required=False) is not None:
        weights = parse_weights(top.get("weights"), "weights")
    return Cohort(start=start, months=months, units=tuple(units), trainees=tuple(trainees), weights=weights)


def parse_weights(raw: Any, path: str = "weights", base: Weights | None = None) -> Weights:
    """Weights from ``{"preference": 5, ...}``; unknown names and negative values are errors."""
    obj = _Obj(raw, path)
    obj.allow(set(WEIGHT_NAMES))
    values = {k: obj.integer(k, minimum=0) for k in obj.value}
    return (base or Weights()).replace(**values)


def _parse_unit(obj: _Obj, start: tuple[int, int], months: int) -> Unit:
    obj.allow({"id", "category", "capacity", "capacity_by_month", "unpopular", "name"})
    uid = obj.text("id")
    category = obj.get("category")
    if category not in rules.CATEGORIES:
        raise obj.fail("category", f"unknown category {category!r} (expected one of {', '.join(rules.CATEGORIES)})")
    capacity = obj.integer("capacity", minimum=0)
    by_month: dict[int, int] = {}
    raw = obj.get("capacity_by_month", required=False)
    if raw is not None:
        if not isinstance(raw, dict):
            raise obj.fail("capacity_by_month", "expected an object of month -> capacity")
        for label, cap in raw.items():
            path = obj.key(f"capacity_by_month.{label}")
            try:
                idx = month_index(start, label)
            except ValueError as exc:
                raise CohortFormatError(path, str(exc)) from None
            cap = _integer(cap, path, minimum=0)
            if 0 <= idx < months:  # months outside the horizon do not matter
                by_month[idx] = cap
    return Unit(
        id=uid,
        category=category,
        capacity=capacity,
        capacity_by_month=by_month,
        unpopular=bool(obj.boolean("unpopular")),
        name=obj.text("name", required=False),
    )


def _parse_trainee(obj: _Obj, start: tuple[int, int], months: int, units: dict[str, Unit]) -> Trainee:
    obj.allow(
        {
            "id",
            "name",
            "programme",
            "bt_type",
            "requirements",
            "total_months",
            "earliest_start",
            "latest_start",
            "unavailable",
            "preferences",
        }
    )
    tid = obj.text("id")
    pid = obj.text("programme")
    try:
        prog = rules.load_programme(pid)
    except rules.UnknownProgrammeError:
        raise obj.fail("programme", f"unknown programme {pid!r} (known: {', '.join(rules.programme_ids())})") from None
    bt_type = obj.get("bt_type", required=False)
    if bt_type is None:
        bt_type = "fristaende" if prog.offers("fristaende") else prog.bt_types[0]
    elif bt_type not in rules.BT_TYPES:
        raise obj.fail("bt_type", f"unknown value {bt_type!r} (expected one of {', '.join(rules.BT_TYPES)})")
    elif not prog.offers(bt_type):
        raise obj.fail("bt_type", f"programme {pid!r} does not offer {bt_type!r} (offers {', '.join(prog.bt_types)})")
    allowed = prog.allowed_categories

    # Requirements: the programme's (national minimums merged in by the rules module) or the override.
    overridden = obj.get("requirements", required=False) is not None
    if overridden:
        reqs: dict[str, int] = {}
        for j, raw in enumerate(obj.list("requirements")):
            r = _Obj(raw, obj.key(f"requirements[{j}]"))
            r.allow({"category", "months"})
            cat = r.get("category")
            if cat not in rules.CATEGORIES:
                raise r.fail("category", f"unknown category {cat!r} (expected one of {', '.join(rules.CATEGORIES)})")
            if cat not in allowed:
                raise r.fail(
                    "category", f"category {cat!r} is not allowed by programme {pid!r} (allowed: {', '.join(allowed)})"
                )
            if cat in reqs:
                raise r.fail("category", f"category {cat!r} given twice")
            m = r.number("months")
            if m < 0:
                raise r.fail("months", "must not be negative")
            reqs[cat] = math.ceil(m)
    else:
        reqs = {c: math.ceil(m) for c, m in prog.requirements(bt_type).items()}
    reqs = {c: m for c, m in reqs.items() if m > 0}

    total_overridden = obj.get("total_months", required=False) is not None
    total = obj.integer("total_months", minimum=1) if total_overridden else math.ceil(prog.norm_total_months)

    earliest = obj.month("earliest_start", start, required=False)
    if earliest is None:
        earliest = 0
    latest = obj.month("latest_start", start, required=False)
    if latest is None:
        latest = earliest
    if not 0 <= earliest < months:
        raise obj.fail(
            "earliest_start",
            f"{month_label(start, earliest)} is outside the horizon {month_range_label(start, 0, months - 1)}",
        )
    if not 0 <= latest < months:
        raise obj.fail(
            "latest_start",
            f"{month_label(start, latest)} is outside the horizon {month_range_label(start, 0, months - 1)}",
        )
    if latest < earliest:
        raise obj.fail("latest_start", "is before earliest_start")

    unavailable: set[int] = set()
    for j, label in enumerate(obj.list("unavailable", required=False)):
        try:
            idx = month_index(start, label)
        except ValueError as exc:
            raise CohortFormatError(obj.key(f"unavailable[{j}]"), str(exc)) from None
        if 0 <= idx < months:
            unavailable.add(idx)

    # Categories the plan may use: those required, plus the programme's other categories as
    # fillers — introduction only when required or when the template has an introduction slot
    # (it is a course at the start, not something to fill a plan with).
    intro_slot = any(s.category == INTRO for s in prog.slots)
    categories = tuple(c for c in rules.CATEGORIES if c in reqs or (c in allowed and (c != INTRO or intro_slot)))
    caps: dict[str, int | None] = {}
    for c in categories:
        mx = prog.max_months(c)
        caps[c] = None if mx is None else max(math.ceil(mx), reqs.get(c, 0))

    limits = {}
    for c in categories:
        n = sum(1 for s in prog.slots if s.category == c)
        if c == prog.first_category == prog.last_category:
            n = max(n, 2)
        limits[c] = max(1, n)
    defaults = prog.default_months()
    targets = {}
    for c in categories:
        want = reqs.get(c) or math.ceil(defaults.get(c, 0)) or 1
        targets[c] = max(1, min(want, caps[c] if caps[c] is not None else want, total))

    prefs: list[Preference] = []
    seen_units: set[str] = set()
    for j, raw in enumerate(obj.list("preferences", required=False)):
        p = _Obj(raw, obj.key(f"preferences[{j}]"))
        p.allow({"unit", "weight"})
        uid = p.text("unit")
        if uid not in units:
            raise p.fail("unit", f"unknown unit {uid!r}")
        if units[uid].category not in categories:
            raise p.fail(
                "unit",
                f"unit {uid!r} is a {units[uid].category} unit, which this trainee's plan "
                f"cannot use (categories: {', '.join(categories)})",
            )
        if uid in seen_units:
            raise p.fail("unit", f"unit {uid!r} given twice")
        seen_units.add(uid)
        w = p.integer("weight", minimum=-1000, maximum=1000)
        if w:
            prefs.append(Preference(uid, w))

    return Trainee(
        id=tid,
        programme=pid,
        bt_type=bt_type,
        requirements=reqs,
        total_months=total,
        earliest_start=earliest,
        latest_start=latest,
        unavailable=frozenset(unavailable),
        preferences=tuple(prefs),
        categories=categories,
        caps=caps,
        first_category=prog.first_category,
        last_category=prog.last_category,
        introduction_first=prog.introduction_first,
        requirements_overridden=overridden,
        total_overridden=total_overridden,
        name=obj.text("name", required=False),
        targets=targets,
        preference_categories={p.unit: units[p.unit].category for p in prefs},
        placement_limits=limits,
    )

"""The regulation (HSLF-FS 2021:8) as versioned data: national parameters and the 18 delmål.

Each file in ``rules/data/regulations/`` is one version. A trainee is judged by the version
in force for them: :func:`regulation_for` picks the newest version whose ``in_force_from`` is
on or before the given date (normally the start of the trainee's BT).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from .dates import parse_iso_date
from .leave import check_kinds
from .model import CATEGORIES

DEFAULT_REGULATION = "HSLF-FS 2021:8"


class RulesDataError(ValueError):
    """A data file under ``rules/data`` is malformed (a bug in the data, not in user input)."""


@dataclass(frozen=True)
class Requirement:
    """One kompetenskrav of a delmål, in Swedish and English."""

    sv: str
    en: str


@dataclass(frozen=True)
class Goal:
    """A delmål (BT1..BT18) with its kompetenskrav."""

    id: str
    title_sv: str
    title_en: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Regulation:
    """One version of the regulation and its national parameters.

    Parameters (all from the data file): ``min_total_months`` (6), ``norm_total_months``
    (12), ``category_minimums`` ({"akut": 3, "primarvard": 3}), ``max_places_of_service``
    (4, a recommendation), ``places_exclude_categories`` (categories that are not places of
    service, e.g. the introduction), ``make_up_leave`` (leave kinds that do not count),
    ``counts_as_service_leave`` (the kinds that do), ``short_sick_leave_days`` (sick-leave spells
    this short count as service; 0 nationally until a source says otherwise — see rules.leave),
    ``min_extent_percent`` (50, a recommendation) and ``integrated_max_months`` (24).
    """

    id: str
    title_sv: str
    title_en: str
    in_force_from: date
    min_total_months: int | float
    norm_total_months: int | float
    category_minimums: Mapping[str, int | float]
    max_places_of_service: int
    places_exclude_categories: frozenset[str]
    make_up_leave: frozenset[str]
    counts_as_service_leave: frozenset[str]
    short_sick_leave_days: int
    min_extent_percent: int | float
    integrated_max_months: int
    goals: tuple[Goal, ...]
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    @property
    def goal_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.goals)

    def goal(self, goal_id: str) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise KeyError(goal_id)


def _data_dir(kind: str):
    return resources.files(__package__).joinpath("data", kind)


def _read_json(path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RulesDataError(f"{path}: {exc}") from None


def _parse(d: dict[str, Any], source: str) -> Regulation:
    try:
        p = d["parameters"]
        goals = tuple(
            Goal(
                id=g["id"],
                title_sv=g["title_sv"],
                title_en=g["title_en"],
                requirements=tuple(Requirement(sv=r["sv"], en=r["en"]) for r in g["requirements"]),
            )
            for g in d["goals"]
        )
        reg = Regulation(
            id=d["id"],
            title_sv=d["title_sv"],
            title_en=d["title_en"],
            in_force_from=parse_iso_date(d["in_force_from"]),
            min_total_months=p["min_total_months"],
            norm_total_months=p["norm_total_months"],
            category_minimums=MappingProxyType(dict(p["category_minimums"])),
            max_places_of_service=p["max_places_of_service"],
            places_exclude_categories=frozenset(p.get("places_exclude_categories", ())),
            make_up_leave=frozenset(p["make_up_leave"]),
            counts_as_service_leave=frozenset(p["counts_as_service_leave"]),
            short_sick_leave_days=int(p["short_sick_leave_days"]),
            min_extent_percent=p["min_extent_percent"],
            integrated_max_months=p["integrated_max_months"],
            goals=goals,
            raw=MappingProxyType(d),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesDataError(f"{source}: malformed regulation ({exc!r})") from None
    unknown = (set(reg.category_minimums) | reg.places_exclude_categories) - set(CATEGORIES)
    if unknown or not check_kinds(reg.make_up_leave, reg.counts_as_service_leave):
        raise RulesDataError(f"{source}: unknown category, or a leave kind not classified exactly once")
    if reg.short_sick_leave_days < 0:
        raise RulesDataError(f"{source}: short_sick_leave_days must not be negative")
    if len(set(reg.goal_ids)) != len(reg.goals):
        raise RulesDataError(f"{source}: duplicate goal ids")
    return reg


@cache
def _all() -> tuple[Regulation, ...]:
    regs = []
    for path in sorted(_data_dir("regulations").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".json"):
            regs.append(_parse(_read_json(path), path.name))
    regs.sort(key=lambda r: r.in_force_from)
    return tuple(regs)


def regulation_versions() -> tuple[Regulation, ...]:
    """All known regulation versions, oldest first."""
    return _all()


def load_regulation(regulation_id: str = DEFAULT_REGULATION) -> Regulation:
    """The regulation version with this id (e.g. ``"HSLF-FS 2021:8"``); ``KeyError`` if unknown."""
    for reg in _all():
        if reg.id == regulation_id:
            return reg
    raise KeyError(f"unknown regulation {regulation_id!r}")


def regulation_for(day: date) -> Regulation:
    """The newest regulation version in force on ``day``; ``LookupError`` before the first one."""
    in_force = [r for r in _all() if r.in_force_from <= day]
    if not in_force:
        raise LookupError(f"no BT regulation in force on {day.isoformat()}")
    return in_force[-1]


def goals(regulation_id: str = DEFAULT_REGULATION) -> tuple[Goal, ...]:
    """The delmål of a regulation version, in order (BT1..BT18 for HSLF-FS 2021:8)."""
    return load_regulation(regulation_id).goals

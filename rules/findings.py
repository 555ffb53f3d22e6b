"""Finding codes and their severities (the stable vocabulary between rules and the UI).

Codes never change meaning; new rules get new codes. ``params`` are JSON-safe: months as
numbers rounded to 2 decimals (shortfalls rounded down, excesses rounded up so that the
shown number never contradicts the finding), dates as ISO strings, ``index`` 0-based
positions in the plan's lists, categories and BT types as their ids.
"""

from __future__ import annotations

from typing import Any

from .model import Finding

ERROR, WARNING, INFO = "error", "warning", "info"

#: Every code with its (default) severity and the params it carries.
CODES: dict[str, tuple[str, tuple[str, ...]]] = {
    # --- errors: the plan cannot be approved as it stands ---------------------------
    "PLAN_TOO_SHORT": (ERROR, ("actual", "required")),
    "MISSING_PRIMARY_CARE": (ERROR, ("actual", "required")),
    "PRIMARY_CARE_TOO_SHORT": (ERROR, ("actual", "required")),
    "MISSING_EMERGENCY_CARE": (ERROR, ("actual", "required")),
    "EMERGENCY_CARE_TOO_SHORT": (ERROR, ("actual", "required")),
    "CATEGORY_TOO_SHORT": (ERROR, ("category", "actual", "required")),
    "PLACEMENTS_OVERLAP": (ERROR, ("indices", "start", "end")),
    "PLACEMENT_OUTSIDE_PERIOD": (ERROR, ("index", "start", "end", "period_start", "period_end")),
    "PLACEMENT_DATES_INVERTED": (ERROR, ("index", "start", "end")),
    "LEAVE_DATES_INVERTED": (ERROR, ("index", "start", "end")),
    "PLAN_DATES_INVERTED": (ERROR, ("start", "end")),
    "BT_TYPE_NOT_OFFERED": (ERROR, ("bt_type", "programme", "offered")),
    "ORDER_FIRST": (ERROR, ("category", "actual_category", "index")),
    "ORDER_LAST": (ERROR, ("category", "actual_category", "index")),
    "INTRODUCTION_NOT_FIRST": (ERROR, ("index",)),
    "EXTENT_OUT_OF_RANGE": (ERROR, ("index", "extent")),
    # BT is done after the licence (legitimation).
    "LICENCE_AFTER_START": (ERROR, ("licence_date", "start")),
    # --- warnings: allowed, but against a recommendation or the programme -----------
    "TOO_MANY_PLACES": (WARNING, ("actual", "maximum")),
    "LONGER_THAN_PROGRAMME": (WARNING, ("actual", "maximum")),
    "EXTENT_BELOW_MINIMUM": (WARNING, ("index", "extent", "minimum")),
    "INTEGRATED_BEYOND_TWO_YEARS": (WARNING, ("start", "end", "deadline", "months")),
    "CATEGORY_NOT_IN_PROGRAMME": (WARNING, ("index", "category")),
    "REGULATION_NOT_IN_FORCE": (WARNING, ("start", "in_force_from")),
    # A mandatory category reaches its minimum only with credited earlier service, which needs an
    # individual assessment; credits: [{index, months, kind, note}].
    "MINIMUM_MET_BY_CREDIT": (WARNING, ("category", "required", "served", "credits")),
    # The plan meets the rules but is not complete (COMPLETENESS_CODES).
    "LICENCE_DATE_MISSING": (WARNING, ()),
    "MAIN_SUPERVISOR_MISSING": (WARNING, ()),
    "PLACEMENT_WITHOUT_UNIT": (WARNING, ("index",)),
    "PLACEMENT_WITHOUT_SUPERVISOR": (WARNING, ("index",)),
    "ST_START_MISSING": (WARNING, ("months",)),
    # --- information -----------------------------------------------------------------
    "GAP_BETWEEN_PLACEMENTS": (INFO, ("indices", "start", "end", "days")),
    "BELOW_NORM": (INFO, ("actual", "norm")),
    "CREDITED_SERVICE": (INFO, ("index", "category", "months", "kind")),
    "LEAVE_NOT_COUNTED": (INFO, ("days", "months")),
    # --- supervisor checks (rules.check_supervisor) --------------------------------------
    "SUPERVISOR_NOT_SPECIALIST": (WARNING, ()),
    "SUPERVISOR_NO_TRAINING": (WARNING, ()),
    # warning when the programme requires BT-handledarutbildning, info when it recommends it
    "SUPERVISOR_NO_BT_TRAINING": (WARNING, ("requirement",)),
}

#: Warnings that information is missing: the plan meets the rules but is not complete.
COMPLETENESS_CODES: frozenset[str] = frozenset(
    {
        "LICENCE_DATE_MISSING",
        "MAIN_SUPERVISOR_MISSING",
        "PLACEMENT_WITHOUT_UNIT",
        "PLACEMENT_WITHOUT_SUPERVISOR",
        "ST_START_MISSING",
    }
)

SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def finding(code: str, severity: str | None = None, **params: Any) -> Finding:
    """Build a finding for a registered code (default severity unless one is given)."""
    default, _ = CODES[code]
    return Finding(code=code, severity=severity or default, params=params)  # type: ignore[arg-type]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within a severity."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])

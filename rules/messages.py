"""English messages for findings, marked for translation.

``gettext_noop`` is a local identity function with the exact name Django's ``makemessages``
looks for, so these strings end up in the project's catalogue without this package
importing Django. The Django side renders with its own ``gettext``::

    from django.utils.translation import gettext
    rules.messages.render(finding, translate=gettext, fmt_number=number_format)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from .model import Finding


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it (identity)."""
    return message


CATEGORY_NAMES: dict[str, str] = {
    "introduktion": gettext_noop("Introduction"),
    "akut": gettext_noop("Emergency care"),
    "primarvard": gettext_noop("Primary care"),
    "psykiatri": gettext_noop("Psychiatry"),
    "valfri": gettext_noop("Elective"),
    "annan": gettext_noop("Other"),
}

BT_TYPE_NAMES: dict[str, str] = {
    "fristaende": gettext_noop("standalone BT"),
    "integrerad": gettext_noop("integrated BT"),
}

LEAVE_KIND_NAMES: dict[str, str] = {
    "parental": gettext_noop("Parental leave"),
    "sick": gettext_noop("Sick leave"),
    "unpaid": gettext_noop("Unpaid leave"),
    "vacation": gettext_noop("Vacation"),
}

CREDIT_KIND_NAMES: dict[str, str] = {
    "foreign": gettext_noop("service abroad"),
    "before_licence": gettext_noop("service before licence"),
}

SEVERITY_NAMES: dict[str, str] = {
    "error": gettext_noop("Error"),
    "warning": gettext_noop("Warning"),
    "info": gettext_noop("Information"),
}

#: One message per finding code; ``%(name)s`` placeholders are the finding's params plus
#: ``number`` (index + 1) and ``first``/``second`` (indices + 1), see :func:`message_context`.
MESSAGES: dict[str, str] = {
    "PLAN_TOO_SHORT": gettext_noop(
        "The plan gives %(actual)s months of service; at least %(required)s months are required"
    ),
    "MISSING_PRIMARY_CARE": gettext_noop("The plan has no primary care; at least %(required)s months are required"),
    "PRIMARY_CARE_TOO_SHORT": gettext_noop("Primary care: %(actual)s of at least %(required)s months"),
    "MISSING_EMERGENCY_CARE": gettext_noop("The plan has no emergency care; at least %(required)s months are required"),
    "EMERGENCY_CARE_TOO_SHORT": gettext_noop("Emergency care: %(actual)s of at least %(required)s months"),
    "CATEGORY_TOO_SHORT": gettext_noop(
        "%(category)s: %(actual)s of at least %(required)s months required by the programme"
    ),
    "PLACEMENTS_OVERLAP": gettext_noop("Placements %(first)s and %(second)s overlap from %(start)s to %(end)s"),
    "PLACEMENT_OUTSIDE_PERIOD": gettext_noop("Placement %(number)s (%(start)s to %(end)s) lies outside the BT period"),
    "PLACEMENT_DATES_INVERTED": gettext_noop("Placement %(number)s ends (%(end)s) before it starts (%(start)s)"),
    "LEAVE_DATES_INVERTED": gettext_noop("Leave %(number)s ends (%(end)s) before it starts (%(start)s)"),
    "PLAN_DATES_INVERTED": gettext_noop("The BT period ends (%(end)s) before it starts (%(start)s)"),
    "BT_TYPE_NOT_OFFERED": gettext_noop("This programme does not offer %(bt_type)s"),
    "ORDER_FIRST": gettext_noop("The BT must start with %(category)s, not %(actual_category)s"),
    "ORDER_LAST": gettext_noop("The BT must end with %(category)s, not %(actual_category)s"),
    "INTRODUCTION_NOT_FIRST": gettext_noop(
        "The introduction (placement %(number)s) must come before the other placements"
    ),
    "EXTENT_OUT_OF_RANGE": gettext_noop("Placement %(number)s: an extent of %(extent)s %% is not between 1 and 100 %%"),
    "TOO_MANY_PLACES": gettext_noop(
        "The plan has %(actual)s places of service; no more than %(maximum)s are recommended"
    ),
    "LONGER_THAN_PROGRAMME": gettext_noop(
        "The plan gives %(actual)s months, more than the programme's %(maximum)s months"
    ),
    "EXTENT_BELOW_MINIMUM": gettext_noop(
        "Placement %(number)s is at %(extent)s %% of full time, below the recommended %(minimum)s %%"
    ),
    "INTEGRATED_BEYOND_TWO_YEARS": gettext_noop(
        "Integrated BT should be finished within %(months)s months of the start of the ST employment "
        "(%(start)s), that is by %(deadline)s; the plan ends %(end)s"
    ),
    "CATEGORY_NOT_IN_PROGRAMME": gettext_noop("Placement %(number)s: %(category)s is not part of this programme"),
    "REGULATION_NOT_IN_FORCE": gettext_noop(
        "The BT starts %(start)s, before the regulation came into force on %(in_force_from)s"
    ),
    "LICENCE_AFTER_START": gettext_noop(
        "The licence (legitimation) is dated %(licence_date)s, after the start of BT (%(start)s): "
        "BT is done after the licence"
    ),
    "MINIMUM_MET_BY_CREDIT": gettext_noop(
        "%(category)s reaches the required %(required)s months only with credited earlier service "
        "(%(credits)s); the plan itself gives %(served)s months. Credit needs an individual assessment"
    ),
    "LICENCE_DATE_MISSING": gettext_noop("The date of the licence (legitimation) is missing"),
    "MAIN_SUPERVISOR_MISSING": gettext_noop("The plan has no main supervisor (huvudhandledare)"),
    "PLACEMENT_WITHOUT_UNIT": gettext_noop("Placement %(number)s has no unit yet"),
    "PLACEMENT_WITHOUT_SUPERVISOR": gettext_noop("Placement %(number)s has no supervisor (handledare)"),
    "ST_START_MISSING": gettext_noop(
        "Integrated BT: the start date of the ST employment is missing, so the plan cannot be checked "
        "against the %(months)s months within which BT should be finished"
    ),
    "GAP_BETWEEN_PLACEMENTS": gettext_noop(
        "%(days)s days without a placement between placements %(first)s and %(second)s (%(start)s to %(end)s)"
    ),
    "BELOW_NORM": gettext_noop("The plan gives %(actual)s months; the normal length is %(norm)s months"),
    "CREDITED_SERVICE": gettext_noop("%(months)s months of %(kind)s credited as %(category)s"),
    "LEAVE_NOT_COUNTED": gettext_noop(
        "%(days)s days of leave that must be made up are not counted (%(months)s months)"
    ),
    "SUPERVISOR_NOT_SPECIALIST": gettext_noop("The supervisor is not a specialist"),
    "SUPERVISOR_NO_TRAINING": gettext_noop("The supervisor has no supervisor training"),
    "SUPERVISOR_NO_BT_TRAINING": gettext_noop("The supervisor has no BT supervisor training"),
}

#: One credited period named in a finding (MINIMUM_MET_BY_CREDIT's ``credits``).
CREDIT_ITEM = gettext_noop("credit %(number)s: %(months)s months of %(kind)s")
CREDIT_ITEM_NOTE = gettext_noop("credit %(number)s: %(months)s months of %(kind)s, %(note)s")

_CATEGORY_KEYS = ("category", "actual_category")


def mid_sentence(name: str) -> str:
    """A category name as it reads inside a sentence: lower case ("inom akut sjukvård")."""
    return name[:1].lower() + name[1:]


def sentence(text: str) -> str:
    """A message starts with a capital letter (a category may open it: "Psykiatri: 2 av …")."""
    return text[:1].upper() + text[1:]


def format_number(value: int | float) -> str:
    """Default number format: at most 2 decimals, no trailing zeros (3.0 -> "3", 2.50 -> "2.5")."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _identity(s: str) -> str:
    return s


def message_context(
    finding: Finding,
    *,
    fmt_number: Callable[[Any], str] = format_number,
    translate: Callable[[str], str] = _identity,
    fmt_date: Callable[[date], str] | None = None,
) -> dict[str, Any]:
    """Params ready for ``MESSAGES[code] % context``: numbers and dates formatted, categories,
    BT types and credit kinds turned into (translated) names, 1-based placement numbers added."""
    ctx: dict[str, Any] = {}
    for key, value in finding.params.items():
        if key in _CATEGORY_KEYS and value in CATEGORY_NAMES:
            ctx[key] = mid_sentence(translate(CATEGORY_NAMES[value]))
        elif key == "credits" and isinstance(value, list):
            ctx[key] = "; ".join(_credit_item(c, fmt_number, translate) for c in value)
        elif key == "bt_type" and value in BT_TYPE_NAMES:
            ctx[key] = translate(BT_TYPE_NAMES[value])
        elif key == "kind" and value in CREDIT_KIND_NAMES:
            ctx[key] = translate(CREDIT_KIND_NAMES[value])
        elif isinstance(value, bool) or key in ("index", "indices"):
            ctx[key] = value
        elif isinstance(value, (int, float)):
            ctx[key] = fmt_number(value)
        elif isinstance(value, str) and fmt_date is not None and len(value) == 10 and value[4] == "-":
            ctx[key] = fmt_date(date.fromisoformat(value))
        else:
            ctx[key] = value if value is not None else "–"
    if isinstance(finding.params.get("index"), int):
        ctx["number"] = finding.params["index"] + 1
    indices = finding.params.get("indices")
    if isinstance(indices, list) and len(indices) == 2:
        ctx["first"], ctx["second"] = indices[0] + 1, indices[1] + 1
    return ctx


def _credit_item(credit: dict, fmt_number: Callable[[Any], str], translate: Callable[[str], str]) -> str:
    kind = credit.get("kind")
    values = {
        "number": int(credit.get("index", 0)) + 1,
        "months": fmt_number(credit.get("months", 0)),
        "kind": translate(CREDIT_KIND_NAMES[kind]) if kind in CREDIT_KIND_NAMES else kind,
        "note": credit.get("note") or "",
    }
    return translate(CREDIT_ITEM_NOTE if values["note"] else CREDIT_ITEM) % values


def render(
    finding: Finding,
    fmt_number: Callable[[Any], str] = format_number,
    *,
    translate: Callable[[str], str] = _identity,
    fmt_date: Callable[[date], str] | None = None,
) -> str:
    """The finding as a sentence (English unless ``translate`` is e.g. Django's gettext)."""
    template = MESSAGES.get(finding.code)
    if template is None:
        return finding.code
    ctx = message_context(finding, fmt_number=fmt_number, translate=translate, fmt_date=fmt_date)
    try:
        return sentence(translate(template) % ctx)
    except (KeyError, ValueError, TypeError):
        return f"{finding.code} {finding.params}"

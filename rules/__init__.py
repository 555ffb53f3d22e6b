"""BT rules: the regulation (HSLF-FS 2021:8) and each region's BT programme, in one place.

Pure Python, standard library only, no Django. The Django apps, the cohort scheduler, the
readiness check and the dashboards all ask this package; a rule is written once.

Quick use::

    import rules
    plan = rules.Plan.from_dict(json_dict)          # raises rules.PlanFormatError
    result = rules.check_plan(plan)                 # -> rules.Result (valid, fte, findings)
    rules.template_plan("vgr", "fristaende", date(2027, 1, 1))

How service is counted (full-time months)
-----------------------------------------
* Dates are inclusive (a placement 2026-09-01..2026-09-30 is the whole of September).
* Service is counted in **calendar months**, as Socialstyrelsen does (lag (1930:173) om
  beräkning av lagstadgad tid): from day d of a month through day d-1 of the month k months
  later is exactly k months (2026-09-15..2026-12-14 is 3; 2026-01-31..2026-02-28 is 1: a
  month without day d ends the period with that month). The days left over after the whole
  months are worth 1 / the length of their month period (the 28-31 days from one monthly
  anniversary of the start to the next): 2026-09-15..2026-10-20 is 1 + 6/31.
  (``rules.counting.calendar_months``, ``period_end`` is its inverse.)
* Extent (% of full time) scales pro rata: 6 calendar months at 50 % = 3.0 months.
* Days of parental, sick and unpaid leave inside a placement do not count (they must be
  made up); vacation counts as service. Overlapping leave is deducted once, each day at its
  worth in the placement. The leave kinds come from the regulation data (``make_up_leave``);
  a region may let short sick-leave spells count (``rules.leave``, uncertain for BT: data).
* Credited earlier service (tillgodoräknande; abroad or before the licence) counts toward
  its category and the total, and is reported with an info finding CREDITED_SERVICE.
* Computation is exact with ``fractions.Fraction``. Because months run from each
  placement's own start, splitting a placement may move a total by up to three days' worth
  (February's missing days); numbers are rounded (2 decimals) only for output, and the
  category values are rounded so that they add up to the rounded total.

Findings have a stable ``code``, a ``severity`` (error/warning/info) and JSON-safe
``params``; see ``rules.findings.CODES`` and ``rules.messages.MESSAGES``. A plan is valid
when it has no error finding.
"""

from .checks import check_plan
from .counting import count_service, months_between, placement_months, service_months
from .findings import CODES as FINDING_CODES
from .findings import COMPLETENESS_CODES
from .leave import LeavePolicy, leave_policy
from .messages import CATEGORY_NAMES, MESSAGES, render
from .model import (
    BT_TYPES,
    CATEGORIES,
    CREDIT_KINDS,
    LEAVE_KINDS,
    SEVERITIES,
    UNIT_CATEGORIES,
    Credit,
    Finding,
    Leave,
    Placement,
    Plan,
    PlanFormatError,
    Result,
)
from .programmes import (
    AssessmentCadence,
    MonthRange,
    OrderRules,
    Programme,
    Slot,
    SupervisorRequirements,
    UnknownProgrammeError,
    load_programme,
    programme_ids,
)
from .regulations import (
    DEFAULT_REGULATION,
    Goal,
    Regulation,
    Requirement,
    RulesDataError,
    goals,
    load_regulation,
    regulation_for,
    regulation_versions,
)
from .supervision import check_supervisor
from .templates import template_plan

__all__ = [
    "BT_TYPES",
    "CATEGORIES",
    "CATEGORY_NAMES",
    "COMPLETENESS_CODES",
    "CREDIT_KINDS",
    "DEFAULT_REGULATION",
    "FINDING_CODES",
    "LEAVE_KINDS",
    "MESSAGES",
    "SEVERITIES",
    "UNIT_CATEGORIES",
    "AssessmentCadence",
    "Credit",
    "Finding",
    "Goal",
    "Leave",
    "LeavePolicy",
    "MonthRange",
    "OrderRules",
    "Placement",
    "Plan",
    "PlanFormatError",
    "Programme",
    "Regulation",
    "Requirement",
    "Result",
    "RulesDataError",
    "Slot",
    "SupervisorRequirements",
    "UnknownProgrammeError",
    "check_plan",
    "check_supervisor",
    "count_service",
    "goals",
    "leave_policy",
    "load_programme",
    "load_regulation",
    "months_between",
    "placement_months",
    "programme_ids",
    "regulation_for",
    "regulation_versions",
    "render",
    "service_months",
    "template_plan",
]

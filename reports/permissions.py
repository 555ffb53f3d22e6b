"""Who may see the cohort dashboard, a unit's report, the statistics and the exports.

- The cohort dashboard is for those who run BT for a region or a unit subtree (studierektor, kansli):
  the BT-läkare whose *home unit* is in their scope (their cohort; those only placed at their units
  appear on the unit report).
- The unit report is for the managers of a unit (verksamhetschef, and studierektor/kansli above it):
  its capacity month by month and the BT-läkare who belong to or serve at it.
- The statistics hold no personal data (small counts are suppressed, `core.suppression`), so every
  staff role and the quality reviewers may read every region's figures and the national ones.
- A portfolio PDF is the portfolio page on paper: the portfolio's own permission (`portfolio.VIEW`).
"""

from django.db.models import QuerySet

from accounts.models import Role
from accounts.permissions import Permission, is_admin, is_authenticated, unit_scope
from organisations.permissions import in_units, manageable_units
from portfolio.permissions import VIEW as VIEW_PORTFOLIO
from trainees.models import Trainee
from trainees.permissions import HISTORY as TRAINEE_HISTORY
from trainees.permissions import STATISTICS as TRAINEE_STATISTICS

COHORT_ROLES = frozenset({Role.STUDIEREKTOR, Role.KANSLI, Role.ADMIN})


def cohort_trainees(user) -> QuerySet:
    """BT-läkare whose home unit is in the user's studierektor or kansli scope (admin: all)."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    return Trainee.objects.filter(in_units("home_unit", *unit_scope(user, {Role.STUDIEREKTOR, Role.KANSLI})))


def own_exports(user) -> QuerySet:
    from reports.models import Export

    return Export.objects.filter(user=user) if is_authenticated(user) else Export.objects.none()


DASHBOARD = Permission("reports.dashboard", roles=COHORT_ROLES, scope=cohort_trainees)
UNIT_REPORT = Permission(
    "reports.unit", roles={Role.VERKSAMHETSCHEF, Role.STUDIEREKTOR, Role.KANSLI, Role.ADMIN}, scope=manageable_units
)
#: The statistics (no personal data): defined beside them in trainees, shared with the API.
STATISTICS = TRAINEE_STATISTICS
EXPORTS = Permission("reports.exports", roles=COHORT_ROLES, scope=own_exports)
#: A BT-läkare's history (who changed what): the kansli and studierektor of their cohort, the admin.
HISTORY = TRAINEE_HISTORY
PORTFOLIO_PDF = VIEW_PORTFOLIO

"""Factories for the reports' tests: a cohort of any size, with everything a row of the dashboard reads."""

import datetime

from django.utils import timezone

from btportal import factories as f
from portfolio.tests.factories import make_activity, make_assessment, make_placement
from rules.counting import period_end
from trainees.models import Credit, Leave

D = datetime.date
DAY = datetime.timedelta(days=1)
TODAY = D(2027, 2, 15)


def make_cohort(world, n: int, *, home_unit=None, status="active", start=None) -> list:
    """`n` trainees at the clinic (or `home_unit`), each with six months of akut sjukvård from `start`
    (by default a month ago, so that they are in it today) with a handledare and six of primärvård after
    it without one, five days of sick leave, a credited month, an activity and assessments: every kind
    of row a page reads."""
    start = start or timezone.localdate() - 30 * DAY
    home_unit = home_unit or world.clinic
    supervisor = world.users["handledare"]
    akut_end = period_end(start, 6)
    trainees = []
    for _ in range(n):
        t = f.make_trainee(
            home_unit=home_unit, status=status, planned_start=start, main_supervisor=world.users["huvudhandledare"]
        )
        akut = make_placement(t, "akut", start, akut_end, unit=world.clinic, supervisor=supervisor)
        make_placement(t, "primarvard", akut_end + DAY, period_end(akut_end + DAY, 6), unit=world.health_centre)
        Leave.objects.create(trainee=t, kind="sick", start=start + 30 * DAY, end=start + 34 * DAY)
        Credit.objects.create(trainee=t, category="psykiatri", months=1, kind="foreign")
        make_activity(t, "BT1", "BT2", placement=akut, start=start + 10 * DAY)
        make_assessment(t, "BT1", placement=akut, performed_on=start + 39 * DAY)
        make_assessment(t, "BT3", signed=False, performed_on=start + 40 * DAY)
        trainees.append(t)
    return trainees

"""What assessments are due, per trainee, from the programme's assessment cadence.

The cadence is data in the rules module (`rules.load_programme(id).assessment_cadence`); this
module only lays the expected number of assessments out in time and matches them with the
signed assessments:

* regular assessments: `cadence.expected_for_placement(full-time months)` per placement (the
  final one not included), spread evenly over the placement, the last on its end date;
* a placement final assessment on the last day of each placement when the programme asks
  for one (`final_per_placement`), done by a signed `placement_final` for that placement;
* collective reviews (`review_at_months`, e.g. VGR's BT-kollegium at 3 and 9 months), due that
  many months after the start of BT, done by signed specialistkollegium reviews.

Regular items are done in order: the first k items of a placement are done when k assessments
of that placement are signed (an assessment without a placement belongs to the placement it was
performed in).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import rules
import rules.counting
from assessments.instruments import PANEL_REVIEW, PLACEMENT_FINAL
from trainees.services import leave_policy

REGULAR = "assessment"
FINAL = "final"
REVIEW = "review"
KIND_LABELS = {
    REGULAR: _("Assessment"),
    FINAL: _("Placement final assessment"),
    REVIEW: _("Progress review (BT-kollegium)"),
}

DONE = "done"
DUE = "due"
OVERDUE = "overdue"
STATUS_LABELS = {DONE: _("Done"), DUE: _("Due"), OVERDUE: _("Overdue")}


@dataclass(frozen=True)
class DueItem:
    trainee: object
    kind: str
    due_date: datetime.date
    status: str
    placement: object | None = None
    number: int = 1  # 1-based within its placement (or within the BT, for reviews)
    instrument: str = ""  # the instrument that completes it; "" = any

    @property
    def key(self) -> str:
        """Stable identity for the notification log (a moved due date is a new item)."""
        where = f"p{self.placement.pk}" if self.placement is not None else "bt"
        return f"t{self.trainee.pk}:{self.kind}:{where}:{self.number}:{self.due_date.isoformat()}"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def open(self) -> bool:
        return self.status != DONE


def cadence_for(trainee) -> rules.AssessmentCadence:
    return trainee.programme_rules.assessment_cadence


def _excluded_leave(trainee, leave) -> list[tuple[datetime.date, datetime.date]]:
    return leave_policy(trainee).deducted([rules.Leave(kind=x.kind, start=x.start, end=x.end) for x in leave])


def _spread(start: datetime.date, end: datetime.date, n: int) -> list[datetime.date]:
    """n dates evenly over start..end (inclusive); the last is the end date."""
    days = (end - start).days + 1
    return [start + datetime.timedelta(days=math.ceil(i * days / n) - 1) for i in range(1, n + 1)]


def due_items(
    trainee, *, today: datetime.date | None = None, placements=None, leave=None, assessments=None
) -> list[DueItem]:
    """Every expected assessment of the trainee's plan with its status, by due date."""
    today = today or timezone.localdate()
    cadence = cadence_for(trainee)
    placements = sorted(
        trainee.placements.select_related("unit", "supervisor") if placements is None else placements,
        key=lambda p: (p.start, p.end, p.pk),
    )
    leave = list(trainee.leave.all()) if leave is None else leave
    if assessments is None:
        assessments = trainee.assessments.evidence()
    signed = sorted((a for a in assessments if a.signed_at), key=lambda a: (a.performed_on, a.pk))
    excluded = _excluded_leave(trainee, leave)

    def placement_of(a):
        if a.placement_id:
            return a.placement_id
        for p in placements:
            if p.start <= a.performed_on <= p.end:
                return p.pk
        return None

    # With collective reviews in the cadence, a panel review counts for them only.
    not_regular = {PLACEMENT_FINAL} | ({PANEL_REVIEW} if cadence.review_at_months else set())

    def status(done: bool, due: datetime.date) -> str:
        return DONE if done else (OVERDUE if due < today else DUE)

    items: list[DueItem] = []
    for p in placements:
        months = rules.counting.placement_months(
            rules.Placement(category=p.category, start=p.start, end=p.end, extent=p.extent), excluded
        )
        expected = cadence.expected_for_placement(months)
        regular = expected - 1 if (cadence.final_per_placement and expected) else expected
        done_regular = sum(1 for a in signed if a.instrument not in not_regular and placement_of(a) == p.pk)
        for number, due in enumerate(_spread(p.start, p.end, regular) if regular else [], start=1):
            items.append(DueItem(trainee, REGULAR, due, status(number <= done_regular, due), p, number))
        if cadence.final_per_placement and expected:
            done = any(a.instrument == PLACEMENT_FINAL and placement_of(a) == p.pk for a in signed)
            items.append(DueItem(trainee, FINAL, p.end, status(done, p.end), p, 1, PLACEMENT_FINAL))

    if cadence.review_at_months:
        start = placements[0].start if placements else trainee.planned_start
        done_reviews = sum(1 for a in signed if a.instrument == PANEL_REVIEW)
        for number, months in enumerate(sorted(cadence.review_at_months), start=1):
            due = rules.counting.period_end(start, months)
            items.append(DueItem(trainee, REVIEW, due, status(number <= done_reviews, due), None, number, PANEL_REVIEW))

    items.sort(key=lambda i: (i.due_date, i.kind, i.placement.pk if i.placement is not None else 0, i.number))
    return items


def needs_attention(items, *, today: datetime.date, within_days: int) -> list[DueItem]:
    """Open items that are overdue or due within `within_days`."""
    horizon = today + datetime.timedelta(days=within_days)
    return [i for i in items if i.status == OVERDUE or (i.status == DUE and i.due_date <= horizon)]


def supervised_items(user, *, today: datetime.date | None = None, within_days: int = 30) -> list[DueItem]:
    """Items needing attention for the trainees a person supervises: all items of the trainees
    they are main supervisor for, and the items of the placements they supervise.

    A fixed number of queries whatever the number of trainees: their placements, leave and
    signed assessments are fetched at once and handed to `due_items`."""
    from django.db.models import Prefetch, Q

    from assessments.models import Assessment
    from trainees.models import Placement, Trainee, TraineeStatus

    today = today or timezone.localdate()
    ids = (
        Trainee.objects.filter(Q(main_supervisor=user) | Q(placements__supervisor=user))
        .exclude(status__in=[TraineeStatus.COMPLETED, TraineeStatus.DISCONTINUED])
        .exclude(user=user)
        .values("pk")
    )
    trainees = (
        Trainee.objects.filter(pk__in=ids)
        .select_related("user")
        .prefetch_related(
            Prefetch("placements", queryset=Placement.objects.select_related("unit", "supervisor")),
            "leave",
            Prefetch(
                "assessments",
                queryset=Assessment.objects.filter(signed_at__isnull=False),
                to_attr="signed_assessments",
            ),
        )
    )
    out = []
    for trainee in trainees:
        items = due_items(
            trainee,
            today=today,
            placements=list(trainee.placements.all()),
            leave=list(trainee.leave.all()),
            assessments=trainee.signed_assessments,
        )
        for item in needs_attention(items, today=today, within_days=within_days):
            if trainee.main_supervisor_id == user.pk or (
                item.placement is not None and item.placement.supervisor_id == user.pk
            ):
                out.append(item)
    return sorted(out, key=lambda i: (i.due_date, str(i.trainee)))

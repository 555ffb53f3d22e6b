"""Where a BT-läkare stands on each delmål: the progress strip and the delmål × evidence matrix.

The state of a delmål (`progress`):
- **not_started** – no activity and no assessment is linked to it;
- **in_progress** – something is linked (an activity, or an assessment signed or not), but it
  lacks a signed assessment or an activity;
- **evidenced** – at least one activity AND at least one signed assessment are linked to it.

"Evidenced" means the portfolio holds evidence for the delmål, not that it is reached: that is
the huvudhandledare's and the extern bedömare's judgement at the final assessment.

Placement warning: for each of the trainee's placements whose category the programme maps to
delmål (`Programme.goals_for_category`), once the placement ends within 30 days (or has ended),
each such delmål without evidence *from that placement* – an activity linked to the placement or
dated within it, or a signed assessment linked to it or performed within it – gets a warning.

Everything is read in a fixed number of queries, whatever the number of activities or
assessments (goals, activities + their goals, assessments + their goals, placements).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import rules
from goals.models import Goal

WARN_DAYS = 30


class ProgressState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    EVIDENCED = "evidenced", _("Evidenced")


# The state is shown by an icon AND text, never by colour alone.
ICONS = {ProgressState.NOT_STARTED: "○", ProgressState.IN_PROGRESS: "◐", ProgressState.EVIDENCED: "✓"}
CSS = {
    ProgressState.NOT_STARTED: "text-bg-light border",
    ProgressState.IN_PROGRESS: "text-bg-warning",
    ProgressState.EVIDENCED: "text-bg-success",
}


def regulation_id(trainee) -> str:
    """The regulation version in force for the trainee (by planned start)."""
    try:
        return rules.regulation_for(trainee.planned_start).id
    except LookupError:
        return rules.DEFAULT_REGULATION


def goals_for(trainee):
    return Goal.objects.filter(regulation=regulation_id(trainee)).order_by("number")


@dataclass
class GoalProgress:
    goal: Goal
    state: str
    activities: list = field(default_factory=list)
    signed_assessments: list = field(default_factory=list)
    unsigned_assessments: list = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def warning(self) -> str:
        return " ".join(self.warnings)

    @property
    def state_label(self) -> str:
        return ProgressState(self.state).label

    @property
    def icon(self) -> str:
        return ICONS[self.state]

    @property
    def css(self) -> str:
        return CSS[self.state]


@dataclass
class ProgressSummary:
    """What the progress strip on the trainee's home page needs."""

    trainee: object
    goals: list[GoalProgress]

    def _count(self, state) -> int:
        return sum(1 for g in self.goals if g.state == state)

    @property
    def evidenced(self) -> int:
        return self._count(ProgressState.EVIDENCED)

    @property
    def in_progress(self) -> int:
        return self._count(ProgressState.IN_PROGRESS)

    @property
    def not_started(self) -> int:
        return self._count(ProgressState.NOT_STARTED)

    @property
    def warnings(self) -> int:
        return sum(len(g.warnings) for g in self.goals)


def _overlaps(activity, placement) -> bool:
    end = activity.end or activity.start
    return activity.start <= placement.end and end >= placement.start


def _placement_name(placement) -> str:
    period = f"{placement.start:%Y-%m-%d}–{placement.end:%Y-%m-%d}"
    if placement.unit_id:
        return gettext("%(category)s at %(unit)s (%(period)s)") % {
            "category": placement.get_category_display(),
            "unit": placement.unit.name,
            "period": period,
        }
    return gettext("%(category)s (%(period)s)") % {"category": placement.get_category_display(), "period": period}


def state_of(*, activity: bool, signed: bool, unsigned: bool) -> str:
    """The state of one delmål from what is linked to it (the one rule; see the module's docstring)."""
    if activity and signed:
        return ProgressState.EVIDENCED
    if activity or signed or unsigned:
        return ProgressState.IN_PROGRESS
    return ProgressState.NOT_STARTED


def progress(trainee, *, today: datetime.date | None = None, placements=None) -> list[GoalProgress]:
    """One GoalProgress per delmål of the trainee's regulation (BT1 … BT18), in order. `placements`:
    the trainee's placements when the caller has read them already (their units selected)."""
    from assessments.models import Assessment
    from portfolio.models import Activity

    today = today or timezone.localdate()
    goals = list(goals_for(trainee))
    activities = list(Activity.objects.filter(trainee=trainee).order_by("-start", "-pk"))
    assessments = list(
        Assessment.objects.filter(trainee=trainee).select_related("assessor_check").order_by("-performed_on", "-pk")
    )
    # Which delmål each activity and assessment is linked to, as id pairs: a trainee with a hundred
    # of them would otherwise build a Goal object per link (most of the time of the pages showing it).
    # Not asked when there is nothing to link, as the prefetch it replaces.
    activity_goals = (
        _links(Activity.goals.through.objects.filter(activity__trainee=trainee), "activity_id") if activities else {}
    )
    assessment_goals = (
        _links(Assessment.goals.through.objects.filter(assessment__trainee=trainee), "assessment_id")
        if assessments
        else {}
    )
    placements = (
        list(trainee.placements.select_related("unit").order_by("start", "pk"))
        if placements is None
        else sorted(placements, key=lambda p: (p.start, p.pk))
    )

    by_goal = {g.pk: GoalProgress(goal=g, state=ProgressState.NOT_STARTED) for g in goals}
    for activity in activities:
        for goal_id in activity_goals.get(activity.pk, ()):
            if goal_id in by_goal:
                by_goal[goal_id].activities.append(activity)
    for assessment in assessments:
        for goal_id in assessment_goals.get(assessment.pk, ()):
            if goal_id in by_goal:
                gp = by_goal[goal_id]
                # Signed by an assessor not verified yet: shown, but not evidence (accounts.identity).
                (gp.signed_assessments if assessment.counts_as_evidence else gp.unsigned_assessments).append(assessment)

    for gp in by_goal.values():
        gp.state = state_of(
            activity=bool(gp.activities), signed=bool(gp.signed_assessments), unsigned=bool(gp.unsigned_assessments)
        )
        if not gp.activities:
            gp.missing.append(gettext("No activity linked to this goal"))
        if not gp.signed_assessments:
            gp.missing.append(gettext("No signed assessment"))

    _placement_warnings(trainee, by_goal, placements, today)
    return list(by_goal.values())


def _links(through, owner: str) -> dict[int, list[int]]:
    """`owner` (an activity or assessment id) → the ids of its delmål, from a many-to-many table's rows."""
    out: dict[int, list[int]] = {}
    for owner_id, goal_id in through.values_list(owner, "goal_id").order_by():
        out.setdefault(owner_id, []).append(goal_id)
    return out


def _placement_warnings(trainee, by_goal, placements, today) -> None:
    programme = trainee.programme_rules
    by_code = {gp.goal.code: gp for gp in by_goal.values()}
    horizon = today + datetime.timedelta(days=WARN_DAYS)
    for placement in placements:
        if placement.end > horizon:
            continue
        for code in programme.goals_for_category(placement.category):
            gp = by_code.get(code)
            if gp is None:
                continue
            has_activity = any(a.placement_id == placement.pk or _overlaps(a, placement) for a in gp.activities)
            has_assessment = any(
                a.placement_id == placement.pk or placement.start <= a.performed_on <= placement.end
                for a in gp.signed_assessments
            )
            if has_activity or has_assessment:
                continue
            params = {
                "placement": _placement_name(placement),
                "date": date_format(placement.end, "Y-m-d"),
                "goal": code,
            }
            if placement.end < today:
                text = gettext(
                    "%(placement)s ended on %(date)s without evidence for %(goal)s: no activity or signed "
                    "assessment from the placement."
                )
            else:
                text = gettext(
                    "%(placement)s ends on %(date)s and has no evidence for %(goal)s yet: log an activity or "
                    "ask for an assessment before it ends."
                )
            gp.warnings.append(text % params)


def progress_summary(trainee, *, today: datetime.date | None = None) -> ProgressSummary:
    return ProgressSummary(trainee=trainee, goals=progress(trainee, today=today))


def goal_states(trainees, *, queryset=None) -> dict[int, dict[str, str]]:
    """trainee id → {delmål code → state} for the `trainees` (a list), in three queries whatever
    their number: the goals; the delmål linked to their activities; those linked to their
    assessments, signed or not. The same states as `progress` gives for one trainee, without its
    lists of evidence and warnings: for dashboards over many trainees. `queryset`: the same
    trainees as a queryset, used as a subquery instead of a list of ids."""
    from assessments.models import Assessment
    from portfolio.models import Activity

    among = queryset.values("pk") if queryset is not None else [t.pk for t in trainees]
    goals_by_regulation: dict[str, list[Goal]] = {}
    for goal in Goal.objects.order_by("number"):
        goals_by_regulation.setdefault(goal.regulation, []).append(goal)
    activity = set(
        Activity.goals.through.objects.filter(activity__trainee__in=among)
        .values_list("activity__trainee_id", "goal_id")
        .distinct()
        .order_by()
    )
    signed, unsigned = set(), set()
    for trainee_id, goal_id, signed_at, check, confirmed in (
        Assessment.goals.through.objects.filter(assessment__trainee__in=among)
        .values_list(
            "assessment__trainee_id",
            "goal_id",
            "assessment__signed_at",
            "assessment__assessor_check__id",
            "assessment__assessor_check__confirmed_at",
        )
        .order_by()
    ):
        evidence = signed_at and (check is None or confirmed)  # as Assessment.counts_as_evidence
        (signed if evidence else unsigned).add((trainee_id, goal_id))
    return {
        trainee.pk: {
            g.code: state_of(
                activity=(trainee.pk, g.pk) in activity,
                signed=(trainee.pk, g.pk) in signed,
                unsigned=(trainee.pk, g.pk) in unsigned,
            )
            for g in goals_by_regulation.get(regulation_id(trainee), [])
        }
        for trainee in trainees
    }

"""Portfolio workflows: the IUP state machine, activities with evidence, supervision notes.

Each function runs in one transaction, checks the current state, saves with `update_fields` and
leaves an audit trail (django-simple-history records who changed what; IUP transitions also
write an `IUPRevision`). Refusals raise `DomainError` with a translated message.

The IUP state machine (one function per transition, each writing a revision snapshot):

    draft ──submit_iup──▶ submitted ──approve_iup──▶ approved
      ▲                      │                          │
      └──────return_iup──────┘                          │
      └──────save_goal_plan (a change after approval)───┘   (event "reopened")

Every change to the IUP bumps `IUP.version`; a form carries the version it was rendered with and
a stale one is refused (optimistic locking, `core.locking`), so two people never silently
overwrite each other.

Progress (`progress`, `GoalProgress`) lives in `portfolio.progress` and is re-exported here.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_admin
from core.errors import DomainError
from core.locking import StaleEdit, bump_version
from goals.models import Goal
from portfolio.evidence import check_file
from portfolio.models import (
    IUP,
    Activity,
    ActivityKind,
    Evidence,
    IUPEvent,
    IUPGoalPlan,
    IUPRevision,
    IUPStatus,
    SupervisionMeeting,
)
from portfolio.progress import (  # noqa: F401  (re-exported: the progress service lives in its own module)
    GoalProgress,
    ProgressState,
    ProgressSummary,
    goals_for,
    progress,
    progress_summary,
    regulation_id,
)
from trainees.models import Trainee

log = logging.getLogger(__name__)


class EvidenceRejected(DomainError):
    """One or more uploaded files were refused; `errors` names each file and its problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(" ".join(str(e) for e in errors))


class EvidenceNotStored(DomainError):
    """The file storage (local disk or object store) failed while storing a checked file. The workflow's
    transaction rolls back, so no activity or evidence row is left without its file."""


# ---------------------------------------------------------------------------
# IUP
# ---------------------------------------------------------------------------


@transaction.atomic
def get_or_create_iup(trainee: Trainee) -> IUP:
    """The trainee's IUP with one goal plan per delmål of their regulation (created on first use)."""
    goals = list(goals_for(trainee))
    iup = IUP.objects.filter(trainee=trainee).first()
    if iup is not None and iup.goal_plans.count() >= len(goals):
        return iup
    # Serialise concurrent first visits on the trainee row so only one IUP is created.
    Trainee.objects.select_for_update().only("pk").get(pk=trainee.pk)
    iup, _created = IUP.objects.get_or_create(trainee=trainee)
    have = set(iup.goal_plans.values_list("goal_id", flat=True))
    for goal in goals:
        if goal.pk not in have:
            IUPGoalPlan.objects.create(iup=iup, goal=goal)
    return iup


STALE = _(
    "Someone else changed this IUP while you were editing it. Reload the page to see their change, then try again."
)
IN_REVIEW = _(
    "The IUP is waiting for your main supervisor's review and cannot be changed until it is approved or returned."
)


def _claim(iup: IUP, *, from_status: Iterable[str], expected_version: int | None, wrong_state) -> IUP:
    """Bump the version if the IUP is (still) in one of `from_status` and at `expected_version`.

    One conditional UPDATE, so two concurrent transitions cannot both succeed.
    """
    try:
        bump_version(
            IUP.objects.filter(pk=iup.pk, status__in=list(from_status)), expected=expected_version, message=STALE
        )
    except StaleEdit:
        if IUP.objects.get(pk=iup.pk).status not in from_status:
            raise DomainError(wrong_state) from None
        raise
    current = IUP.objects.select_related("trainee").get(pk=iup.pk)
    iup.version = current.version
    return current


def snapshot(iup: IUP) -> list[dict]:
    return [
        {"goal": p.goal.code, "activities": p.activities, "assessment_methods": p.assessment_methods}
        for p in iup.goal_plans.select_related("goal").order_by("goal__number")
    ]


def _revision(iup: IUP, *, event: str, by, comment: str = "") -> IUPRevision:
    number = (iup.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return IUPRevision.objects.create(
        iup=iup, number=number, status=iup.status, event=event, snapshot=snapshot(iup), comment=comment, created_by=by
    )


def _sync(iup: IUP, current: IUP) -> None:
    for name in ("status", "version", "submitted_at", "approved_at", "approved_by_id", "review_comment"):
        setattr(iup, name, getattr(current, name))


def can_edit_plan(iup: IUP) -> bool:
    return iup.status in (IUPStatus.DRAFT, IUPStatus.APPROVED)


@transaction.atomic
def save_goal_plan(
    iup: IUP, *, goal: Goal, activities: str, assessment_methods: str, expected_version: int | None, by
) -> IUPGoalPlan:
    """Change the plan for one delmål. Allowed in draft and approved; a change to an approved
    IUP puts it back to draft (the approved revision is kept) and writes a "reopened" revision.
    A stale `expected_version` is refused and nothing is saved."""
    plan = IUPGoalPlan.objects.select_related("goal").get(iup=iup, goal=goal)
    activities, assessment_methods = activities.strip(), assessment_methods.strip()
    if (plan.activities, plan.assessment_methods) == (activities, assessment_methods):
        return plan  # nothing changed: in particular an approved IUP stays approved
    current = _claim(
        iup,
        from_status=[IUPStatus.DRAFT, IUPStatus.APPROVED],
        expected_version=expected_version,
        wrong_state=IN_REVIEW,
    )
    plan.activities, plan.assessment_methods = activities, assessment_methods
    plan.save(update_fields=["activities", "assessment_methods"])
    if current.status == IUPStatus.APPROVED:
        current.status = IUPStatus.DRAFT
        current.save(update_fields=["status"])
        _revision(current, event=IUPEvent.REOPENED, by=by)
    _sync(iup, current)
    return plan


@transaction.atomic
def submit_iup(iup: IUP, *, by, expected_version: int | None = None) -> IUPRevision:
    """draft → submitted: the trainee asks the huvudhandledare to review the IUP."""
    if by.pk != iup.trainee.user_id:
        raise DomainError(_("Only the BT doctor can submit their IUP."))
    current = _claim(
        iup,
        from_status=[IUPStatus.DRAFT],
        expected_version=expected_version,
        wrong_state=_("Only a draft IUP can be submitted for review."),
    )
    if not current.started:
        raise DomainError(_("Plan the learning activities for at least one goal before you submit the IUP."))
    current.status = IUPStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.save(update_fields=["status", "submitted_at"])
    revision = _revision(current, event=IUPEvent.SUBMITTED, by=by)
    _sync(iup, current)
    return revision


def _check_reviewer(iup: IUP, by) -> None:
    if by.pk != iup.trainee.main_supervisor_id and not is_admin(by):
        raise DomainError(_("Only the main supervisor can approve or return the IUP."))


REVIEW_STATE = _("Only an IUP that is waiting for review can be approved or returned.")


@transaction.atomic
def approve_iup(iup: IUP, *, by, comment: str = "", expected_version: int | None = None) -> IUPRevision:
    """submitted → approved, by the huvudhandledare."""
    _check_reviewer(iup, by)
    current = _claim(
        iup, from_status=[IUPStatus.SUBMITTED], expected_version=expected_version, wrong_state=REVIEW_STATE
    )
    current.status = IUPStatus.APPROVED
    current.approved_at = timezone.now()
    current.approved_by = by
    current.review_comment = comment.strip()
    current.save(update_fields=["status", "approved_at", "approved_by", "review_comment"])
    revision = _revision(current, event=IUPEvent.APPROVED, by=by, comment=current.review_comment)
    _sync(iup, current)
    return revision


@transaction.atomic
def return_iup(iup: IUP, *, by, comment: str, expected_version: int | None = None) -> IUPRevision:
    """submitted → draft, by the huvudhandledare, with a comment saying what to change."""
    _check_reviewer(iup, by)
    if not comment.strip():
        raise DomainError(_("Say what should be changed when you return the IUP."))
    current = _claim(
        iup, from_status=[IUPStatus.SUBMITTED], expected_version=expected_version, wrong_state=REVIEW_STATE
    )
    current.status = IUPStatus.DRAFT
    current.review_comment = comment.strip()
    current.save(update_fields=["status", "review_comment"])
    revision = _revision(current, event=IUPEvent.RETURNED, by=by, comment=current.review_comment)
    _sync(iup, current)
    return revision


# ---------------------------------------------------------------------------
# Activities and evidence
# ---------------------------------------------------------------------------


def _check_activity(trainee: Trainee, *, kind, title, start, end, goals, placement) -> list[Goal]:
    goals = list(goals)
    if kind not in ActivityKind.values:
        raise DomainError(_("Choose the kind of activity."))
    if not title.strip():
        raise DomainError(_("Give the activity a title."))
    if end is not None and end < start:
        raise DomainError(_("The end date cannot be before the start date."))
    if not goals:
        raise DomainError(_("Link the activity to at least one goal (delmål)."))
    reg = regulation_id(trainee)
    if any(g.regulation != reg for g in goals):
        raise DomainError(_("Choose goals from the trainee's own regulation."))
    if placement is not None and placement.trainee_id != trainee.pk:
        raise DomainError(_("Choose one of the trainee's own placements."))
    return goals


def check_files(files) -> list:
    """Check every file; raise EvidenceRejected naming each bad one (nothing is stored)."""
    checked, errors = [], []
    for upload in files or ():
        ok, error = check_file(upload)
        if error:
            errors.append(error)
        else:
            checked.append(ok)
    if errors:
        raise EvidenceRejected(errors)
    return checked


@transaction.atomic
def add_activity(
    trainee: Trainee,
    *,
    by,
    kind: str,
    title: str,
    start: datetime.date,
    end: datetime.date | None = None,
    goals,
    placement=None,
    reflection: str = "",
    files=(),
) -> Activity:
    """Log a learning activity, linked to delmål, with optional evidence files."""
    goals = _check_activity(trainee, kind=kind, title=title, start=start, end=end, goals=goals, placement=placement)
    checked = check_files(files)  # before anything is saved
    activity = Activity.objects.create(
        trainee=trainee,
        kind=kind,
        title=title.strip(),
        start=start,
        end=end,
        placement=placement,
        reflection=reflection.strip(),
    )
    activity.goals.set(goals)
    _store(activity, checked, by=by)
    return activity


@transaction.atomic
def update_activity(
    activity: Activity,
    *,
    by,
    kind: str,
    title: str,
    start: datetime.date,
    end: datetime.date | None = None,
    goals,
    placement=None,
    reflection: str = "",
    files=(),
) -> Activity:
    goals = _check_activity(
        activity.trainee, kind=kind, title=title, start=start, end=end, goals=goals, placement=placement
    )
    checked = check_files(files)
    activity.kind, activity.title, activity.start, activity.end = kind, title.strip(), start, end
    activity.placement, activity.reflection = placement, reflection.strip()
    activity.save(update_fields=["kind", "title", "start", "end", "placement", "reflection"])
    activity.goals.set(goals)
    _store(activity, checked, by=by)
    return activity


@transaction.atomic
def attach_evidence(activity: Activity, *, files, by) -> list[Evidence]:
    """Attach files to an activity. All files are checked first (size limit, allowed type, content
    matching the type); one bad file refuses them all and nothing is stored."""
    return _store(activity, check_files(files), by=by)


def _store(activity: Activity, checked: list, *, by) -> list[Evidence]:
    """Store checked files under random names (evidence_path); remove them again on failure.

    This is the last step of every workflow that calls it, so nothing after it can roll the rows
    back and leave files behind; if saving fails half-way, the stored files are deleted here.
    """
    stored: list[str] = []
    rows = []
    try:
        for item in checked:
            evidence = Evidence(
                activity=activity,
                original_name=item.name,
                content_type=item.content_type,
                size=item.size,
                uploaded_by=by,
            )
            item.file.seek(0)
            evidence.file.save(item.name, item.file, save=False)
            stored.append(evidence.file.name)
            evidence.save()
            rows.append(evidence)
    except DatabaseError:
        _remove_stored(stored)
        raise
    except Exception as error:
        # The storage refused or could not be reached (a full disk, the object store down or denying):
        # the person gets a clear message, and the caller's transaction rolls back every row.
        _remove_stored(stored)
        log.exception("evidence of activity %s could not be stored", activity.pk)
        raise EvidenceNotStored(
            _("The file could not be stored just now, so nothing was saved. Please try again in a while.")
        ) from error
    except BaseException:
        _remove_stored(stored)
        raise
    return rows


def _remove_stored(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # the storage that failed may fail here too; the file is then an orphan to prune
            log.exception("stored evidence file %s could not be removed again", name)


@transaction.atomic
def remove_evidence(evidence: Evidence, *, by) -> None:
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    # The file goes only when the row is really gone.
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------------
# Supervision meetings (handledarsamtal)
# ---------------------------------------------------------------------------


def supervisors_of(trainee: Trainee) -> list:
    """The trainee's huvudhandledare and placement handledare (who may hold a supervision meeting)."""
    from accounts.models import User

    ids = set(trainee.placements.exclude(supervisor=None).values_list("supervisor_id", flat=True))
    if trainee.main_supervisor_id:
        ids.add(trainee.main_supervisor_id)
    return list(User.objects.filter(pk__in=ids).order_by("last_name", "first_name"))


@transaction.atomic
def add_supervision_meeting(
    trainee: Trainee, *, by, date: datetime.date, notes: str, supervisor=None
) -> SupervisionMeeting:
    if not notes.strip():
        raise DomainError(_("Write the notes of the meeting."))
    if supervisor is not None and supervisor.pk not in {u.pk for u in supervisors_of(trainee)}:
        raise DomainError(_("Choose one of the trainee's supervisors."))
    return SupervisionMeeting.objects.create(
        trainee=trainee, date=date, supervisor=supervisor, notes=notes.strip(), author=by
    )

"""Certificate workflows: external assessors and the final assessment. The readiness check
(`certificates.readiness`), the content of the four forms (`certificates.content`) and issuing and
verification (`certificates.issuing`) have their own modules; their public names are re-exported
here, so callers keep one entry point (`from certificates import services`).

Plan judgement is asked of the rules module (through `trainees.services.check_plan`); the
delmål evidence comes from `portfolio.progress`. Nothing here re-implements a rule.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from trainees.models import AssessorAssignment

from .content import (  # noqa: F401  (re-exported)
    GOALS_PER_BILAGA2,
    bilaga1,
    bilaga2,
    bilaga3,
    bilaga3_content,
    bilaga4,
    credited_service,
    goal_groups,
    months_sv,
    number_range,
    numbering,
    pnr,
    yymmdd,
)
from .issuing import (  # noqa: F401  (re-exported)
    VerifyState,
    attestation,
    issue_certificates,
    revoke,
    sha256,
    verification,
    verify,
    verify_bytes,
)
from .models import FinalAssessment, GoalJudgement
from .readiness import Readiness, RequirementRow, override_readiness, readiness  # noqa: F401  (re-exported)

# ---------------------------------------------------------------------------
# External assessors
# ---------------------------------------------------------------------------


def assessor_conflicts(trainee, approved) -> list[str]:
    """Why this assessor is not independent of the trainee (empty when independent); checked when one is
    assigned, not for every assessor of the register the readiness page lists."""
    user = approved.user
    out = []
    placements = list(trainee.placements.only("unit_id", "supervisor_id"))
    units = {trainee.home_unit_id} | {p.unit_id for p in placements if p.unit_id}
    workplaces = set()
    if approved.workplace_id:
        workplaces.add(approved.workplace_id)
    profile = getattr(user, "supervisor_profile", None) if hasattr(user, "supervisor_profile") else None
    if profile and profile.workplace_id:
        workplaces.add(profile.workplace_id)
    if workplaces & {trainee.home_unit_id}:
        out.append(gettext("Works at the trainee's home unit."))
    if workplaces & (units - {trainee.home_unit_id}):
        out.append(gettext("Works at one of the trainee's placement units."))
    if trainee.main_supervisor_id == user.pk or any(p.supervisor_id == user.pk for p in placements):
        out.append(gettext("Has supervised the trainee."))
    return out


@transaction.atomic
def assign_assessor(trainee, approved, *, valid_from, valid_to, by, reason: str = "") -> AssessorAssignment:
    if not approved.active:
        raise DomainError(_("This assessor is not active in the register."))
    if valid_to < valid_from:
        raise DomainError(_("The access period ends before it starts."))
    conflicts = assessor_conflicts(trainee, approved)
    if conflicts and not reason.strip():
        raise DomainError(
            _("The assessor is not independent of the trainee: %(conflicts)s") % {"conflicts": " ".join(conflicts)}
        )
    return AssessorAssignment.objects.create(
        trainee=trainee,
        assessor=approved,
        valid_from=valid_from,
        valid_to=valid_to,
        conflicts=conflicts,
        conflict_reason=reason.strip(),
        assigned_by=by,
    )


def current_assignment(trainee, user=None):
    today = timezone.localdate()
    qs = trainee.assessor_assignments.filter(valid_from__lte=today, valid_to__gte=today).select_related(
        "assessor__user"
    )
    if user is not None:
        qs = qs.filter(assessor__user=user)
    return qs.first()


# ---------------------------------------------------------------------------
# Final assessment
# ---------------------------------------------------------------------------


@transaction.atomic
def start_final_assessment(trainee, *, by) -> FinalAssessment:
    if hasattr(trainee, "final_assessment"):
        return trainee.final_assessment
    if not readiness(trainee).may_start:
        raise DomainError(_("The final assessment can start only when no error remains (or the BT office overrides)."))
    assignment = current_assignment(trainee)
    if assignment is None:
        raise DomainError(_("Assign an external assessor first."))
    return FinalAssessment.objects.create(
        trainee=trainee,
        assignment=assignment,
        started_by=by,
        main_supervisor=trainee.main_supervisor,
        external=assignment.assessor.user,
    )


def role_in(final: FinalAssessment, user) -> str | None:
    if final.main_supervisor_id == user.pk:
        return GoalJudgement.MAIN
    if final.external_id == user.pk:
        return GoalJudgement.EXTERNAL
    return None


@transaction.atomic
def record_judgement(final: FinalAssessment, *, user, judgements: dict, verdict: bool, comment: str = "") -> None:
    """judgements: {goal: (attained, comment)}"""
    final = FinalAssessment.objects.select_for_update().get(pk=final.pk)
    role = role_in(final, user)
    if role is None:
        raise DomainError(_("You are not an assessor of this final assessment."))
    signed = final.main_signed_at if role == GoalJudgement.MAIN else final.external_signed_at
    if signed:
        raise DomainError(_("You have already signed; the judgement cannot be changed."))
    for goal, (attained, text) in judgements.items():
        GoalJudgement.objects.update_or_create(
            final=final, goal=goal, by_role=role, defaults={"attained": attained, "comment": text}
        )
    if role == GoalJudgement.MAIN:
        final.main_verdict, final.main_comment = verdict, comment
    else:
        final.external_verdict, final.external_comment = verdict, comment
    final.save()


@transaction.atomic
def sign_final(final: FinalAssessment, *, user, place: str) -> FinalAssessment:
    """Sign one's part of the final assessment, with the place (ort): Bilaga 4 states place and
    date of each signature (the date is today's in Europe/Stockholm)."""
    from portfolio.progress import goals_for

    final = FinalAssessment.objects.select_for_update().get(pk=final.pk)
    role = role_in(final, user)
    if role is None:
        raise DomainError(_("You are not an assessor of this final assessment."))
    place = (place or "").strip()
    if not place:
        raise DomainError(_("Give the place (ort) where you sign: Bilaga 4 states place and date."))
    if len(place) > 80:
        raise DomainError(_("The place is too long."))
    n_goals = goals_for(final.trainee).count()
    verdict = final.main_verdict if role == GoalJudgement.MAIN else final.external_verdict
    if verdict is None or final.judgements.filter(by_role=role).count() < n_goals:
        raise DomainError(_("Judge every goal and give the overall verdict before signing."))
    now = timezone.now()
    if role == GoalJudgement.MAIN:
        if final.main_signed_at:
            raise DomainError(_("Already signed."))
        final.main_signed_at, final.main_place = now, place
    else:
        if final.external_signed_at:
            raise DomainError(_("Already signed."))
        final.external_signed_at, final.external_place = now, place
    final.save()
    return final

"""Certificate workflows: the readiness check, the content of the four forms of HSLF-FS
2021:8, the final assessment, external assessors, issuing and verification.

Plan judgement is asked of the rules module (through `trainees.services.check_plan`); the
delmål evidence comes from `portfolio.progress`. Nothing here re-implements a rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import rules
import rules.counting
from core.errors import DomainError
from rules.checks import NATIONAL_CODES
from trainees.models import AssessorAssignment, PlanCategory
from trainees.services import check_plan

from .models import (
    DocumentKind,
    FinalAssessment,
    GoalJudgement,
    IssuedDocument,
    ReadinessOverride,
)

# ---------------------------------------------------------------------------
# Readiness
# ---------------------------------------------------------------------------


@dataclass
class RequirementRow:
    text: str
    met: bool
    evidence: str
    severity: str = "error"


@dataclass
class Readiness:
    trainee: object
    plan: object  # trainees.services.PlanCheck
    requirements: list[RequirementRow]
    goals: list  # portfolio.progress.GoalProgress
    override: ReadinessOverride | None = None

    @property
    def errors(self) -> list:
        return self.plan.errors + [g for g in self.goals if g.state != "evidenced"]

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def ready(self) -> bool:
        return not self.errors

    @property
    def may_start(self) -> bool:
        return self.ready or self.override is not None


def _months(value) -> str:
    return rules.messages.format_number(float(value))


def readiness(trainee) -> Readiness:
    from portfolio.progress import progress

    pc = check_plan(trainee)
    result = pc.result
    codes = {f.code: f for f in result.findings}
    reg = rules.regulation_for(trainee.planned_start)
    prog = trainee.programme_rules
    rows = []
    required_total = max(reg.min_total_months, prog.total_months.min)
    rows.append(
        RequirementRow(
            gettext("At least %(months)s full-time months of service") % {"months": _months(required_total)},
            "PLAN_TOO_SHORT" not in codes,
            gettext("%(months)s full-time months counted") % {"months": _months(result.fte_months)},
        )
    )
    national = dict(reg.category_minimums)
    regional = {c: m for c, m in prog.category_minimums.items() if m > national.get(c, 0)}
    for scope, mins in ((gettext("national"), national), (gettext("regional"), regional)):
        for cat, req in mins.items():
            fired = any(
                f.params.get("category") == cat and f.code == "CATEGORY_TOO_SHORT" for f in result.findings
            ) or any(code in codes for code in NATIONAL_CODES.get(cat, ()))
            label = PlanCategory(cat).label if cat in PlanCategory.values else cat
            rows.append(
                RequirementRow(
                    gettext("At least %(months)s months of %(category)s (%(scope)s)")
                    % {"months": _months(req), "category": label, "scope": scope},
                    not fired,
                    gettext("%(months)s full-time months counted")
                    % {"months": _months(result.months_by_category.get(cat, 0))},
                )
            )
    rows.append(
        RequirementRow(
            gettext("No more than %(max)s places of service") % {"max": reg.max_places_of_service},
            "TOO_MANY_PLACES" not in codes,
            gettext("%(count)s placements") % {"count": trainee.placements.count()},
            severity="warning",
        )
    )
    override = trainee.readiness_overrides.first()
    return Readiness(trainee, pc, rows, progress(trainee), override)


@transaction.atomic
def override_readiness(trainee, *, reason: str, by) -> ReadinessOverride:
    if not reason.strip():
        raise DomainError(_("Give a reason for the override."))
    r = readiness(trainee)
    codes = [getattr(e, "code", "") or getattr(getattr(e, "goal", None), "code", "") for e in r.errors]
    return ReadinessOverride.objects.create(trainee=trainee, reason=reason.strip(), errors=codes, by=by)


# ---------------------------------------------------------------------------
# External assessors
# ---------------------------------------------------------------------------


def assessor_conflicts(trainee, approved) -> list[str]:
    """Why this assessor is not independent of the trainee (empty when independent)."""
    user = approved.user
    out = []
    units = {trainee.home_unit_id} | set(trainee.placements.exclude(unit=None).values_list("unit_id", flat=True))
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
    if trainee.main_supervisor_id == user.pk or trainee.placements.filter(supervisor=user).exists():
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
def sign_final(final: FinalAssessment, *, user) -> FinalAssessment:
    from portfolio.progress import goals_for

    final = FinalAssessment.objects.select_for_update().get(pk=final.pk)
    role = role_in(final, user)
    if role is None:
        raise DomainError(_("You are not an assessor of this final assessment."))
    n_goals = goals_for(final.trainee).count()
    verdict = final.main_verdict if role == GoalJudgement.MAIN else final.external_verdict
    if verdict is None or final.judgements.filter(by_role=role).count() < n_goals:
        raise DomainError(_("Judge every goal and give the overall verdict before signing."))
    now = timezone.now()
    if role == GoalJudgement.MAIN:
        if final.main_signed_at:
            raise DomainError(_("Already signed."))
        final.main_signed_at = now
    else:
        if final.external_signed_at:
            raise DomainError(_("Already signed."))
        final.external_signed_at = now
    final.save()
    return final


# ---------------------------------------------------------------------------
# The content of the four forms
# ---------------------------------------------------------------------------

GOALS_PER_BILAGA2 = 6  # delmål per Bilaga 2, so each form's text fits its fields


def yymmdd(d) -> str:
    return d.strftime("%y%m%d") if d else ""


def pnr(user) -> str:
    p = user.personnummer or ""
    return f"{p[:8]}-{p[8:]}" if len(p) == 12 else p


def _person(user) -> dict:
    return {"last_name": user.last_name, "first_name": user.first_name, "personnummer": pnr(user)}


def _signer(user) -> dict:
    if user is None:
        return {"name": "", "personnummer": "", "specialty": "", "workplace": ""}
    profile = getattr(user, "supervisor_profile", None) if hasattr(user, "supervisor_profile") else None
    return {
        "name": user.get_full_name(),
        "personnummer": pnr(user),
        "specialty": profile.specialty if profile else "",
        "workplace": str(profile.workplace.name) if profile and profile.workplace_id else "",
    }


def goal_groups(trainee) -> list[list]:
    from portfolio.progress import progress

    goals = progress(trainee)
    return [goals[i : i + GOALS_PER_BILAGA2] for i in range(0, len(goals), GOALS_PER_BILAGA2)]


def _credits(trainee, kind: str) -> list:
    return [c for c in trainee.credits.all() if c.kind == kind]


def numbering(trainee) -> dict:
    """Attachment numbers as Bilaga 1's list states them: the Bilaga 2 forms first, then 3, then 4,
    then one attachment per credited earlier service (the certificate of that service, which the
    applicant attaches): service before the licence first, then service abroad."""
    from trainees.models import CreditKind

    n2 = len(goal_groups(trainee))
    b2 = list(range(2, 2 + n2))
    before = list(range(4 + n2, 4 + n2 + len(_credits(trainee, CreditKind.BEFORE_LICENCE))))
    start = before[-1] + 1 if before else 4 + n2
    foreign = list(range(start, start + len(_credits(trainee, CreditKind.FOREIGN))))
    return {"bilaga2": b2, "bilaga3": 2 + n2, "bilaga4": 3 + n2, "before_licence": before, "foreign": foreign}


def number_range(numbers: list[int]) -> str:
    """ "5", "5–7" (consecutive attachment numbers) or "" when there are none."""
    if not numbers:
        return ""
    return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def credited_service(trainee) -> list[dict]:
    """Bilaga 1's rows for credited earlier service (tillgodoräknande), numbered as attached."""
    from trainees.models import CreditKind

    nums = numbering(trainee)
    out = []
    for kind, numbers in ((CreditKind.BEFORE_LICENCE, nums["before_licence"]), (CreditKind.FOREIGN, nums["foreign"])):
        for number, credit in zip(numbers, _credits(trainee, kind)):
            out.append(
                {
                    "number": number,
                    "kind": kind,
                    "kind_label": CreditKind(kind).label,
                    "category": PlanCategory(credit.category).label
                    if credit.category in PlanCategory.values
                    else credit.category,
                    "months": _months(credit.months),
                    "note": credit.note,
                }
            )
    return out


def bilaga1(trainee) -> dict:
    user = trainee.user
    nums = numbering(trainee)
    b2 = nums["bilaga2"]
    return {
        "person": _person(user),
        "email": user.email,
        "phone": user.phone,
        "street_address": user.street_address,
        "postal_code": user.postal_code,
        "city": user.city,
        "workplace": trainee.home_unit.name,
        "degree_country": trainee.degree_country,
        "degree_date": yymmdd(trainee.degree_date),
        "licence_country": "Sverige" if trainee.licence_date else "",
        "licence_date": yymmdd(trainee.licence_date),
        "attachments": {
            "goals": number_range(b2),
            "service": str(nums["bilaga3"]),
            "competence": str(nums["bilaga4"]),
            "before_licence": number_range(nums["before_licence"]),
            "foreign": number_range(nums["foreign"]),
        },
        "credits": credited_service(trainee),
        "date": yymmdd(timezone.localdate()),
    }


def bilaga2(trainee) -> list[dict]:
    out = []
    nums = numbering(trainee)["bilaga2"]
    signer = _signer(trainee.main_supervisor)
    for number, group in zip(nums, goal_groups(trainee)):
        activities, checks = [], []
        for gp in group:
            acts = "; ".join(
                f"{a.title} ({a.get_kind_display()}, {yymmdd(a.start)}{'-' + yymmdd(a.end) if a.end else ''})"
                for a in gp.activities
            )
            activities.append(f"{gp.goal.code}: {acts or '–'}")
            done = "; ".join(
                f"{a.instrument_name} {yymmdd(a.performed_on)} ({a.assessor_name})" for a in gp.signed_assessments
            )
            checks.append(f"{gp.goal.code}: {done or '–'}")
        out.append(
            {
                "number": number,
                "person": _person(trainee.user),
                "goals": ", ".join(gp.goal.code for gp in group),
                "activities": "\n".join(activities),
                "checks": "\n".join(checks),
                "signer": signer,
                "date": yymmdd(timezone.localdate()),
            }
        )
    return out


def bilaga3_content(trainee) -> dict:
    """What the verksamhetschef certifies on Bilaga 3 (and what a signature's hash covers): the
    person, the placements, the sum, the primärvård and akut parts. No date, no attachment
    number: those do not change what is certified."""
    from trainees.services import to_rules_plan

    plan = to_rules_plan(trainee)
    reg = rules.regulation_for(trainee.planned_start)
    count = rules.counting.count_service(plan, reg.make_up_leave)
    placements = sorted(trainee.placements.select_related("unit__parent"), key=lambda p: (p.start, p.end))
    rows = []
    for p, months in zip(placements, count.per_placement):
        unit = p.unit
        name = (
            (f"{unit.parent.name}, {unit.name}" if unit.parent_id else unit.name) if unit else p.get_category_display()
        )
        rows.append(
            {
                "unit": name,
                "period": f"{yymmdd(p.start)}-{yymmdd(p.end)}",
                "extent": str(p.extent),
                "months": _months(rules.counting.as_number(months)),
                "category": p.category,
            }
        )
    total = rules.counting.as_number(sum(count.per_placement, start=rules.counting.to_fraction(0)))

    def parts(cat):
        return "; ".join(f"{r['unit']} {r['period']}" for r in rows if r["category"] == cat)

    return {
        "person": _person(trainee.user),
        "rows": rows,
        "total": _months(total),
        "primary_care": parts("primarvard"),
        "emergency_care": parts("akut"),
    }


def bilaga3(trainee) -> dict:
    """Bilaga 3 as printed: the content, its number, and the verksamhetschef's signature when a
    current one covers this very content (an out-of-date signature fills nothing)."""
    from .signatures import signature_state

    content = bilaga3_content(trainee)
    state = signature_state(trainee, content)
    sig = state.valid_signature
    signed_on = yymmdd(timezone.localtime(sig.signed_at)) if sig else ""
    return content | {
        "number": numbering(trainee)["bilaga3"],
        "date": signed_on or yymmdd(timezone.localdate()),
        "signature": sig,
        "signature_state": state,
        "signer": {
            "name": sig.signer_name if sig else "",
            "title": sig.signer_title if sig else "",
            "name_and_title": f"{sig.signer_name}, {sig.signer_title}" if sig else "",
            "workplace": sig.workplace if sig else "",
            "place_and_date": " ".join(x for x in (sig.place, signed_on) if x) if sig else "",
            "sha256": state.sha256 if sig else "",
        },
    }


def bilaga4(trainee) -> dict:
    final = getattr(trainee, "final_assessment", None) if hasattr(trainee, "final_assessment") else None
    main = final.main_supervisor if final else trainee.main_supervisor
    assignment = current_assignment(trainee)
    external = final.external if final else (assignment.assessor.user if assignment else None)
    ext = _signer(external)
    if assignment and not ext["specialty"]:
        ext["specialty"] = assignment.assessor.specialty
    return {
        "number": numbering(trainee)["bilaga4"],
        "person": _person(trainee.user),
        "main": _signer(main),
        "external": ext,
        "main_date": yymmdd(final.main_signed_at) if final and final.main_signed_at else "",
        "external_date": yymmdd(final.external_signed_at) if final and final.external_signed_at else "",
    }


# ---------------------------------------------------------------------------
# Issuing and verification
# ---------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def issue_certificates(trainee, *, by) -> list[IssuedDocument]:
    """The kansli issues the set (Bilaga 2, 3, 4 as the system's own PDFs with a code and QR)."""
    from .pdf import render_own

    final = getattr(trainee, "final_assessment", None) if hasattr(trainee, "final_assessment") else None
    if final is None or not final.approved:
        raise DomainError(
            _("The certificates can be issued only after a final assessment signed by both with all goals attained.")
        )
    if trainee.issued_documents.filter(revoked_at=None).exists():
        raise DomainError(_("A valid certificate set has already been issued; revoke it first."))
    docs = []
    for kind in (DocumentKind.BILAGA2, DocumentKind.BILAGA3, DocumentKind.BILAGA4):
        doc = IssuedDocument(trainee=trainee, kind=kind, subject_name=trainee.user.get_full_name(), issued_by=by)
        data = render_own(trainee, kind, code=doc.code)
        doc.sha256 = sha256(data)
        doc.file.save("x.pdf", ContentFile(data), save=False)
        doc.save()
        docs.append(doc)
    return docs


@transaction.atomic
def revoke(doc: IssuedDocument, *, reason: str, by) -> None:
    if not reason.strip():
        raise DomainError(_("Give a reason for the revocation."))
    if doc.revoked_at:
        raise DomainError(_("The document is already revoked."))
    IssuedDocument.objects.filter(pk=doc.pk).update(
        revoked_at=timezone.now(), revoked_reason=reason.strip(), revoked_by=by
    )


class VerifyState:
    VALID = "valid"
    REVOKED = "revoked"
    TAMPERED = "tampered"
    UNKNOWN = "unknown"
    MALFORMED = "malformed"


def verify(code: str) -> tuple[str, IssuedDocument | None]:
    code = (code or "").strip().upper()
    if not (10 <= len(code) <= 32) or not code.isalnum():
        return VerifyState.MALFORMED, None
    doc = IssuedDocument.objects.filter(code=code).first()
    if doc is None:
        return VerifyState.UNKNOWN, None
    try:
        with doc.file.open("rb") as fh:
            digest = sha256(fh.read())
    except (OSError, ValueError):
        return VerifyState.TAMPERED, doc
    if digest != doc.sha256:
        return VerifyState.TAMPERED, doc
    if doc.revoked_at:
        return VerifyState.REVOKED, doc
    return VerifyState.VALID, doc


def verify_bytes(doc: IssuedDocument, data: bytes) -> bool:
    return sha256(data) == doc.sha256

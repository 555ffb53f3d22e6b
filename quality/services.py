"""Workflows of quality reviews and placement evaluations: one function per step, one transaction,
a `DomainError` with a translated message when a step is refused, every change audited
(django-simple-history, with the acting user and, for the review's cycle, the transition as reason).

The review's cycle is an explicit state machine (`models.NEXT_STATE`):
planned → surveys_open → documents_in → visit → preliminary → calibrated → published → follow_up → closed,
one function per transition below.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, language_for
from core.errors import DomainError
from trainees.models import Placement

from .models import (
    NEXT_STATE,
    ActionKind,
    Area,
    AreaFinding,
    Catalogue,
    EvaluationInvitation,
    PlacementEvaluation,
    Review,
    ReviewerAssignment,
    ReviewState,
    Statement,
    StatementFinding,
    SteeringDocument,
    SurveyAnswer,
    SurveyLink,
    SurveyResponse,
    SurveyRole,
    VisitNote,
)

REVIEWERS_PER_REVIEW = 2
#: Days after a placement's end before the one reminder to evaluate it is sent.
REMINDER_AFTER_DAYS = 7


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _audit(obj, by, reason: str = ""):
    obj._history_user = by
    if reason:
        obj._change_reason = reason[:100]


# ---------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------


def current_catalogue() -> Catalogue:
    catalogue = Catalogue.objects.filter(is_current=True).first()
    if catalogue is None:
        raise DomainError(_("No criteria catalogue is marked current."))
    return catalogue


@transaction.atomic
def copy_catalogue(catalogue: Catalogue, *, version: str, by) -> Catalogue:
    """A new, editable version with the same areas and statements (a catalogue in use is never edited)."""
    version = version.strip()
    if not version or Catalogue.objects.filter(version=version).exists():
        raise DomainError(_("Give the new version a name that is not used yet."))
    new = Catalogue(
        version=version, title=catalogue.title, valid_from=timezone.localdate(), note=catalogue.note, is_current=False
    )
    _audit(new, by, f"copy of {catalogue.version}")
    new.save()
    for area in catalogue.areas.prefetch_related("statements"):
        statements = list(area.statements.all())
        area.pk, area.catalogue = None, new
        area._state.adding = True
        _audit(area, by)
        area.save()
        for s in statements:
            s.pk, s.area = None, area
            s._state.adding = True
            _audit(s, by)
            s.save()
    return new


@transaction.atomic
def make_current(catalogue: Catalogue, *, by) -> None:
    for old in Catalogue.objects.select_for_update().filter(is_current=True).exclude(pk=catalogue.pk):
        old.is_current = False
        _audit(old, by)
        old.save(update_fields=["is_current"])
    catalogue.is_current = True
    _audit(catalogue, by, "made current")
    catalogue.save(update_fields=["is_current"])


@transaction.atomic
def save_statement(statement: Statement, *, by) -> Statement:
    if statement.area.catalogue.in_use:
        raise DomainError(_("This catalogue is used by a review and cannot change. Copy it to a new version."))
    unknown = set(statement.roles) - set(SurveyRole.values)
    if unknown:
        raise DomainError(_("Unknown survey role."))
    _audit(statement, by)
    statement.save()
    return statement


# ---------------------------------------------------------------------------
# Placement evaluations
# ---------------------------------------------------------------------------


def evaluable_placements(user, *, today: datetime.date | None = None):
    """The user's placements that have ended, at a unit, and are not evaluated yet."""
    today = today or timezone.localdate()
    return (
        Placement.objects.filter(trainee__user=user, end__lt=today, unit__isnull=False)
        .exclude(evaluation_invitation__answered_at__isnull=False)
        .select_related("unit")
        .order_by("end", "pk")
    )


@transaction.atomic
def issue_evaluation_link(placement: Placement, *, by, today: datetime.date | None = None) -> str:
    """A fresh single-use token for evaluating the placement (any earlier one stops working)."""
    today = today or timezone.localdate()
    if placement.trainee.user_id != getattr(by, "pk", None):
        raise DomainError(_("Only the BT doctor who served the placement evaluates it."))
    if placement.end >= today or placement.unit_id is None:
        raise DomainError(_("A placement is evaluated when it has ended."))
    invitation, _created = EvaluationInvitation.objects.select_for_update().get_or_create(placement=placement)
    if invitation.answered_at:
        raise DomainError(_("You have already evaluated this placement."))
    token = _new_token()
    invitation.token_hash = hash_token(token)
    invitation.issued_at = timezone.now()
    _audit(invitation, by, "link issued")
    invitation.save()
    return token


def invitation_for(token: str, *, user) -> EvaluationInvitation:
    """The open invitation of the token, for its own BT-läkare only; refused otherwise."""
    invitation = (
        EvaluationInvitation.objects.select_related("placement__unit", "placement__trainee")
        .filter(token_hash=hash_token(token or ""))
        .exclude(token_hash="")
        .first()
    )
    if invitation is None or invitation.answered_at or invitation.placement.trainee.user_id != user.pk:
        raise DomainError(_("This evaluation link is not valid. It may have been used already."))
    return invitation


@transaction.atomic
def submit_evaluation(token: str, *, by, scores: dict[str, int], goals: list[str], free_text: str) -> None:
    """Store the evaluation without any link to the BT-läkare and mark the invitation answered."""
    invitation = invitation_for(token, user=by)
    # Claim the invitation: a second submit of the same token (another tab, a double click) finds it used.
    claimed = EvaluationInvitation.objects.filter(pk=invitation.pk, answered_at=None, token_hash=invitation.token_hash)
    if not claimed.update(answered_at=timezone.now(), token_hash=""):
        raise DomainError(_("This evaluation link is not valid. It may have been used already."))
    for name in PlacementEvaluation.SCORES:
        value = scores.get(name)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(_("Answer every question with a value from 1 to 5."))
    from goals.models import Goal

    known = set(Goal.objects.values_list("code", flat=True))
    if not set(goals) <= known:
        raise DomainError(_("Unknown delmål."))
    placement = invitation.placement
    PlacementEvaluation.objects.create(
        unit_id=placement.unit_id,
        year=placement.end.year,
        goals=sorted(set(goals)),
        free_text=free_text.strip()[:4000],
        **{name: scores[name] for name in PlacementEvaluation.SCORES},
    )
    # The audit of the marker (the update above bypassed history): who answered, not what.
    invitation.refresh_from_db()
    _audit(invitation, by, "answered")
    invitation.save(update_fields=["answered_at"])


def send_evaluation_reminders(*, today: datetime.date | None = None) -> int:
    """Email each BT-läkare once per unevaluated placement that ended a week ago or more; idempotent
    (the reminder is claimed on the invitation before the email goes out). The email carries no token:
    it links to the evaluations page, where a fresh single-use link is made after login."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=REMINDER_AFTER_DAYS)
    placements = (
        Placement.objects.filter(end__lte=cutoff, end__gte=cutoff - datetime.timedelta(days=180), unit__isnull=False)
        .exclude(evaluation_invitation__answered_at__isnull=False)
        .exclude(evaluation_invitation__reminded_at__isnull=False)
        .select_related("trainee__user", "unit")
    )
    sent = 0
    for placement in placements:
        invitation, _created = EvaluationInvitation.objects.get_or_create(placement=placement)
        if not EvaluationInvitation.objects.filter(pk=invitation.pk, reminded_at=None).update(
            reminded_at=timezone.now()
        ):
            continue
        person = placement.trainee.user
        if not person.is_active or not person.email:
            continue
        with translation.override(language_for(person)):
            subject = _("Evaluate your placement at %(unit)s") % {"unit": placement.unit.name}
            body = _(
                "Your placement at %(unit)s has ended. Tell us how it was: your answers are anonymous to the unit "
                "and shown only together with at least %(n)s others.\n\n%(url)s"
            ) % {
                "unit": placement.unit.name,
                "n": settings.QUALITY_MIN_ANSWERS - 1,
                "url": settings.SITE_ROOT.rstrip("/") + reverse("quality:evaluations"),
            }
        send_mail(subject, body, None, [person.email])
        sent += 1
    return sent


# ---------------------------------------------------------------------------
# Reviews: planning and reviewers
# ---------------------------------------------------------------------------


@transaction.atomic
def plan_review(unit, *, period_start: datetime.date, period_end: datetime.date, by) -> Review:
    if period_start > period_end:
        raise DomainError(_("The period must start before it ends."))
    review = Review(
        unit=unit, catalogue=current_catalogue(), period_start=period_start, period_end=period_end, created_by=by
    )
    _audit(review, by, "planned")
    review.save()
    return review


def reviewer_conflicts(review: Review, reviewer) -> list[str]:
    """Conflicts of interest: `own_unit` (works at or is responsible for the unit, above or below it)
    refuses the assignment; `same_region` (from the unit's own region, whose BT office employs the
    unit's BT-läkare) needs a reason."""
    unit = review.unit
    conflicts: list[str] = []
    places = []
    profile = getattr(reviewer, "supervisor_profile", None) if hasattr(reviewer, "supervisor_profile") else None
    if profile is not None and profile.workplace_id:
        places.append(profile.workplace)
    regions = {p.region_id for p in places}
    for a in RoleAssignment.objects.active().filter(user=reviewer).select_related("unit"):
        if a.unit_id and a.role != Role.GRANSKARE:
            places.append(a.unit)
        if a.unit_id:
            regions.add(a.unit.region_id)
        elif a.region_id:
            regions.add(a.region_id)
    trainee = getattr(reviewer, "trainee", None) if hasattr(reviewer, "trainee") else None
    if trainee is not None:
        places.append(trainee.home_unit)
        regions.add(trainee.region_id)
    if any(p.path.startswith(unit.path) or unit.path.startswith(p.path) for p in places):
        conflicts.append("own_unit")
    if unit.region_id in regions:
        conflicts.append("same_region")
    return conflicts


CONFLICT_LABELS = {
    "own_unit": _("works at or is responsible for the unit"),
    "same_region": _("from the unit's own region"),
}


@transaction.atomic
def assign_reviewer(review: Review, reviewer, *, by, reason: str = "") -> ReviewerAssignment:
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.state not in (ReviewState.PLANNED, ReviewState.SURVEYS_OPEN):
        raise DomainError(_("Reviewers are assigned before the documents are in."))
    if not RoleAssignment.objects.active().filter(user=reviewer, role=Role.GRANSKARE).exists():
        raise DomainError(_("Only a trained quality reviewer (granskare) can be assigned."))
    if review.reviewers.filter(reviewer=reviewer).exists():
        raise DomainError(_("This reviewer is already assigned."))
    if review.reviewers.count() >= REVIEWERS_PER_REVIEW:
        raise DomainError(_("A review has two reviewers."))
    conflicts = reviewer_conflicts(review, reviewer)
    if "own_unit" in conflicts:
        raise DomainError(_("A reviewer cannot review their own unit."))
    if conflicts and not reason.strip():
        raise DomainError(_("Give a reason for assigning a reviewer from the unit's own region."))
    assignment = ReviewerAssignment(
        review=review, reviewer=reviewer, conflicts=conflicts, conflict_reason=reason.strip(), assigned_by=by
    )
    _audit(assignment, by)
    assignment.save()
    return assignment


# ---------------------------------------------------------------------------
# Reviews: the cycle (one function per transition)
# ---------------------------------------------------------------------------


def _advance(review: Review, expected: str, *, by, **fields) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.state != expected:
        raise DomainError(
            _("The review is %(state)s; this step needs it to be %(expected)s.")
            % {"state": locked.get_state_display(), "expected": ReviewState(expected).label}
        )
    target = NEXT_STATE[expected]
    locked.state = target
    for name, value in fields.items():
        setattr(locked, name, value)
    _audit(locked, by, f"{expected} → {target}")
    locked.save()
    review.refresh_from_db()
    return locked


@transaction.atomic
def open_surveys(review: Review, *, by) -> Review:
    if review.reviewers.count() < REVIEWERS_PER_REVIEW:
        raise DomainError(_("Assign two reviewers before the surveys open."))
    return _advance(review, ReviewState.PLANNED, by=by)


@transaction.atomic
def mark_documents_in(review: Review, *, by) -> Review:
    if not review.documents.exists():
        raise DomainError(_("The unit has not sent in any steering documents yet."))
    return _advance(review, ReviewState.SURVEYS_OPEN, by=by)


@transaction.atomic
def start_visit(review: Review, *, by, visit_date: datetime.date | None = None) -> Review:
    return _advance(review, ReviewState.DOCUMENTS_IN, by=by, visit_date=visit_date or timezone.localdate())


@transaction.atomic
def submit_preliminary(review: Review, *, by) -> Review:
    graded = set(review.area_findings.values_list("area_id", flat=True))
    if set(review.catalogue.areas.values_list("pk", flat=True)) - graded:
        raise DomainError(_("Grade every area before the preliminary report."))
    return _advance(review, ReviewState.VISIT, by=by)


@transaction.atomic
def calibrate_review(review: Review, *, by, note: str) -> Review:
    if not note.strip():
        raise DomainError(_("Write what the calibration meeting concluded."))
    return _advance(review, ReviewState.PRELIMINARY, by=by, calibration_note=note.strip())


@transaction.atomic
def publish_review(review: Review, *, by) -> Review:
    from . import pdf

    locked = _advance(review, ReviewState.CALIBRATED, by=by, published_at=timezone.now())
    content = pdf.render_report(locked)
    locked.report_pdf.save(f"granskning-{locked.pk}.pdf", ContentFile(content), save=False)
    _audit(locked, by, "report stored")
    locked.save(update_fields=["report_pdf"])
    review.refresh_from_db()
    return locked


@transaction.atomic
def start_follow_up(review: Review, *, by) -> Review:
    return _advance(review, ReviewState.PUBLISHED, by=by)


@transaction.atomic
def close_review(review: Review, *, by) -> Review:
    if review.statement_findings.filter(action=ActionKind.REQUIREMENT, remedied_at=None).exists():
        raise DomainError(_("Every requirement must be remedied before the review is closed."))
    return _advance(review, ReviewState.FOLLOW_UP, by=by)


TRANSITIONS = {
    ReviewState.PLANNED: ("open_surveys", _("Open the surveys")),
    ReviewState.SURVEYS_OPEN: ("mark_documents_in", _("Documents are in")),
    ReviewState.DOCUMENTS_IN: ("start_visit", _("Start the visit")),
    ReviewState.VISIT: ("submit_preliminary", _("Submit the preliminary report")),
    ReviewState.PRELIMINARY: ("calibrate_review", _("Record the calibration")),
    ReviewState.CALIBRATED: ("publish_review", _("Publish the report")),
    ReviewState.PUBLISHED: ("start_follow_up", _("Start the follow-up")),
    ReviewState.FOLLOW_UP: ("close_review", _("Close the review")),
}
#: Steps only the national coordinator (or admin) takes; the rest the review's reviewers take too.
COORDINATOR_STEPS = {"calibrate_review", "publish_review", "close_review"}


# ---------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------


@transaction.atomic
def issue_survey_links(review: Review, *, role: str, count: int, by) -> list[str]:
    if review.state not in (ReviewState.PLANNED, ReviewState.SURVEYS_OPEN):
        raise DomainError(_("Survey links are made before the documents are in."))
    if role not in SurveyRole.values:
        raise DomainError(_("Unknown survey role."))
    if not 1 <= count <= 200:
        raise DomainError(_("Make between 1 and 200 links at a time."))
    tokens = []
    for _i in range(count):
        token = _new_token()
        link = SurveyLink(review=review, role=role, token_hash=hash_token(token), created_by=by)
        _audit(link, by)
        link.save()
        tokens.append(token)
    return tokens


def survey_link_for(token: str) -> SurveyLink:
    link = (
        SurveyLink.objects.select_related("review__unit", "review__catalogue")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if link is None or link.used:
        raise DomainError(_("This survey link is not valid. It may have been used already."))
    if link.review.state != ReviewState.SURVEYS_OPEN:
        raise DomainError(_("This survey is not open."))
    return link


def survey_statements(review: Review, role: str):
    return [
        s
        for s in Statement.objects.filter(area__catalogue_id=review.catalogue_id).select_related("area")
        if role in s.roles
    ]


@transaction.atomic
def submit_survey(token: str, *, answers: dict[int, int], comment: str = "") -> None:
    link = survey_link_for(token)
    if not SurveyLink.objects.filter(pk=link.pk, used=False).update(used=True):
        raise DomainError(_("This survey link is not valid. It may have been used already."))
    statements = {s.pk for s in survey_statements(link.review, link.role)}
    if set(answers) != statements or any(v not in (1, 2, 3, 4) for v in answers.values()):
        raise DomainError(_("Answer every statement."))
    response = SurveyResponse.objects.create(review=link.review, role=link.role, comment=comment.strip()[:4000])
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=response, statement_id=sid, value=value) for sid, value in answers.items()]
    )


# ---------------------------------------------------------------------------
# Documents, notes, findings, follow-up
# ---------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Steering documents and evidence: office documents and PDFs (served only as downloads, never inline).
DOCUMENT_EXTENSIONS = (".pdf", ".docx", ".doc", ".odt", ".xlsx", ".xls", ".ods", ".txt", ".pptx")


def _check_file(file) -> None:
    if file is None or file.size > MAX_DOCUMENT_BYTES:
        raise DomainError(_("Choose a file of at most 10 MB."))
    if not file.name.lower().endswith(DOCUMENT_EXTENSIONS):
        raise DomainError(_("Send a PDF, a Word, Excel, PowerPoint or OpenDocument file, or plain text."))


@transaction.atomic
def upload_document(review: Review, *, title: str, file, by) -> SteeringDocument:
    if review.state not in (ReviewState.PLANNED, ReviewState.SURVEYS_OPEN, ReviewState.DOCUMENTS_IN):
        raise DomainError(_("Steering documents are sent in before the visit."))
    if not title.strip():
        raise DomainError(_("Give the document a title."))
    _check_file(file)
    doc = SteeringDocument(review=review, title=title.strip(), file=file, uploaded_by=by)
    _audit(doc, by)
    doc.save()
    return doc


@transaction.atomic
def add_note(review: Review, *, kind: str, text: str, interviewed_role: str = "", by) -> VisitNote:
    if review.state not in (ReviewState.DOCUMENTS_IN, ReviewState.VISIT, ReviewState.PRELIMINARY):
        raise DomainError(_("Notes are kept from the documents to the preliminary report."))
    if not text.strip():
        raise DomainError(_("Write the note."))
    note = VisitNote(review=review, kind=kind, text=text.strip(), interviewed_role=interviewed_role, author=by)
    _audit(note, by)
    note.full_clean(exclude=["review", "author"])
    note.save()
    return note


FINDING_STATES = (ReviewState.VISIT, ReviewState.PRELIMINARY)


@transaction.atomic
def grade_area(review: Review, area: Area, *, grade: str, text: str, by) -> AreaFinding:
    if review.state not in FINDING_STATES:
        raise DomainError(_("Areas are graded during the visit and the preliminary report."))
    if area.catalogue_id != review.catalogue_id:
        raise DomainError(_("The area is not in this review's catalogue."))
    finding = AreaFinding.objects.filter(review=review, area=area).first() or AreaFinding(review=review, area=area)
    finding.grade, finding.text = grade, text.strip()
    _audit(finding, by)
    finding.full_clean(exclude=["review", "area"])
    finding.save()
    return finding


@transaction.atomic
def judge_statement(
    review: Review,
    statement: Statement,
    *,
    fulfilment: str,
    action: str = "",
    action_text: str = "",
    due_date: datetime.date | None = None,
    by,
) -> StatementFinding:
    if review.state not in FINDING_STATES:
        raise DomainError(_("Statements are judged during the visit and the preliminary report."))
    if statement.area.catalogue_id != review.catalogue_id:
        raise DomainError(_("The statement is not in this review's catalogue."))
    if action and not action_text.strip():
        raise DomainError(_("Write the requirement or recommendation."))
    if action == ActionKind.REQUIREMENT and due_date is None:
        raise DomainError(_("A requirement needs a date by which it is remedied."))
    if action == ActionKind.REQUIREMENT and fulfilment == "met":
        raise DomainError(_("A statement that is met gives no requirement."))
    finding = StatementFinding.objects.filter(review=review, statement=statement).first() or StatementFinding(
        review=review, statement=statement
    )
    finding.fulfilment, finding.action, finding.action_text = fulfilment, action, action_text.strip()
    finding.due_date = due_date if action == ActionKind.REQUIREMENT else None
    _audit(finding, by)
    finding.full_clean(exclude=["review", "statement"])
    finding.save()
    return finding


@transaction.atomic
def report_remedy(finding: StatementFinding, *, evidence: str, file=None, by) -> StatementFinding:
    if finding.review.state not in (ReviewState.PUBLISHED, ReviewState.FOLLOW_UP):
        raise DomainError(_("Remedies are reported after the report is published."))
    if finding.action != ActionKind.REQUIREMENT or finding.remedied_at:
        raise DomainError(_("Only an open requirement takes evidence of a remedy."))
    if not evidence.strip():
        raise DomainError(_("Describe what was done."))
    if file is not None:
        _check_file(file)
    finding.evidence, finding.evidence_by = evidence.strip(), by
    if file is not None:
        finding.evidence_file = file
    _audit(finding, by, "remedy reported")
    finding.save()
    return finding


@transaction.atomic
def accept_remedy(finding: StatementFinding, *, by) -> StatementFinding:
    if finding.review.state != ReviewState.FOLLOW_UP:
        raise DomainError(_("Remedies are accepted during the follow-up."))
    if not finding.evidence:
        raise DomainError(_("The unit has not reported a remedy yet."))
    if finding.remedied_at:
        raise DomainError(_("The remedy is already accepted."))
    finding.remedied_at, finding.remedy_accepted_by = timezone.now(), by
    _audit(finding, by, "remedy accepted")
    finding.save()
    return finding

"""Intake workflows. Each runs in one transaction, checks the current state and is audited
(simple-history on Application, Confirmation and SupervisorStatement records who and when).

State machine of an application:

    draft → submitted → checklist_complete → admitted
                    ↘            ↘→ declined
    draft / submitted / checklist_complete → withdrawn

One function per transition; a decision (admit/decline) needs a reason; admission needs a free
place and a complete checklist — or, for every item still missing, a reason recorded in the
decision (kept on the application with the item, `Application.admitted_without`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.identity import remember_address
from core.errors import DomainError
from intake.models import (
    COMPUTED_ITEMS,
    Application,
    ApplicationStatus,
    ChecklistItem,
    Confirmation,
    Round,
    SupervisorStatement,
)
from trainees.models import BtType, StatusChange
from trainees.services import create_plan_from_template, register_trainee

S = ApplicationStatus

ASSESSMENT_INSTRUMENTS = ("mini_cex", "dops", "cbd", "specialistkollegium")
REQUIRED_ASSESSMENTS = 4


# ---------------------------------------------------------------------------
# The checklist
# ---------------------------------------------------------------------------


@dataclass
class ChecklistRow:
    item: str
    label: str
    met: bool
    computed: bool
    available: bool = True  # False: computed item that cannot be computed yet
    detail: str = ""
    confirmation: Confirmation | None = None


def signed_counts(applications):
    """The queryset of applications annotated with what the computed items need (`signed_total`,
    `signed_colleges`, `iup_started`), so a list of applications reads them in its own query.

    Each count is a subquery per row (the assessments of that row's BT-läkare), not a join grouped
    by every column of the row: on national data the grouped join took most of the round page's
    time in SQLite."""
    from django.db.models import Count, Exists, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from assessments.models import Assessment
    from portfolio.models import IUPGoalPlan

    # The same assessments as the checklist of one application counts (`Assessment.objects.evidence()`).
    signed = (
        Assessment.objects.evidence()
        .filter(trainee=OuterRef("trainee"), instrument__in=ASSESSMENT_INSTRUMENTS)
        .order_by()
        .values("trainee")
    )

    def number(assessments):
        return Coalesce(Subquery(assessments.annotate(n=Count("pk")).values("n")), 0)

    started = IUPGoalPlan.objects.filter(iup__trainee=OuterRef("trainee")).exclude(activities="")
    return applications.annotate(
        iup_started=Exists(started),
        signed_total=number(signed),
        signed_colleges=number(signed.filter(instrument="specialistkollegium")),
    )


def _assessment_row(trainee, counts: tuple[int, int] | None = None) -> ChecklistRow:
    from assessments.models import Assessment

    label = ChecklistItem.ASSESSMENTS.label
    if trainee is None:
        return ChecklistRow(
            ChecklistItem.ASSESSMENTS, label, False, True, False, gettext("Not available until registered")
        )
    if counts is None:
        signed = Assessment.objects.evidence().filter(trainee=trainee, instrument__in=ASSESSMENT_INSTRUMENTS)
        counts = (signed.count(), signed.filter(instrument="specialistkollegium").count())
    total, colleges = counts
    met = total >= REQUIRED_ASSESSMENTS and colleges >= 1
    detail = gettext("%(total)s signed assessments, of which %(colleges)s specialistkollegium") % {
        "total": total,
        "colleges": colleges,
    }
    return ChecklistRow(ChecklistItem.ASSESSMENTS, label, met, True, True, detail)


def _iup_row(trainee, started: bool | None = None) -> ChecklistRow:
    from portfolio.models import IUP

    label = ChecklistItem.IUP.label
    if trainee is None:
        return ChecklistRow(ChecklistItem.IUP, label, False, True, False, gettext("Not available until registered"))
    try:
        iup = trainee.iup
    except IUP.DoesNotExist:
        return ChecklistRow(ChecklistItem.IUP, label, False, True, True, gettext("No IUP yet"))
    met = iup.started if started is None else started
    detail = (
        gettext("IUP approved") if iup.approved else (gettext("IUP started") if met else gettext("IUP not started"))
    )
    return ChecklistRow(ChecklistItem.IUP, label, met, True, True, detail)


def _statement_row(application) -> ChecklistRow:
    label = ChecklistItem.STATEMENT.label
    try:
        statement = application.statement
    except SupervisorStatement.DoesNotExist:
        return ChecklistRow(ChecklistItem.STATEMENT, label, False, True, True, gettext("Not recorded"))
    missing = statement.missing_areas()
    if missing:
        detail = gettext("Missing areas: %(areas)s") % {"areas": ", ".join(str(m) for m in missing)}
    else:
        detail = gettext("By %(name)s on %(date)s") % {"name": statement.supervisor_name, "date": statement.given_on}
    return ChecklistRow(ChecklistItem.STATEMENT, label, not missing, True, True, detail)


def applicable_items(application: Application) -> list[str]:
    """Bilaga 1's competence items (assessments, IUP, supervisor's statement) are about an ST
    doctor applying for BT integrated in ST after 6–12 months; a standalone BT applicant has
    none of them yet, so their checklist is the recruitment part only."""
    if application.bt_type == BtType.STANDALONE:
        return [item for item in ChecklistItem if item not in COMPUTED_ITEMS]
    return list(ChecklistItem)


def checklist(application: Application) -> list[ChecklistRow]:
    """Every item of Bilaga 1 with whether it is met. Assessments and the IUP are computed from
    the linked BT record (never ticked by hand); without one they stay unmet."""
    trainee = application.trainee
    if "confirmations" in getattr(application, "_prefetched_objects_cache", {}):
        confirmations = application.confirmations.all()  # a list page fetched them for every row
    else:
        confirmations = application.confirmations.select_related("confirmed_by")
    confirmed = {c.item: c for c in confirmations}
    counts = (application.signed_total, application.signed_colleges) if hasattr(application, "signed_total") else None
    rows = []
    for item in applicable_items(application):
        if item == ChecklistItem.ASSESSMENTS:
            rows.append(_assessment_row(trainee, counts))
        elif item == ChecklistItem.IUP:
            rows.append(_iup_row(trainee, getattr(application, "iup_started", None)))
        elif item == ChecklistItem.STATEMENT:
            rows.append(_statement_row(application))
        else:
            c = confirmed.get(item.value)
            rows.append(ChecklistRow(item.value, item.label, c is not None, False, True, "", c))
    return rows


def missing_items(application: Application) -> list[ChecklistRow]:
    return [row for row in checklist(application) if not row.met]


def checklist_complete(application: Application) -> bool:
    return not missing_items(application)


# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _refuse(current: Application) -> None:
    raise DomainError(
        _("This step is not possible for an application with the status %(status)s.")
        % {"status": S(current.status).label}
    )


def _sync(application: Application, current: Application) -> None:
    for name in ("status", "decision_reason", "admitted_without", "decided_at", "decided_by_id", "admitted_trainee_id"):
        setattr(application, name, getattr(current, name))


@transaction.atomic
def create_application(*, round: Round, by, data: dict) -> Application:
    """Register an application (status draft). Person data is kept on the application."""
    if Application.objects.filter(round=round, personnummer=data["personnummer"]).exists():
        raise DomainError(_("This round already has an application for this personnummer."))
    application = Application(round=round, created_by=by, **data)
    if application.position_id and not application.unit_id:
        application.unit = application.position.unit
    application.full_clean(exclude=["round", "created_by"])
    application._change_reason = gettext("Created")
    application.save()
    return application


@transaction.atomic
def submit(application: Application, *, by) -> Application:
    current = _locked(application)
    if current.status != S.DRAFT:
        _refuse(current)
    current.status = S.SUBMITTED
    current._history_user = by
    current.save(update_fields=["status"])
    _sync(application, current)
    return application


@transaction.atomic
def complete_checklist(application: Application, *, by) -> Application:
    """submitted → checklist complete; refused while an item is missing."""
    current = _locked(application)
    if current.status != S.SUBMITTED:
        _refuse(current)
    missing = missing_items(current)
    if missing:
        raise DomainError(
            _("The checklist is not complete. Missing: %(items)s") % {"items": "; ".join(str(m.label) for m in missing)}
        )
    current.status = S.CHECKLIST_COMPLETE
    current._history_user = by
    current.save(update_fields=["status"])
    _sync(application, current)
    return application


@transaction.atomic
def confirm_item(application: Application, *, item: str, done_on: datetime.date, note: str = "", by) -> Confirmation:
    """Confirm a manual checklist item (who and when). Computed items cannot be ticked."""
    current = _locked(application)
    if item in COMPUTED_ITEMS or item not in ChecklistItem.values:
        raise DomainError(_("This checklist item is computed from the data and cannot be confirmed by hand."))
    if current.status in (S.ADMITTED, S.DECLINED, S.WITHDRAWN):
        _refuse(current)
    if done_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."))
    if item == ChecklistItem.CRIMINAL_RECORD:
        note = ""  # only that the check was done and when — never its content
    confirmation, _created = Confirmation.objects.update_or_create(
        application=current,
        item=item,
        defaults={"done_on": done_on, "note": note.strip()[:200], "confirmed_by": by},
    )
    return confirmation


@transaction.atomic
def save_statement(application: Application, *, by, data: dict) -> SupervisorStatement:
    current = _locked(application)
    if current.status in (S.ADMITTED, S.DECLINED, S.WITHDRAWN):
        _refuse(current)
    statement, _created = SupervisorStatement.objects.update_or_create(
        application=current, defaults={**data, "recorded_by": by}
    )
    return statement


@transaction.atomic
def withdraw(application: Application, *, by, reason: str = "") -> Application:
    current = _locked(application)
    if current.status not in (S.DRAFT, S.SUBMITTED, S.CHECKLIST_COMPLETE):
        _refuse(current)
    current.status = S.WITHDRAWN
    current.decision_reason = reason.strip()
    current.decided_at, current.decided_by = timezone.now(), by
    current._history_user = by
    current.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    _sync(application, current)
    return application


def _require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for the decision."))
    return reason.strip()


@transaction.atomic
def decline(application: Application, *, by, reason: str) -> Application:
    current = _locked(application)
    if current.status not in (S.SUBMITTED, S.CHECKLIST_COMPLETE):
        _refuse(current)
    current.decision_reason = _require_reason(reason)
    current.status = S.DECLINED
    current.decided_at, current.decided_by = timezone.now(), by
    current._history_user = by
    current.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    _sync(application, current)
    return application


def places_left(round: Round) -> int:
    return round.places - round.applications.filter(status=S.ADMITTED).count()


@transaction.atomic
def admit(
    application: Application,
    *,
    by,
    reason: str,
    missing_reasons: dict[str, str] | None = None,
    draft_plan: bool = True,
) -> Application:
    """submitted / checklist complete → admitted: register the BT doctor (or update their existing
    BT record) from the data already on the application — nothing is typed twice — with a draft
    plan from the region's programme unless `draft_plan` is false (the cohort planner will place
    them). Items missing from the checklist need a reason each (`missing_reasons`: item → reason)."""
    current = _locked(application)
    reason = _require_reason(reason)
    if current.status not in (S.SUBMITTED, S.CHECKLIST_COMPLETE):
        _refuse(current)
    missing = missing_items(current)
    missing_reasons = {k: (v or "").strip() for k, v in (missing_reasons or {}).items()}
    unexplained = [m for m in missing if not missing_reasons.get(m.item)]
    if unexplained:
        raise DomainError(
            _("The checklist is not complete. Give a reason for admitting without each missing item: %(items)s")
            % {"items": "; ".join(str(m.label) for m in unexplained)}
        )
    round = Round.objects.select_for_update().get(pk=current.round_id)
    if places_left(round) <= 0:
        raise DomainError(_("All places in this round are taken."))
    if current.position_id:
        taken = current.position.applications.filter(status=S.ADMITTED).count()
        if taken >= current.position.places:
            raise DomainError(_("All places of this position are taken."))
    if current.unit_id is None:
        raise DomainError(_("Choose the home unit before admission."))
    if current.unit.region_id != round.region_id:
        raise DomainError(_("The home unit must be in the round's region."))
    credit_note = ""
    if current.credited_st_months:
        credit_note = " " + gettext("ST service credited before BT: %(months)s months.") % {
            "months": current.credited_st_months
        }
    note = gettext("Admitted in intake round %(round)s.") % {"round": round.name} + credit_note
    if current.trainee_id:
        trainee = current.trainee
        trainee.bt_type = current.bt_type
        if current.st_specialty:
            trainee.st_specialty = current.st_specialty
        trainee.save(update_fields=["bt_type", "st_specialty"])
        if draft_plan and not trainee.placements.exists():
            create_plan_from_template(trainee)
        StatusChange.objects.create(
            trainee=trainee,
            from_status=trainee.status,
            to_status=trainee.status,
            on=timezone.localdate(),
            reason=note,
            changed_by=by,
        )
    else:
        if current.matching_users().exists():
            raise DomainError(
                _(
                    "A person with this personnummer or email is already registered. Link the application to their BT record instead."
                )
            )
        trainee = register_trainee(
            by=by,
            data={
                "email": current.email.lower(),
                "first_name": current.first_name,
                "last_name": current.last_name,
                "personnummer": current.personnummer,
                "phone": current.phone,
                "home_unit": current.unit,
                "bt_type": current.bt_type,
                "st_specialty": current.st_specialty,
                "programme": round.region.programme,
                "planned_start": round.bt_start,
                "draft_plan": draft_plan,
            },
        )
        StatusChange.objects.create(
            trainee=trainee,
            from_status=trainee.status,
            to_status=trainee.status,
            on=timezone.localdate(),
            reason=note,
            changed_by=by,
        )
    # The address the application came from is the person's too (often a private one): an
    # assessment request to it is a request to themself (accounts.identity).
    remember_address(trainee.user, current.email)
    current.status = S.ADMITTED
    current.decision_reason = reason
    current.admitted_without = [
        {"item": m.item, "label": str(m.label), "reason": missing_reasons[m.item]} for m in missing
    ]
    current.decided_at, current.decided_by = timezone.now(), by
    current.admitted_trainee = trainee
    current._history_user = by
    current.save(
        update_fields=["status", "decision_reason", "admitted_without", "decided_at", "decided_by", "admitted_trainee"]
    )
    _sync(application, current)
    return application


INTAKE_MONTHS = (4, 11)  # April and November, the usual intake rounds


def next_round_defaults(today: datetime.date) -> dict:
    """Suggested name and dates of the next round: the next April or November (editable)."""
    import calendar

    from django.utils.formats import date_format

    year, month = today.year, next((m for m in INTAKE_MONTHS if m > today.month), None)
    if month is None:
        year, month = year + 1, INTAKE_MONTHS[0]
    opens = datetime.date(year, month, 1)
    closes = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return {"name": date_format(opens, "F Y").capitalize(), "opens_on": opens, "closes_on": closes}


def status_counts(round: Round) -> list[tuple[str, str, int]]:
    """(status, label, number of applications) for every status, counted in the database."""
    from django.db.models import Count

    counts = dict.fromkeys(S.values, 0)
    counts |= dict(round.applications.order_by().values_list("status").annotate(n=Count("pk")))
    return [(s, S(s).label, counts[s]) for s in S.values]

"""Workflows on a BT-läkare's record. Each runs in one transaction, checks the current
state, and leaves an audit trail (django-simple-history records who changed what).

Plan judgement is always delegated to the rules module (`rules.check_plan`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_history_manager_for_model

import rules
import rules.counting
from core.errors import DomainError
from core.locking import bump_version
from trainees import versions
from trainees.models import Credit, Leave, Placement, PlanCategory, StatusChange, Trainee, TraineeStatus

# ---------------------------------------------------------------------------
# Judging the plan (asks the rules module)
# ---------------------------------------------------------------------------


@dataclass
class DisplayFinding:
    severity: str
    code: str
    message: str
    subject: str = ""


@dataclass
class PlanCheck:
    result: rules.Result
    findings: list[DisplayFinding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.result.valid

    @property
    def complete(self) -> bool:
        """No warning that information is missing (a unit, a handledare, the licence date …)."""
        return self.result.complete

    @property
    def months_by_category(self) -> list[tuple[str, float]]:
        return [
            (PlanCategory(c).label, m)
            for c, m in self.result.months_by_category.items()
            if m and c in PlanCategory.values
        ]

    @property
    def errors(self) -> list[DisplayFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[DisplayFinding]:
        return [f for f in self.findings if f.severity == "warning"]


def to_rules_plan(trainee: Trainee, *, placements=None, leave=None, credits=None) -> rules.Plan:
    """The trainee's plan as the rules module's dataclass (placements may be unsaved)."""
    placements = list(trainee.placements.select_related("unit")) if placements is None else placements
    leave = list(trainee.leave.all()) if leave is None else leave
    credits = list(trainee.credits.all()) if credits is None else credits
    return rules.Plan(
        programme=trainee.programme_rules.id,
        bt_type=trainee.bt_type,
        start=trainee.planned_start,
        end=trainee.bt_end,
        licence_date=trainee.licence_date,
        st_start=trainee.st_start,
        main_supervisor=str(trainee.main_supervisor_id) if trainee.main_supervisor_id else None,
        placements=tuple(
            rules.Placement(
                category=p.category,
                start=p.start,
                end=p.end,
                extent=p.extent,
                # A place of service is the unit; unplaced template slots count one each.
                unit=str(p.unit_id) if p.unit_id else None,
                supervisor=str(p.supervisor_id) if p.supervisor_id else None,
            )
            for p in sorted(placements, key=lambda p: (p.start, p.end))
        ),
        leave=tuple(rules.Leave(kind=x.kind, start=x.start, end=x.end) for x in leave),
        credited=tuple(
            rules.Credit(category=c.category, months=float(c.months), kind=c.kind, note=c.note or None) for c in credits
        ),
    )


def leave_policy(trainee: Trainee) -> rules.LeavePolicy:
    """How leave counts for this trainee: the regulation in force at their start, with their
    programme's own threshold for short sick leave (rules.leave). As check_plan: a start before
    the regulation came into force is judged by the programme's regulation."""
    programme = trainee.programme_rules
    try:
        regulation = rules.regulation_for(trainee.planned_start)
    except LookupError:
        regulation = rules.load_regulation(programme.regulation)
    return rules.leave_policy(regulation, programme)


def _number(value) -> str:
    """2.5 → "2,5" in Swedish, "2.5" in English; at most two decimals, no trailing zeros."""
    return rules.messages.format_number(float(value)).replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def display(finding: rules.Finding, subject: str = "") -> DisplayFinding:
    message = rules.render(
        finding,
        fmt_number=_number,
        translate=gettext,
        fmt_date=lambda d: d.isoformat(),
    )
    return DisplayFinding(finding.severity, finding.code, message, subject)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_plan(trainee: Trainee, *, placements=None, leave=None, credits=None) -> PlanCheck:
    plan = to_rules_plan(trainee, placements=placements, leave=leave, credits=credits)
    try:
        result = rules.check_plan(plan)
    except rules.UnknownProgrammeError:
        result = rules.check_plan(plan, "national")
    findings = [display(f) for f in result.findings]
    findings += supervisor_findings(trainee, placements=placements)
    findings.sort(key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))
    return PlanCheck(result=result, findings=findings)


def supervisor_findings(trainee: Trainee, *, placements=None) -> list[DisplayFinding]:
    """Warnings for a main supervisor or handledare who lacks what the programme requires."""
    placements = (
        list(trainee.placements.select_related("supervisor__supervisor_profile")) if placements is None else placements
    )
    people = []
    if trainee.main_supervisor_id:
        people.append(
            (trainee.main_supervisor, gettext("Main supervisor %(name)s") % {"name": trainee.main_supervisor})
        )
    for index, placement in enumerate(sorted(placements, key=lambda p: (p.start, p.end)), start=1):
        if placement.supervisor_id:
            people.append(
                (
                    placement.supervisor,
                    gettext("Supervisor %(name)s (placement %(number)s)")
                    % {"name": placement.supervisor, "number": index},
                )
            )
    out = []
    for user, subject in people:
        profile = getattr(user, "supervisor_profile", None)
        found = rules.check_supervisor(
            is_specialist=bool(profile and profile.is_specialist),
            has_supervisor_training=bool(profile and profile.has_supervisor_training),
            has_bt_supervisor_training=bool(profile and profile.has_bt_supervisor_training),
            programme=trainee.programme_rules.id,
        )
        out += [display(f, subject) for f in found]
    return out


# ---------------------------------------------------------------------------
# Changing the plan (optimistic locking on Trainee.plan_version)
# ---------------------------------------------------------------------------


STALE_PLAN = _(
    "Someone else changed this plan while you were editing it. Reload the page to see their change, then try again."
)


def _bump_version(trainee: Trainee, expected_version: int | None) -> None:
    """Claim the next plan version, or refuse (StaleEdit) when someone else changed the plan
    meanwhile. None: no check, for callers that show no form (the import, accepting a proposal)."""
    trainee.plan_version = bump_version(
        Trainee.objects.filter(pk=trainee.pk), expected=expected_version, field="plan_version", message=STALE_PLAN
    )
    # The bump is a bulk update, which history does not see: record it (who changed the plan, when).
    get_history_manager_for_model(Trainee).bulk_history_create([Trainee.objects.get(pk=trainee.pk)], update=True)
    versions.bump(trainee.pk)  # bulk_history_create announces nothing: the record version by hand


@transaction.atomic
def save_placement(trainee: Trainee, placement: Placement, *, expected_version: int | None) -> Placement:
    _bump_version(trainee, expected_version)
    placement.trainee = trainee
    if placement.unit_id and placement.category != "introduktion" and placement.unit.category:
        # The category of a placement follows its unit (set by the region).
        placement.category = placement.unit.category
    placement.save()
    return placement


@transaction.atomic
def delete_plan_item(trainee: Trainee, item: Placement | Leave | Credit, *, expected_version: int | None) -> None:
    """Remove a placement, leave or credited service from the plan.

    A placement that signed assessments were made in stays: removing it would detach what was
    signed (the database protects it too). It can be ended early or its dates corrected, which
    keeps the assessments with it. Nothing is removed from the plan of a BT that an issued,
    valid certificate attests."""
    assert item.trainee_id == trainee.pk
    if trainee.issued_documents.filter(revoked_at__isnull=True).exists():
        raise DomainError(
            _(
                "An issued certificate attests this plan; nothing can be removed from it unless the certificate is revoked."
            )
        )
    _bump_version(trainee, expected_version)
    try:
        item.delete()
    except ProtectedError:
        raise DomainError(
            _(
                "This placement has signed assessments and cannot be removed. End it early or correct its "
                "dates instead: the signed assessments stay with it."
            )
        ) from None


@transaction.atomic
def save_leave(trainee: Trainee, leave: Leave, *, expected_version: int | None, extend_plan: bool = False) -> Leave:
    """Record leave; optionally extend the plan so that the leave is made up.

    Extending keeps every placement's full-time months as they were before the leave: the
    placement the leave falls in ends later, and each later placement moves by as many days
    as the one before it, keeping its own length in full-time months (counted by the rules
    module, so partial months are handled exactly as in the plan check).
    """
    _bump_version(trainee, expected_version)
    leave.trainee = trainee
    placements = list(trainee.placements.order_by("start", "pk"))
    old_leave = list(trainee.leave.all())
    leave.save()
    if extend_plan and leave_policy(trainee).must_make_up(leave.kind):
        _extend_for_leave(trainee, placements, old_leave, old_leave + [leave])
    return leave


def _excluded(trainee, leave_rows):
    return leave_policy(trainee).deducted([rules.Leave(kind=x.kind, start=x.start, end=x.end) for x in leave_rows])


def _extend_for_leave(trainee, placements, old_leave, new_leave) -> None:
    before, after = _excluded(trainee, old_leave), _excluded(trainee, new_leave)
    shift = datetime.timedelta(0)
    for p in placements:
        target = rules.counting.placement_months(_as_rules(p), before)
        start = p.start + shift
        end = p.end + shift
        if rules.counting.placement_months(_as_rules(p, start, end), after) < target:
            # Walk the end forward until the placement gives its full-time months again.
            while rules.counting.placement_months(_as_rules(p, start, end), after) < target:
                end += datetime.timedelta(days=1)
        new_shift = end - p.end
        if (start, end) != (p.start, p.end):
            p.start, p.end = start, end
            p.save(update_fields=["start", "end"])
        shift = max(shift, new_shift)
    if placements and trainee.bt_end and trainee.bt_end < placements[-1].end:
        trainee.bt_end = placements[-1].end
        trainee.save(update_fields=["bt_end"])


def _as_rules(p, start=None, end=None) -> rules.Placement:
    return rules.Placement(category=p.category, start=start or p.start, end=end or p.end, extent=p.extent)


@transaction.atomic
def save_credit(trainee: Trainee, credit: Credit, *, expected_version: int | None) -> Credit:
    _bump_version(trainee, expected_version)
    credit.trainee = trainee
    credit.save()
    return credit


@transaction.atomic
def create_plan_from_template(trainee: Trainee, *, expected_version: int | None = None) -> list[Placement]:
    """Draft placements from the programme template. Only for a plan without placements."""
    if trainee.placements.exists():
        raise DomainError(_("The plan already has placements; remove them before starting from the template."))
    try:
        draft = rules.template_plan(trainee.programme, trainee.bt_type, trainee.planned_start)
    except rules.UnknownProgrammeError:
        raise DomainError(_("The programme %(programme)s is unknown.") % {"programme": trainee.programme}) from None
    except ValueError:
        raise DomainError(_("The programme does not offer this BT type.")) from None
    _bump_version(trainee, expected_version)
    created = [
        Placement.objects.create(trainee=trainee, category=p.category, start=p.start, end=p.end, extent=p.extent)
        for p in draft.placements
    ]
    return created


# ---------------------------------------------------------------------------
# Lifecycle: planned → active → paused → completed / discontinued
# ---------------------------------------------------------------------------

S = TraineeStatus
TRANSITIONS: dict[str, set[str]] = {
    S.PLANNED: {S.ACTIVE, S.DISCONTINUED},
    S.ACTIVE: {S.PAUSED, S.COMPLETED, S.DISCONTINUED},
    S.PAUSED: {S.ACTIVE, S.DISCONTINUED},
    S.COMPLETED: set(),
    S.DISCONTINUED: set(),
}
REASON_REQUIRED = {S.PAUSED, S.DISCONTINUED}


def allowed_transitions(trainee: Trainee) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS[trainee.status]]


@transaction.atomic
def change_status(trainee: Trainee, *, to: str, on: datetime.date, reason: str = "", by=None) -> StatusChange:
    current = Trainee.objects.select_for_update().get(pk=trainee.pk)
    if to not in TRANSITIONS[current.status]:
        raise DomainError(
            _("A BT cannot go from %(from)s to %(to)s.")
            % {"from": S(current.status).label, "to": S(to).label if to in S.values else to}
        )
    if to in REASON_REQUIRED and not reason.strip():
        raise DomainError(_("Give a reason for this change."))
    if current.status_since and on < current.status_since:
        raise DomainError(
            _("The date cannot be before the previous status change (%(date)s).") % {"date": current.status_since}
        )
    change = StatusChange.objects.create(
        trainee=current, from_status=current.status, to_status=to, on=on, reason=reason.strip(), changed_by=by
    )
    current.status = to
    current.status_since = on
    current.save(update_fields=["status", "status_since"])
    trainee.status, trainee.status_since = to, on
    return change


def credited_months(trainee: Trainee) -> Decimal:
    return sum((c.months for c in trainee.credits.all()), Decimal(0))


# ---------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------


@transaction.atomic
def register_trainee(*, by, data: dict) -> Trainee:
    """Create the person (login without password; they set one by reset link), the bt_lakare
    role and the BT record; optionally a draft plan from the programme template."""
    from accounts.models import Role, RoleAssignment, User

    user = User(
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        personnummer=data.get("personnummer", ""),
        phone=data.get("phone", ""),
    )
    user.set_unusable_password()
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.BT_LAKARE, valid_from=data["planned_start"])
    unit = data["home_unit"]
    trainee = Trainee.objects.create(
        user=user,
        region=unit.region,
        home_unit=unit,
        bt_type=data["bt_type"],
        st_specialty=data.get("st_specialty", ""),
        programme=data.get("programme") or unit.region.programme,
        planned_start=data["planned_start"],
        licence_date=data.get("licence_date"),
        degree_country=data.get("degree_country", ""),
        degree_date=data.get("degree_date"),
        main_supervisor=data.get("main_supervisor"),
        status=TraineeStatus.PLANNED,
        status_since=datetime.date.today(),
    )
    StatusChange.objects.create(
        trainee=trainee,
        from_status=TraineeStatus.PLANNED,
        to_status=TraineeStatus.PLANNED,
        on=trainee.status_since,
        reason=gettext("Registered"),
        changed_by=by,
    )
    if data.get("draft_plan"):
        create_plan_from_template(trainee)
    return trainee


@transaction.atomic
def update_details(trainee: Trainee, *, data: dict, by=None) -> Trainee:
    """Record the licence, licences from other countries, the medical degree and (integrated BT)
    the start of the ST employment. A licence dated after BT start is kept as recorded: the plan
    check reports it as an error (BT is done after the licence)."""
    from trainees.models import OtherLicence

    fields = ["licence_date", "degree_country", "degree_date"]
    if "st_start" in data:
        fields.append("st_start")
    for name in fields:
        setattr(trainee, name, data.get(name) or ("" if name == "degree_country" else None))
    trainee._history_user = by
    trainee.save(update_fields=fields)
    trainee.other_licences.all().delete()
    for country, day in data.get("other_licences", []):
        OtherLicence.objects.create(trainee=trainee, country=country, date=day)
    return trainee


@transaction.atomic
def set_main_supervisor(trainee: Trainee, supervisor, *, by=None, expected_version: int | None) -> None:
    """Choose the huvudhandledare: a change of the plan (StaleEdit over someone else's newer one)."""
    _bump_version(trainee, expected_version)
    trainee.main_supervisor = supervisor
    trainee._history_user = by
    trainee.save(update_fields=["main_supervisor"])

"""A complete BT record for the portable-record tests, and a snapshot of it that compares every
concrete field of every model of the record (relations by what they point at, files by SHA-256)."""

import datetime
import hashlib
import io
import json

from django.db import models, transaction
from django.utils import timezone

from btportal import factories as f

D = datetime.date


class Rollback(Exception):
    pass


def make_record(world):
    """A trainee with everything a record holds. Built inside the caller's savepoint: the people and
    units made here do not exist once it is rolled back (the "receiving installation")."""
    from accounts.models import ApprovedAssessor
    from assessments.models import Addendum, Assessment, AssessmentRequest, AssessorCheck, TraineeComment
    from certificates.models import FinalAssessment, GoalJudgement, IssuedDocument, ReadinessOverride
    from certificates.signatures import content_hash
    from goals.models import Goal
    from portfolio import services as portfolio
    from portfolio.models import IUP, IUPGoalPlan, SupervisionMeeting
    from portfolio.tests.factories import pdf
    from trainees import services as trainees
    from trainees.models import AssessorAssignment, Credit, Leave, OtherLicence, Placement, UnitWish

    goals = list(Goal.objects.filter(regulation="HSLF-FS 2021:8").order_by("number"))
    # A unit only the exporting installation knows (no HSA-id), below one the receiver knows.
    new_unit = f.make_unit(world.vgr, "Psykiatrimottagning Väster", parent=world.hospital, category="psykiatri")
    new_supervisor = f.make_supervisor("ny.handledare@example.se", workplace=new_unit)
    person = f.make_user(
        "resande@example.se",
        personnummer=f.make_personnummer(D(1991, 4, 2), 123),
        first_name="Åsa",
        last_name="Öberg-Resande",
        phone="070-123 45 67",
        street_address="Storgatan 1",
        postal_code="411 01",
        city="Göteborg",
    )
    t = f.make_trainee(
        person,
        home_unit=world.clinic,
        main_supervisor=world.users["huvudhandledare"],
        licence_date=D(2026, 8, 15),
        degree_country="Polen",
        degree_date=D(2025, 6, 30),
        st_specialty="Allmänmedicin",
        bt_type="integrerad",
    )
    trainees.change_status(t, to="active", on=D(2026, 11, 1), reason="Start", by=world.users["kansli"])
    p1 = Placement.objects.create(
        trainee=t,
        category="akut",
        unit=world.clinic,
        start=D(2026, 11, 1),
        end=D(2027, 2, 28),
        supervisor=world.users["handledare"],
        note="Medicin",
    )
    p2 = Placement.objects.create(
        trainee=t,
        category="psykiatri",
        unit=new_unit,
        start=D(2027, 3, 1),
        end=D(2027, 5, 31),
        extent=75,
        supervisor=new_supervisor,
    )
    Placement.objects.create(trainee=t, category="primarvard", start=D(2027, 6, 1), end=D(2027, 10, 31))
    Leave.objects.create(trainee=t, kind="parental", start=D(2027, 1, 10), end=D(2027, 1, 20), note="VAB")
    Credit.objects.create(trainee=t, category="akut", months="1.50", kind="foreign", note="Beslut 2026-10-01")
    OtherLicence.objects.create(trainee=t, country="Polen", date=D(2024, 6, 1))
    UnitWish.objects.create(trainee=t, unit=world.health_centre, strength=3, updated_by=person)

    iup = IUP.objects.create(trainee=t)
    for g in goals:
        IUPGoalPlan.objects.create(iup=iup, goal=g)
    portfolio.save_goal_plan(
        iup, goal=goals[0], activities="Jour på akuten", assessment_methods="Mini-CEX", expected_version=None, by=person
    )
    portfolio.submit_iup(iup, by=person)
    portfolio.approve_iup(iup, by=world.users["huvudhandledare"], comment="Bra")
    activity = portfolio.add_activity(
        t,
        by=person,
        kind="clinical",
        title="Akutmottagning",
        start=D(2026, 11, 10),
        goals=goals[:3],
        placement=p1,
        reflection="Lärorikt",
        files=[pdf("intyg.pdf", b"%PDF-1.4\n% resande\n%%EOF\n")],
    )
    portfolio.attach_evidence(activity, files=[pdf("andra.pdf", b"%PDF-1.4\n% andra\n%%EOF\n")], by=person)
    SupervisionMeeting.objects.create(
        trainee=t, date=D(2026, 12, 1), supervisor=world.users["huvudhandledare"], notes="Privat", author=person
    )

    request = AssessmentRequest.objects.create(
        trainee=t,
        instrument="mini_cex",
        placement=p1,
        assessor=world.users["handledare"],
        assessor_name="Handledare H",
        assessor_email="handledare@example.se",
        token_hash="a" * 64,
        pin_hash="b" * 64,
        created_by=person,
        expires_at=timezone.now(),
        send_count=1,
    )
    request.goals.set(goals[:2])
    AssessmentRequest.objects.filter(pk=request.pk).update(status="signed")  # signed after its goals
    assessment = Assessment.objects.create(
        request=request,
        trainee=t,
        instrument="mini_cex",
        placement=p1,
        performed_on=D(2026, 12, 5),
        assessor=world.users["handledare"],
        assessor_name="Handledare H",
        assessor_email="handledare@example.se",
        ratings={"history": 3, "exam": 0},
        overall=3,
        strengths="Lugn",
        development="Dokumentation",
        details={"setting": "Akuten"},
        sign_method="pin",
    )
    assessment.goals.set(goals[:2])
    assessment.signed_at = timezone.now()  # signed last: a signed row's goals never change
    assessment.save(update_fields=["signed_at"])
    Addendum.objects.create(assessment=assessment, author=world.users["handledare"], author_name="H", text="Tillägg")
    TraineeComment.objects.create(assessment=assessment, author=person, text="Tack")
    AssessorCheck.objects.create(
        assessment=assessment, confirmed_at=timezone.now(), confirmed_by=world.users["studierektor"], note="Känd"
    )

    ReadinessOverride.objects.create(trainee=t, reason="Undantag", errors=["PLAN_TOO_SHORT"], by=world.users["kansli"])
    extern = world.users["extern_bedomare"]
    approved = ApprovedAssessor.objects.create(
        user=extern,
        region=world.vgr,
        specialty="Allmänmedicin",
        training_date=D(2024, 3, 1),
        workplace=world.other_clinic,
    )
    assignment = AssessorAssignment.objects.create(
        trainee=t,
        assessor=approved,
        valid_from=D(2027, 10, 1),
        valid_to=D(2027, 12, 31),
        assigned_by=world.users["kansli"],
    )
    final = FinalAssessment.objects.create(
        trainee=t,
        assignment=assignment,
        started_by=world.users["kansli"],
        main_supervisor=world.users["huvudhandledare"],
        main_verdict=True,
        main_comment="Godkänd",
        external=extern,
        external_verdict=True,
        external_comment="OK",
    )
    for g in goals:
        GoalJudgement.objects.create(final=final, goal=g, by_role="main", attained=True)
        GoalJudgement.objects.create(final=final, goal=g, by_role="external", attained=True, comment=g.code)
    FinalAssessment.objects.filter(pk=final.pk).update(main_signed_at=timezone.now(), external_signed_at=timezone.now())

    from django.core.files.base import ContentFile

    for kind, body in (("bilaga2", b"%PDF-1.4 bilaga2"), ("bilaga4", b"%PDF-1.4 bilaga4")):
        doc = IssuedDocument(trainee=t, kind=kind, subject_name="Åsa Öberg-Resande", issued_by=world.users["kansli"])
        doc.sha256 = hashlib.sha256(body).hexdigest()
        doc.file.save("x.pdf", ContentFile(body), save=False)
        doc.save()
    content = {"person": {"name": "Åsa"}, "rows": [{"unit": "Medicinkliniken", "months": "4"}], "total": "4"}
    from certificates.models import ServiceSignature

    ServiceSignature.objects.create(
        trainee=t,
        signed_by=world.users["verksamhetschef"],
        signer_name="VC",
        signer_title="Verksamhetschef",
        workplace="Medicinkliniken",
        place="Göteborg",
        content=content,
        content_sha256=content_hash(content),
    )
    assert p2.pk
    return t


def _norm(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value) if value is not None else None


def _point(target):
    """What a relation points at, as the receiving installation would see it."""
    from api.record import spec

    if target is None:
        return None
    label = spec.label_of(type(target))
    if label == "accounts.user":
        return ("user", target.email)
    if label == "organisations.unit":
        return ("unit", target.region.code, target.hsa_id, target.name)
    if label == "organisations.region":
        return ("region", target.code)
    if label == "goals.goal":
        return ("goal", target.regulation, target.code)
    if label == "accounts.approvedassessor":
        return ("assessor", target.user.email, target.region.code, target.specialty)
    # A row of the record: its own plain fields.
    return (
        label,
        *(
            _norm(f.value_from_object(target))
            for f in type(target)._meta.concrete_fields
            if not f.primary_key and not f.is_relation and not isinstance(f, models.FileField)
        ),
    )


def _row(obj):
    out = []
    for field in type(obj)._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.is_relation:
            value = _point(getattr(obj, field.name))
        elif isinstance(field, models.FileField):
            stored = getattr(obj, field.name)
            value = hashlib.sha256(stored.open("rb").read()).hexdigest() if stored else None
        else:
            value = _norm(field.value_from_object(obj))
        out.append((field.name, value))
    for field in type(obj)._meta.many_to_many:
        out.append((field.name, sorted(_point(t) for t in getattr(obj, field.name).all())))
    return tuple(out)


def snapshot(personnummer: str) -> dict:
    """Every concrete field of every row of the record, and of the person, comparably."""
    from accounts.models import User
    from api.record import spec
    from trainees.models import Trainee

    trainee = Trainee.objects.get(user__personnummer=personnummer)
    out = {}
    for model, path in spec.owned_models():
        out[spec.label_of(model)] = sorted(_row(o) for o in model._base_manager.filter(**{path: trainee.pk}))
    person = User.objects.get(pk=trainee.user_id)
    out["person"] = [
        (f.name, _norm(f.value_from_object(person)))
        for f in User._meta.concrete_fields
        if f.name not in spec.PERSON_EXCLUDED
    ]
    return out


def exported(world) -> tuple[bytes, str, dict]:
    """Build a record, export it, and roll everything made for it back: (archive, personnummer,
    snapshot as it was)."""
    from api.record.exporting import export_record

    buffer = io.BytesIO()
    try:
        with transaction.atomic():
            t = make_record(world)
            before = snapshot(t.user.personnummer)
            export_record(t, buffer)
            pnr = t.user.personnummer
            raise Rollback
    except Rollback:
        pass
    return buffer.getvalue(), pnr, before

"""The demo's story: what has happened around the demo BT-läkare by today.

`demo.seed.seed` writes the people, units and plans; this module adds what those
people have done since, through the same service functions the app uses (so every row obeys
the same rules as one made in the browser):

* every BT-läkare who has started has an approved IUP, and for each placement that has
  begun a logged activity and a signed assessment linked to that placement's share of the
  delmål — so progress and readiness show real, partly complete portfolios;
* the external assessor login (extern@example.se) is in Västra Götaland's register of approved
  assessors and assigned to two BT-läkare; for the one whose service is complete the head of the
  home unit has signed Bilaga 3, the final assessment is signed by both and the certificate set is
  issued (issuing requires those signatures; `/verify/<code>/` has something to show); for the
  other the final assessment is waiting for the huvudhandledare and Bilaga 3 for
  verksamhetschef@example.se;
* each region has an intake round in progress with admitted, pending, draft and declined
  applications, decided through the intake services (an application admitted with items missing
  from its checklist records a reason for each);
* the BT-läkare of the next intake (left unplanned for the cohort planner) have placement wishes.

Every step is skipped when its data already exists, so running the seed again changes nothing.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import ApprovedAssessor, Role, RoleAssignment, User
from assessments import services as assessment_services
from certificates import services as cert
from certificates import signatures
from certificates.permissions import SIGN_SERVICE
from demo.data import RANDOM_SEED, SEED_REGIONS
from demo.personnummer import InventedPersonnummer
from intake import services as intake_services
from intake.models import COMPUTED_ITEMS, STATEMENT_AREAS, ChecklistItem, Position, Round
from organisations.models import Region, Unit, UnitKind
from portfolio import services as portfolio_services
from portfolio.models import Activity, ActivityKind
from portfolio.progress import goals_for
from trainees.models import AssessorAssignment, UnitWish
from trainees.wishes import wishable_units

EXTERNAL_ASSESSOR = "extern@example.se"
KANSLI = "kansli@example.se"
# (first name, last name) of the BT-läkare whose certification the demo shows.
CERTIFIED = ("Andreas", "Schmidt")  # completed: final assessment signed, certificates issued
IN_ASSESSMENT = ("Tomasz", "Kowalski")  # at the end of BT: final assessment waiting
INSTRUMENT_TURN = ("mini_cex", "dops", "cbd")
# Where a delmål is most naturally shown (the rest are spread over all placements).
GOAL_SETTING = {
    1: "akut",
    2: "psykiatri",
    9: "psykiatri",
    12: "primarvard",
    13: "akut",
    14: "primarvard",
    15: "akut",
    16: "primarvard",
    17: "akut",
    18: "akut",
}

APPLICANTS = [
    # first, last, sex, bt type, ST specialty, state in the open round
    ("Hamid", "Sharifi", "M", "fristaende", "", "submitted"),
    ("Ewa", "Lewandowska", "F", "fristaende", "", "checklist_complete"),
    ("Lukas", "Bauer", "M", "integrerad", "Allmänmedicin", "draft"),
    ("Mariam", "Aziz", "F", "fristaende", "", "declined"),
]


def seed_story(trainees, writer) -> None:
    """Add the story to `trainees` (the demo's Trainee queryset); counts go to `writer.created`."""
    today = timezone.localdate()
    # Requests and signatures send email; the demo keeps it in memory instead of printing it.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for trainee in trainees.select_related("user", "main_supervisor", "region").order_by("user__email"):
            _portfolio(trainee, today, writer.created)
        _certification(trainees, today, writer.created)
        _wishes(trainees, writer.created)
        _intake(trainees, today, writer.created)
        from demo.quality import seed_quality

        seed_quality(writer.created)


# ---------------------------------------------------------------------------
# Portfolio: IUP, activities and signed assessments
# ---------------------------------------------------------------------------


def _portfolio(trainee, today: datetime.date, created: Counter) -> None:
    if trainee.status == "planned" or trainee.main_supervisor is None:
        return
    if Activity.objects.filter(trainee=trainee).exists():
        return
    placements = list(trainee.placements.select_related("unit", "supervisor").order_by("start"))
    if not placements or placements[0].start > today:
        return

    iup = portfolio_services.get_or_create_iup(trainee)
    if iup.status == "draft" and not iup.started:
        first = iup.goal_plans.select_related("goal").order_by("goal__number").first()
        portfolio_services.save_goal_plan(
            iup,
            goal=first.goal,
            expected_version=None,
            by=trainee.user,
            activities="Klinisk tjänstgöring med handledning, journalgenomgångar och reflektion.",
            assessment_methods="Mini-CEX, DOPS och CBD under varje placering; specialistkollegium mot slutet.",
        )
        portfolio_services.submit_iup(iup, by=trainee.user)
        portfolio_services.approve_iup(iup, by=trainee.main_supervisor, comment="Bra plan, godkänd.")
        created["iup"] += 1

    # Each delmål belongs to one placement (of the category where it is most naturally shown,
    # round robin otherwise); a placement that has begun has its activity and its assessment,
    # one that lies ahead has nothing yet.
    goals = list(goals_for(trainee))
    share = {p.pk: [] for p in placements}
    for i, goal in enumerate(goals):
        fitting = [p for p in placements if p.category == GOAL_SETTING.get(goal.number)] or placements
        share[fitting[i % len(fitting)].pk].append(goal)
    # An assessment of a BT that has ended was made while it was running: the service refuses
    # new requests for a closed BT, so the check sees the status the BT had then.
    closed_status = trainee.status
    trainee.status = "active"
    try:
        for n, placement in enumerate(placements):
            if placement.start > today or not share[placement.pk]:
                continue
            where = str(placement.unit) if placement.unit else placement.get_category_display()
            end = min(placement.end, today)
            portfolio_services.add_activity(
                trainee,
                by=trainee.user,
                kind=ActivityKind.CLINICAL,
                title=f"Klinisk tjänstgöring: {where}",
                start=placement.start,
                end=end,
                goals=share[placement.pk],
                placement=placement,
                reflection="Självständigt ansvar för egna patienter under handledning; återkoppling varje vecka.",
            )
            created["activity"] += 1
            assessor = placement.supervisor or trainee.main_supervisor
            issued = assessment_services.create_request(
                trainee,
                by=trainee.user,
                instrument=INSTRUMENT_TURN[n % len(INSTRUMENT_TURN)],
                assessor=assessor,
                placement=placement,
                goals=share[placement.pk],
            )
            performed = min(placement.start + datetime.timedelta(days=28), end, today)
            assessment_services.sign_request(
                issued.request,
                by=assessor,
                data={
                    "overall": 3,
                    "performed_on": performed,
                    "strengths": "Strukturerad och lyhörd.",
                    "development": "Fortsätt träna prioritering vid hög belastning.",
                },
            )
            created["assessment"] += 1
    finally:
        trainee.status = closed_status


# ---------------------------------------------------------------------------
# Certification: external assessor, final assessment, issued certificates
# ---------------------------------------------------------------------------


def _by_name(trainees, name):
    first, last = name
    return trainees.filter(user__first_name=first, user__last_name=last).select_related("user").first()


def _certification(trainees, today: datetime.date, created: Counter) -> None:
    extern = User.objects.filter(email=EXTERNAL_ASSESSOR).first()
    kansli = User.objects.filter(email=KANSLI).first()
    region = Region.objects.filter(slug="vgr").first()
    if extern is None or kansli is None or region is None:
        return
    profile = getattr(extern, "supervisor_profile", None)
    approved, made = ApprovedAssessor.objects.get_or_create(
        user=extern,
        region=region,
        defaults={
            "specialty": profile.specialty if profile else "Allmänmedicin",
            "training_date": datetime.date(2026, 3, 12),
            "workplace": profile.workplace if profile else None,
        },
    )
    created["approved assessor"] += made

    for name, finish in ((CERTIFIED, True), (IN_ASSESSMENT, False)):
        trainee = _by_name(trainees, name)
        if trainee is None or AssessorAssignment.objects.filter(trainee=trainee).exists():
            continue
        if cert.assessor_conflicts(trainee, approved):
            continue
        cert.assign_assessor(
            trainee,
            approved,
            valid_from=today - datetime.timedelta(days=21),
            valid_to=today + datetime.timedelta(days=120),
            by=kansli,
        )
        created["assessor assignment"] += 1
        if not cert.readiness(trainee).may_start:
            continue
        final = cert.start_final_assessment(trainee, by=kansli)
        created["final assessment"] += 1
        if not finish:
            continue
        goals = list(goals_for(trainee))
        for user, comment, place in (
            (trainee.main_supervisor, "Har uppnått delmålen under tjänstgöringen.", "Göteborg"),
            (extern, "Styrkt av bedömningar och aktiviteter i portföljen.", "Jönköping"),
        ):
            cert.record_judgement(
                final,
                user=user,
                verdict=True,
                comment=comment,
                judgements=dict.fromkeys(goals, (True, "Uppnått.")),
            )
            cert.sign_final(final, user=user, place=place)
        head = _head_of_home_unit(trainee)
        if head is None:
            continue
        signatures.sign_service(trainee, user=head, title="Verksamhetschef", place="Göteborg")
        created["service signature"] += 1
        cert.issue_certificates(trainee, by=kansli)
        created["issued document"] += 3


def _head_of_home_unit(trainee):
    """A verksamhetschef who may sign the trainee's Bilaga 3 (the head of their home unit)."""
    heads = User.objects.filter(role_assignments__role=Role.VERKSAMHETSCHEF).distinct().order_by("email")
    return next((user for user in heads if SIGN_SERVICE.allows(user, trainee)), None)


# What the office had not yet seen when it admitted the next intake, item by item (the intake
# service refuses an admission with a missing item without a reason for it).
MISSING_REASONS = {
    ChecklistItem.ASSESSMENTS: "Bedömningarna görs under ST-tjänstgöringen fram till BT-starten; studierektor följer upp.",
    ChecklistItem.IUP: "IUP upprättas med huvudhandledaren vid BT-starten.",
}


def _admit(round, trainee, by, today: datetime.date) -> None:
    """One BT-läkare of the next intake admitted through the intake services: applied, the
    recruitment items confirmed (an integrated ST doctor also has the supervisor's statement), and
    admitted — with a reason for each item still missing. Their plan is left to the cohort planner."""
    application = intake_services.create_application(
        round=round,
        by=by,
        data={
            "bt_type": trainee.bt_type,
            "st_specialty": trainee.st_specialty,
            "unit": trainee.home_unit,
            "first_name": trainee.user.first_name,
            "last_name": trainee.user.last_name,
            "email": trainee.user.email,
            "personnummer": trainee.user.personnummer,
            "phone": trainee.user.phone,
            "trainee": trainee,
            "source": "demo",
        },
    )
    intake_services.submit(application, by=by)
    for item in intake_services.applicable_items(application):
        if item not in COMPUTED_ITEMS:
            intake_services.confirm_item(application, item=item, done_on=today - datetime.timedelta(days=14), by=by)
    if ChecklistItem.STATEMENT in intake_services.applicable_items(application):
        intake_services.save_statement(
            application,
            by=by,
            data={"supervisor_name": str(trainee.main_supervisor or "Huvudhandledaren"), "given_on": today}
            | {key: "Motsvarar förväntad nivå." for key, _label in STATEMENT_AREAS},
        )
    missing = intake_services.missing_items(application)
    if not missing:
        intake_services.complete_checklist(application, by=by)
    reason = (
        "Uppfyller kraven; checklistan är komplett."
        if not missing
        else "Uppfyller kraven för antagning; det som återstår i checklistan följs upp före BT-starten."
    )
    intake_services.admit(
        application,
        by=by,
        reason=reason,
        missing_reasons={m.item: MISSING_REASONS.get(m.item, "Följs upp före BT-starten.") for m in missing},
        draft_plan=False,
    )


# ---------------------------------------------------------------------------
# Placement wishes of the next intake (the cohort planner's demo cohort)
# ---------------------------------------------------------------------------


def _wishes(trainees, created: Counter) -> None:
    """Each BT-läkare of the next intake wishes for one or two units and the first of each
    region would rather avoid one, so a planning run in the demo has preferences to weigh."""
    seen_regions = set()
    for trainee in trainees.filter(status="planned", placements__isnull=True).order_by("user__email"):
        if UnitWish.objects.filter(trainee=trainee).exists():
            continue
        units = list(wishable_units(trainee).exclude(category="annan"))
        if not units:
            continue
        rng = random.Random(trainee.user.email)
        picks = rng.sample(units, min(3, len(units)))
        UnitWish.objects.create(trainee=trainee, unit=picks[0], strength=3, updated_by=trainee.user)
        if len(picks) > 1:
            UnitWish.objects.create(trainee=trainee, unit=picks[1], strength=1, updated_by=trainee.user)
        if len(picks) > 2 and trainee.region_id not in seen_regions:
            UnitWish.objects.create(trainee=trainee, unit=picks[2], strength=-2, updated_by=trainee.user)
        seen_regions.add(trainee.region_id)
        created["placement wish"] += 1


# ---------------------------------------------------------------------------
# Intake: a round in progress in every region
# ---------------------------------------------------------------------------


def _intake(trainees, today: datetime.date, created: Counter) -> None:
    numbers = InventedPersonnummer(random.Random(RANDOM_SEED + 1))
    bt_start = datetime.date(2027, 4, 5)
    for slug in SEED_REGIONS:
        region = Region.objects.get(slug=slug)
        if Round.objects.filter(region=region).exists():
            continue
        admitted = list(trainees.filter(region=region, status="planned", planned_start=bt_start).select_related("user"))
        staff = (
            RoleAssignment.objects.filter(role__in=[Role.KANSLI, Role.STUDIEREKTOR], region=region)
            .select_related("user")
            .first()
        )
        by = staff.user if staff else None
        round = Round.objects.create(
            region=region,
            name="November 2026",
            opens_on=datetime.date(2026, 11, 1),
            closes_on=datetime.date(2026, 11, 30),
            bt_start=bt_start,
            places=len(admitted) + 2,
        )
        created["intake round"] += 1
        hospital = Unit.objects.filter(region=region, kind=UnitKind.HOSPITAL).order_by("path").first()
        position = Position.objects.create(round=round, title="BT-tjänst", unit=hospital, places=len(admitted) + 2)
        for trainee in admitted:
            _admit(round, trainee, by, today)
            created["application"] += 1
        for first, last, sex, bt_type, specialty, state in APPLICANTS:
            integrated = bt_type == "integrerad"
            home = (
                Unit.objects.filter(region=region, category="primarvard").order_by("path").first()
                if integrated
                else hospital
            )
            application = intake_services.create_application(
                round=round,
                by=by,
                data={
                    "bt_type": bt_type,
                    "st_specialty": specialty,
                    "position": None if integrated else position,
                    "unit": home,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}.{last.lower()}@{slug}.example.se",
                    "personnummer": numbers.make(numbers.born_in(1993, 1998), sex),
                    "credited_st_months": 6 if integrated else 0,
                    "source": "demo",
                },
            )
            created["application"] += 1
            if state == "draft":
                continue
            intake_services.submit(application, by=by)
            items = [ChecklistItem.LANGUAGE, ChecklistItem.REFERENCES]
            if state != "submitted":
                items = [
                    i
                    for i in intake_services.applicable_items(application)
                    if i not in (ChecklistItem.ASSESSMENTS, ChecklistItem.IUP, ChecklistItem.STATEMENT)
                ]
            for item in items:
                intake_services.confirm_item(application, item=item, done_on=today - datetime.timedelta(days=7), by=by)
            if state == "checklist_complete":
                intake_services.complete_checklist(application, by=by)
            elif state == "declined":
                intake_services.decline(
                    application, by=by, reason="Språktestet visar att språkutbildningen behöver fortsätta."
                )

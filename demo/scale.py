"""National-scale data for benchmarks (`manage.py generate_scale --preset tiny|region|national`).

Not the demo: no logins, no story, nothing made through the services one row at a time. Every
table is filled with `bulk_create` in batches, region by region, so the national preset (21
regions, ~1,500 units, ~15,000 supervisors, ~30,000 BT-läkare over ten years, ~1.5 million
assessments and activities) is written in minutes, not hours.

What makes it like real data:
* plans are the regions' programme templates (`rules.template_plan`) laid on units of the right
  category with a handledare who works there, so they pass the rules module as the demo's do;
* status follows the dates (completed when the plan has ended, active when it has begun);
* assessments and activities only where the plan has begun, at the programme's cadence or
  more, signed by the placement's handledare; signed rows are written as the service writes them (goals first, then the signature;
  the database refuses goals added to a signed assessment);
* every BT-läkare came in through an intake round of their region (admitted application);
* a completed BT-läkare has what the certificate flow leaves: an external assessor from the
  region's register (independent of the trainee where the register allows), a final assessment
  signed by both with every delmål of the trainee's regulation judged attained (judgements first,
  then the signatures: the database refuses a judgement under a signed part), the
  verksamhetschef's signature of Bilaga 3 over the content `certificates.content` computes, and
  the issued Bilaga 2, 3 and 4;
* every region's BT units are reviewed over the ten years (quality reviews in every state of the
  cycle, the older ones closed, by two granskare from other regions, with survey answers,
  steering documents, visit notes, area grades and statement findings as far as the state has
  come), and most ended placements are evaluated: an answered `EvaluationInvitation` on the
  placement and, apart from it and shuffled, an anonymous `PlacementEvaluation` with the unit,
  the year and the answers (what `quality.services.submit_evaluation` stores).

Issued documents. The service renders each PDF with WeasyPrint (about a second each; 60,000 at
national scale would take most of a day). Verification (`certificates.issuing.verification`)
checks two things: the SHA-256 of the stored file against `IssuedDocument.sha256`, and the
attested content against what `certificates.issuing.attestation` computes from the data now. It
does not parse the file. So each document gets a small file of its own, a one-page PDF written by
hand here (Helvetica, a few lines: the kind, the person, the verification code, "generated test
data"), a millisecond each instead of a second; the generated documents verify with the real code
but do not look like the official forms. The attested content is put together from the rows just
written with the service's own helpers (the Bilaga 3 content from `certificates.signatures.
current_content`, the signatures from `issuing._signature`): calling `attestation` for every
document costs ~14 queries and ~35 ms per BT-läkare (15 minutes of CPU at national scale).
Against drift, the first BT-läkare of each region is checked against `attestation` itself (the
generator stops if they differ), and the tests verify every generated document.

Everything is deterministic: one `random.Random(seed)` (verification codes, tokens and the
random keys of the anonymous rows included).
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

import rules
import rules.counting
import rules.dates
from accounts.models import ApprovedAssessor, Role, RoleAssignment, SupervisorProfile, User
from assessments.instruments import PANEL_REVIEW, PLACEMENT_FINAL
from assessments.models import Assessment
from certificates.content import pnr
from certificates.issuing import EXTERNAL, HEAD_OF_UNIT, ISSUED_KINDS, MAIN, attestation
from certificates.issuing import _signature as attested_signature
from certificates.models import DocumentKind, FinalAssessment, GoalJudgement, IssuedDocument, ServiceSignature
from certificates.signatures import content_hash, current_content
from core import programmes
from demo.personnummer import InventedPersonnummer
from goals.models import Goal
from intake.models import Application, ApplicationStatus, Round
from organisations.models import Region, Unit, UnitKind
from portfolio.models import IUP, Activity, ActivityKind, IUPStatus
from portfolio.progress import regulation_id
from quality.models import (
    ActionKind,
    AreaFinding,
    EvaluationInvitation,
    Fulfilment,
    NoteKind,
    PlacementEvaluation,
    Review,
    ReviewerAssignment,
    ReviewState,
    Statement,
    StatementFinding,
    StatementKind,
    SteeringDocument,
    SurveyAnswer,
    SurveyLink,
    SurveyResponse,
    SurveyRole,
    VisitNote,
)
from quality.services import current_catalogue, hash_token
from trainees.models import AssessorAssignment, Leave, Placement, Trainee, TraineeStatus

DOMAIN = "scale.example.se"  # every generated person's email ends with it
BATCH = 2000
INSTRUMENTS = ["mini_cex", "mini_cex", "dops", "cbd", "konsultation"]
SPECIALTIES = ["Allmänmedicin", "Internmedicin", "Psykiatri", "Kirurgi", "Ortopedi", "Anestesi", "Pediatrik"]
FIRST = ["Anna", "Erik", "Maria", "Karl", "Sara", "Johan", "Emma", "Lars", "Elin", "Ahmed", "Fatima", "Oskar"]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as certificates.models.new_code
COMMENTS = [
    "Mycket bra introduktion och tydlig handledning.",
    "Ibland hög arbetsbelastning på jourerna.",
    "Fick ta eget ansvar tidigt, med stöd.",
    "Handledaren hade ofta tid för frågor.",
    "Svårt att hinna med bedömningarna.",
]
#: Reviews per region over the ten years: one in each state of the cycle, the oldest closed.
REVIEW_STATES = list(reversed(ReviewState.values))
#: Survey answers per review and role once the surveys are open.
SURVEY_ANSWERS = {SurveyRole.BT_LAKARE: 4, SurveyRole.HANDLEDARE: 3, SurveyRole.STUDIEREKTOR: 1}
EVALUATED_SHARE = 0.8  # ended placements whose BT-läkare answered the evaluation
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson"]


@dataclass(frozen=True)
class Preset:
    regions: int  # how many of the 21 regions get data
    hospitals: int  # per region; each with clinics of akut and psykiatri and other kliniker
    clinics_per_hospital: int
    health_centres: int  # per region
    supervisors: int  # per region
    trainees: int  # per region over the ten years (20 intake rounds)
    assessments_per_month: float  # beyond the programme's cadence, per full-time month begun
    activities_per_month: float


PRESETS = {
    # For tests: a handful of everything, every kind of row.
    "tiny": Preset(1, 1, 4, 3, 12, 30, 1.0, 0.5),
    # A tenth of the national volume at the national density (two regions as full as a national one).
    "region": Preset(2, 5, 9, 26, 714, 1430, 3.0, 2.0),
    # 21 regions, ~1,500 units, ~15,000 supervisors, ~30,000 BT-läkare, ~1.5 M assessments and activities.
    "national": Preset(21, 5, 9, 26, 714, 1430, 3.0, 2.0),
}
YEARS = 10
CLINIC_CATEGORIES = ["akut", "akut", "psykiatri", "akut", "annan", "akut", "psykiatri", "akut", "annan"]


@dataclass
class Result:
    counts: Counter
    seconds: float


def _rounds(as_of: datetime.date) -> list[datetime.date]:
    """BT starts of the twenty intake rounds: spring and autumn over ten years, the last a year
    after `as_of`, each on the first Monday of March or September."""
    last_year = as_of.year + 1
    starts = []
    for year in range(last_year - YEARS + 1, last_year + 1):
        for month in (3, 9):
            day = datetime.date(year, month, 1)
            starts.append(day + datetime.timedelta(days=(7 - day.weekday()) % 7))
    return starts


def _bulk(model, rows, counts: Counter) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    counts[model._meta.label_lower] += len(created)
    return created


def _name(rng) -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


class _Generator:
    def __init__(self, preset: Preset, *, seed: int, as_of: datetime.date):
        self.p = preset
        self.rng = random.Random(seed)
        self.numbers = InventedPersonnummer(self.rng)
        self.as_of = as_of
        self.now = timezone.now()
        self.counts: Counter = Counter()
        self.goals = list(Goal.objects.order_by("pk").values_list("pk", flat=True))
        self.serial = itertools.count(1)
        self.password = "!generated"  # unusable: nobody logs in as a generated person
        self.regions = list(Region.objects.order_by("code"))

    def _code(self) -> str:
        return "".join(self.rng.choice(CODE_ALPHABET) for _ in range(20))

    def _token_hash(self) -> str:
        return hash_token(f"{self.rng.getrandbits(192):048x}")

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _at(self, day: datetime.date, hour: int = 14) -> datetime.datetime:
        return min(datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC), self.now)

    def _user(self, region, first, last, born_from, born_to) -> User:
        n = next(self.serial)
        sex = self.rng.choice("MF")
        return User(
            email=f"{first.lower()}.{last.lower()}.{n}@{region.slug}.{DOMAIN}",
            first_name=first,
            last_name=last,
            personnummer=self.numbers.make(self.numbers.born_in(born_from, born_to), sex),
            password=self.password,
        )

    # -- a region --------------------------------------------------------------------------

    def region(self, region: Region) -> None:
        p, rng = self.p, self.rng
        units = self._units(region)
        by_category: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            if unit.category:
                by_category[unit.category].append(unit)
        clinics = [u for u in units if u.kind == UnitKind.CLINIC]

        # Staff of the region: one of each role, scoped as in the demo.
        staff = {}
        for role, unit in [
            (Role.KANSLI, None),
            (Role.STUDIEREKTOR, units[0]),
            (Role.VERKSAMHETSCHEF, clinics[0]),
            (Role.GRANSKARE, None),
        ]:
            staff[role] = (self._user(region, *_name(rng), 1960, 1985), unit)
        # Supervisors: spread over the placement units, a third huvudhandledare.
        placeable = [u for u in units if u.category]
        sup_users = [self._user(region, *_name(rng), 1955, 1990) for _ in range(p.supervisors)]
        _bulk(User, [u for u, _ in staff.values()] + sup_users, self.counts)
        roles = []
        for role, (user, unit) in staff.items():
            roles.append(
                RoleAssignment(user=user, role=role, region=None if unit else region, unit=unit, valid_from=None)
            )
        profiles = []
        workplace: dict[int, Unit] = {}
        main: list[User] = []
        at_unit: dict[int, list[User]] = defaultdict(list)
        for i, user in enumerate(sup_users):
            unit = placeable[i % len(placeable)]
            workplace[user.pk] = unit
            at_unit[unit.pk].append(user)
            role = Role.HUVUDHANDLEDARE if i % 3 == 0 else Role.HANDLEDARE
            if role == Role.HUVUDHANDLEDARE:
                main.append(user)
            roles.append(RoleAssignment(user=user, role=role, unit=unit, valid_from=datetime.date(2015, 1, 1)))
            since = datetime.date(rng.randint(1990, 2018), rng.randint(1, 12), 1)
            profiles.append(
                SupervisorProfile(
                    user=user,
                    specialty=rng.choice(SPECIALTIES),
                    specialist_since=since,
                    supervisor_training_date=since + datetime.timedelta(days=400),
                    bt_supervisor_training_date=since + datetime.timedelta(days=800),
                    workplace=unit,
                )
            )
        _bulk(SupervisorProfile, profiles, self.counts)
        main_at_centre = [u for u in main if workplace[u.pk].category == "primarvard"] or main

        # BT-läkare, intake round by intake round.
        programme = programmes.load_or_fallback(region.programme)
        starts = _rounds(self.as_of)
        per_round = [p.trainees // len(starts) + (1 if i < p.trainees % len(starts) else 0) for i in range(len(starts))]
        turn: Counter = Counter()
        people, trainees, plans = [], [], []
        for start, n in zip(starts, per_round):
            for _ in range(n):
                first, last = _name(rng)
                user = self._user(region, first, last, start.year - 32, start.year - 26)
                bt_type = (
                    "integrerad" if (rng.random() < 0.2 or "fristaende" not in programme.bt_types) else "fristaende"
                )
                if bt_type not in programme.bt_types:
                    bt_type = programme.bt_types[0]
                hhl = rng.choice(main_at_centre if any(s.place for s in programme.slots) else main)
                home = workplace[hhl.pk]
                draft = rules.template_plan(programme.id, bt_type, start)
                end = draft.placements[-1].end
                status = (
                    TraineeStatus.COMPLETED
                    if end < self.as_of
                    else TraineeStatus.ACTIVE
                    if start <= self.as_of
                    else TraineeStatus.PLANNED
                )
                licence = start - datetime.timedelta(days=rng.randint(21, 180))
                people.append(user)
                trainees.append(
                    Trainee(
                        user=user,
                        region=region,
                        home_unit=home,
                        bt_type=bt_type,
                        st_specialty=rng.choice(SPECIALTIES) if bt_type == "integrerad" else "",
                        st_start=rules.dates.add_months(start, -6) if bt_type == "integrerad" else None,
                        programme=programme.id,
                        status=status,
                        status_since=end + datetime.timedelta(days=1) if status == TraineeStatus.COMPLETED else start,
                        bt_end=end if status == TraineeStatus.COMPLETED else None,
                        planned_start=start,
                        licence_date=licence,
                        degree_country="Sverige",
                        degree_date=licence - datetime.timedelta(days=rng.randint(14, 120)),
                        main_supervisor=hhl,
                    )
                )
                plans.append(draft)
        _bulk(User, people, self.counts)
        for t in trainees:
            t.user_id = t.user.pk
            roles.append(
                RoleAssignment(
                    user_id=t.user_id,
                    role=Role.BT_LAKARE,
                    region=region,
                    valid_from=t.planned_start - datetime.timedelta(days=90),
                )
            )
        _bulk(RoleAssignment, roles, self.counts)
        _bulk(Trainee, trainees, self.counts)

        # Plans: the template's slots on units of their category (round robin), each with a
        # handledare who works there; a slot with a named place is at the home unit.
        placements, leave = [], []
        for trainee, draft in zip(trainees, plans):
            for slot in draft.placements:
                category = "akut" if slot.category == "valfri" else slot.category
                unit = None
                if slot.unit:  # a named place (Gävleborg: the main supervisor's vårdcentral)
                    same = by_category.get(slot.category) or [trainee.home_unit]
                    unit = (
                        trainee.home_unit
                        if trainee.home_unit.category == slot.category
                        else same[trainee.pk % len(same)]
                    )
                elif category in by_category:
                    choices = by_category[category]
                    unit = choices[turn[category] % len(choices)]
                    turn[category] += 1
                supervisors = at_unit.get(unit.pk) if unit else None
                placements.append(
                    Placement(
                        trainee=trainee,
                        category=unit.category if unit else slot.category,
                        unit=unit,
                        start=slot.start,
                        end=slot.end,
                        extent=slot.extent,
                        supervisor=supervisors[trainee.pk % len(supervisors)] if supervisors else None,
                    )
                )
            if trainee.status != TraineeStatus.PLANNED and rng.random() < 0.3:
                # Vacation counts as service: it does not lengthen the plan.
                day = trainee.planned_start + datetime.timedelta(days=rng.randint(60, 250))
                leave.append(Leave(trainee=trainee, kind="vacation", start=day, end=day + datetime.timedelta(days=13)))
        _bulk(Placement, placements, self.counts)
        _bulk(Leave, leave, self.counts)
        self._portfolio(trainees, placements, programme)
        self._intake(region, trainees, starts, per_round, staff[Role.KANSLI][0])
        self._certificates(region, trainees, placements, staff, sup_users, workplace)
        self._quality(region, units, staff)
        self._evaluations(placements)

    def _units(self, region: Region) -> list[Unit]:
        p, rng = self.p, self.rng
        parents = [
            Unit(region=region, name=f"Sjukhuset {i + 1} ({region.name})", kind=UnitKind.HOSPITAL)
            for i in range(p.hospitals)
        ]
        parents.append(Unit(region=region, name=f"Primärvården {region.name}", kind=UnitKind.ADMINISTRATION))
        _bulk(Unit, parents, self.counts)
        children = []
        for h in parents[:-1]:
            for j in range(p.clinics_per_hospital):
                category = CLINIC_CATEGORIES[j % len(CLINIC_CATEGORIES)]
                children.append(
                    Unit(
                        region=region,
                        parent=h,
                        name=f"Klinik {j + 1}, {h.name}",
                        kind=UnitKind.CLINIC,
                        category="" if category == "annan" else category,
                        bt_capacity=0 if category == "annan" else rng.randint(2, 6),
                    )
                )
        for j in range(p.health_centres):
            children.append(
                Unit(
                    region=region,
                    parent=parents[-1],
                    name=f"Vårdcentralen {j + 1} ({region.name})",
                    kind=UnitKind.HEALTH_CENTRE,
                    category="primarvard",
                    bt_capacity=rng.randint(1, 3),
                )
            )
        _bulk(Unit, children, self.counts)
        # The tree's materialised path (Unit.save keeps it; bulk_create does not call save).
        for u in parents:
            u.path = f"/{u.pk}/"
        for u in children:
            u.path = f"{u.parent.path}{u.pk}/"
        Unit.objects.bulk_update(parents + children, ["path"], batch_size=BATCH)
        return parents + children

    def _portfolio(self, trainees, placements, programme) -> None:
        """An approved IUP for everyone who has begun; assessments and activities in the months
        of each placement that have begun, signed by its handledare."""
        rng, p, as_of = self.rng, self.p, self.as_of
        cadence = programme.assessment_cadence
        now = timezone.now()
        by_trainee = defaultdict(list)
        for placement in placements:
            by_trainee[placement.trainee_id].append(placement)
        iups, assessments, activities, a_goals, act_goals = [], [], [], [], []
        for trainee in trainees:
            if trainee.status == TraineeStatus.PLANNED:
                continue
            approved = datetime.datetime.combine(trainee.planned_start, datetime.time(12), tzinfo=datetime.UTC)
            iups.append(
                IUP(
                    trainee=trainee,
                    status=IUPStatus.APPROVED,
                    submitted_at=approved,
                    approved_at=approved,
                    approved_by_id=trainee.main_supervisor_id,
                )
            )
            for pl in by_trainee[trainee.pk]:
                last = min(pl.end, as_of)
                if pl.start > last:
                    continue
                days = (last - pl.start).days + 1
                months = max(days / 30.4, 0.5)
                final_due = cadence.final_per_placement and pl.end <= as_of
                regular = cadence.expected_for_placement(months) - (1 if cadence.final_per_placement else 0)
                n = max(regular, round(months * p.assessments_per_month))
                dates = sorted(pl.start + datetime.timedelta(days=rng.randrange(days)) for _ in range(n))
                if final_due:
                    dates.append(pl.end)
                assessor = pl.supervisor
                for k, on in enumerate(dates):
                    final = final_due and k == len(dates) - 1
                    assessments.append(
                        Assessment(
                            trainee=trainee,
                            instrument=PLACEMENT_FINAL if final else rng.choice(INSTRUMENTS),
                            placement=pl,
                            performed_on=on,
                            assessor=assessor,
                            assessor_name=f"{assessor.first_name} {assessor.last_name}"
                            if assessor
                            else "Extern handledare",
                            assessor_email=assessor.email if assessor else "",
                            overall=rng.randint(2, 4),
                            strengths="Strukturerat omhändertagande.",
                            signed_at=min(datetime.datetime.combine(on, datetime.time(16), tzinfo=datetime.UTC), now),
                            sign_method=Assessment.SIGN_PIN,
                        )
                    )
                for _ in range(max(1, round(months * p.activities_per_month))):
                    on = pl.start + datetime.timedelta(days=rng.randrange(days))
                    activities.append(
                        Activity(
                            trainee=trainee,
                            kind=rng.choice(ActivityKind.values),
                            title=rng.choice(["Journalgenomgång", "Kurs i akutmedicin", "Seminarium", "Läsning"]),
                            start=on,
                            placement=pl,
                            reflection="",
                        )
                    )
            # Collective reviews (VGR's BT-kollegium) held when they fell due.
            for m in cadence.review_at_months:
                due = rules.counting.period_end(trainee.planned_start, m)
                if due <= as_of:
                    assessments.append(
                        Assessment(
                            trainee=trainee,
                            instrument=PANEL_REVIEW,
                            performed_on=due - datetime.timedelta(days=5),
                            assessor_id=trainee.main_supervisor_id,
                            assessor_name="BT-kollegium",
                            overall=3,
                            signed_at=min(datetime.datetime.combine(due, datetime.time(16), tzinfo=datetime.UTC), now),
                            sign_method=Assessment.SIGN_LOGIN,
                        )
                    )
        _bulk(IUP, iups, self.counts)
        # Signing comes last, as in the service: the database refuses goals added to a signed
        # assessment, so the rows go in unsigned, get their goals, and are then signed in bulk.
        signed_at = [a.signed_at for a in assessments]
        for a in assessments:
            a.signed_at = None
        _bulk(Assessment, assessments, self.counts)
        _bulk(Activity, activities, self.counts)
        goals = self.goals
        AGoal = Assessment.goals.through
        ActGoal = Activity.goals.through
        for a in assessments:
            a_goals.append(AGoal(assessment_id=a.pk, goal_id=goals[a.pk % len(goals)]))
        for a in activities:
            act_goals.append(ActGoal(activity_id=a.pk, goal_id=goals[a.pk % len(goals)]))
            act_goals.append(ActGoal(activity_id=a.pk, goal_id=goals[(a.pk * 7 + 3) % len(goals)]))
        act_goals = list({(g.activity_id, g.goal_id): g for g in act_goals}.values())
        _bulk(AGoal, a_goals, self.counts)
        _bulk(ActGoal, act_goals, self.counts)
        for a, at in zip(assessments, signed_at, strict=True):
            a.signed_at = at
        Assessment.objects.bulk_update(assessments, ["signed_at"], batch_size=BATCH)

    # -- certificates -----------------------------------------------------------------------

    def _certificates(self, region, trainees, placements, staff, sup_users, workplace) -> None:
        """What the certificate flow leaves for every completed BT-läkare (see the module's
        docstring): assignment, final assessment with judgements, Bilaga 3 signature, issued set."""
        rng = self.rng
        kansli = staff[Role.KANSLI][0]
        head = staff[Role.VERKSAMHETSCHEF][0]
        completed = [t for t in trainees if t.status == TraineeStatus.COMPLETED]
        if not completed:
            return
        # The region's register: every tenth handledare, trained as an assessor.
        pool = sup_users[::10] or sup_users[:1]
        register = _bulk(
            ApprovedAssessor,
            [
                ApprovedAssessor(
                    user=u,
                    region=region,
                    specialty=rng.choice(SPECIALTIES),
                    training_date=datetime.date(2018, 1, 15) + datetime.timedelta(days=rng.randrange(2000)),
                    workplace=workplace[u.pk],
                )
                for u in pool
            ],
            self.counts,
        )
        by_trainee = defaultdict(list)
        for pl in placements:
            by_trainee[pl.trainee_id].append(pl)
        assignments, finals, externals = [], [], []
        for n, trainee in enumerate(completed):
            units = {trainee.home_unit_id} | {pl.unit_id for pl in by_trainee[trainee.pk] if pl.unit_id}
            supervisors = {trainee.main_supervisor_id} | {pl.supervisor_id for pl in by_trainee[trainee.pk]}
            # Independent of the trainee (certificates.services.assessor_conflicts) where the register allows.
            candidates = register[n % len(register) :] + register[: n % len(register)]
            assessor = next(
                (a for a in candidates if a.workplace_id not in units and a.user_id not in supervisors), None
            )
            conflicts = [] if assessor else ["Arbetar på en av BT-läkarens placeringsenheter."]
            assessor = assessor or candidates[0]
            externals.append(assessor.user)
            end = trainee.bt_end
            assignments.append(
                AssessorAssignment(
                    trainee=trainee,
                    assessor=assessor,
                    valid_from=end - datetime.timedelta(days=60),
                    valid_to=end + datetime.timedelta(days=90),
                    conflicts=conflicts,
                    conflict_reason="Ingen annan bedömare i registret." if conflicts else "",
                    assigned_by=kansli,
                )
            )
            finals.append(
                FinalAssessment(
                    trainee=trainee,
                    started_by=kansli,
                    main_supervisor_id=trainee.main_supervisor_id,
                    main_verdict=True,
                    main_comment="",
                    main_place=region.name,
                    external_id=assessor.user_id,
                    external_verdict=True,
                    external_comment="",
                    external_place=region.name,
                )
            )
        _bulk(AssessorAssignment, assignments, self.counts)
        for final, assignment in zip(finals, assignments, strict=True):
            final.assignment = assignment
        # Unsigned first, with every delmål of the trainee's regulation judged by both; then signed.
        _bulk(FinalAssessment, finals, self.counts)
        goals_of: dict[str, list[int]] = {}
        judgements = []
        for trainee, final in zip(completed, finals, strict=True):
            reg = regulation_id(trainee)
            if reg not in goals_of:
                goals_of[reg] = list(
                    Goal.objects.filter(regulation=reg).order_by("number").values_list("pk", flat=True)
                )
            for goal in goals_of[reg]:
                for role in (GoalJudgement.MAIN, GoalJudgement.EXTERNAL):
                    judgements.append(GoalJudgement(final=final, goal_id=goal, by_role=role, attained=True))
        _bulk(GoalJudgement, judgements, self.counts)
        for trainee, final in zip(completed, finals, strict=True):
            final.main_signed_at = self._at(trainee.bt_end + datetime.timedelta(days=rng.randint(1, 20)), 10)
            final.external_signed_at = self._at(trainee.bt_end + datetime.timedelta(days=rng.randint(21, 40)), 15)
        FinalAssessment.objects.bulk_update(finals, ["main_signed_at", "external_signed_at"], batch_size=BATCH)

        # Bilaga 3 signed by the verksamhetschef over the content as the service computes it.
        signatures, contents = [], []
        for trainee in completed:
            content = current_content(trainee)
            contents.append(content)
            signatures.append(
                ServiceSignature(
                    trainee=trainee,
                    signed_by=head,
                    signed_at=self._at(trainee.bt_end + datetime.timedelta(days=rng.randint(1, 30)), 11),
                    signer_name=head.get_full_name(),
                    signer_title="Verksamhetschef",
                    workplace=f"{trainee.home_unit.parent.name}, {trainee.home_unit.name}"
                    if trainee.home_unit.parent_id
                    else trainee.home_unit.name,
                    place=region.name,
                    content=content,
                    content_sha256=content_hash(content),
                )
            )
        _bulk(ServiceSignature, signatures, self.counts)

        # The issued set: what each document attests, and a small file of its own (see the module's
        # docstring). The attestation is put together from the rows just written, with the service's
        # helpers; the first trainee of each region is checked against `attestation` itself.
        goal_codes = dict(Goal.objects.values_list("pk", "code"))
        docs = []
        for n, (trainee, final, sig, content) in enumerate(zip(completed, finals, signatures, contents, strict=True)):
            issued_at = self._at(trainee.bt_end + datetime.timedelta(days=rng.randint(45, 75)), 9)
            person = {"name": trainee.user.get_full_name(), "personnummer": pnr(trainee.user)}
            main = attested_signature(
                MAIN, trainee.main_supervisor.get_full_name(), final.main_signed_at, final.main_place
            )
            external = attested_signature(
                EXTERNAL, externals[n].get_full_name(), final.external_signed_at, final.external_place
            )
            codes = [goal_codes[g] for g in goals_of[regulation_id(trainee)]]
            fields = {
                DocumentKind.BILAGA2: ({"goals": codes, "attained": codes}, [main], None),
                DocumentKind.BILAGA3: (
                    {
                        "rows": [{k: r[k] for k in ("unit", "period", "extent", "months")} for r in content["rows"]],
                        "total": content["total"],
                        "primary_care": content["primary_care"],
                        "emergency_care": content["emergency_care"],
                    },
                    [attested_signature(HEAD_OF_UNIT, sig.signer_name, sig.signed_at, sig.place, sig.signer_title)],
                    sig,
                ),
                DocumentKind.BILAGA4: ({"all_goals_attained": True}, [main, external], None),
            }
            for kind in ISSUED_KINDS:
                made, signed, signature = fields[kind]
                attested = {"kind": kind, "person": person, "content": made, "signatures": signed}
                if n == 0:
                    real, _sig = attestation(trainee, kind)
                    if content_hash(real) != content_hash(attested):
                        raise RuntimeError(f"demo.scale attests {kind} unlike certificates.issuing: {attested} {real}")
                code = self._code()
                data = _tiny_pdf(
                    [
                        DocumentKind(kind).label,
                        trainee.user.get_full_name(),
                        f"Kontrollkod: {code}",
                        f"Utfärdat {issued_at:%Y-%m-%d}",
                        "Genererade testdata (demo.scale), inte ett riktigt intyg.",
                    ]
                )
                name = default_storage.save(f"certificates/generated/{code}.pdf", ContentFile(data))
                docs.append(
                    IssuedDocument(
                        trainee=trainee,
                        kind=kind,
                        code=code,
                        file=name,
                        sha256=hashlib.sha256(data).hexdigest(),
                        attested=attested,
                        attested_sha256=content_hash(attested),
                        service_signature=signature,
                        subject_name=trainee.user.get_full_name(),
                        issued_at=issued_at,
                        issued_by=kansli,
                    )
                )
        _bulk(IssuedDocument, docs, self.counts)

    # -- quality ----------------------------------------------------------------------------

    def _quality(self, region, units, staff) -> None:
        """Reviews of the region's BT units, one in each state, spread over the ten years."""
        rng, as_of = self.rng, self.as_of
        catalogue = current_catalogue()
        areas = list(catalogue.areas.order_by("code"))
        statements = list(Statement.objects.filter(area__catalogue=catalogue).order_by("area__code", "order", "pk"))
        by_role = {role: [s for s in statements if role in s.roles] for role in SURVEY_ANSWERS}
        binding = [s for s in statements if s.kind == StatementKind.BINDING] or statements
        advice = [s for s in statements if s.kind == StatementKind.ADVICE] or statements
        studierektor = staff[Role.STUDIEREKTOR][0]
        # Two granskare from other regions review this region's units.
        others = [r for r in self.regions if r.pk != region.pk]
        homes = rng.sample(others, 2)
        reviewers = [self._user(home, *_name(rng), 1960, 1985) for home in homes]
        _bulk(User, reviewers, self.counts)
        _bulk(
            RoleAssignment,
            [RoleAssignment(user=u, role=Role.GRANSKARE, region=home) for u, home in zip(reviewers, homes)],
            self.counts,
        )
        bt_units = [u for u in units if u.category and u.bt_capacity]
        order = {state: i for i, state in enumerate(ReviewState.values)}
        reviews = []
        for i, state in enumerate(REVIEW_STATES):
            # The older the review the further it has come: closed ones years ago, the planned one now.
            back = int(365 * (YEARS - 1) * (1 - i / (len(REVIEW_STATES) - 1)) ** 2)
            period_end = as_of - datetime.timedelta(days=back)
            reached = order[state]
            visit = min(period_end + datetime.timedelta(days=45), as_of)
            reviews.append(
                Review(
                    unit=rng.choice(bt_units),
                    catalogue=catalogue,
                    state=state,
                    period_start=datetime.date(period_end.year - 2, 1, 1),
                    period_end=period_end,
                    visit_date=visit if reached >= order[ReviewState.VISIT] else None,
                    summary="Välfungerande BT med tydlig handledning."
                    if reached >= order[ReviewState.PRELIMINARY]
                    else "",
                    calibration_note="Betygen jämfördes med andra enheters."
                    if reached >= order[ReviewState.CALIBRATED]
                    else "",
                    created_by=reviewers[0],
                    published_at=self._at(min(visit + datetime.timedelta(days=60), as_of))
                    if reached >= order[ReviewState.PUBLISHED]
                    else None,
                )
            )
        _bulk(Review, reviews, self.counts)
        assigned, links, responses, answers, documents, notes, area_findings, findings = ([] for _ in range(8))
        for review in reviews:
            reached = order[review.state]
            assigned += [ReviewerAssignment(review=review, reviewer=u, assigned_by=reviewers[0]) for u in reviewers]
            if reached >= order[ReviewState.SURVEYS_OPEN]:
                for role, n in SURVEY_ANSWERS.items():
                    unused = 1 if review.state == ReviewState.SURVEYS_OPEN else 0
                    for k in range(n + unused):
                        links.append(
                            SurveyLink(
                                review=review,
                                role=role,
                                token_hash=self._token_hash(),
                                used=k < n,
                                created_by=reviewers[0],
                            )
                        )
                    for _k in range(n):
                        response = SurveyResponse(
                            id=self._uuid(), review=review, role=role, comment=rng.choice(["", *COMMENTS])
                        )
                        responses.append(response)
                        answers += [
                            SurveyAnswer(
                                id=self._uuid(), response=response, statement=s, value=rng.choice((2, 3, 3, 4, 4))
                            )
                            for s in by_role[role]
                        ]
            if reached >= order[ReviewState.DOCUMENTS_IN]:
                name = default_storage.save(
                    f"quality/documents/generated-{review.pk}.txt", ContentFile(b"Utbildningsplan for BT (genererad)")
                )
                documents.append(
                    SteeringDocument(review=review, title="Utbildningsplan för BT", file=name, uploaded_by=studierektor)
                )
            if reached >= order[ReviewState.VISIT]:
                notes.append(
                    VisitNote(review=review, kind=NoteKind.VISIT, text="Rundvandring på enheten.", author=reviewers[0])
                )
                notes.append(
                    VisitNote(
                        review=review,
                        kind=NoteKind.INTERVIEW,
                        interviewed_role=SurveyRole.BT_LAKARE,
                        text="BT-läkarna beskriver god handledning men svårt att hinna med bedömningar.",
                        author=reviewers[1],
                    )
                )
                # Graded areas and judged statements (the preliminary report needs every area graded).
                for area in areas:
                    area_findings.append(AreaFinding(review=review, area=area, grade=rng.choice("AABBBC"), text=""))
                required = rng.choice(binding)
                remedied = review.state == ReviewState.CLOSED
                reported = reached >= order[ReviewState.FOLLOW_UP]
                due = review.visit_date + datetime.timedelta(days=120)
                findings.append(
                    StatementFinding(
                        review=review,
                        statement=required,
                        fulfilment=Fulfilment.PARTLY,
                        action=ActionKind.REQUIREMENT,
                        action_text="Inför schemalagd tid för bedömningar varje månad.",
                        due_date=due,
                        evidence="Bedömningstid schemalagd varje månad." if reported else "",
                        evidence_by=studierektor if reported else None,
                        remedied_at=self._at(min(due, as_of)) if remedied else None,
                        remedy_accepted_by=reviewers[0] if remedied else None,
                    )
                )
                recommended = rng.choice([s for s in advice if s.pk != required.pk] or advice)
                if recommended.pk != required.pk:
                    findings.append(
                        StatementFinding(
                            review=review,
                            statement=recommended,
                            fulfilment=Fulfilment.PARTLY,
                            action=ActionKind.RECOMMENDATION,
                            action_text="Samordna kurser med närliggande enheter.",
                        )
                    )
        _bulk(ReviewerAssignment, assigned, self.counts)
        _bulk(SurveyLink, links, self.counts)
        rng.shuffle(responses)  # no order to line up with anything (as the random keys)
        _bulk(SurveyResponse, responses, self.counts)
        _bulk(SurveyAnswer, answers, self.counts)
        _bulk(SteeringDocument, documents, self.counts)
        _bulk(VisitNote, notes, self.counts)
        _bulk(AreaFinding, area_findings, self.counts)
        _bulk(StatementFinding, findings, self.counts)

    def _evaluations(self, placements) -> None:
        """Ended placements at a unit get an invitation; most are answered. The evaluation is
        stored apart (unit, year, answers; no trainee) and shuffled, as the service leaves it."""
        rng, as_of = self.rng, self.as_of
        codes = list(
            Goal.objects.filter(pk__in=self.goals).order_by("number").values_list("code", flat=True).distinct()
        )
        invitations, evaluations = [], []
        for pl in placements:
            if pl.unit_id is None or pl.end >= as_of:
                continue
            issued = pl.end + datetime.timedelta(days=rng.randint(1, 20))
            if issued < as_of and rng.random() < EVALUATED_SHARE:
                invitations.append(
                    EvaluationInvitation(
                        placement=pl,
                        issued_at=self._at(issued, 19),
                        answered_at=self._at(issued, 20),
                    )
                )
                evaluations.append(
                    PlacementEvaluation(
                        id=self._uuid(),
                        unit_id=pl.unit_id,
                        year=pl.end.year,
                        supervision=rng.choice((2, 3, 4, 4, 5, 5)),
                        learning_climate=rng.choice((3, 4, 4, 5)),
                        patient_responsibility=rng.choice((3, 4, 5)),
                        workload=rng.choice((1, 2, 3, 3, 4)),
                        goals=sorted(rng.sample(codes, rng.randint(1, 3))) if codes else [],
                        free_text=rng.choice(["", "", *COMMENTS]),
                    )
                )
            else:
                # Not answered: reminded once a week after the end (quality.services.send_evaluation_reminders).
                reminded = pl.end + datetime.timedelta(days=7)
                invitations.append(
                    EvaluationInvitation(placement=pl, reminded_at=self._at(reminded, 6) if reminded < as_of else None)
                )
        _bulk(EvaluationInvitation, invitations, self.counts)
        rng.shuffle(evaluations)
        _bulk(PlacementEvaluation, evaluations, self.counts)

    def _intake(self, region, trainees, starts, per_round, kansli) -> None:
        rounds = []
        for start in starts:
            opens = rules.dates.add_months(start, -5)
            rounds.append(
                Round(
                    region=region,
                    name=f"{'April' if start.month == 3 else 'November'} {opens.year} (BT {start:%Y-%m})",
                    opens_on=opens,
                    closes_on=opens + datetime.timedelta(days=30),
                    bt_start=start,
                    places=0,
                )
            )
        _bulk(Round, rounds, self.counts)
        applications = []
        it = iter(trainees)
        for rnd, n in zip(rounds, per_round):
            for trainee in itertools.islice(it, n):
                user = trainee.user
                applications.append(
                    Application(
                        round=rnd,
                        bt_type=trainee.bt_type,
                        unit=trainee.home_unit,
                        st_specialty=trainee.st_specialty,
                        first_name=user.first_name,
                        last_name=user.last_name,
                        email=user.email,
                        personnummer=user.personnummer,
                        status=ApplicationStatus.ADMITTED,
                        decided_at=datetime.datetime.combine(rnd.closes_on, datetime.time(12), tzinfo=datetime.UTC),
                        decided_by=kansli,
                        admitted_trainee=trainee,
                        trainee=trainee,
                        source="generated",
                    )
                )
            rnd.places = n
        Round.objects.bulk_update(rounds, ["places"], batch_size=BATCH)
        _bulk(Application, applications, self.counts)


def _tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a few lines of Helvetica (WinAnsi), written by hand: a millisecond, not the
    second WeasyPrint takes (see the module's docstring)."""

    def text(line: str) -> bytes:
        raw = line.encode("cp1252", errors="replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    body = b"BT /F1 12 Tf 56 780 Td 18 TL " + b" ".join(text(x) + b" Tj T*" for x in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def already_generated() -> bool:
    return User.objects.filter(email__endswith=f".{DOMAIN}").exists()


def generate(preset: str | Preset, *, seed: int = 2026, as_of: datetime.date | None = None, progress=None) -> Result:
    """Fill the database with generated data (on top of what is there, e.g. the demo)."""
    import time

    preset = PRESETS[preset] if isinstance(preset, str) else preset
    began = time.monotonic()
    gen = _Generator(preset, seed=seed, as_of=as_of or timezone.localdate())
    # Västra Götaland (the demo's region) and Skåne first, so the smaller presets have them.
    everyone = list(Region.objects.order_by("code"))
    first = [r for slug in ("vgr", "skane") for r in everyone if r.slug == slug]
    regions = (first + [r for r in everyone if r not in first])[: preset.regions]
    for region in regions:
        with transaction.atomic():
            gen.region(region)
        if progress:
            progress(region, gen.counts, time.monotonic() - began)
    _analyze()
    return Result(gen.counts, time.monotonic() - began)


def _analyze() -> None:
    """Refresh PostgreSQL's planner statistics after the bulk inserts. Autovacuum would, but later: until
    then the planner keeps the estimates of the near-empty tables and picks plans that scan (a BT-läkare's
    delmål links read through the delmål's index: 63 ms instead of 0.2 ms on region data)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

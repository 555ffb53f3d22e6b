"""Build the BT-portalen demo (`manage.py seed_demo`).

Two steps:
1. `build_plan()` turns the plain structures in `demo.data` into a complete,
   deterministic plan (dates, personnummer, supervisors, home units) without touching the
   database. All randomness comes from one `random.Random(2026)` consumed in a fixed order.
2. `seed()` writes the plan idempotently: every object is looked up by its natural key and only
   saved when a value differs, so a second run changes nothing (not even the history tables).
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

import rules
from accounts.models import Role, RoleAssignment, SupervisorProfile, User
from demo import data
from demo.personnummer import InventedPersonnummer
from demo.story import seed_story
from organisations.models import PlacementCategory, Region, Unit, UnitCapacity, UnitKind
from trainees.models import Placement, Trainee

DEMO_PASSWORD = data.DEMO_PASSWORD

# The nine role logins, in the order the summary lists them.
LOGINS = [
    ("bt@example.se", Role.BT_LAKARE),
    ("handledare@example.se", Role.HANDLEDARE),
    ("huvudhandledare@example.se", Role.HUVUDHANDLEDARE),
    ("studierektor@example.se", Role.STUDIEREKTOR),
    ("verksamhetschef@example.se", Role.VERKSAMHETSCHEF),
    ("kansli@example.se", Role.KANSLI),
    ("extern@example.se", Role.EXTERN_BEDOMARE),
    ("granskare@example.se", Role.GRANSKARE),
    ("admin@example.se", Role.ADMIN),
]
LOGIN_EMAILS = frozenset(email for email, _role in LOGINS)

STAFF_SINCE = datetime.date(2025, 1, 1)  # valid_from of the staff logins' role assignments
SUPERVISOR_SINCE = datetime.date(2024, 1, 1)  # … and of the supervisors'
LATEST_TRAINEE_SINCE = datetime.date(2026, 10, 1)  # planned trainees can already log in
ST_BEFORE_BT_MONTHS = 6  # integrated BT: months of ST before BT starts (seed 004: 6–12)

# A unit in the plan: (region slug, parent name or None, name).
UnitKey = tuple[str, "str | None", str]


# ---------------------------------------------------------------------------
# The plan (pure data)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPlan:
    key: UnitKey
    kind: str
    category: str
    bt_capacity: int
    hsa_id: str


@dataclass(frozen=True)
class PersonPlan:
    email: str
    first_name: str
    last_name: str
    personnummer: str
    phone: str = ""
    admin: bool = False

    @property
    def login(self) -> bool:
        return self.email in LOGIN_EMAILS


@dataclass(frozen=True)
class RolePlan:
    email: str
    role: str
    region: str | None
    unit: UnitKey | None
    valid_from: datetime.date


@dataclass(frozen=True)
class SupervisorPlan:
    email: str
    region: str
    specialty: str
    workplace: UnitKey
    role: str
    specialist_since: datetime.date | None
    supervisor_training_date: datetime.date | None
    bt_supervisor_training_date: datetime.date | None


@dataclass(frozen=True)
class TraineePlan:
    email: str
    region: str
    home_unit: UnitKey
    bt_type: str
    st_specialty: str
    status: str
    planned_start: datetime.date
    licence_date: datetime.date
    degree_country: str
    degree_date: datetime.date
    main_supervisor: str
    st_start: datetime.date | None = None


@dataclass
class Plan:
    units: list[UnitPlan] = field(default_factory=list)
    capacities: list[tuple[UnitKey, datetime.date, int]] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    roles: list[RolePlan] = field(default_factory=list)
    supervisors: list[SupervisorPlan] = field(default_factory=list)
    trainees: list[TraineePlan] = field(default_factory=list)


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", "-")


def person_email(first: str, last: str, region: str) -> str:
    return f"{ascii_slug(first)}.{ascii_slug(last)}@{region}.example.se"


def first_monday(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _month(text: str) -> datetime.date:
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(["070", "072", "073", "076"])
    return f"{prefix}-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


class _UnitIndex:
    """Resolves "Parent/Child" or a leaf name unique in the region to a UnitKey."""

    def __init__(self, units: list[UnitPlan]):
        self.keys = {unit.key for unit in units}
        self.by_leaf: dict[tuple[str, str], list[UnitKey]] = {}
        for key in sorted(self.keys, key=lambda k: (k[0], k[1] or "", k[2])):
            self.by_leaf.setdefault((key[0], key[2]), []).append(key)

    def resolve(self, region: str, ref: str) -> UnitKey:
        if "/" in ref:
            parent, name = ref.split("/", 1)
            key = (region, parent, name)
            if key not in self.keys:
                raise KeyError(f"No demo unit {ref!r} in {region}")
            return key
        matches = self.by_leaf.get((region, ref), [])
        if len(matches) != 1:
            raise KeyError(f"Demo unit {ref!r} in {region} is missing or ambiguous")
        return matches[0]

    def named(self, region: str, names: list[str]) -> list[UnitKey]:
        return [key for name in names for key in self.by_leaf.get((region, name), []) if key[1]]


def _plan_units(plan: Plan) -> None:
    for region, prefix in data.SEED_REGIONS.items():
        tree = data.UNIT_TREES[region]
        serial = 0

        def hsa(prefix: str = prefix) -> str:
            nonlocal serial
            serial += 1
            return f"{prefix}-E{1000 + 37 * serial:012d}"

        for hospital, kliniker in tree["hospitals"]:
            plan.units.append(UnitPlan((region, None, hospital), UnitKind.HOSPITAL, "", 0, hsa()))
            for name, capacity in kliniker.items():
                hsa_id = hsa() if name == "Akutkliniken" else ""
                category = data.KLINIK_CATEGORY[name]
                plan.units.append(UnitPlan((region, hospital, name), UnitKind.CLINIC, category, capacity, hsa_id))
        administration, centres = tree["primary_care"]
        plan.units.append(UnitPlan((region, None, administration), UnitKind.ADMINISTRATION, "", 0, hsa()))
        for name, capacity in centres.items():
            plan.units.append(
                UnitPlan(
                    (region, administration, name),
                    UnitKind.HEALTH_CENTRE,
                    PlacementCategory.PRIMARY_CARE,
                    capacity,
                    hsa(),
                )
            )


def build_plan() -> Plan:
    rng = random.Random(data.RANDOM_SEED)
    as_of = _date(data.AS_OF)
    numbers = InventedPersonnummer(rng)
    plan = Plan()
    _plan_units(plan)
    index = _UnitIndex(plan.units)

    for region, ref, month, capacity in data.CAPACITY_EXCEPTIONS:
        plan.capacities.append((index.resolve(region, ref), _month(month), capacity))

    # Staff logins.
    for email, first, last, sex, role, region, unit_ref in data.STAFF_LOGINS:
        admin = role == Role.ADMIN
        personnummer = "" if admin else numbers.make(numbers.born_in(1962, 1982), sex)
        plan.people.append(PersonPlan(email, first, last, personnummer, admin=admin))
        unit = index.resolve(region, unit_ref) if unit_ref else None
        plan.roles.append(RolePlan(email, role, None if unit else region, unit, STAFF_SINCE))

    # Supervisors.
    hhl_by_region: dict[str, list[SupervisorPlan]] = {}
    for (
        region,
        first,
        last,
        sex,
        specialty,
        workplace_ref,
        role,
        specialist_since,
        training,
        bt_training,
        email,
    ) in data.SUPERVISORS:
        email = email or person_email(first, last, region)
        since = _date(specialist_since)
        born = numbers.born_in(since.year - 40, since.year - 34) if since else numbers.born_in(1988, 1992)
        plan.people.append(PersonPlan(email, first, last, numbers.make(born, sex), _phone(rng)))
        workplace = index.resolve(region, workplace_ref)
        supervisor = SupervisorPlan(
            email, region, specialty, workplace, role, since, _date(training), _date(bt_training)
        )
        plan.supervisors.append(supervisor)
        plan.roles.append(RolePlan(email, role, None, workplace, SUPERVISOR_SINCE))
        if role == Role.HUVUDHANDLEDARE:
            hhl_by_region.setdefault(region, []).append(supervisor)
    supervisors = {s.email: s for s in plan.supervisors}

    # BT-läkare.
    for (
        region,
        first,
        last,
        sex,
        country,
        status,
        start_month,
        bt_type,
        st_specialty,
        hhl_email,
        email,
    ) in data.TRAINEES:
        email = email or person_email(first, last, region)
        start = first_monday(*map(int, start_month.split("-")))
        licence = start - datetime.timedelta(days=rng.randint(21, 180))
        licence = min(licence, as_of - datetime.timedelta(days=rng.randint(7, 90)))
        if country == "Sverige":
            degree = licence - datetime.timedelta(days=rng.randint(14, 120))
        else:
            degree = datetime.date(licence.year - rng.randint(2, 8), rng.choice([1, 6, 6, 7, 12]), rng.randint(1, 28))
        born_year = min(max(degree.year - rng.randint(24, 29), 1985), 1998)
        personnummer = numbers.make(numbers.born_in(born_year, born_year), sex)
        plan.people.append(PersonPlan(email, first, last, personnummer, _phone(rng)))

        if hhl_email:
            hhl = supervisors[hhl_email]
        else:
            candidates = [s for s in hhl_by_region[region] if s.specialty == st_specialty] or hhl_by_region[region]
            hhl = rng.choice(sorted(candidates, key=lambda s: s.email))
        homes = index.named(region, data.SPECIALTY_HOME.get(st_specialty, [])) if bt_type == "integrerad" else []
        home = rng.choice(homes) if homes else hhl.workplace
        # Integrated BT starts some months into the ST employment (seed 004: 6–12 months).
        st_start = rules.dates.add_months(start, -ST_BEFORE_BT_MONTHS) if bt_type == "integrerad" else None
        plan.trainees.append(
            TraineePlan(
                email, region, home, bt_type, st_specialty, status, start, licence, country, degree, hhl.email, st_start
            )
        )
        since = min(start - datetime.timedelta(days=90), LATEST_TRAINEE_SINCE)
        plan.roles.append(RolePlan(email, Role.BT_LAKARE, region, None, since))

    # A head (verksamhetschef) for the home unit of every BT-läkare who has completed BT: they sign
    # Bilaga 3 (demo.story). Drawn after everyone else, so the rest of the demo stays as it was.
    headed = {r.unit for r in plan.roles if r.role == Role.VERKSAMHETSCHEF and r.unit}
    names = iter(data.HEADS_OF_UNIT)
    for trainee in plan.trainees:
        if trainee.status != "completed" or trainee.home_unit in headed:
            continue
        first, last, sex = next(names)
        email = person_email(first, last, trainee.region)
        plan.people.append(PersonPlan(email, first, last, numbers.make(numbers.born_in(1962, 1982), sex)))
        plan.roles.append(RolePlan(email, Role.VERKSAMHETSCHEF, None, trainee.home_unit, STAFF_SINCE))
        headed.add(trainee.home_unit)
    return plan


# ---------------------------------------------------------------------------
# Writing the plan
# ---------------------------------------------------------------------------


@dataclass
class SeedResult:
    units: int
    units_by_category: dict[str, int]
    capacity_exceptions: int
    supervisors: int
    trainees: int
    trainees_by_status: dict[str, int]
    logins: list[tuple[str, str]]
    created: Counter
    updated: Counter


class _Passwords:
    """The nine logins share the demo password; everyone else gets an unusable one.

    Hashing is slow by design, so the demo hash is made once per run and an existing hash is
    checked once per distinct value (the logins share one hash, so that is usually one check).
    """

    def __init__(self):
        self._hash: str | None = None
        self._valid: dict[str, bool] = {}

    def apply(self, user: User, login: bool) -> bool:
        """Give `user` the right password; True when it changed."""
        if not login:
            if user.password and not user.has_usable_password():
                return False
            user.set_unusable_password()
            return True
        encoded = user.password or ""
        if encoded not in self._valid:
            self._valid[encoded] = bool(encoded) and check_password(DEMO_PASSWORD, encoded)
        if self._valid[encoded]:
            return False
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
            self._valid[self._hash] = True
        user.password = self._hash
        return True


class _Writer:
    def __init__(self):
        self.created: Counter = Counter()
        self.updated: Counter = Counter()

    def upsert(self, model, lookup: dict, values: dict, before_save=None):
        """update_or_create that saves only when something differs (keeps history quiet)."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        changed = created
        if created:
            obj = model(**lookup, **values)
        else:
            for name, value in values.items():
                model_field = model._meta.get_field(name)
                current = getattr(obj, model_field.attname)
                wanted = value.pk if model_field.is_relation and value is not None else value
                if current != wanted:
                    setattr(obj, name, value)
                    changed = True
        if before_save is not None and before_save(obj):
            changed = True
        if changed:
            obj.save()
            (self.created if created else self.updated)[model._meta.model_name] += 1
        return obj


@transaction.atomic
def seed() -> SeedResult:
    plan = build_plan()
    writer = _Writer()
    passwords = _Passwords()

    regions = {region.slug: region for region in Region.objects.filter(slug__in=data.SEED_REGIONS)}
    missing = set(data.SEED_REGIONS) - set(regions)
    if missing:
        raise RuntimeError(f"Regions missing (run migrate first): {', '.join(sorted(missing))}")

    # Units: the plan lists parents before their children.
    units: dict[UnitKey, Unit] = {}
    for item in plan.units:
        region, parent, name = item.key
        units[item.key] = writer.upsert(
            Unit,
            {"region": regions[region], "parent": units[(region, None, parent)] if parent else None, "name": name},
            {
                "kind": item.kind,
                "category": item.category,
                "bt_capacity": item.bt_capacity,
                "hsa_id": item.hsa_id,
                "active": True,
            },
        )
    for key, month, capacity in plan.capacities:
        writer.upsert(UnitCapacity, {"unit": units[key], "month": month}, {"capacity": capacity})

    users: dict[str, User] = {}
    for person in plan.people:
        users[person.email] = writer.upsert(
            User,
            {"email": person.email},
            {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "personnummer": person.personnummer,
                "phone": person.phone,
                "is_active": True,
                "is_staff": person.admin,
                "is_superuser": person.admin,
            },
            before_save=lambda user, login=person.login: passwords.apply(user, login),
        )

    for role in plan.roles:
        writer.upsert(
            RoleAssignment,
            {
                "user": users[role.email],
                "role": role.role,
                "region": regions[role.region] if role.region else None,
                "unit": units[role.unit] if role.unit else None,
            },
            {"valid_from": role.valid_from, "valid_to": None},
        )

    for supervisor in plan.supervisors:
        writer.upsert(
            SupervisorProfile,
            {"user": users[supervisor.email]},
            {
                "specialty": supervisor.specialty,
                "specialist_since": supervisor.specialist_since,
                "supervisor_training_date": supervisor.supervisor_training_date,
                "bt_supervisor_training_date": supervisor.bt_supervisor_training_date,
                "workplace": units[supervisor.workplace],
            },
        )

    for trainee in plan.trainees:
        region = regions[trainee.region]
        writer.upsert(
            Trainee,
            {"user": users[trainee.email]},
            {
                "region": region,
                "home_unit": units[trainee.home_unit],
                "bt_type": trainee.bt_type,
                "st_specialty": trainee.st_specialty,
                "programme": region.programme,
                "status": trainee.status,
                "planned_start": trainee.planned_start,
                "licence_date": trainee.licence_date,
                "degree_country": trainee.degree_country,
                "degree_date": trainee.degree_date,
                "st_start": trainee.st_start,
                "main_supervisor": users[trainee.main_supervisor],
            },
        )

    seeded_units = Unit.objects.filter(region__slug__in=data.SEED_REGIONS)
    seeded_trainees = Trainee.objects.filter(user__email__in=[t.email for t in plan.trainees])
    _seed_placements(seeded_trainees, writer)
    seed_story(seeded_trainees, writer)
    return SeedResult(
        units=seeded_units.count(),
        units_by_category=dict(Counter(seeded_units.exclude(category="").values_list("category", flat=True))),
        capacity_exceptions=UnitCapacity.objects.filter(unit__in=seeded_units).count(),
        supervisors=SupervisorProfile.objects.filter(user__email__in=[s.email for s in plan.supervisors]).count(),
        trainees=seeded_trainees.count(),
        trainees_by_status=dict(Counter(seeded_trainees.values_list("status", flat=True))),
        logins=[(email, str(role)) for email, role in LOGINS],
        created=writer.created,
        updated=writer.updated,
    )


def _seed_placements(trainees, writer) -> None:
    """Give every demo trainee without placements a plan from their programme's template, on
    units of the right category in their region (round robin), with a handledare working there.

    Only trainees without placements get one, so a second run changes nothing and a plan
    edited in the demo is left alone. The next intake (planned, starting from March 2027) is
    left unplanned: that is the cohort for the cohort planner in the demo.
    """
    turn: Counter = Counter()
    trainees = trainees.select_related("region").order_by("planned_start", "user__email")
    for trainee in trainees:
        if trainee.placements.exists() or _next_intake(trainee):
            continue
        try:
            draft = rules.template_plan(trainee.programme, trainee.bt_type, trainee.planned_start)
        except (ValueError, rules.UnknownProgrammeError):
            continue
        for slot in draft.placements:
            category = "akut" if slot.category == "valfri" else slot.category
            candidates = list(
                Unit.objects.filter(region=trainee.region, category=category, active=True).order_by("path")
            )
            unit = None
            if candidates and slot.category != "introduktion":
                unit = candidates[turn[(trainee.region_id, category)] % len(candidates)]
                turn[(trainee.region_id, category)] += 1
            supervisor = (
                SupervisorProfile.objects.filter(workplace=unit).order_by("user__email").first() if unit else None
            )
            Placement.objects.create(
                trainee=trainee,
                category=unit.category if unit else slot.category,
                unit=unit,
                start=slot.start,
                end=slot.end,
                extent=slot.extent,
                supervisor=supervisor.user if supervisor else None,
            )
            writer.created["placement"] += 1


def _next_intake(trainee) -> bool:
    return trainee.status == "planned" and trainee.planned_start >= datetime.date(2027, 3, 1)

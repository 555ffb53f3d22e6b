"""Small factories for tests: build just what a test needs, with sensible defaults."""

import datetime
import itertools

from accounts.models import Role, RoleAssignment, SupervisorProfile, User
from accounts.personnummer import luhn_check_digit
from organisations.models import Region, Unit, UnitKind
from trainees.models import Trainee

PASSWORD = "test-password-123"

#: Every persona of the `world` fixture (conftest.py): one per role in scope, an outsider, and two
#: strangers scoped to another region.
PERSONAS = [
    "bt_lakare",
    "handledare",
    "huvudhandledare",
    "studierektor",
    "verksamhetschef",
    "kansli",
    "extern_bedomare",
    "granskare",
    "admin",
    "outsider",
    "stranger_kansli",
    "stranger_studierektor",
]
_seq = itertools.count(1)


def make_personnummer(born: datetime.date | None = None, serial: int | None = None) -> str:
    """A valid personnummer. Without `born`, a unique one born in the 1980s — never one a test
    writes by hand with its own date (those use other years), whatever order tests run in."""
    if born is None:
        n = next(_seq)
        born, serial = datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 1000), n % 1000
    serial = next(_seq) % 1000 if serial is None else serial
    ten = f"{born:%y%m%d}{serial:03d}"
    return f"{born:%Y%m%d}{serial:03d}{luhn_check_digit(ten)}"


def make_user(email: str | None = None, *, role: str | None = None, region=None, unit=None, **fields) -> User:
    n = next(_seq)
    email = email or f"user{n}@example.se"
    fields.setdefault("first_name", f"Förnamn{n}")
    fields.setdefault("last_name", f"Efternamn{n}")
    user = User.objects.create_user(email=email, password=PASSWORD, **fields)
    if role:
        grant(user, role, region=region, unit=unit)
    return user


def grant(user, role: str, *, region=None, unit=None, valid_from=None, valid_to=None) -> RoleAssignment:
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return RoleAssignment.objects.create(
        user=user, role=role, region=region, unit=unit, valid_from=valid_from, valid_to=valid_to
    )


def region(slug: str = "vgr") -> Region:
    return Region.objects.get(slug=slug)


def make_unit(
    region_obj, name: str | None = None, *, parent=None, kind=UnitKind.CLINIC, category="akut", capacity=2
) -> Unit:
    return Unit.objects.create(
        region=region_obj,
        parent=parent,
        name=name or f"Enhet {next(_seq)}",
        kind=kind,
        category=category,
        bt_capacity=capacity,
    )


def make_supervisor(email: str | None = None, *, role=Role.HANDLEDARE, workplace=None, **profile) -> User:
    user = make_user(email, role=role, unit=workplace)
    profile.setdefault("specialty", "Allmänmedicin")
    profile.setdefault("specialist_since", datetime.date(2015, 1, 1))
    profile.setdefault("supervisor_training_date", datetime.date(2016, 3, 1))
    SupervisorProfile.objects.create(user=user, workplace=workplace, **profile)
    return user


def make_trainee(user=None, *, home_unit, main_supervisor=None, **fields) -> Trainee:
    user = user or make_user(personnummer=make_personnummer())
    if not RoleAssignment.objects.filter(user=user, role=Role.BT_LAKARE).exists():
        grant(user, Role.BT_LAKARE)
    fields.setdefault("bt_type", "fristaende")
    fields.setdefault("planned_start", datetime.date(2026, 11, 1))
    fields.setdefault("programme", home_unit.region.programme)
    return Trainee.objects.create(
        user=user, region=home_unit.region, home_unit=home_unit, main_supervisor=main_supervisor, **fields
    )

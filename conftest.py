"""Shared test fixtures: a small world with one persona per role (healthchecks-style)."""

import itertools
import os
import unittest
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _is_browser_test(item) -> bool:
    """A test in some app's `tests/browser/` directory."""
    parts = Path(str(item.path)).parts
    return any(a == "tests" and b == "browser" for a, b in itertools.pairwise(parts))


#: Fixtures through which a test reaches the database (pytest-django's, and what builds on them).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "django_db_setup",
    "live_server",
}


def pytest_itemcollected(item):
    """Mark `no_db` every test that never reaches the database (no django_db marker, no database fixture among
    the fixtures it uses, directly or through others): the rules engine, the scheduler's solver, pure functions.
    What they test cannot depend on the database, so the PostgreSQL run of CI leaves them out (`-m 'not no_db'`).
    Unittest-style tests (Django's TestCase) count as using it. Runs as each test is collected, before `-m`
    selects."""
    if not isinstance(item, pytest.Function) or item.get_closest_marker("django_db") is not None:
        return
    if isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, unittest.TestCase):
        return
    if not set(item.fixturenames) & DATABASE_FIXTURES:
        item.add_marker(pytest.mark.no_db)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests (every app's `tests/browser/`) last.

    They flush the database after each test (transactional tests), so any ordinary database test after them
    would miss the regions and goals from the data migrations. pytest-django sorts transactional tests last,
    but pytest's own grouping by the session-scoped `browser_name` parameter (pytest-playwright) runs after
    that sort and can pull these tests forward; this hook runs after both.
    """
    browser = [item for item in items if _is_browser_test(item)]
    for item in browser:
        if item.get_closest_marker("browser") is None:
            raise pytest.UsageError(
                f"{item.nodeid}: browser tests need `pytestmark = BROWSER_MARKS` (see btportal/tests/browser/conftest.py)"
            )
    if browser:
        items[:] = [item for item in items if not _is_browser_test(item)] + browser


@dataclass
class World:
    vgr: object
    gavleborg: object
    hospital: object
    clinic: object
    health_centre: object
    other_clinic: object
    users: dict
    trainee: object
    other_trainee: object
    supervisor_profile: object


@pytest.fixture
def world(db):
    """Two regions; in VGR a hospital with a clinic and a vårdcentral; one persona per role.

    `users` maps role → user scoped so that the VGR trainee is inside their scope, plus
    `outsider` (no role) and `stranger_<role>` personas scoped to Gävleborg.
    """
    from accounts.models import Role, SupervisorProfile
    from btportal import factories as f
    from organisations.models import UnitKind

    vgr, gavleborg = f.region("vgr"), f.region("gavleborg")
    hospital = f.make_unit(vgr, "Sahlgrenska", kind=UnitKind.HOSPITAL, category="")
    clinic = f.make_unit(vgr, "Medicinkliniken", parent=hospital, category="akut")
    health_centre = f.make_unit(vgr, "Vårdcentralen Majorna", kind=UnitKind.HEALTH_CENTRE, category="primarvard")
    other_clinic = f.make_unit(gavleborg, "Akutkliniken Gävle", category="akut")

    users = {
        "bt_lakare": f.make_user("bt@example.se", personnummer=f.make_personnummer()),
        "handledare": f.make_supervisor("handledare@example.se", workplace=clinic),
        "huvudhandledare": f.make_supervisor("hhl@example.se", role=Role.HUVUDHANDLEDARE, workplace=health_centre),
        "studierektor": f.make_user("sr@example.se", role=Role.STUDIEREKTOR, unit=hospital),
        "verksamhetschef": f.make_user("vc@example.se", role=Role.VERKSAMHETSCHEF, unit=clinic),
        "kansli": f.make_user("kansli@example.se", role=Role.KANSLI, region=vgr),
        "extern_bedomare": f.make_supervisor("extern@example.se", role=Role.EXTERN_BEDOMARE, workplace=other_clinic),
        "granskare": f.make_user("granskare@example.se", role=Role.GRANSKARE, region=vgr),
        "admin": f.make_user("admin@example.se", role=Role.ADMIN),
        "outsider": f.make_user("outsider@example.se"),
        "stranger_kansli": f.make_user("kansli2@example.se", role=Role.KANSLI, region=gavleborg),
        "stranger_studierektor": f.make_user("sr2@example.se", role=Role.STUDIEREKTOR, unit=other_clinic),
    }
    trainee = f.make_trainee(users["bt_lakare"], home_unit=clinic, main_supervisor=users["huvudhandledare"])
    other_trainee = f.make_trainee(home_unit=other_clinic)
    return World(
        vgr=vgr,
        gavleborg=gavleborg,
        hospital=hospital,
        clinic=clinic,
        health_centre=health_centre,
        other_clinic=other_clinic,
        users=users,
        trainee=trainee,
        other_trainee=other_trainee,
        supervisor_profile=SupervisorProfile.objects.get(user=users["handledare"]),
    )


@pytest.fixture(autouse=True)
def _forget_kept_copies():
    """The `fragments` cache keeps copies of its entries in the process's memory (core/cache.py), under keys
    made of what they show. Each test empties the database, and the next one makes the same ids again: the
    copies go with it."""
    from core.cache import forget

    forget()


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_signed_row_guards():
    """Transactional tests empty the database after each test; on SQLite that is a DELETE per
    table, which the triggers guarding signed rows refuse. The flush lifts them for itself."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from core.immutable import guards_lifted

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with guards_lifted(self.connection):
            return original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original

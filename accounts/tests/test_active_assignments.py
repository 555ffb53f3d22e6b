"""The active role assignments are read on every request through a statement compiled once per process
(accounts.permissions._assignments_of): it must give exactly what the ORM's `RoleAssignment.objects.active(on)`
gives, on every day around the assignments' bounds, with the path of each assignment's unit."""

import datetime

import pytest

from accounts import permissions
from accounts.models import Role, RoleAssignment
from accounts.permissions import active_assignments, unit_scope
from btportal.factories import grant, make_user

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_kept_statement_gives_what_the_orm_gives_on_every_day(world):
    user = make_user("roller@example.se")
    grant(user, Role.KANSLI, region=world.vgr)  # no bounds
    grant(user, Role.STUDIEREKTOR, unit=world.hospital, valid_from=D(2026, 3, 1))
    grant(user, Role.VERKSAMHETSCHEF, unit=world.clinic, valid_to=D(2026, 6, 30))
    grant(user, Role.HANDLEDARE, unit=world.clinic, valid_from=D(2026, 4, 1), valid_to=D(2026, 4, 1))
    other = make_user("annan@example.se")
    grant(other, Role.KANSLI, region=world.gavleborg)
    for day in (
        D(2026, 2, 28),
        D(2026, 3, 1),
        D(2026, 3, 31),
        D(2026, 4, 1),
        D(2026, 4, 2),
        D(2026, 6, 30),
        D(2026, 7, 1),
    ):
        expected = {a.pk: a for a in RoleAssignment.objects.active(day).filter(user=user).select_related("unit")}
        got = permissions._assignments_of(user.pk, day)
        assert {a.pk for a in got} == set(expected), day
        for a in got:
            assert (a.role, a.region_id, a.unit_id) == (
                expected[a.pk].role,
                expected[a.pk].region_id,
                expected[a.pk].unit_id,
            )
            assert a.unit_path == (expected[a.pk].unit.path if a.unit_id else None)
    assert {a.role for a in permissions._assignments_of(user.pk, D(2026, 4, 1))} == {
        Role.KANSLI,
        Role.STUDIEREKTOR,
        Role.VERKSAMHETSCHEF,
        Role.HANDLEDARE,
    }


def test_the_unit_scope_follows_a_unit_moved(world):
    """The scope reads the unit's path from the same statement: a unit moved under another is seen at once."""
    user = make_user("studierektor.flyttad@example.se")
    grant(user, Role.STUDIEREKTOR, unit=world.clinic)
    assert unit_scope(user, {Role.STUDIEREKTOR}) == (set(), [world.clinic.path])
    world.clinic.parent = None
    world.clinic.save()
    world.clinic.refresh_from_db()
    fresh = type(user).objects.get(pk=user.pk)  # a new request: a new user object
    assert unit_scope(fresh, {Role.STUDIEREKTOR}) == (set(), [world.clinic.path])
    assert active_assignments(fresh)[0].unit_path == world.clinic.path


def test_without_a_kept_statement_the_orm_answers(world, monkeypatch):
    user = make_user("orm@example.se")
    grant(user, Role.KANSLI, region=world.vgr)
    monkeypatch.setattr(permissions, "_ASSIGNMENT_STATEMENTS", {"default": None})
    got = permissions._assignments_of(user.pk, datetime.date.today())
    assert [(a.role, a.unit_path) for a in got] == [(Role.KANSLI, None)]

"""Permission.get_object reads the object together with the scope's test in one query; it must answer
exactly what `allows` answers, for every persona and object: the object when allowed, 403 when the object
exists but is outside the scope (or the role is missing), 404 when there is no such object, 400 for an id
that is no id."""

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from accounts.permissions import roles_of
from trainees.models import Placement, Trainee
from trainees.permissions import EDIT_PLAN, VIEW_TRAINEE

pytestmark = pytest.mark.django_db


def _answer(perm, user, queryset, **lookup):
    try:
        return perm.get_object(user, queryset, **lookup)
    except PermissionDenied:
        return 403
    except Http404:
        return 404


@pytest.mark.parametrize("perm", [VIEW_TRAINEE, EDIT_PLAN], ids=str)
def test_it_answers_what_allows_answers_for_every_persona_and_trainee(world, perm):
    trainees = [world.trainee, world.other_trainee]
    for name, user in world.users.items():
        for trainee in trainees:
            expected = trainee if perm.allows(user, trainee) else 403
            assert _answer(perm, user, Trainee.objects.all(), pk=trainee.pk) == expected, (name, trainee)
        assert _answer(perm, user, Trainee.objects.all(), pk=10**6) == 404, name
    assert {_answer(VIEW_TRAINEE, world.users["kansli"], Trainee.objects.all(), pk=t.pk) for t in trainees} == {
        world.trainee,
        403,
    }


def test_one_query_when_allowed(world):
    user = world.users["kansli"]
    roles_of(user)  # the role assignments, read once per request anyway
    with CaptureQueriesContext(connection) as queries:
        got = VIEW_TRAINEE.get_object(user, Trainee.objects.select_related("user"), pk=world.trainee.pk)
    assert got == world.trainee and got.user.email == "bt@example.se"
    assert len(queries) == 1


def test_via_tests_the_scope_on_the_related_object(world):
    import datetime

    def placement(trainee, unit):
        start = datetime.date(2026, 1, 1)
        return Placement.objects.create(
            trainee=trainee, category="akut", unit=unit, start=start, end=datetime.date(2026, 4, 30)
        )

    inside = placement(world.trainee, world.clinic)
    outside = placement(world.other_trainee, world.other_clinic)
    kansli = world.users["kansli"]
    assert _answer(VIEW_TRAINEE, kansli, Placement.objects.all(), via="trainee", pk=inside.pk) == inside
    assert _answer(VIEW_TRAINEE, kansli, Placement.objects.all(), via="trainee", pk=outside.pk) == 403
    stranger = world.users["stranger_kansli"]
    assert _answer(VIEW_TRAINEE, stranger, Placement.objects.all(), via="trainee", pk=outside.pk) == outside
    assert _answer(VIEW_TRAINEE, stranger, Placement.objects.all(), via="trainee", pk=inside.pk) == 403


def test_extra_lookups_narrow_the_object_and_a_missing_one_is_404(world):
    kansli = world.users["kansli"]
    pk = world.trainee.pk
    assert _answer(VIEW_TRAINEE, kansli, Trainee.objects.all(), pk=pk, status=world.trainee.status) == world.trainee
    assert _answer(VIEW_TRAINEE, kansli, Trainee.objects.all(), pk=pk, status="no such status") == 404


@pytest.mark.parametrize("bad", ["abc", "", "1.5"])
def test_an_id_that_is_no_id_is_a_bad_request(world, bad):
    with pytest.raises(BadRequest):
        VIEW_TRAINEE.get_object(world.users["kansli"], Trainee.objects.all(), pk=bad)
    with pytest.raises(BadRequest):
        VIEW_TRAINEE.get_object(world.users["outsider"], Trainee.objects.all(), pk=bad)

import datetime

import pytest
from django.urls import reverse

from core.errors import DomainError
from trainees import services
from trainees.models import StatusChange

D = datetime.date


@pytest.fixture
def kansli(client, world):
    client.force_login(world.users["kansli"])
    return client


def _post(client, trainee, **data):
    return client.post(reverse("trainees:status", args=[trainee.pk]), data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_the_lifecycle_runs_planned_active_paused_active_completed(kansli, world):
    t = world.trainee
    for to, on, reason in [
        ("active", "2026-11-02", ""),
        ("paused", "2027-02-01", "Föräldraledighet"),
        ("active", "2027-05-01", ""),
        ("completed", "2027-12-01", ""),
    ]:
        assert _post(kansli, t, to=to, on=on, reason=reason).status_code == 302
        t.refresh_from_db()
        assert t.status == to
    assert t.status_since == D(2027, 12, 1)
    changes = list(StatusChange.objects.filter(trainee=t).order_by("created_at", "pk"))
    assert [c.to_status for c in changes] == ["active", "paused", "active", "completed"]
    assert changes[1].reason == "Föräldraledighet" and changes[1].changed_by == world.users["kansli"]
    assert t.history.filter(status="paused").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,to,reason,message",
    [
        ("planned", "completed", "", "cannot go from"),
        ("completed", "active", "", "cannot go from"),
        ("discontinued", "active", "", "cannot go from"),
        ("active", "discontinued", "", "Give a reason"),
        ("active", "paused", "   ", "Give a reason"),
        ("active", "bogus", "", "Select a valid choice"),
    ],
)
def test_a_forbidden_transition_is_refused_and_changes_nothing(kansli, world, start, to, reason, message):
    t = world.trainee
    t.status = start
    t.save()
    response = _post(kansli, t, to=to, on="2027-01-01", reason=reason)
    assert response.status_code == 302
    follow = kansli.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    t.refresh_from_db()
    assert t.status == start
    assert not StatusChange.objects.filter(trainee=t).exists()
    if to in {"completed", "active", "discontinued", "paused"} and start in {"completed", "discontinued"}:
        return  # the form offers no choice at all from a final state
    assert message in follow or "valid choice" in follow


@pytest.mark.django_db
def test_a_date_before_the_last_change_is_refused(world):
    t = world.trainee
    services.change_status(t, to="active", on=D(2027, 1, 1), by=world.users["kansli"])
    with pytest.raises(DomainError):
        services.change_status(t, to="paused", on=D(2026, 12, 1), reason="x", by=world.users["kansli"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [
        ("kansli", 302),
        ("studierektor", 302),
        ("verksamhetschef", 302),
        ("admin", 302),
        ("bt_lakare", 403),
        ("huvudhandledare", 403),
        ("handledare", 403),
        ("extern_bedomare", 403),
        ("granskare", 403),
        ("stranger_kansli", 403),
        ("outsider", 403),
    ],
)
def test_who_may_change_the_status(client, world, role, expected):
    client.force_login(world.users[role])
    assert _post(client, world.trainee, to="active", on="2026-11-02").status_code == expected


@pytest.mark.django_db
def test_status_changes_require_post(kansli, world):
    assert kansli.get(reverse("trainees:status", args=[world.trainee.pk])).status_code == 405

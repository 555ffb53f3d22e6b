"""Placement wishes: who may set them, all-or-nothing saving, stale forms, bad input, and the
cohort planner's input."""

import pytest
from django.urls import reverse

from btportal.factories import PERSONAS
from trainees import wishes
from trainees.models import UnitWish, WishStrength

EDITORS = {"bt_lakare", "kansli", "studierektor", "verksamhetschef", "admin"}
ALL = PERSONAS

pytestmark = pytest.mark.django_db


def url(trainee):
    return reverse("trainees:wishes", args=[trainee.pk])


def post(client, trainee, choices, version=None):
    data = {f"unit-{unit.pk}": str(strength) for unit, strength in choices.items()}
    data["version"] = wishes.version(wishes.current(trainee)) if version is None else version
    return client.post(url(trainee), data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("role", ALL)
def test_who_may_set_wishes(client, world, role):
    client.force_login(world.users[role])
    allowed = role in EDITORS
    assert client.get(url(world.trainee)).status_code == (200 if allowed else 403)
    response = post(client, world.trainee, {world.clinic: WishStrength.STRONG_WISH})
    assert response.status_code == (302 if allowed else 403)
    assert UnitWish.objects.filter(trainee=world.trainee).count() == (1 if allowed else 0)


def test_a_bt_doctor_cannot_set_another_doctors_wishes(client, world):
    client.force_login(world.users["bt_lakare"])
    assert client.get(url(world.other_trainee)).status_code == 403


def test_saving_replaces_the_set_and_is_audited(client, world):
    client.force_login(world.users["bt_lakare"])
    assert post(client, world.trainee, {world.clinic: 3, world.health_centre: -2}).status_code == 302
    assert wishes.current(world.trainee) == {world.clinic.pk: 3, world.health_centre.pk: -2}
    assert post(client, world.trainee, {world.clinic: 1, world.health_centre: 0}).status_code == 302
    assert wishes.current(world.trainee) == {world.clinic.pk: 1}
    wish = UnitWish.objects.get(trainee=world.trainee)
    assert wish.updated_by == world.users["bt_lakare"]
    assert wish.history.count() == 2  # created, then changed
    page = client.get(url(world.trainee), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Placement wishes" in page and "Vårdcentralen Majorna" in page


def test_a_stale_form_changes_nothing(client, world):
    client.force_login(world.users["bt_lakare"])
    old_version = wishes.version(wishes.current(world.trainee))
    post(client, world.trainee, {world.clinic: 3})
    response = post(client, world.trainee, {world.health_centre: 3}, version=old_version)
    assert response.status_code == 400
    assert "Someone else changed these wishes" in response.content.decode()
    assert wishes.current(world.trainee) == {world.clinic.pk: 3}


@pytest.mark.parametrize("bad", ["unit-other", "strength", "not-a-number", "too-many"])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, world, bad):
    from btportal import factories as f

    client.force_login(world.users["kansli"])
    post(client, world.trainee, {world.clinic: 1})
    version = wishes.version(wishes.current(world.trainee))
    data = {"version": version}
    if bad == "unit-other":  # a unit of another region
        data[f"unit-{world.other_clinic.pk}"] = "3"
        expected = "active units of your region"
    elif bad == "strength":
        data[f"unit-{world.clinic.pk}"] = "7"
        expected = "Choose one of the offered wishes"
    elif bad == "not-a-number":
        data[f"unit-{world.clinic.pk}"] = "lots"
        expected = "Choose one of the offered wishes"
    else:
        for i in range(wishes.MAX_WISHES + 1):
            unit = f.make_unit(world.vgr, f"Vårdcentral {i}", category="primarvard")
            data[f"unit-{unit.pk}"] = "1"
        expected = "at most 6 wishes"
    response = client.post(url(world.trainee), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert wishes.current(world.trainee) == {world.clinic.pk: 1}


@pytest.mark.parametrize("version", [None, "", "abc"], ids=["missing", "empty", "text"])
def test_a_form_without_its_version_is_stale_and_changes_nothing(client, world, version):
    client.force_login(world.users["bt_lakare"])
    post(client, world.trainee, {world.clinic: 3})
    data = {f"unit-{world.health_centre.pk}": "3"} | ({} if version is None else {"version": version})
    response = client.post(url(world.trainee), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Someone else changed these wishes" in response.content.decode()
    assert wishes.current(world.trainee) == {world.clinic.pk: 3}

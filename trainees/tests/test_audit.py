"""Every model holding person, trainee or supervisor data keeps its history."""

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment, SupervisorProfile, User
from organisations.models import Unit
from trainees.models import Trainee


@pytest.mark.parametrize("model", [User, RoleAssignment, SupervisorProfile, Trainee, Unit])
def test_the_model_keeps_history(model):
    assert hasattr(model, "history"), model


@pytest.mark.django_db
def test_a_change_through_a_view_records_who_and_what(client, world):
    profile = world.supervisor_profile
    kansli = world.users["kansli"]
    client.force_login(kansli)
    response = client.post(
        reverse("accounts:supervisor_edit", args=[profile.pk]),
        {
            "specialty": "Internmedicin",
            "specialist_since": "2014-02-01",
            "supervisor_training_date": "2016-03-01",
            "bt_supervisor_training_date": "2024-05-01",
            "workplace": world.clinic.pk,
            "version": profile.version,
        },
    )
    assert response.status_code == 302
    latest = profile.history.first()
    assert latest.history_user == kansli
    assert latest.specialty == "Internmedicin"
    delta = latest.diff_against(latest.prev_record)
    assert {c.field for c in delta.changes} >= {"specialty", "bt_supervisor_training_date"}


@pytest.mark.django_db
def test_the_password_hash_is_not_kept_in_history(world):
    assert "password" not in {f.name for f in User.history.model._meta.fields}


@pytest.mark.django_db
def test_admin_sees_the_history_of_a_trainee(client, world):
    world.trainee.status = "active"
    world.trainee.save()
    client.force_login(world.users["admin"])
    response = client.get(reverse("admin:trainees_trainee_history", args=[world.trainee.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("<tr") >= 3  # header + creation + change

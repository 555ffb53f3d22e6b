"""A BT-läkare's history page: who changed what and when, old → new, across the trainee, the
plan, supervisors, status, assessments, signatures and certificates; the PIN signer by name and
address; for the kansli and studierektor in scope and the admin."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments import services as assessments
from btportal import factories as f
from certificates.models import IssuedDocument
from reports.history import history_models, trainee_history
from trainees import services as trainees
from trainees.models import Credit, Leave, Placement, Trainee

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def url(trainee):
    return reverse("reports:trainee_history", args=[trainee.pk])


def test_placements_leave_and_credits_have_history():
    models = {m for m, _ in history_models()}
    assert {Placement, Leave, Credit} <= models


def test_a_plan_change_is_shown_old_to_new_with_who_made_it(client, world):
    kansli = world.users["kansli"]
    client.force_login(kansli)
    trainee = world.trainee
    p = Placement.objects.create(
        trainee=trainee, category="akut", unit=world.clinic, start=D(2027, 1, 4), end=D(2027, 6, 30)
    )
    form = {
        "category": "akut",
        "unit": world.clinic.pk,
        "start": "2027-01-04",
        "end": "2027-05-31",
        "extent": "100",
        "supervisor": "",
        "note": "",
        "plan_version": Trainee.objects.get(pk=trainee.pk).plan_version,
    }
    response = client.post(reverse("trainees:placement_edit", args=[trainee.pk, p.pk]), form)
    assert response.status_code == 302
    page = client.get(url(trainee), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2027-06-30" in page and "2027-05-31" in page  # old → new
    assert "kansli@example.se" in page  # who


def test_the_plan_version_bump_writes_history(world):
    trainee = world.trainee
    before = trainee.history.count()
    trainees.save_credit(
        trainee, Credit(category="akut", months=1, kind="foreign"), expected_version=trainee.plan_version
    )
    newest = Trainee.history.filter(id=trainee.pk).first()
    assert trainee.history.count() == before + 1
    assert newest.plan_version == trainee.plan_version and newest.history_type == "~"


def test_main_supervisor_status_and_certificates_are_there(client, world):
    trainee = world.trainee
    new_main = f.make_supervisor("ny.hhl@example.se", workplace=world.clinic)
    new_main.first_name, new_main.last_name = "Nora", "Nyström"
    new_main.save()
    trainees.set_main_supervisor(trainee, new_main, by=world.users["kansli"], expected_version=trainee.plan_version)
    trainees.change_status(trainee, to="active", on=D(2027, 1, 4), reason="Startade", by=world.users["kansli"])
    doc = IssuedDocument.objects.create(
        trainee=trainee, kind="bilaga1", subject_name="A", sha256="0" * 64, issued_by=world.users["kansli"]
    )
    IssuedDocument.objects.filter(pk=doc.pk).update(
        revoked_at=timezone.now(), revoked_reason="Fel uppgift", revoked_by=world.users["kansli"]
    )
    client.force_login(world.users["studierektor"])
    page = client.get(url(trainee), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nora Nyström" in page  # the new main supervisor, by name
    assert "Startade" in page and "Active" in page
    assert doc.code in page and "Fel uppgift" in page


def test_a_pin_signer_is_shown_by_name_and_address(client, world):
    issued = assessments.create_request(
        world.trainee,
        by=world.users["bt_lakare"],
        instrument="mini_cex",
        assessor_name="Petra Pinsson",
        assessor_email="petra.pinsson@example.org",
    )
    assessments.sign_request(issued.request, data={"overall": 3}, pin=issued.pin)
    client.force_login(world.users["admin"])
    page = client.get(url(world.trainee), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Petra Pinsson &lt;petra.pinsson@example.org&gt;" in page
    events = [e for e in trainee_history(world.trainee) if e.who.startswith("pin: Petra")]
    assert events, "the request's history row names the PIN signer"


def test_only_the_kansli_and_studierektor_in_scope_and_the_admin(client, world):
    for persona, status in [
        ("kansli", 200),
        ("studierektor", 200),
        ("admin", 200),
        ("stranger_kansli", 403),
        ("handledare", 403),
        ("bt_lakare", 403),
        ("huvudhandledare", 403),
    ]:
        client.force_login(world.users[persona])
        assert client.get(url(world.trainee)).status_code == status, persona
    client.force_login(world.users["kansli"])
    detail = client.get(reverse("trainees:detail", args=[world.trainee.pk])).content.decode()
    assert url(world.trainee) in detail
    client.force_login(world.users["huvudhandledare"])
    assert url(world.trainee) not in client.get(reverse("trainees:detail", args=[world.trainee.pk])).content.decode()


def _changes(world, n):
    for i in range(n):
        trainees.save_leave(
            world.trainee,
            Leave(kind="sick", start=D(2027, 2, 1 + i), end=D(2027, 2, 1 + i)),
            expected_version=Trainee.objects.get(pk=world.trainee.pk).plan_version,
        )


def test_the_page_takes_the_same_queries_for_a_short_and_a_long_history(client, world):
    client.force_login(world.users["kansli"])
    _changes(world, 2)
    with CaptureQueriesContext(connection) as short:
        client.get(url(world.trainee))
    _changes(world, 8)
    with CaptureQueriesContext(connection) as long:
        client.get(url(world.trainee))
    assert len(long) == len(short)

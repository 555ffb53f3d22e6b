"""Regressions of the 500s found by the hostile-input walk (issue 13): each is now a 400, a 404 or a form
error, and nothing is written."""

import datetime
import os
import smtplib
from unittest import mock

import pytest
from django.urls import reverse

from trainees.models import Placement, UnitWish

pytestmark = pytest.mark.django_db


def test_the_new_placement_page_opens(client, world):
    """It passed an unsaved placement to the template, whose edit link could not be reversed."""
    client.force_login(world.users["kansli"])
    response = client.get(reverse("trainees:placement_add", args=[world.trainee.pk]))
    assert response.status_code == 200
    assert reverse("trainees:placement_add", args=[world.trainee.pk]) in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999999999999", "-1e9"])
def test_a_malformed_assessor_id_is_a_400(client, world, value):
    from trainees.models import AssessorAssignment

    client.force_login(world.users["kansli"])
    response = client.post(reverse("certificates:assign", args=[world.trainee.pk]), {"assessor": value})
    assert response.status_code in (400, 404)
    assert AssessorAssignment.objects.count() == 0


def test_a_huge_unit_id_in_a_wish_is_a_form_error(client, world):
    from trainees import wishes

    client.force_login(world.users["bt_lakare"])
    url = reverse("trainees:wishes", args=[world.trainee.pk])
    version = wishes.version(wishes.current(world.trainee))
    response = client.post(url, {"version": version, f"unit-{10**30}": "1"})
    assert response.status_code in (200, 400)
    assert UnitWish.objects.count() == 0
    response = client.post(url, {"version": version, f"unit-{world.clinic.pk}": str(10**30)})
    assert response.status_code in (200, 400)
    assert UnitWish.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/trainees/?status=%00",
        "/reports/?q=a%00b",
        "/certificates/assessors/?q=%00",
    ],
)
def test_a_nul_in_the_address_is_a_400(client, world, url):
    client.force_login(world.users["admin"])
    response = client.get(url)
    assert response.status_code == 400
    assert 'data-status="400"' in response.content.decode()


def test_a_nul_in_a_goal_code_is_a_404(client, world):
    client.force_login(world.users["admin"])
    assert client.get("/goals/BT%001/").status_code == 404
    assert client.get("/goals/BT1/").status_code == 200


def test_a_nul_in_a_form_is_a_400_and_writes_nothing(client, world):
    client.force_login(world.users["kansli"])
    before = world.trainee.user.first_name
    response = client.post(
        reverse("trainees:details", args=[world.trainee.pk]), {"first_name": "Eva\x00", "last_name": "X"}
    )
    assert response.status_code == 400
    world.trainee.user.refresh_from_db()
    assert world.trainee.user.first_name == before


def test_a_nul_in_a_json_body_is_a_400(client, world):
    client.force_login(world.users["admin"])
    response = client.post("/api/v1/trainees", '{"name": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400


def test_a_megabyte_in_one_field_is_a_400(client, world):
    client.force_login(world.users["kansli"])
    response = client.post(reverse("certificates:override", args=[world.trainee.pk]), {"reason": "x" * 1_000_000})
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_pin_signings_both_succeed(world, tmp_path):
    """Two supervisors' PIN signings at the same moment, each in its own process on the same database
    (SQLite: a file, as a laptop runs it): both are signed. With deferred transactions on SQLite one of
    them failed with "database is locked" (both had read, then both wanted to write); SQLite transactions
    now take the write lock when they begin (settings: IMMEDIATE, WAL), so the second waits for the first."""
    import subprocess
    import sys

    from accounts.identity import set_signing_pin
    from assessments import services
    from assessments.models import Assessment, AssessmentRequest
    from core.tests.processes import ROOT, SharedDatabase, wait_for

    set_signing_pin(world.supervisor_profile, "246813")
    requests = [
        services.create_request(
            world.trainee, by=world.users["bt_lakare"], instrument="mini_cex", assessor=world.users["handledare"]
        ).request
        for _ in range(2)
    ]
    db = SharedDatabase(tmp_path)
    go = tmp_path / "go"
    env = {**os.environ, "DATABASE_URL": db.url}
    script = str(ROOT / "btportal" / "tests" / "sign_with_pin.py")
    signers = [
        subprocess.Popen(
            [sys.executable, script, str(r.pk), "246813", str(go)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for r in requests
    ]
    ready = [tmp_path / f"ready-{r.pk}" for r in requests]
    wait_for(lambda: all(f.exists() for f in ready), seconds=240, what="the signing processes to start")
    go.touch()  # both at once
    outcomes = [signer.communicate(timeout=300)[0].strip() for signer in signers]
    assert outcomes == ["signed", "signed"]
    ids = ",".join(str(r.pk) for r in requests)
    assert db.query(f"SELECT status FROM {AssessmentRequest._meta.db_table} WHERE id IN ({ids})") == [
        ("signed",),
        ("signed",),
    ]
    assert db.query(f"SELECT sign_method FROM {Assessment._meta.db_table} WHERE request_id IN ({ids})") == [
        (Assessment.SIGN_PIN,),
        (Assessment.SIGN_PIN,),
    ]


def test_a_password_reset_without_a_mail_server_is_a_message_not_a_500(client, world, settings):
    settings.LANGUAGE_CODE = "en"
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError(111, "refused")):
        response = client.post(reverse("account_reset_password"), {"email": world.users["kansli"].email}, follow=True)
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode() or "kunde inte skickas" in response.content.decode()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"}, follow=True)
    assert unknown.status_code == 200
    # The same answer for an address without an account: the failure reveals nothing.
    assert ("could not be sent" in unknown.content.decode()) == ("could not be sent" in response.content.decode())


def test_a_far_date_is_a_form_error_not_a_placement(client, world):
    from trainees.models import Trainee

    client.force_login(world.users["kansli"])
    trainee = Trainee.objects.get(pk=world.trainee.pk)
    response = client.post(
        reverse("trainees:placement_add", args=[trainee.pk]),
        {
            "plan_version": trainee.plan_version if hasattr(trainee, "plan_version") else 0,
            "category": "akut",
            "unit": world.clinic.pk,
            "start": "0001-01-01",
            "end": "9999-12-31",
            "extent": "100",
        },
    )
    assert response.status_code in (200, 400)
    assert Placement.objects.count() == 0


def test_core_forms_bound_dates_numbers_and_text():
    from django import forms

    from core.forms import BootstrapFormMixin

    class F(BootstrapFormMixin, forms.Form):
        day = forms.DateField()
        count = forms.IntegerField()
        text = forms.CharField(widget=forms.Textarea)

    ok = F({"day": "2026-01-01", "count": "5", "text": "fine"})
    assert ok.is_valid(), ok.errors
    bad = F({"day": "0001-01-01", "count": str(10**30), "text": "x" * 20_000})
    assert not bad.is_valid()
    assert set(bad.errors) == {"day", "count", "text"}
    assert F({"day": datetime.date(2101, 1, 1), "count": "1", "text": "a"}).errors.keys() == {"day"}

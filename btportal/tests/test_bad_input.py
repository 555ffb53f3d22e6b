"""Regressions of the 500s found by the hostile-input walk (issue 13): each is now a 400, a 404 or a form
error, and nothing is written."""

import datetime
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


def test_sqlite_writers_can_queue_instead_of_failing():
    """Two simultaneous PIN signings on SQLite: one failed with "database is locked" when both had begun
    deferred transactions; with SQLITE_IMMEDIATE=1 transactions take the write lock first and wait for it."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, SQLITE_IMMEDIATE="1")
    env.pop("DATABASE_URL", None)
    code = "from btportal import settings as s; o = s.DATABASES['default']['OPTIONS']; print(o['transaction_mode'], o['timeout'], 'WAL' in o['init_command'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    mode, timeout, wal = out.stdout.split()
    assert mode == "IMMEDIATE" and int(timeout) >= 5 and wal == "True"


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

"""Signing Bilaga 3, signing the final assessment and issuing ask the person to prove who they are again when
their last login or re-authentication is older than SIGNING_REAUTHENTICATION_SECONDS; nothing is signed
until they have, and the request goes through after it."""

import pytest
from django.urls import reverse

from btportal.factories import PASSWORD
from certificates import services
from certificates.models import FinalAssessment, IssuedDocument, ServiceSignature
from certificates.tests.test_final_and_issue import assign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reauth_on(settings):
    settings.SIGNING_REAUTHENTICATION_SECONDS = 300


def _expect_reauth(response):
    assert response.status_code == 302, response.status_code
    assert "/reauthenticate/" in response["Location"]


def test_signing_bilaga3_asks_again_then_signs(client, world, completed, monkeypatch):
    vc = world.users["verksamhetschef"]
    client.force_login(vc)  # a session without a recent login
    url = reverse("certificates:service_sign", args=[completed.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "confirm": "on",
        "title": "Verksamhetschef",
        "place": "Göteborg",
        "sha256": page.context["form"].initial["sha256"],
    }
    _expect_reauth(client.post(url, data))
    assert not ServiceSignature.objects.exists()
    # After re-authenticating with the password the suspended request goes through.
    response = client.post(reverse("account_reauthenticate") + f"?next={url}", {"password": PASSWORD})
    assert response.status_code in (200, 302)
    final = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert ServiceSignature.objects.filter(trainee=completed).exists(), (
        final.status_code,
        [str(m) for m in final.context["messages"]] if final.context else final["Location"],
        final.context and final.context["form"].errors,
    )


def test_signing_the_final_assessment_asks_again(client, world, completed, approved_assessor):
    assign(world, completed, approved_assessor)
    services.start_final_assessment(completed, by=world.users["kansli"])
    client.force_login(world.users["huvudhandledare"])
    _expect_reauth(client.post(reverse("certificates:final", args=[completed.pk]), {"action": "sign", "place": "Gbg"}))
    assert not FinalAssessment.objects.get(trainee=completed).main_signed_at


def test_issuing_asks_again(client, world, completed):
    client.force_login(world.users["kansli"])
    _expect_reauth(client.post(reverse("certificates:issue", args=[completed.pk])))
    assert not IssuedDocument.objects.exists()


def test_a_fresh_login_signs_without_asking(client, world, completed, approved_assessor):
    assign(world, completed, approved_assessor)
    services.start_final_assessment(completed, by=world.users["kansli"])
    client.post("/accounts/login/", {"login": world.users["huvudhandledare"].email, "password": PASSWORD})
    response = client.post(reverse("certificates:final", args=[completed.pk]), {"action": "sign", "place": "Gbg"})
    assert response.status_code == 302 and "/reauthenticate/" not in response["Location"]

"""The assessor's public page: clear answers for bad links and PINs, and nothing changes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentRequest, RequestStatus

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _url(token):
    return reverse("assessments:assess", args=[token])


def _wrong(pin):
    return "000000" if pin != "000000" else "111111"


def test_it_shows_the_short_form_to_anyone_with_the_link(client, world, external):
    page = client.get(_url(external.token), **EN).content.decode()
    assert "Mini-CEX" in page and str(world.trainee) in page
    assert page.count('name="overall"') == 4 and 'name="pin"' in page
    assert "History taking" in page  # the optional items, collapsed


def test_it_signs_with_the_pin_and_says_thank_you(client, world, external):
    response = client.post(_url(external.token), {"overall": "3", "strengths": "Bra anamnes", "pin": external.pin})
    assert response.status_code == 302 and response["Location"] == _url(external.token) + "?done=1"
    assessment = Assessment.objects.get()
    assert assessment.overall == 3 and assessment.strengths == "Bra anamnes" and assessment.sign_method == "pin"
    assert "Thank you" in client.get(response["Location"], **EN).content.decode()


def test_it_keeps_item_ratings_and_instrument_details(client, world, external):
    client.post(
        _url(external.token),
        {
            "overall": "2",
            "item_history": "3",
            "item_examination": "0",
            "text_setting": "Akutmottagning, bröstsmärta",
            "pin": external.pin,
        },
    )
    a = Assessment.objects.get()
    assert a.ratings == {"history": 3, "examination": 0}
    assert a.details == {"setting": "Akutmottagning, bröstsmärta"}


def test_an_unknown_link_is_a_clear_404(client, world):
    response = client.get(_url("no-such-token"), **EN)
    assert response.status_code == 404 and "This link is not valid" in response.content.decode()


def test_an_expired_link_says_so_and_changes_nothing(client, world, external):
    AssessmentRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    for response in (
        client.get(_url(external.token), **EN),
        client.post(_url(external.token), {"overall": "3", "pin": external.pin}, **EN),
    ):
        assert response.status_code == 410
        assert "This link has expired; ask the trainee to send it again." in response.content.decode()
    assert Assessment.objects.count() == 0
    assert AssessmentRequest.objects.get().status == RequestStatus.OPEN


def test_a_reused_link_says_already_signed(client, world, external):
    client.post(_url(external.token), {"overall": "3", "pin": external.pin})
    before = Assessment.objects.values().get()
    response = client.post(_url(external.token), {"overall": "1", "pin": external.pin}, **EN)
    assert response.status_code == 200 and "already been signed" in response.content.decode()
    assert Assessment.objects.values().get() == before


def test_a_wrong_pin_is_explained_and_counted(client, world, external):
    response = client.post(_url(external.token), {"overall": "3", "pin": _wrong(external.pin)}, **EN)
    body = response.content.decode()
    assert response.status_code == 200 and "The PIN is wrong" in body and "4 attempts left" in body
    req = AssessmentRequest.objects.get()
    assert req.pin_failures == 1 and req.status == RequestStatus.OPEN and Assessment.objects.count() == 0


def test_a_missing_pin_or_level_is_asked_for_without_counting(client, world, external):
    body = client.post(_url(external.token), {}, **EN).content.decode()
    assert "Choose the overall level of independence." in body and "Enter the PIN" in body
    assert AssessmentRequest.objects.get().pin_failures == 0


def test_it_locks_after_too_many_wrong_pins(client, world, external, settings):
    settings.ASSESSMENT_PIN_MAX_FAILURES = 2
    client.post(_url(external.token), {"overall": "3", "pin": _wrong(external.pin)})
    response = client.post(_url(external.token), {"overall": "3", "pin": _wrong(external.pin)}, **EN)
    assert response.status_code == 410 and "locked" in response.content.decode()
    assert AssessmentRequest.objects.get().status == RequestStatus.LOCKED
    response = client.post(_url(external.token), {"overall": "3", "pin": external.pin}, **EN)
    assert response.status_code == 410 and Assessment.objects.count() == 0


def test_a_cancelled_request_says_so(client, world, external):
    services.cancel_request(external.request, by=world.users["bt_lakare"])
    response = client.get(_url(external.token), **EN)
    assert response.status_code == 410 and "cancelled" in response.content.decode()


def test_after_resending_the_old_link_no_longer_works(client, world, external):
    client.force_login(world.users["bt_lakare"])
    client.post(reverse("assessments:request_resend", args=[external.request.pk]))
    client.logout()
    assert client.get(_url(external.token)).status_code == 404
    from django.core import mail

    # The new link is only in the new email.
    new_url = next(line for line in mail.outbox[-1].body.splitlines() if "/assessments/a/" in line).strip()
    assert client.get(new_url).status_code == 200


def test_a_future_date_is_refused(client, world, external):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    body = client.post(
        _url(external.token), {"overall": "3", "performed_on": tomorrow, "pin": external.pin}, **EN
    ).content.decode()
    assert "cannot be in the future" in body and Assessment.objects.count() == 0

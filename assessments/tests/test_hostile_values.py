"""The assessor's form refuses dates outside BT's lifetime and text beyond its limits; nothing is signed."""

import pytest
from django.urls import reverse

from assessments.models import Assessment

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2021-06-30"])
def test_an_ancient_date_is_refused(client, external, day):
    url = reverse("assessments:assess", args=[external.token])
    response = client.post(url, {"overall": "3", "performed_on": day, "pin": external.pin}, **EN)
    assert response.status_code in (200, 400)
    assert "cannot be before" in response.content.decode() or "on or after" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_a_million_character_comment_is_refused(client, external):
    url = reverse("assessments:assess", args=[external.token])
    response = client.post(url, {"overall": "3", "comments": "x" * 1_000_000, "pin": external.pin}, **EN)
    assert response.status_code == 400
    assert Assessment.objects.count() == 0
    response = client.post(url, {"overall": "3", "comments": "x" * 20_000, "pin": external.pin}, **EN)
    assert Assessment.objects.count() == 0
    assert "at most" in response.content.decode()

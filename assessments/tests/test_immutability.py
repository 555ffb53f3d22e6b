"""A signed assessment never changes: not by save, not in bulk, not in the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import Addendum, Assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(world, make_request):
    issued = make_request()
    return services.sign_request(issued.request, data={"overall": 2, "strengths": "Lugn"}, by=world.users["handledare"])


def test_saving_a_signed_assessment_raises(signed):
    signed.overall = 4
    with pytest.raises(ValidationError):
        signed.save()
    fresh = Assessment.objects.get(pk=signed.pk)
    fresh.strengths = "Ändrad"
    with pytest.raises(ValidationError):
        fresh.save(update_fields=["strengths"])
    assert Assessment.objects.get().overall == 2 and Assessment.objects.get().strengths == "Lugn"


def test_bulk_update_and_delete_of_signed_rows_raise(signed):
    with pytest.raises(ValidationError):
        Assessment.objects.filter(pk=signed.pk).update(overall=1)
    with pytest.raises(ValidationError):
        Assessment.objects.all().delete()
    with pytest.raises(ValidationError):
        signed.delete()
    assert Assessment.objects.get().overall == 2


def test_a_correction_is_an_addendum(world, signed):
    services.add_addendum(signed, by=world.users["handledare"], text="Nivån borde vara 3.")
    assert Addendum.objects.get().text == "Nivån borde vara 3."
    assert Assessment.objects.get().overall == 2


def test_an_unsigned_draft_may_still_be_saved(world):
    import datetime

    a = Assessment.objects.create(
        trainee=world.trainee, instrument="cbd", performed_on=datetime.date(2026, 11, 2), assessor_name="X"
    )
    a.overall = 3
    a.save()
    assert Assessment.objects.get(pk=a.pk).overall == 3


def test_the_admin_shows_a_signed_assessment_read_only(client, world, signed):
    client.force_login(world.users["admin"])
    url = reverse("admin:assessments_assessment_change", args=[signed.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="overall"' not in page.content.decode()  # no inputs: view only
    client.post(url, {"overall": "4", "instrument": "dops"})
    assert Assessment.objects.get().overall == 2
    assert client.get(reverse("admin:assessments_assessment_delete", args=[signed.pk])).status_code == 403

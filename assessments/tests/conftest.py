"""Fixtures for assessment tests: a current placement supervised by the world's handledare,
and requests made through the service (as the trainee would)."""

import datetime

import pytest
from django.utils import timezone

from trainees.models import Placement


@pytest.fixture
def placement(world):
    today = timezone.localdate()
    return Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=60),
        supervisor=world.users["handledare"],
    )


@pytest.fixture
def make_request(world, placement, mailoutbox):
    """make_request(**overrides) → IssuedLink (request, token, pin) for the world trainee."""
    from assessments import services

    def make(**kwargs):
        kwargs.setdefault("instrument", "mini_cex")
        kwargs.setdefault("placement", placement)
        if "assessor" not in kwargs and "assessor_email" not in kwargs:
            kwargs["assessor"] = world.users["handledare"]
        return services.create_request(world.trainee, by=world.users["bt_lakare"], **kwargs)

    return make


@pytest.fixture
def external(make_request):
    """A request to an assessor without an account."""
    return make_request(assessor_name="Extern Läkare", assessor_email="extern.lakare@example.org")

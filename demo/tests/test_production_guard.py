"""`seed_demo` refuses to run with DEBUG off: the demo logins' published password never reaches
production. (Against an empty database, so it shows that nothing at all is created.)"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from organisations.models import Unit
from trainees.models import Trainee

pytestmark = pytest.mark.django_db


def test_it_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not Unit.objects.exists()
    assert not Trainee.objects.exists()

"""Optimistic locking (`core.locking`): the conditional version bump, the computed-version check,
the version a POST carried."""

import pytest
from django.http import QueryDict
from django.utils import translation

from core.errors import DomainError
from core.locking import STALE, StaleEdit, bump_version, check_version, posted_version


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_stale_edit_is_a_domain_error_in_plain_words():
    assert issubclass(StaleEdit, DomainError)
    assert str(StaleEdit()) == str(STALE)
    assert str(StaleEdit()).startswith("Someone else changed this record while you were editing it.")
    assert str(StaleEdit("Own words.")) == "Own words."
    with translation.override("sv"):
        assert str(StaleEdit()).startswith("Någon annan ändrade posten")


@pytest.mark.django_db
def test_bump_version_claims_the_next_version_once(world):
    from trainees.models import Trainee

    rows = Trainee.objects.filter(pk=world.trainee.pk)
    assert bump_version(rows, expected=0, field="plan_version") == 1
    with pytest.raises(StaleEdit):
        bump_version(rows, expected=0, field="plan_version")  # someone else was first
    assert rows.get().plan_version == 1
    assert bump_version(rows, expected=1, field="plan_version") == 2


@pytest.mark.django_db
def test_bump_version_refuses_a_row_outside_the_filter_with_the_callers_words(world):
    from trainees.models import Trainee

    rows = Trainee.objects.filter(pk=world.trainee.pk, status="no-such-status")
    with pytest.raises(StaleEdit, match=r"^Changed!$"):
        bump_version(rows, expected=0, field="plan_version", message="Changed!")
    assert Trainee.objects.get(pk=world.trainee.pk).plan_version == 0


@pytest.mark.django_db
def test_no_expected_version_bumps_without_a_check(world):
    """For callers that show no form (an import); views never pass None (see posted_version)."""
    from trainees.models import Trainee

    rows = Trainee.objects.filter(pk=world.trainee.pk)
    bump_version(rows, expected=None, field="plan_version")
    assert bump_version(rows, expected=None, field="plan_version") == 2


def test_check_version_compares_what_the_form_saw_with_what_is_stored():
    check_version(7, 7)
    check_version(7, None)
    with pytest.raises(StaleEdit, match=r"^Gone$"):
        check_version(7, 6, message="Gone")


@pytest.mark.parametrize("data,expected", [("version=3", 3), ("version=0", 0), ("version=+4", 4)])
def test_posted_version_reads_a_whole_number(data, expected):
    assert posted_version(QueryDict(data)) == expected


@pytest.mark.parametrize("data", ["", "version=", "version=x", "version=1.5", "version=-1", "other=3"])
def test_a_post_without_a_usable_version_is_stale(data):
    with pytest.raises(StaleEdit):
        posted_version(QueryDict(data))


def test_posted_version_reads_another_field_name_and_says_the_callers_words():
    assert posted_version(QueryDict("plan_version=2"), "plan_version") == 2
    with pytest.raises(StaleEdit, match=r"^Plan changed$"):
        posted_version(QueryDict("version=2"), "plan_version", message="Plan changed")

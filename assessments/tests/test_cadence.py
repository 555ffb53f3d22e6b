"""Due and overdue assessments from each programme's cadence (data in the rules module)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import cadence
from assessments.models import Assessment
from btportal import factories as f
from trainees.models import Placement

pytestmark = pytest.mark.django_db
D = datetime.date


def _trainee(world, programme):
    return f.make_trainee(home_unit=world.clinic, programme=programme, planned_start=D(2027, 1, 1))


def _placement(trainee, start, end, extent=100, category="akut", supervisor=None):
    return Placement.objects.create(
        trainee=trainee, category=category, start=start, end=end, extent=extent, supervisor=supervisor
    )


def _signed(trainee, on, instrument="mini_cex", placement=None):
    a = Assessment.objects.create(
        trainee=trainee, instrument=instrument, placement=placement, performed_on=on, assessor_name="A", overall=3
    )
    a.signed_at = timezone.now()
    a.save(update_fields=["signed_at"])
    return a


def _summary(items):
    return [(i.kind, i.due_date, i.status) for i in items]


def test_gavleborg_monthly_plus_a_final_assessment_per_placement(world):
    t = _trainee(world, "gavleborg")
    p = _placement(t, D(2027, 1, 1), D(2027, 3, 31))
    _signed(t, D(2027, 1, 20), placement=p)
    items = cadence.due_items(t, today=D(2027, 3, 5))
    assert _summary(items) == [
        ("assessment", D(2027, 1, 30), "done"),
        ("assessment", D(2027, 3, 1), "overdue"),
        ("assessment", D(2027, 3, 31), "due"),
        ("final", D(2027, 3, 31), "due"),
    ]
    assert items[-1].instrument == "placement_final"


def test_the_final_assessment_is_done_by_a_signed_placement_final(world):
    t = _trainee(world, "gavleborg")
    p = _placement(t, D(2027, 1, 1), D(2027, 1, 31))
    _signed(t, D(2027, 1, 31), instrument="placement_final", placement=p)
    items = cadence.due_items(t, today=D(2027, 2, 10))
    assert _summary(items) == [("assessment", D(2027, 1, 31), "overdue"), ("final", D(2027, 1, 31), "done")]


def test_jonkoping_two_per_started_three_months(world):
    t = _trainee(world, "jonkoping")
    _placement(t, D(2027, 1, 1), D(2027, 6, 30))
    _placement(t, D(2027, 7, 1), D(2027, 12, 31), extent=50)  # 3 full-time months
    items = cadence.due_items(t, today=D(2027, 1, 1))
    per_placement = [sum(1 for i in items if i.placement.start == s) for s in (D(2027, 1, 1), D(2027, 7, 1))]
    assert per_placement == [4, 2]
    assert all(i.kind == "assessment" and i.status == "due" for i in items)
    assert items[3].due_date == D(2027, 6, 30)  # the last one at the end of the placement


def test_an_assessment_without_placement_counts_where_it_was_performed(world):
    t = _trainee(world, "jonkoping")
    _placement(t, D(2027, 1, 1), D(2027, 3, 31))
    _signed(t, D(2027, 2, 1))
    items = cadence.due_items(t, today=D(2027, 4, 15))
    assert [i.status for i in items] == ["done", "overdue"]


def test_dalarna_at_least_two_per_placement(world):
    t = _trainee(world, "dalarna")
    _placement(t, D(2027, 1, 1), D(2027, 1, 31))
    assert len(cadence.due_items(t, today=D(2027, 1, 1))) == 2


def test_vgr_progress_reviews_at_three_and_nine_months(world):
    t = _trainee(world, "vgr")
    _placement(t, D(2027, 1, 1), D(2027, 12, 31))
    _signed(t, D(2027, 3, 30), instrument="specialistkollegium")
    items = cadence.due_items(t, today=D(2027, 10, 15))
    assert _summary(items) == [("review", D(2027, 3, 31), "done"), ("review", D(2027, 9, 30), "overdue")]


def test_the_national_baseline_expects_nothing(world):
    t = _trainee(world, "national")
    _placement(t, D(2027, 1, 1), D(2027, 6, 30))
    assert cadence.due_items(t, today=D(2027, 3, 1)) == []


def test_the_cadence_comes_from_the_rules_module(world, monkeypatch):
    """No regional cadence in this app: change the programme's data and the items follow."""
    import rules

    t = _trainee(world, "national")
    _placement(t, D(2027, 1, 1), D(2027, 1, 31))
    monkeypatch.setattr(cadence, "cadence_for", lambda trainee: rules.AssessmentCadence(per_placement_min=3))
    assert len(cadence.due_items(t, today=D(2027, 1, 1))) == 3


def test_the_item_key_is_stable(world):
    t = _trainee(world, "gavleborg")
    _placement(t, D(2027, 1, 1), D(2027, 1, 31))
    keys = [i.key for i in cadence.due_items(t, today=D(2027, 1, 1))]
    assert keys == [i.key for i in cadence.due_items(t, today=D(2027, 2, 1))] and len(set(keys)) == 2


def test_the_trainee_page_shows_due_and_overdue(client, world):
    t = world.trainee
    t.programme = "gavleborg"
    t.save(update_fields=["programme"])
    today = timezone.localdate()
    _placement(t, today - datetime.timedelta(days=59), today + datetime.timedelta(days=30))
    client.force_login(world.users["bt_lakare"])
    page = client.get(reverse("assessments:trainee", args=[t.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="overdue"' in page and 'data-status="due"' in page
    assert "Ask for it" in page


def test_supervisors_see_what_is_due_for_their_trainees(client, world):
    t = world.trainee
    t.programme = "gavleborg"
    t.save(update_fields=["programme"])
    today = timezone.localdate()
    _placement(
        t,
        today - datetime.timedelta(days=40),
        today + datetime.timedelta(days=20),
        supervisor=world.users["handledare"],
    )
    for role in ("handledare", "huvudhandledare"):
        client.force_login(world.users[role])
        page = client.get(reverse("assessments:inbox")).content.decode()
        assert 'data-status="overdue"' in page and str(t) in page
    client.force_login(world.users["kansli"])
    assert 'data-status="overdue"' not in client.get(reverse("assessments:inbox")).content.decode()

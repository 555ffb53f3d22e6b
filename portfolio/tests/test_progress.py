"""Progress per delmål: states, placement warnings, the matrix page, the home strip."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portfolio import services
from portfolio.progress import ProgressState

from .factories import make_activity, make_assessment, make_placement

pytestmark = pytest.mark.django_db
D = datetime.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def english():
    """Service-level texts are compared in English (the Swedish catalogue translates them)."""
    with translation.override("en"):
        yield


def _by_code(trainee, **kw):
    return {gp.goal.code: gp for gp in services.progress(trainee, **kw)}


def test_nothing_linked_means_not_started_for_all_18(world):
    rows = services.progress(world.trainee, today=D(2026, 11, 1))
    assert [gp.goal.code for gp in rows] == [f"BT{n}" for n in range(1, 19)]
    assert {gp.state for gp in rows} == {ProgressState.NOT_STARTED}
    assert rows[0].missing == ["No activity linked to this goal", "No signed assessment"]


def test_the_states_follow_activities_and_signed_assessments(world):
    t = world.trainee
    make_activity(t, "BT1", "BT2")
    make_assessment(t, "BT1")  # signed
    make_assessment(t, "BT3", signed=False)
    make_assessment(t, "BT4")  # signed, but no activity
    rows = _by_code(t, today=D(2026, 11, 1))
    assert rows["BT1"].state == ProgressState.EVIDENCED and rows["BT1"].missing == []
    assert rows["BT2"].state == ProgressState.IN_PROGRESS and rows["BT2"].missing == ["No signed assessment"]
    assert (
        rows["BT3"].state == ProgressState.IN_PROGRESS
        and rows["BT3"].unsigned_assessments
        and not rows["BT3"].signed_assessments
    )
    assert rows["BT4"].state == ProgressState.IN_PROGRESS and rows["BT4"].missing == ["No activity linked to this goal"]
    assert rows["BT5"].state == ProgressState.NOT_STARTED


def test_each_delmal_lists_its_own_evidence_newest_first(world):
    """The links are read as id pairs (no goal objects per link): each delmål still lists exactly the
    activities and assessments linked to it, the newest first, and none of another BT-läkare's."""
    from btportal import factories as f

    t, other = world.trainee, f.make_trainee(home_unit=world.clinic)
    old = make_activity(t, "BT1", "BT2", start=D(2026, 9, 1), title="Old")
    new = make_activity(t, "BT1", start=D(2026, 10, 1), title="New")
    make_activity(other, "BT1", "BT5")
    early = make_assessment(t, "BT1", "BT3", performed_on=D(2026, 9, 2))
    late = make_assessment(t, "BT1", performed_on=D(2026, 10, 2))
    unsigned = make_assessment(t, "BT3", signed=False)
    make_assessment(other, "BT1", "BT6")
    rows = _by_code(t, today=D(2026, 11, 1))
    assert rows["BT1"].activities == [new, old] and rows["BT2"].activities == [old]
    assert rows["BT1"].signed_assessments == [late, early] and rows["BT3"].signed_assessments == [early]
    assert rows["BT3"].unsigned_assessments == [unsigned] and rows["BT1"].unsigned_assessments == []
    for code in ("BT5", "BT6"):
        assert not rows[code].activities and not rows[code].signed_assessments


def test_it_warns_when_a_placement_ends_without_evidence_for_its_delmal(world):
    t = world.trainee
    akut = make_placement(t, "akut", D(2026, 11, 1), D(2027, 1, 31), unit=world.clinic)
    # Evidence for BT1 from the placement (by date), BT18 only from before it.
    make_activity(t, "BT1", start=D(2026, 12, 1))
    make_activity(t, "BT18", start=D(2026, 10, 1))
    make_assessment(t, "BT18", performed_on=D(2026, 10, 2))

    # More than 30 days before the end: no warning yet.
    assert not any(gp.warnings for gp in services.progress(t, today=D(2026, 12, 1)))

    rows = _by_code(t, today=D(2027, 1, 10))  # ends within 30 days
    assert rows["BT1"].warnings == []
    assert rows["BT17"].warnings and rows["BT18"].warnings
    assert "Emergency care at Medicinkliniken (2026-11-01–2027-01-31) ends on 2027-01-31" in rows["BT18"].warning
    assert "BT18" in rows["BT18"].warning
    assert all(not gp.warnings for code, gp in rows.items() if code not in {"BT17", "BT18"})

    rows = _by_code(t, today=D(2027, 3, 1))  # has ended
    assert "ended on 2027-01-31 without evidence for BT18" in rows["BT18"].warning

    # A signed assessment linked to the placement clears the warning, an unsigned one does not.
    make_assessment(t, "BT17", performed_on=D(2027, 1, 20), signed=False)
    assert _by_code(t, today=D(2027, 3, 1))["BT17"].warnings
    make_assessment(t, "BT18", performed_on=D(2027, 1, 20), placement=akut)
    assert _by_code(t, today=D(2027, 3, 1))["BT18"].warnings == []


def test_an_activity_linked_to_the_placement_counts_whatever_its_date(world):
    t = world.trainee
    psyk = make_placement(t, "psykiatri", D(2027, 2, 1), D(2027, 4, 30))
    make_activity(t, "BT2", start=D(2027, 5, 10), placement=psyk)
    assert _by_code(t, today=D(2027, 5, 15))["BT2"].warnings == []


def test_the_matrix_shows_activities_assessments_missing_and_warnings(client, world):
    t = world.trainee
    today = timezone.localdate()
    make_placement(t, "akut", today - datetime.timedelta(days=60), today + datetime.timedelta(days=10))
    activity = make_activity(t, "BT1", title="Hjärtstopp-kurs", start=today - datetime.timedelta(days=5))
    make_assessment(t, "BT1", performed_on=today - datetime.timedelta(days=4))
    for persona in ("bt_lakare", "huvudhandledare", "studierektor"):
        client.force_login(world.users[persona])
        response = client.get(reverse("portfolio:progress", args=[t.pk]), **EN)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="BT1"' in body and 'id="BT18"' in body
        assert activity.get_absolute_url() in body and "Hjärtstopp-kurs" in body
        assert "Dr Bedömare" in body
        assert "No signed assessment" in body
        assert 'data-testid="placement-warning"' in body and "BT18" in body


def test_the_matrix_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    t = world.trainee
    placement = make_placement(t, "akut", D(2026, 11, 1), D(2027, 1, 31))
    make_activity(t, "BT1")
    make_assessment(t, "BT1")
    client.force_login(world.users["huvudhandledare"])
    url = reverse("portfolio:progress", args=[t.pk])
    client.get(url)  # warm up: session, roles
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(15):
        make_activity(t, "BT1", "BT2", "BT3", title=f"Aktivitet {n}", placement=placement)
        make_assessment(t, "BT2", "BT4")
        make_assessment(t, "BT5", signed=False)
    make_placement(t, "primarvard", D(2027, 2, 1), D(2027, 4, 30))
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_the_home_page_shows_the_progress_strip_to_the_trainee(client, world):
    t = world.trainee
    make_activity(t, "BT1")
    make_assessment(t, "BT1")
    make_activity(t, "BT2")
    client.force_login(world.users["bt_lakare"])
    body = client.get(reverse("home"), **EN).content.decode()
    assert 'data-testid="progress-strip"' in body
    for n in range(1, 19):
        assert f"BT{n}<span" in body
    assert body.count('data-state="evidenced"') == 1 and body.count('data-state="in_progress"') == 1
    assert "Evidenced" in body and "In progress" in body and "Not started" in body  # text, not colour alone
    assert reverse("portfolio:progress", args=[t.pk]) + "#BT1" in body
    assert reverse("portfolio:iup", args=[t.pk]) in body


def test_others_do_not_get_a_progress_strip_on_their_home_page(client, world):
    client.force_login(world.users["huvudhandledare"])
    assert 'data-testid="progress-strip"' not in client.get(reverse("home")).content.decode()


def test_the_trainee_page_links_to_the_portfolio(client, world):
    client.force_login(world.users["studierektor"])
    body = client.get(world.trainee.get_absolute_url()).content.decode()
    for name in ("portfolio:iup", "portfolio:activities", "portfolio:progress"):
        assert reverse(name, args=[world.trainee.pk]) in body


def test_goal_states_of_many_trainees_agree_with_progress_in_three_queries(world, django_assert_num_queries):
    from btportal import factories as f
    from portfolio.progress import goal_states
    from trainees.models import Trainee

    t, other = world.trainee, f.make_trainee(home_unit=world.clinic)
    make_activity(t, "BT1", "BT2")
    make_assessment(t, "BT1")
    make_assessment(t, "BT3", signed=False)
    make_activity(other, "BT4")
    make_assessment(other, "BT4")
    trainees = list(Trainee.objects.filter(pk__in=[t.pk, other.pk]))
    with django_assert_num_queries(3):
        states = goal_states(trainees, queryset=Trainee.objects.filter(pk__in=[t.pk, other.pk]))
    for trainee in trainees:
        assert states[trainee.pk] == {gp.goal.code: gp.state for gp in services.progress(trainee)}
    assert states[other.pk]["BT4"] == ProgressState.EVIDENCED
    assert goal_states(trainees) == states

"""Placement evaluations: a single-use hashed link bound to the placement; stored without the BT-läkare."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from btportal import factories as f
from core.errors import DomainError
from quality import anonymity, services
from quality.models import EvaluationInvitation, PlacementEvaluation

from .factories import ended_placement

SCORES = {"supervision": 4, "learning_climate": 5, "patient_responsibility": 3, "workload": 4}


@pytest.fixture
def placement(world):
    return ended_placement(world.trainee, world.clinic)


def test_it_stores_only_a_hash_and_no_link_to_the_trainee(world, placement):
    token = services.issue_evaluation_link(placement, by=world.trainee.user)
    invitation = EvaluationInvitation.objects.get(placement=placement)
    assert token not in invitation.token_hash and invitation.token_hash == services.hash_token(token)
    services.submit_evaluation(token, by=world.trainee.user, scores=SCORES, goals=["BT1"], free_text="Bra")
    evaluation = PlacementEvaluation.objects.get()
    fields = {field.name for field in PlacementEvaluation._meta.get_fields()}
    assert not fields & {"placement", "trainee", "user", "created_at", "invitation"}
    assert evaluation.unit == world.clinic and evaluation.year == 2026
    assert not hasattr(PlacementEvaluation, "history")


def test_the_link_works_once(world, placement):
    token = services.issue_evaluation_link(placement, by=world.trainee.user)
    services.submit_evaluation(token, by=world.trainee.user, scores=SCORES, goals=[], free_text="")
    with pytest.raises(DomainError):
        services.submit_evaluation(token, by=world.trainee.user, scores=SCORES, goals=[], free_text="")
    with pytest.raises(DomainError):
        services.issue_evaluation_link(placement, by=world.trainee.user)
    assert PlacementEvaluation.objects.count() == 1
    assert EvaluationInvitation.objects.get().answered_at is not None


def test_a_new_link_replaces_the_old_one(world, placement):
    old = services.issue_evaluation_link(placement, by=world.trainee.user)
    services.issue_evaluation_link(placement, by=world.trainee.user)
    with pytest.raises(DomainError):
        services.invitation_for(old, user=world.trainee.user)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(min_size=0, max_size=60))
def test_a_forged_token_is_refused(world, placement, token):
    services.issue_evaluation_link(placement, by=world.trainee.user)
    with pytest.raises(DomainError):
        services.invitation_for(token, user=world.trainee.user)


def test_it_is_bound_to_the_placement_and_its_trainee(world, placement):
    token = services.issue_evaluation_link(placement, by=world.trainee.user)
    with pytest.raises(DomainError):
        services.invitation_for(token, user=world.users["kansli"])
    with pytest.raises(DomainError):
        services.issue_evaluation_link(placement, by=world.users["kansli"])
    running = ended_placement(world.trainee, world.clinic, end=datetime.date.today() + datetime.timedelta(days=30))
    with pytest.raises(DomainError):
        services.issue_evaluation_link(running, by=world.trainee.user)


@pytest.mark.parametrize("bad", [{**SCORES, "workload": 0}, {**SCORES, "supervision": 6}, {"supervision": 3}])
def test_it_refuses_bad_scores_and_keeps_the_link(world, placement, bad):
    token = services.issue_evaluation_link(placement, by=world.trainee.user)
    with pytest.raises(DomainError):
        services.submit_evaluation(token, by=world.trainee.user, scores=bad, goals=[], free_text="")
    assert PlacementEvaluation.objects.count() == 0
    services.invitation_for(token, user=world.trainee.user)  # still open


def test_it_refuses_unknown_goals(world, placement):
    token = services.issue_evaluation_link(placement, by=world.trainee.user)
    with pytest.raises(DomainError):
        services.submit_evaluation(token, by=world.trainee.user, scores=SCORES, goals=["BT99"], free_text="")


def test_the_pages_take_the_trainee_from_home_to_thanks(client, world, placement):
    client.force_login(world.trainee.user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("quality:evaluations") in home
    response = client.post(reverse("quality:evaluation_start", args=[placement.pk]))
    answer_url = response["Location"]
    assert client.get(answer_url).status_code == 200
    data = {**SCORES, "goals": ["BT1", "BT2"], "free_text": "Lärorikt"}
    assert client.post(answer_url, data).status_code == 302
    assert client.get(answer_url).status_code == 404  # used
    assert reverse("quality:evaluations") not in client.get(reverse("home")).content.decode()


def test_another_trainee_cannot_start_it(client, world, placement):
    other = f.make_trainee(home_unit=world.clinic)
    client.force_login(other.user)
    assert client.post(reverse("quality:evaluation_start", args=[placement.pk])).status_code == 403


def test_the_reminder_goes_once_and_carries_no_token(world, placement):
    today = placement.end + datetime.timedelta(days=10)
    assert services.send_evaluation_reminders(today=today) == 1
    assert services.send_evaluation_reminders(today=today) == 0
    assert len(mail.outbox) == 1
    assert reverse("quality:evaluations") in mail.outbox[0].body
    assert EvaluationInvitation.objects.get().token_hash == ""


def test_results_follow_the_threshold(world):
    unit = world.clinic
    for i in range(anonymity.threshold() - 1):
        PlacementEvaluation.objects.create(unit=unit, year=2026, free_text=f"text {i}", **SCORES)
    assert not anonymity.evaluation_results(unit).shown
    assert anonymity.evaluation_results(unit).free_texts == []
    PlacementEvaluation.objects.create(unit=unit, year=2026, **SCORES)
    shown = anonymity.evaluation_results(unit)
    assert shown.shown and shown.count == anonymity.threshold() and shown.means["learning_climate"] == 5


def test_a_filter_cannot_single_out_fewer_than_the_threshold(world):
    unit = world.clinic
    for _ in range(6):
        PlacementEvaluation.objects.create(unit=unit, year=2026, **SCORES)
    for _ in range(2):
        PlacementEvaluation.objects.create(unit=unit, year=2025, **{**SCORES, "supervision": 1})
    assert anonymity.evaluation_results(unit).shown  # 8 in all
    # 2026 alone has 6, but the whole minus 2026 would give away the two of 2025.
    assert not anonymity.evaluation_results(unit, year=2026).shown
    assert not anonymity.evaluation_results(unit, year=2025).shown


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counts=st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=4))
def test_no_selection_shows_fewer_than_the_threshold(db, counts):
    """Whatever the years' counts, a shown result covers ≥ N answers and never leaves 1…N-1 out."""
    unit = f.make_unit(f.region("vgr"))
    for year, n in enumerate(counts, start=2020):
        PlacementEvaluation.objects.bulk_create(PlacementEvaluation(unit=unit, year=year, **SCORES) for _ in range(n))
    total = sum(counts)
    n_min = anonymity.threshold()
    for year, n in enumerate(counts, start=2020):
        r = anonymity.evaluation_results(unit, year=year)
        if r.shown:
            assert n >= n_min and (total - n == 0 or total - n >= n_min)
    whole = anonymity.evaluation_results(unit)
    assert whole.shown == (total >= n_min)


def test_the_export_goes_through_the_threshold(client, world):
    for _ in range(3):
        PlacementEvaluation.objects.create(unit=world.clinic, year=2026, **SCORES)
    client.force_login(world.users["verksamhetschef"])
    body = client.get(reverse("quality:unit_evaluations_export", args=[world.clinic.pk])).content.decode()
    assert "4.0" not in body and "3" not in body.split("\n", 1)[1]
    page = client.get(reverse("quality:unit_evaluations", args=[world.clinic.pk]) + "?year=2026").content.decode()
    assert 'data-testid="evaluation-results"' in page and "<table" not in page.split("evaluation-results")[1]


def test_the_command_sends_the_reminders_once(world, placement):
    from django.core.management import call_command

    today = (placement.end + datetime.timedelta(days=8)).isoformat()
    call_command("send_evaluation_reminders", "--now", "--today", today)
    call_command("send_evaluation_reminders", "--now", "--today", today)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.trainee.user.email]

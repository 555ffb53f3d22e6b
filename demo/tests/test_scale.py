"""generate_scale: bulk data that is like real data (the rules module accepts every plan) in
every region and programme; the tiny preset for tests, the national one for benchmarks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.models import ApprovedAssessor
from assessments.models import Assessment
from certificates import issuing
from certificates.models import FinalAssessment, GoalJudgement, IssuedDocument, ServiceSignature
from demo import scale
from intake.models import Application
from organisations.models import Unit
from portfolio.progress import goals_for
from quality import indicators
from quality import models as quality
from trainees import services
from trainees.models import AssessorAssignment, Placement, Trainee, TraineeStatus

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 12, 1)
EVERY_REGION = scale.Preset(21, 1, 4, 3, 6, 8, 0.3, 0.2)


def test_it_generates_every_kind_of_row_with_the_tiny_preset(capsys, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("generate_scale", "--preset", "tiny", "--as-of", AS_OF.isoformat())
    out = capsys.readouterr().out
    assert "rows in" in out and "database size" in out
    assert Trainee.objects.count() == scale.PRESETS["tiny"].trainees
    assert set(Trainee.objects.values_list("status", flat=True)) == {
        TraineeStatus.COMPLETED,
        TraineeStatus.ACTIVE,
        TraineeStatus.PLANNED,
    }
    assert Assessment.objects.filter(signed_at__isnull=True).count() == 0
    assert not Assessment.objects.filter(performed_on__gt=AS_OF).exists()
    assert Application.objects.filter(admitted_trainee__isnull=False).count() == Trainee.objects.count()
    for unit in Unit.objects.select_related("parent"):
        assert unit.path == (unit.parent.path if unit.parent_id else "/") + f"{unit.pk}/"
    for model in (
        ApprovedAssessor,
        AssessorAssignment,
        FinalAssessment,
        GoalJudgement,
        ServiceSignature,
        IssuedDocument,
        quality.Review,
        quality.ReviewerAssignment,
        quality.SurveyLink,
        quality.SurveyResponse,
        quality.SurveyAnswer,
        quality.SteeringDocument,
        quality.VisitNote,
        quality.AreaFinding,
        quality.StatementFinding,
        quality.EvaluationInvitation,
        quality.PlacementEvaluation,
    ):
        assert model.objects.exists(), model


@pytest.fixture
def tiny(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return scale.generate("tiny", as_of=AS_OF)


def test_every_completed_trainee_has_a_signed_final_assessment_and_an_issued_set_that_verifies(tiny):
    completed = Trainee.objects.filter(status=TraineeStatus.COMPLETED).select_related("user")
    assert completed.exists()
    for trainee in completed:
        final = trainee.final_assessment
        assert final.complete and final.approved
        assert final.assignment.trainee_id == trainee.pk
        for role in (GoalJudgement.MAIN, GoalJudgement.EXTERNAL):
            attained = final.judgements.filter(by_role=role, attained=True).values_list("goal", flat=True)
            assert set(attained) == set(goals_for(trainee).values_list("pk", flat=True))
        docs = trainee.issued_documents.all()
        assert sorted(d.kind for d in docs) == sorted(issuing.ISSUED_KINDS)
        for doc in docs:
            check = issuing.verification(doc.code)
            assert check.state == issuing.VerifyState.VALID, (doc.kind, check.state)
            assert trainee.user.last_name in check.attested["person"]["name"]
            with doc.file.open("rb") as fh:
                assert fh.read().startswith(b"%PDF-")
    assert not FinalAssessment.objects.exclude(trainee__status=TraineeStatus.COMPLETED).exists()
    # The database's guards hold for the generated rows as for real ones.
    with pytest.raises(ValidationError):
        FinalAssessment.objects.filter(pk=completed[0].final_assessment.pk).update(main_verdict=False)


def test_the_verification_notices_a_changed_plan_on_generated_data(tiny):
    doc = IssuedDocument.objects.filter(kind="bilaga3").select_related("trainee").first()
    placement = doc.trainee.placements.order_by("start").first()
    Placement.objects.filter(pk=placement.pk).update(extent=50)
    assert issuing.verification(doc.code).state == issuing.VerifyState.CHANGED


def test_reviews_go_through_every_state_and_their_indicators_compute(tiny, django_assert_max_num_queries):
    reviews = list(quality.Review.objects.select_related("unit"))
    assert {r.state for r in reviews} == set(quality.ReviewState.values)
    for review in reviews:
        assert review.reviewers.count() == 2
        assert not review.reviewers.filter(reviewer__role_assignments__region=review.unit.region).exists()
        if review.state not in (quality.ReviewState.PLANNED, quality.ReviewState.SURVEYS_OPEN):
            assert review.documents.exists()
        if review.visit_date:
            graded = set(review.area_findings.values_list("area", flat=True))
            assert graded == set(review.catalogue.areas.values_list("pk", flat=True))
        if review.state == quality.ReviewState.CLOSED:
            assert not review.statement_findings.filter(action="requirement", remedied_at=None).exists()
        with django_assert_max_num_queries(20):
            found = indicators.unit_indicators(
                review.unit, start=review.period_start, end=review.period_end, today=AS_OF
            )
        assert found.placements >= 0


def test_most_ended_placements_are_evaluated_anonymously(tiny):
    ended = Placement.objects.filter(end__lt=AS_OF, unit__isnull=False)
    invitations = quality.EvaluationInvitation.objects.all()
    assert invitations.count() == ended.count()
    answered = invitations.filter(answered_at__isnull=False).count()
    assert quality.PlacementEvaluation.objects.count() == answered
    assert answered >= 0.6 * ended.count()
    assert not invitations.filter(answered_at__isnull=False).exclude(token_hash="").exists()
    assert {f.name for f in quality.PlacementEvaluation._meta.fields} == {
        "id",
        "unit",
        "year",
        "supervision",
        "learning_climate",
        "patient_responsibility",
        "workload",
        "goals",
        "free_text",
    }


def test_it_refuses_a_database_that_already_has_generated_data(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    from django.core.management.base import CommandError

    scale.generate("tiny", as_of=AS_OF)
    with pytest.raises(CommandError):
        call_command("generate_scale", "--preset", "tiny")


def test_every_generated_plan_passes_the_rules_module_in_every_region(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result = scale.generate(EVERY_REGION, as_of=AS_OF)
    assert result.counts["trainees.trainee"] == 21 * 8
    programmes = set()
    for trainee in Trainee.objects.select_related("region"):
        programmes.add(trainee.programme)
        check = services.check_plan(trainee)
        errors = [f for f in check.result.findings if f.severity == "error"]
        assert not errors, (trainee.programme, trainee.bt_type, errors)
    assert len(programmes) == 9  # every programme template in the rules module

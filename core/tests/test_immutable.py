"""The guard for signed records (`core.immutable`): on its own, and on the models that use it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.immutable import SignedQuerySet, SignedRecord

D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class _Stored:
    """Stands in for models.Model: records what reached it."""

    def __init__(self):
        self.calls = []

    def save(self, *args, **kwargs):
        self.calls.append(("save", kwargs))

    def delete(self, *args, **kwargs):
        self.calls.append(("delete", kwargs))
        return 1, {}


class _Record(SignedRecord, _Stored):
    refuse_change = "changed!"
    refuse_delete = "deleted!"

    def __init__(self, signed):
        super().__init__()
        self.signed = signed

    def signed_in_database(self):
        return self.signed


def test_it_passes_saves_and_deletes_of_unsigned_rows_through():
    record = _Record(signed=False)
    record.save(update_fields=["x"])
    assert record.delete() == (1, {})
    assert record.calls == [("save", {"update_fields": ["x"]}), ("delete", {})]


def test_it_refuses_to_save_or_delete_a_signed_row_with_the_models_words():
    record = _Record(signed=True)
    with pytest.raises(ValidationError, match="changed!"):
        record.save()
    with pytest.raises(ValidationError, match="deleted!"):
        record.delete()
    assert record.calls == []


def test_the_default_words_are_translated():
    assert str(SignedRecord.refuse_change) == "A signed record cannot be changed."
    with translation.override("sv"):
        assert str(SignedRecord.refuse_change) == "En signerad post kan inte ändras."
        assert str(SignedRecord.refuse_delete) == "En signerad post kan inte tas bort."


# --- on real models ------------------------------------------------------------------------------


def _assessment(world, **fields):
    from assessments.models import Assessment

    return Assessment.objects.create(
        trainee=world.trainee, instrument="cbd", performed_on=D(2026, 11, 2), assessor_name="X", **fields
    )


@pytest.mark.django_db
def test_what_counts_is_the_row_in_the_database_not_the_instance(world):
    from assessments.models import Assessment

    draft = _assessment(world)
    draft.signed_at = timezone.now()
    draft.save()  # signing an unsigned row is the one change allowed
    stale = Assessment.objects.get(pk=draft.pk)
    stale.signed_at = None  # pretending in memory that it is not signed changes nothing
    with pytest.raises(ValidationError):
        stale.save()
    with pytest.raises(ValidationError):
        stale.delete()
    assert Assessment.objects.get(pk=draft.pk).signed_at is not None
    assert not Assessment(trainee=world.trainee).signed_in_database()  # unsaved


@pytest.mark.django_db
def test_bulk_changes_refuse_when_one_row_is_signed(world):
    from assessments.models import Assessment

    assert isinstance(Assessment.objects.all(), SignedQuerySet)
    draft, signed = _assessment(world), _assessment(world, signed_at=timezone.now())
    with pytest.raises(ValidationError, match="cannot be changed"):
        Assessment.objects.update(comments="x")
    with pytest.raises(ValidationError, match="cannot be deleted"):
        Assessment.objects.all().delete()
    assert Assessment.objects.filter(comments="x").count() == 0
    assert Assessment.objects.filter(pk=draft.pk).update(comments="x") == 1  # unsigned rows only: fine
    Assessment.objects.filter(pk=draft.pk).delete()
    assert list(Assessment.objects.values_list("pk", flat=True)) == [signed.pk]


@pytest.mark.django_db
def test_records_signed_when_made_refuse_every_change_but_the_allowed_fields(world):
    from certificates.models import IssuedDocument

    doc = IssuedDocument.objects.create(trainee=world.trainee, kind="bilaga1", subject_name="A", sha256="0" * 64)
    doc.subject_name = "B"
    with pytest.raises(ValidationError, match="An issued document cannot be changed"):
        doc.save()
    with pytest.raises(ValidationError, match="revoke it instead"):
        doc.delete()
    with pytest.raises(ValidationError):
        IssuedDocument.objects.filter(pk=doc.pk).update(subject_name="B")
    with pytest.raises(ValidationError):
        IssuedDocument.objects.filter(pk=doc.pk).delete()
    assert IssuedDocument.objects.filter(pk=doc.pk).update(revoked_reason="Fel person") == 1
    assert IssuedDocument.objects.get(pk=doc.pk).subject_name == "A"


@pytest.mark.django_db
def test_a_final_assessment_signed_by_both_and_its_judgements_refuse_bulk_changes(world):
    from certificates.models import FinalAssessment, GoalJudgement
    from goals.models import Goal

    now = timezone.now()
    final = FinalAssessment.objects.create(trainee=world.trainee)
    goal = Goal.objects.order_by("number").first()
    main = GoalJudgement.objects.create(final=final, goal=goal, by_role=GoalJudgement.MAIN, attained=True)
    external = GoalJudgement.objects.create(final=final, goal=goal, by_role=GoalJudgement.EXTERNAL, attained=True)
    assert FinalAssessment.objects.filter(pk=final.pk).update(main_signed_at=now) == 1  # one part: not yet
    with pytest.raises(ValidationError, match="A signed judgement cannot be changed"):
        GoalJudgement.objects.filter(pk=main.pk).update(attained=False)
    with pytest.raises(ValidationError):  # nor added to the signed part
        GoalJudgement.objects.create(
            final=final, goal=Goal.objects.order_by("number")[1], by_role=main.by_role, attained=True
        )
    assert GoalJudgement.objects.filter(pk=external.pk).update(comment="ok") == 1  # not signed yet
    assert FinalAssessment.objects.filter(pk=final.pk).update(external_signed_at=now) == 1
    with pytest.raises(ValidationError, match="signed by both"):
        FinalAssessment.objects.filter(pk=final.pk).update(main_comment="x")
    with pytest.raises(ValidationError, match="signed by both"):
        FinalAssessment.objects.get(pk=final.pk).delete()
    with pytest.raises(ValidationError):
        GoalJudgement.objects.filter(final=final).delete()
    assert GoalJudgement.objects.filter(final=final).count() == 2

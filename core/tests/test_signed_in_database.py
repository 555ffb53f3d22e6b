"""Signed stays signed in the database: the triggers (core.immutable.DbGuard, created by the
migrations of assessments and certificates) refuse every path around the ORM's guard, on SQLite
and on PostgreSQL (run this module with DATABASE_URL=postgres://… too).

Each test tries a path the issue found open: the base manager's update(), goals.clear(), a
bulk update of a final assessment, deleting what a signed row points to, reopening a signed
request (in the admin and in the database)."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone, translation

from assessments import services as assessments
from assessments.models import Assessment, AssessmentRequest, RequestStatus
from certificates.models import FinalAssessment, GoalJudgement, IssuedDocument, ServiceSignature
from core.errors import DomainError
from goals.models import Goal
from trainees import services as trainees
from trainees.models import Placement

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refused(action):
    """The database refuses `action` (in a savepoint, so the test's transaction goes on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


@pytest.fixture
def placement(world):
    return Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=D(2026, 11, 1),
        end=D(2027, 1, 31),
        supervisor=world.users["handledare"],
    )


@pytest.fixture
def signed(world, placement):
    """An assessment signed through the service, with goals, in a placement."""
    issued = assessments.create_request(
        world.trainee,
        by=world.users["bt_lakare"],
        instrument="mini_cex",
        assessor=world.users["handledare"],
        placement=placement,
        goals=list(Goal.objects.order_by("number")[:2]),
    )
    return assessments.sign_request(issued.request, data={"overall": 3}, by=world.users["handledare"])


def test_the_triggers_are_there():
    names = {
        "assessment_signed_guard",
        "assessment_goals_signed_guard",
        "assessment_request_signed_guard",
        "assessment_request_goals_signed_guard",
        "final_assessment_signed_guard",
        "goal_judgement_signed_guard",
        "issued_document_guard",
        "service_signature_guard",
        "assessor_check_guard",
    }
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            found = {name.rsplit("_", 1)[0] for (name,) in cursor.fetchall()}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            found = {name for (name,) in cursor.fetchall()}
    assert names <= found  # a later migration that rebuilds a table (SQLite) must make them again


def test_raw_updates_and_deletes_of_a_signed_assessment_fail(signed):
    base = Assessment._base_manager.filter(pk=signed.pk)
    refused(lambda: base.update(overall=1))
    refused(lambda: base.update(signed_at=None))  # "unsigning" is a change too
    refused(lambda: base.delete())
    with connection.cursor() as cursor:
        refused(lambda: cursor.execute("UPDATE assessments_assessment SET comments = 'x' WHERE id = %s", [signed.pk]))
    assert Assessment.objects.get(pk=signed.pk).overall == 3


def test_the_goals_of_a_signed_assessment_stay(signed):
    before = set(signed.goals.values_list("pk", flat=True))
    refused(lambda: signed.goals.clear())
    refused(lambda: signed.goals.add(Goal.objects.order_by("-number").first()))
    refused(lambda: signed.goals.set([]))
    assert set(Assessment.objects.get(pk=signed.pk).goals.values_list("pk", flat=True)) == before


def test_an_unsigned_assessment_is_still_free(world):
    draft = Assessment.objects.create(
        trainee=world.trainee, instrument="cbd", performed_on=D(2026, 11, 2), assessor_name="X"
    )
    draft.goals.set(Goal.objects.order_by("number")[:1])
    Assessment._base_manager.filter(pk=draft.pk).update(comments="ok", signed_at=timezone.now())
    assert Assessment.objects.get(pk=draft.pk).comments == "ok"


def test_a_signed_request_cannot_be_reopened(signed):
    request = signed.request
    refused(lambda: AssessmentRequest.objects.filter(pk=request.pk).update(status=RequestStatus.OPEN))
    refused(lambda: request.goals.clear())
    refused(lambda: AssessmentRequest.objects.filter(pk=request.pk).delete())
    assert AssessmentRequest.objects.get(pk=request.pk).status == RequestStatus.SIGNED


def test_the_admin_shows_a_signed_request_read_only(client, world, signed):
    client.force_login(world.users["admin"])
    url = reverse("admin:assessments_assessmentrequest_change", args=[signed.request.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()  # view only: no field to set it back
    client.post(url, {"status": "open", "assessor_name": "X", "assessor_email": "x@example.se"})
    assert AssessmentRequest.objects.get(pk=signed.request.pk).status == RequestStatus.SIGNED
    assert (
        client.get(reverse("admin:assessments_assessmentrequest_delete", args=[signed.request.pk])).status_code == 403
    )


def test_the_admin_shows_certificates_and_signatures_read_only(client, world):
    doc = IssuedDocument.objects.create(trainee=world.trainee, kind="bilaga1", subject_name="A", sha256="0" * 64)
    client.force_login(world.users["admin"])
    url = reverse("admin:certificates_issueddocument_change", args=[doc.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="subject_name"' not in page.content.decode()
    assert client.get(reverse("admin:certificates_issueddocument_delete", args=[doc.pk])).status_code == 403
    for model in ("finalassessment", "servicesignature", "issueddocument"):
        assert client.get(reverse(f"admin:certificates_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:certificates_{model}_add")).status_code == 403


def test_what_a_signed_assessment_points_to_is_protected(world, signed, placement):
    with pytest.raises(ProtectedError), transaction.atomic():
        placement.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        world.users["handledare"].delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        signed.request.delete()
    assert Assessment.objects.get(pk=signed.pk).placement_id == placement.pk


def test_removing_a_placement_with_signed_assessments_is_refused_but_it_can_be_ended(world, signed, placement):
    version = world.trainee.plan_version
    with pytest.raises(DomainError, match="signed assessments"):
        trainees.delete_plan_item(world.trainee, placement, expected_version=version)
    placement.refresh_from_db()
    placement.end = D(2026, 12, 15)  # ended early: the path that keeps the signed record
    trainees.save_placement(world.trainee, placement, expected_version=version)
    signed = Assessment.objects.get(pk=signed.pk)
    assert signed.placement_id == placement.pk and signed.signed
    assert placement.history.first().end == D(2026, 12, 15)  # and the change is in the history


def test_nothing_is_removed_from_a_plan_an_issued_certificate_attests(world):
    leave = world.trainee.leave.create(kind="sick", start=D(2026, 12, 1), end=D(2026, 12, 3))
    IssuedDocument.objects.create(trainee=world.trainee, kind="bilaga3", subject_name="A", sha256="0" * 64)
    with pytest.raises(DomainError, match="issued certificate"):
        trainees.delete_plan_item(world.trainee, leave, expected_version=world.trainee.plan_version)
    assert world.trainee.leave.filter(pk=leave.pk).exists()


def _final(world, **signed):
    final = FinalAssessment.objects.create(trainee=world.trainee)
    goal = Goal.objects.order_by("number").first()
    for role in (GoalJudgement.MAIN, GoalJudgement.EXTERNAL):
        GoalJudgement.objects.create(final=final, goal=goal, by_role=role, attained=True)
    FinalAssessment._base_manager.filter(pk=final.pk).update(**signed)
    return final


def test_a_signed_final_assessment_and_its_judgements_never_change(world):
    now = timezone.now()
    final = _final(world, main_signed_at=now, external_signed_at=now, main_verdict=True, external_verdict=True)
    refused(lambda: FinalAssessment._base_manager.filter(pk=final.pk).update(main_verdict=False))
    refused(lambda: FinalAssessment._base_manager.filter(pk=final.pk).update(external_signed_at=None))
    refused(lambda: FinalAssessment._base_manager.filter(pk=final.pk).delete())
    refused(lambda: GoalJudgement._base_manager.filter(final=final).update(attained=False))
    refused(lambda: GoalJudgement._base_manager.filter(final=final).delete())
    assert FinalAssessment.objects.get(pk=final.pk).main_verdict is True


def test_one_signed_part_is_fixed_while_the_other_is_open(world):
    final = _final(world, main_signed_at=timezone.now(), main_verdict=True)
    base = FinalAssessment._base_manager.filter(pk=final.pk)
    refused(lambda: base.update(main_verdict=False))
    refused(lambda: base.update(main_comment="ändrad"))
    refused(lambda: GoalJudgement._base_manager.filter(final=final, by_role="main").update(attained=False))
    goal2 = Goal.objects.order_by("number")[1]
    judgement = GoalJudgement(final=final, goal=goal2, by_role="main", attained=True)
    refused(lambda: GoalJudgement._base_manager.bulk_create([judgement]))  # bulk: past save()
    # the extern bedömare's part is still theirs to write
    assert base.update(external_verdict=True, external_comment="ok") == 1
    assert GoalJudgement._base_manager.filter(final=final, by_role="external").update(comment="ok") == 1
    GoalJudgement._base_manager.bulk_create([GoalJudgement(final=final, goal=goal2, by_role="external", attained=True)])


def test_an_issued_document_can_only_be_revoked_once(world):
    doc = IssuedDocument.objects.create(trainee=world.trainee, kind="bilaga1", subject_name="A", sha256="0" * 64)
    base = IssuedDocument._base_manager.filter(pk=doc.pk)
    locked = [
        f
        for f in IssuedDocument._meta.concrete_fields
        if not f.primary_key and f.name not in IssuedDocument.updatable_when_signed
    ]
    for field in locked:  # every column, so a column added later must be added to the trigger
        value = {
            "trainee": world.other_trainee,
            "issued_by": world.users["kansli"],
            "service_signature": ServiceSignature.objects.create(
                trainee=world.trainee, signed_by=world.users["verksamhetschef"], content={}, content_sha256="0" * 64
            ),
        }.get(field.name)
        if value is None:
            value = (
                timezone.now() + datetime.timedelta(days=1)
                if field.get_internal_type() == "DateTimeField"
                else ({"x": 1} if field.get_internal_type() == "JSONField" else "bilaga2")
            )
        refused(lambda field=field, value=value: base.update(**{field.name: value}))
    refused(lambda: base.delete())
    assert base.update(revoked_at=timezone.now(), revoked_reason="Fel person", revoked_by=world.users["kansli"]) == 1
    refused(lambda: base.update(revoked_at=None))  # not un-revoked
    refused(lambda: base.update(revoked_reason="annat"))


def test_a_service_signature_never_changes(world):
    signature = ServiceSignature.objects.create(
        trainee=world.trainee,
        signed_by=world.users["verksamhetschef"],
        signer_name="Vera Chef",
        signer_title="Verksamhetschef",
        content={"a": 1},
        content_sha256="0" * 64,
    )
    base = ServiceSignature._base_manager.filter(pk=signature.pk)
    refused(lambda: base.update(signer_name="Någon annan"))
    refused(lambda: base.update(content={"a": 2}))
    refused(lambda: base.delete())
    assert ServiceSignature.objects.get(pk=signature.pk).signer_name == "Vera Chef"

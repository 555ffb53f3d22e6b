"""The version of a BT-läkare's record (`trainees.versions`): every audited change bumps it."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.models import registered_models

from btportal import factories as f
from portfolio.tests.factories import goal, make_activity, make_placement
from trainees import versions
from trainees.models import Credit, Leave, OtherLicence, TraineeRecordVersion, UnitWish

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)


def test_every_history_tracked_model_is_mapped_or_listed_as_no_trainee_record():
    labels = set()
    for model in registered_models.values():
        label = model._meta.label_lower
        labels.add(label)
        mapped = bool(versions.paths(model))
        listed = label in versions.NOT_A_TRAINEE_RECORD
        assert mapped != listed, f"{label}: map it to its BT-läkare or list it in NOT_A_TRAINEE_RECORD"
    assert labels >= versions.NOT_A_TRAINEE_RECORD, "a listed model is no longer history-tracked"
    # The version table itself is not audited (a bump must not write history, which would bump).
    assert TraineeRecordVersion._meta.label_lower not in labels


def test_the_mapping_of_each_kind_of_row(world):
    from assessments.models import AssessorCheck
    from portfolio.models import IUP, Evidence, IUPGoalPlan
    from quality.models import EvaluationInvitation

    t = world.trainee
    placement = make_placement(t, unit=world.clinic)
    activity = make_activity(t, "BT1")
    assert versions.paths(type(t)) == ("self",)
    assert versions.paths(type(placement)) == ("trainee_id",)
    iup = IUP.objects.create(trainee=t)
    # One hop: the parent's BT-läkare (read when the parent is not loaded).
    assert versions.trainees_of(IUPGoalPlan(iup_id=iup.pk, goal=goal("BT1"))) == {t.pk}
    assert versions.trainees_of(Evidence(activity=activity)) == {t.pk}
    assert versions.trainees_of(EvaluationInvitation(placement_id=placement.pk)) == {t.pk}
    assert {f.name for f, _ in versions.paths(AssessorCheck)} == {"assessment"}
    assert versions.trainees_of(world.users["bt_lakare"]) == {t.pk}
    assert versions.trainees_of(world.users["kansli"]) == set()
    # A supervisor's qualifications are judged in the plans of everyone they supervise.
    assert versions.trainees_of(world.supervisor_profile) == set()
    placement.supervisor = world.users["handledare"]
    placement.save()
    assert versions.trainees_of(world.supervisor_profile) == {t.pk}


def _v(trainee) -> int:
    return versions.current([trainee.pk])[trainee.pk]


def _bumps(trainee, change) -> bool:
    before = _v(trainee)
    change()
    return _v(trainee) > before


def test_the_version_follows_the_audit_trail(world):
    t, other = world.trainee, world.other_trainee
    assert _v(t) >= 1  # made: the first historical row
    placement = make_placement(t, unit=world.clinic)
    activity = make_activity(t, "BT1")
    changes = {
        "the trainee": lambda: (setattr(t, "st_specialty", "Kirurgi"), t.save()),
        "a placement added": lambda: make_placement(t, start=D(2027, 3, 1), end=D(2027, 5, 31)),
        "a placement changed": lambda: (setattr(placement, "extent", 50), placement.save()),
        "leave": lambda: Leave.objects.create(trainee=t, kind="sick", start=D(2026, 12, 1), end=D(2026, 12, 3)),
        "credit": lambda: Credit.objects.create(trainee=t, category="psykiatri", months=1, kind="foreign"),
        "licence": lambda: OtherLicence.objects.create(trainee=t, country="Norge", date=D(2024, 1, 1)),
        "a wish": lambda: UnitWish.objects.create(trainee=t, unit=world.clinic, strength=1),
        "an activity's goals (m2m)": lambda: activity.goals.add(goal("BT2")),
        "evidence (one hop)": lambda: activity.evidence.create(
            file=ContentFile(b"%PDF-1.4", name="x.pdf"), original_name="x.pdf", content_type="application/pdf", size=8
        ),
        "the person": lambda: (setattr(t.user, "first_name", "Ny"), t.user.save()),
        "the supervisor's training": lambda: (
            setattr(placement, "supervisor", world.users["handledare"]),
            placement.save(),
            setattr(world.supervisor_profile, "bt_supervisor_training_date", D(2025, 1, 1)),
            world.supervisor_profile.save(),
        ),
        "an activity deleted": lambda: activity.delete(),
        "a placement deleted": lambda: placement.delete(),
    }
    for what, change in changes.items():
        other_before = versions.current([other.pk])[other.pk]
        assert _bumps(t, change), what
        assert versions.current([other.pk])[other.pk] == other_before, f"{what} bumped someone else"


def test_signing_an_assessment_and_confirming_its_assessor_bump_it(world, mailoutbox):
    from assessments import services
    from assessments.models import AssessorCheck

    t = world.trainee
    placement = make_placement(t, unit=world.clinic, supervisor=world.users["handledare"])
    link = None

    def request():
        nonlocal link
        link = services.create_request(
            t, by=world.users["bt_lakare"], instrument="mini_cex", placement=placement,
            assessor_name="Extern Läkare", assessor_email="extern.lakare@example.org",
        )  # fmt: skip

    assert _bumps(t, request)
    assessment = None

    def sign():
        nonlocal assessment
        assessment = services.sign_request(link.request, data={"overall": 3}, pin=link.pin)

    assert _bumps(t, sign)
    assert AssessorCheck.objects.filter(assessment=assessment).exists()  # an assessor nobody knows
    assert _bumps(t, lambda: services.confirm_assessor(assessment, by=world.users["huvudhandledare"], note="Känd"))


def test_a_rolled_back_change_leaves_the_version(world):
    from django.db import transaction

    before = _v(world.trainee)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_placement(world.trainee)
        raise RuntimeError
    assert _v(world.trainee) == before


def test_deleting_a_trainee_is_not_stopped_by_the_bumps_of_its_rows(world):
    t = f.make_trainee(home_unit=world.clinic)
    make_placement(t)
    Leave.objects.create(trainee=t, kind="sick", start=D(2026, 12, 1), end=D(2026, 12, 3))
    pk = t.pk
    t.delete()
    assert versions.current([pk])[pk] >= 1  # the row outlives it, harmlessly


def test_bump_and_current(world):
    t = world.trainee
    TraineeRecordVersion.objects.filter(trainee_id=t.pk).delete()
    assert versions.current([t.pk, 987654]) == {t.pk: 0, 987654: 0}
    versions.bump(t.pk)
    versions.bump(t.pk, t.pk)  # once each per call
    row = TraineeRecordVersion.objects.get(trainee_id=t.pk)
    assert row.version == 2 and abs(row.changed_at - timezone.now()) < datetime.timedelta(minutes=1)
    with CaptureQueriesContext(connection) as queries:
        got = versions.current(type(t).objects.filter(pk=t.pk).values("pk"))
    assert got == {t.pk: 2} and len(queries) == 1


def test_a_raw_save_bumps_too(world):
    """A raw save (loaddata, the record import) writes its history with bulk_history_create, which
    sends no signal: the raw save itself bumps."""
    from trainees.models import Placement

    placement = Placement(trainee=world.trainee, category="akut", start=D(2026, 11, 1), end=D(2027, 1, 31))
    assert _bumps(world.trainee, lambda: placement.save_base(raw=True))
    unit = world.clinic
    assert not _bumps(world.trainee, lambda: unit.save_base(raw=True))


def test_rows_without_history_of_their_own_bump_too(world):
    """An assessment, a comment on it and a status change keep no history (the row is its own audit):
    their saves and deletes bump the version as well."""
    from assessments.models import Assessment, TraineeComment
    from trainees.models import StatusChange

    t = world.trainee
    made = {}

    def make():
        made["a"] = Assessment.objects.create(trainee=t, instrument="mini_cex", performed_on=D(2026, 11, 15))

    assert _bumps(t, make)
    assert _bumps(t, lambda: TraineeComment.objects.create(assessment=made["a"], text="Tack!"))
    assert _bumps(
        t, lambda: StatusChange.objects.create(trainee=t, from_status="planned", to_status="active", on=D(2026, 11, 1))
    )
    assert _bumps(t, lambda: made["a"].delete())
    assert not _bumps(
        t,
        lambda: Assessment.objects.create(trainee=world.other_trainee, instrument="dops", performed_on=D(2026, 11, 15)),
    )


def test_a_raw_save_of_a_row_without_history_bumps_too(world):
    """The record import saves assessments raw as well: no history is written for them, so the save bumps."""
    from assessments.models import Assessment

    assessment = Assessment(
        trainee=world.trainee, instrument="mini_cex", performed_on=D(2026, 11, 15), created_at=timezone.now()
    )
    assert _bumps(world.trainee, lambda: assessment.save_base(raw=True))


def test_one_bump_gathers_the_bumps_of_a_workflow_into_one_per_trainee(world):
    from django.db import transaction

    t, other = world.trainee, world.other_trainee
    before, before_other = _v(t), _v(other)
    with transaction.atomic(), versions.one_bump():
        make_placement(t, unit=world.clinic)
        make_placement(t, start=D(2027, 3, 1), end=D(2027, 5, 31))
        make_placement(other, unit=world.other_clinic)
        with versions.one_bump():  # nested: the outer one bumps
            make_activity(t, "BT1")
        assert (_v(t), _v(other)) == (before, before_other)  # nothing yet
    assert (_v(t), _v(other)) == (before + 1, before_other + 1)


def test_one_bump_bumps_nothing_when_the_workflow_fails(world):
    from django.db import transaction

    t = world.trainee
    before = _v(t)
    with pytest.raises(ValueError), transaction.atomic(), versions.one_bump():
        make_placement(t, unit=world.clinic)
        raise ValueError("refused")
    assert _v(t) == before
    make_placement(t, unit=world.clinic)  # and the bumps are made at once again afterwards
    assert _v(t) == before + 1

"""The portable record: a round trip into another installation loses nothing (every concrete
field, every file's SHA-256), signed records stay signed and verifiable, a re-import duplicates
nothing."""

import io

import pytest

from api.record.importing import import_record
from api.tests.record_helpers import exported, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _counts():
    from api.record import spec

    return {label: m._base_manager.count() for label, m in ((spec.label_of(m), m) for m, _p in spec.owned_models())}


def test_a_round_trip_into_another_installation_loses_nothing(world):
    from accounts.models import User
    from certificates.services import VerifyState, verify
    from trainees.models import Trainee

    data, pnr, before = exported(world)
    # Every model of the record has rows (the comparison below compares something).
    assert all(before[label] for label in before), [label for label in before if not before[label]]
    assert len(before["portfolio.evidence"]) == 2 and len(before["certificates.goaljudgement"]) == 36
    # The receiving installation: the record, its new unit and new supervisor are not here.
    assert not Trainee.objects.filter(user__personnummer=pnr).exists()
    assert not User.objects.filter(email="ny.handledare@example.se").exists()

    result = import_record(io.BytesIO(data), by=world.users["kansli"])

    assert snapshot(pnr) == before
    assert result.people_created == ["resande@example.se", "ny.handledare@example.se"]
    assert [u.split(" – ")[-1] for u in result.units_created] == ["Psykiatrimottagning Väster"]
    docs = list(result.trainee.issued_documents.all())
    assert len(docs) == 2 and all(verify(d.code)[0] == VerifyState.VALID for d in docs)
    final = result.trainee.final_assessment
    assert final.complete and final.approved and final.judgements.count() == 36
    assert not User.objects.get(email="ny.handledare@example.se").has_usable_password()


def test_importing_again_duplicates_nothing(world):
    data, pnr, before = exported(world)
    import_record(io.BytesIO(data))
    counts = _counts()
    again = import_record(io.BytesIO(data))
    assert not again.changed
    assert _counts() == counts
    assert snapshot(pnr) == before


def test_a_record_exported_again_keeps_its_keys(world):
    """Exported from the receiving installation and imported back there: still nothing doubled."""
    from api.record.exporting import export_record

    data, _pnr, _before = exported(world)
    result = import_record(io.BytesIO(data))
    buffer = io.BytesIO()
    export_record(result.trainee, buffer)
    counts = _counts()
    assert not import_record(io.BytesIO(buffer.getvalue())).changed
    assert _counts() == counts


def test_it_moves_a_record_to_another_region(world):
    data, pnr, before = exported(world)
    result = import_record(io.BytesIO(data), region=world.gavleborg, home_unit=world.other_clinic)
    assert (result.trainee.region, result.trainee.home_unit) == (world.gavleborg, world.other_clinic)
    after = snapshot(pnr)
    assert {k: v for k, v in after.items() if k != "trainees.trainee"} == {
        k: v for k, v in before.items() if k != "trainees.trainee"
    }


def test_a_move_needs_a_home_unit_in_the_receiving_region(world):
    from api.record import RecordError

    data, _pnr, _before = exported(world)
    counts = _counts()
    with pytest.raises(RecordError, match="home unit"):
        import_record(io.BytesIO(data), region=world.gavleborg)
    assert _counts() == counts

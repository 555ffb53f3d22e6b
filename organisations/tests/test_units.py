import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from btportal import factories as f
from organisations.models import Region, Unit, UnitCapacity, UnitKind
from organisations.regions import REGIONS


@pytest.mark.django_db
def test_the_21_regions_are_loaded():
    assert Region.objects.count() == 21
    assert len({code for code, *_ in REGIONS}) == 21
    assert Region.objects.get(slug="vgr").programme == "vgr"
    assert Region.objects.get(slug="stockholm").programme == "national"


@pytest.mark.django_db
def test_units_form_a_tree_with_a_materialised_path():
    vgr = f.region("vgr")
    admin_unit = f.make_unit(vgr, "SU", kind=UnitKind.ADMINISTRATION, category="")
    hospital = f.make_unit(vgr, "Sahlgrenska", parent=admin_unit, kind=UnitKind.HOSPITAL, category="")
    clinic = f.make_unit(vgr, "Akutkliniken", parent=hospital)
    elsewhere = f.make_unit(vgr, "Vårdcentralen Tullen", category="primarvard")
    assert clinic.path == f"/{admin_unit.pk}/{hospital.pk}/{clinic.pk}/"
    assert clinic.depth == 2
    assert set(Unit.objects.subtree(admin_unit)) == {admin_unit, hospital, clinic}
    assert elsewhere not in Unit.objects.subtree(hospital)


@pytest.mark.django_db
def test_moving_a_unit_moves_its_subtree():
    vgr = f.region("vgr")
    a = f.make_unit(vgr, "A", category="")
    b = f.make_unit(vgr, "B", category="")
    child = f.make_unit(vgr, "C", parent=a)
    a.parent = b
    a.save()
    child.refresh_from_db()
    assert child.path == f"/{b.pk}/{a.pk}/{child.pk}/"
    assert child in Unit.objects.subtree(b)


@pytest.mark.django_db
def test_a_unit_cannot_belong_to_its_own_subtree_or_another_region():
    vgr, gbg = f.region("vgr"), f.region("gavleborg")
    a = f.make_unit(vgr, "A", category="")
    child = f.make_unit(vgr, "C", parent=a)
    a.parent = child
    with pytest.raises(ValidationError):
        a.full_clean()
    foreign = f.make_unit(gbg, "G", category="")
    child.parent = foreign
    with pytest.raises(ValidationError):
        child.full_clean()


@pytest.mark.django_db
def test_monthly_capacity_can_differ_from_the_default():
    unit = f.make_unit(f.region("vgr"), capacity=3)
    UnitCapacity.objects.create(unit=unit, month=datetime.date(2027, 7, 1), capacity=1)
    assert unit.capacity_in(datetime.date(2027, 7, 15)) == 1
    assert unit.capacity_in(datetime.date(2027, 8, 1)) == 3
    with pytest.raises(IntegrityError):
        UnitCapacity.objects.create(unit=unit, month=datetime.date(2027, 7, 1), capacity=2)


@pytest.mark.django_db
def test_the_hsa_id_is_optional_but_unique():
    vgr = f.region("vgr")
    f.make_unit(vgr, "A")
    f.make_unit(vgr, "B")  # two units without HSA-id are fine
    Unit.objects.create(region=vgr, name="C", hsa_id="SE2321000131-E000000000001")
    with pytest.raises(IntegrityError):
        Unit.objects.create(region=vgr, name="D", hsa_id="SE2321000131-E000000000001")


@pytest.mark.django_db
def test_the_region_page_shows_the_tree_with_capacity(client, world):
    client.force_login(world.users["kansli"])
    body = client.get(world.vgr.get_absolute_url()).content.decode()
    assert "Sahlgrenska" in body and "Medicinkliniken" in body and "tree-depth-1" in body


@pytest.mark.django_db
def test_region_list_query_count_does_not_grow_with_units(client, world, django_assert_max_num_queries):
    client.force_login(world.users["admin"])
    for i in range(30):
        f.make_unit(world.vgr, f"Extra {i}", parent=world.hospital)
    with django_assert_max_num_queries(12):
        assert client.get(world.vgr.get_absolute_url()).status_code == 200

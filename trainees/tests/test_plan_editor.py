import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from btportal import factories as f
from trainees import services
from trainees.models import Leave, Placement

D = datetime.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _placement(world, **data):
    base = {
        "unit": world.clinic.pk,
        "start": "2026-11-01",
        "end": "2027-01-31",
        "extent": "100",
        "plan_version": world.trainee.plan_version,
    }
    base.update(data)
    return base


@pytest.fixture
def kansli(client, world):
    client.force_login(world.users["kansli"])
    return client


@pytest.mark.django_db
def test_adding_a_placement_takes_the_category_from_the_unit(kansli, world):
    response = kansli.post(
        reverse("trainees:placement_add", args=[world.trainee.pk]), _placement(world, category="psykiatri")
    )
    assert response.status_code == 302
    placement = world.trainee.placements.get()
    assert placement.category == "akut" and placement.unit == world.clinic


@pytest.mark.django_db
def test_the_plan_is_judged_by_the_rules_module_in_plain_words(kansli, world):
    kansli.post(reverse("trainees:placement_add", args=[world.trainee.pk]), _placement(world))
    body = kansli.get(reverse("trainees:plan", args=[world.trainee.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'data-code="MISSING_PRIMARY_CARE"' in body
    assert 'data-code="PLAN_TOO_SHORT"' in body
    assert "Planen saknar primärvård" in body


@pytest.mark.django_db
def test_partial_primary_care_is_shown_with_a_swedish_decimal(kansli, world):
    trainee = world.trainee
    Placement.objects.create(
        trainee=trainee, category="akut", unit=world.clinic, start=D(2026, 11, 1), end=D(2027, 2, 28)
    )
    Placement.objects.create(
        trainee=trainee, category="primarvard", unit=world.health_centre, start=D(2027, 3, 1), end=D(2027, 5, 15)
    )
    body = kansli.get(reverse("trainees:plan", args=[trainee.pk])).content.decode()
    assert "Primärvård: 2,48 av minst 3 månader" in body


@pytest.mark.django_db
def test_the_live_check_previews_an_unsaved_placement(kansli, world):
    url = reverse("trainees:plan_check", args=[world.trainee.pk])
    response = kansli.post(
        url, _placement(world, unit=world.health_centre.pk, end="2027-04-30"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="plan-findings"' in body and "<html" not in body
    assert 'data-code="MISSING_EMERGENCY_CARE"' in body
    assert 'data-code="MISSING_PRIMARY_CARE"' not in body
    assert world.trainee.placements.count() == 0  # nothing saved


@pytest.mark.django_db
def test_a_stale_form_is_refused_and_changes_nothing(kansli, world):
    stale = world.trainee.plan_version
    kansli.post(reverse("trainees:placement_add", args=[world.trainee.pk]), _placement(world))
    response = kansli.post(
        reverse("trainees:placement_add", args=[world.trainee.pk]),
        _placement(world, start="2027-02-01", end="2027-03-31", plan_version=stale),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Someone else changed this plan" in response.content.decode()
    assert world.trainee.placements.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "abc", "-1"], ids=["missing", "empty", "text", "negative"])
def test_a_form_without_its_plan_version_is_stale_and_changes_nothing(kansli, world, version):
    """Leaving the version out used to skip the check; now it is refused like a stale one."""
    trainee = world.trainee
    p = Placement.objects.create(
        trainee=trainee, category="akut", unit=world.clinic, start=D(2026, 11, 1), end=D(2027, 1, 31)
    )
    leave = Leave.objects.create(trainee=trainee, kind="sick", start=D(2026, 12, 1), end=D(2026, 12, 2))
    extra = {} if version is None else {"plan_version": version}

    def post(name, data, *args):
        data = {k: v for k, v in data.items() if k != "plan_version"} | extra
        return kansli.post(reverse(f"trainees:{name}", args=[trainee.pk, *args]), data, **EN)

    forms = [
        post("placement_add", _placement(world, start="2027-02-01", end="2027-03-31")),
        post("placement_edit", _placement(world, end="2027-02-28"), p.pk),
        post("leave_add", {"kind": "sick", "start": "2026-11-10", "end": "2026-11-12"}),
        post("credit_add", {"category": "akut", "months": "2.0", "kind": "foreign"}),
    ]
    for response in forms:
        assert response.status_code == 400
        assert "Someone else changed this plan" in response.content.decode()
    for name, pk in (("placement_delete", p.pk), ("leave_delete", leave.pk)):
        response = post(name, {}, pk)
        assert response.status_code == 302
        assert "Someone else changed this plan" in kansli.get(response["Location"], **EN).content.decode()
    p.refresh_from_db()
    assert p.end == D(2027, 1, 31)
    assert list(trainee.placements.all()) == [p] and list(trainee.leave.all()) == [leave]
    assert not trainee.credits.exists()
    trainee.refresh_from_db()
    assert trainee.plan_version == 0


@pytest.mark.django_db
def test_starting_from_the_template_needs_the_plan_version(kansli, world):
    response = kansli.post(reverse("trainees:plan_template", args=[world.trainee.pk]), {}, follow=True, **EN)
    assert "Someone else changed this plan" in response.content.decode()
    assert not world.trainee.placements.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,field",
    [
        ({"end": "2026-10-01"}, "end"),
        ({"extent": "0"}, "extent"),
        ({"extent": "150"}, "extent"),
        ({"start": "2026-13-01"}, "start"),
        ({"unit": "", "category": ""}, "category"),
    ],
)
def test_bad_placement_input_changes_nothing(kansli, world, data, field):
    response = kansli.post(reverse("trainees:placement_add", args=[world.trainee.pk]), _placement(world, **data))
    assert response.status_code == 400
    assert field in response.context["placement_form"].errors
    assert world.trainee.placements.count() == 0


@pytest.mark.django_db
def test_editing_and_removing_a_placement(kansli, world):
    p = Placement.objects.create(
        trainee=world.trainee, category="akut", unit=world.clinic, start=D(2026, 11, 1), end=D(2027, 1, 31)
    )
    url = reverse("trainees:placement_edit", args=[world.trainee.pk, p.pk])
    assert kansli.get(url).status_code == 200
    kansli.post(url, _placement(world, end="2027-02-28", extent="50"))
    p.refresh_from_db()
    assert (p.end, p.extent) == (D(2027, 2, 28), 50)
    world.trainee.refresh_from_db()
    kansli.post(
        reverse("trainees:placement_delete", args=[world.trainee.pk, p.pk]),
        {"plan_version": world.trainee.plan_version},
    )
    assert not Placement.objects.filter(pk=p.pk).exists()
    assert p.history.count() == 3  # created, changed, deleted


@pytest.mark.django_db
def test_leave_that_must_be_made_up_extends_the_plan(kansli, world):
    trainee = world.trainee
    a = Placement.objects.create(
        trainee=trainee, category="akut", unit=world.clinic, start=D(2026, 11, 1), end=D(2027, 1, 31)
    )
    b = Placement.objects.create(
        trainee=trainee, category="primarvard", unit=world.health_centre, start=D(2027, 2, 1), end=D(2027, 4, 30)
    )
    response = kansli.post(
        reverse("trainees:leave_add", args=[trainee.pk]),
        {
            "kind": "sick",
            "start": "2026-12-01",
            "end": "2026-12-10",
            "extend_plan": "on",
            "plan_version": trainee.plan_version,
        },
    )
    assert response.status_code == 302
    a.refresh_from_db(), b.refresh_from_db()
    # 10 December days are made up by 10 days after January; the next placement moves with it and
    # keeps its 3 calendar months (Feb 11 – May 10: day d through day d-1 three months later).
    assert a.end == D(2027, 2, 10) and b.start == D(2027, 2, 11) and b.end == D(2027, 5, 10)
    months = services.check_plan(trainee).result.months_by_category
    assert months["akut"] >= 3.0 and months["primarvard"] >= 3.0
    assert months["akut"] < 3.05 and months["primarvard"] < 3.05


@pytest.mark.django_db
def test_vacation_counts_as_service_and_does_not_extend(kansli, world):
    trainee = world.trainee
    a = Placement.objects.create(
        trainee=trainee, category="akut", unit=world.clinic, start=D(2026, 11, 1), end=D(2027, 1, 31)
    )
    kansli.post(
        reverse("trainees:leave_add", args=[trainee.pk]),
        {
            "kind": "vacation",
            "start": "2026-12-01",
            "end": "2026-12-10",
            "extend_plan": "on",
            "plan_version": trainee.plan_version,
        },
    )
    a.refresh_from_db()
    assert a.end == D(2027, 1, 31)
    assert Leave.objects.filter(trainee=trainee).count() == 1


@pytest.mark.django_db
def test_credited_service_counts_toward_its_category(kansli, world):
    trainee = world.trainee
    response = kansli.post(
        reverse("trainees:credit_add", args=[trainee.pk]),
        {
            "category": "akut",
            "months": "2.0",
            "kind": "foreign",
            "note": "Beslut 2026-10-01",
            "plan_version": trainee.plan_version,
        },
    )
    assert response.status_code == 302
    assert services.check_plan(trainee).result.months_by_category["akut"] == 2.0


@pytest.mark.django_db
def test_a_template_plan_only_for_an_empty_plan(kansli, world):
    url = reverse("trainees:plan_template", args=[world.trainee.pk])
    kansli.post(url, {"plan_version": world.trainee.plan_version})
    assert world.trainee.placements.count() == 3
    assert services.check_plan(world.trainee).valid
    world.trainee.refresh_from_db()
    kansli.post(url, {"plan_version": world.trainee.plan_version})
    assert world.trainee.placements.count() == 3


@pytest.mark.django_db
def test_supervisor_without_required_training_gives_a_warning(kansli, world):
    unqualified = f.make_supervisor(workplace=world.clinic, specialist_since=None, supervisor_training_date=None)
    response = kansli.post(
        reverse("trainees:plan_main_supervisor", args=[world.trainee.pk]),
        {"main_supervisor": unqualified.pk, "plan_version": world.trainee.plan_version},
    )
    assert response.status_code == 302
    world.trainee.refresh_from_db()
    codes = {x.code for x in services.check_plan(world.trainee).findings}
    assert {"SUPERVISOR_NOT_SPECIALIST", "SUPERVISOR_NO_TRAINING"} <= codes
    body = kansli.get(reverse("trainees:plan", args=[world.trainee.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Handledaren är inte specialist" in body or "The supervisor is not a specialist" in body


@pytest.mark.django_db
def test_a_placement_supervisor_is_checked_too(world):
    world.trainee.programme = "gavleborg"
    world.trainee.save()
    handledare = world.users["handledare"]  # no BT-handledarutbildning; Gävleborg requires it
    Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=D(2026, 11, 1),
        end=D(2027, 1, 31),
        supervisor=handledare,
    )
    with translation.override("en"):
        findings = [x for x in services.check_plan(world.trainee).findings if x.code == "SUPERVISOR_NO_BT_TRAINING"]
    assert [x.severity for x in findings if "placement 1" in x.subject] == ["warning"]


# ---------------------------------------------------------------------------
# Supervisors chosen by search (a region has thousands: the page does not list them)
# ---------------------------------------------------------------------------


def _supervisors(world, n, *, workplace=None, **names):
    out = []
    for _ in range(n):
        user = f.make_supervisor(workplace=workplace or world.clinic)
        if names:
            User.objects.filter(pk=user.pk).update(**names)
            user.refresh_from_db()
        out.append(user)
    return out


@pytest.mark.django_db
def test_the_editor_does_not_list_every_supervisor_of_the_region(kansli, world):
    others = _supervisors(world, 30)
    chosen = others[0]
    world.trainee.main_supervisor = chosen
    world.trainee.save()
    body = kansli.get(reverse("trainees:plan", args=[world.trainee.pk]), **EN).content.decode()
    assert f'value="{chosen.get_full_name()} &lt;{chosen.email}&gt;"' in body  # the current one, as text
    assert not any(u.email in body for u in others[1:])
    assert 'list="id_main_supervisor-matches"' in body and 'list="id_supervisor-matches"' in body
    assert 'autocomplete="off"' in body and "hx-get=" in body


@pytest.mark.django_db
def test_the_search_lists_the_matches_in_the_trainees_region_only(kansli, world):
    [anna] = _supervisors(world, 1, first_name="Anna", last_name="Åberg")
    _supervisors(world, 1, workplace=world.other_clinic, first_name="Anna", last_name="Åbergsson")  # Gävleborg
    url = reverse("trainees:supervisor_search", args=[world.trainee.pk])
    body = kansli.get(url, {"field": "supervisor", "supervisor": "åberg"}).content.decode()
    assert body.count("<option") == 1 and anna.email in body
    assert kansli.get(url, {"field": "main_supervisor", "main_supervisor": "anna ÅBERG"}).content.count(b"<option") == 1
    assert kansli.get(url, {"field": "supervisor", "supervisor": ""}).content.strip() == b""
    assert kansli.get(url, {"field": "password", "password": "anna"}).content.strip() == b""
    kansli.force_login(world.users["handledare"])
    assert kansli.get(url, {"field": "supervisor", "supervisor": "anna"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["label", "email", "name", "id"])
def test_a_supervisor_is_chosen_by_what_is_typed(kansli, world, typed):
    [anna] = _supervisors(world, 1, first_name="Anna", last_name="Åberg")
    _supervisors(world, 1, first_name="Anna", last_name="Åbergsson")  # contains the name, is not it
    value = {
        "label": f"Anna Åberg <{anna.email}>",
        "email": anna.email.upper(),
        "name": " anna  åberg ",
        "id": str(anna.pk),
    }[typed]
    response = kansli.post(
        reverse("trainees:placement_add", args=[world.trainee.pk]), _placement(world, supervisor=value)
    )
    assert response.status_code == 302
    assert world.trainee.placements.get().supervisor == anna


@pytest.mark.django_db
def test_a_supervisor_outside_the_region_or_ambiguous_is_refused(kansli, world):
    [stranger] = _supervisors(world, 1, workplace=world.other_clinic, first_name="Per", last_name="Gävle")
    _supervisors(world, 2, first_name="Eva", last_name="Lind")
    url = reverse("trainees:plan_main_supervisor", args=[world.trainee.pk])
    for value in (stranger.email, f"Per Gävle <{stranger.email}>", str(stranger.pk), "Per Gävle", "Nobody"):
        response = kansli.post(url, {"main_supervisor": value, "plan_version": world.trainee.plan_version}, **EN)
        assert response.status_code == 400, value
        assert b"Select a valid choice" in response.content
    response = kansli.post(url, {"main_supervisor": "Eva Lind", "plan_version": world.trainee.plan_version}, **EN)
    assert response.status_code == 400 and b"Several supervisors match" in response.content
    world.trainee.refresh_from_db()
    assert world.trainee.main_supervisor_id is None or world.trainee.main_supervisor != stranger


# The unit of a placement: a search field too (the region's ~150 units are not all sent with the page).


def _units(world, names):
    from organisations.models import UnitKind

    return [
        f.make_unit(world.vgr, name, parent=world.hospital, kind=UnitKind.CLINIC, category="akut") for name in names
    ]


@pytest.mark.django_db
def test_the_editor_does_not_list_every_unit_of_the_region(kansli, world):
    others = _units(world, [f"Avdelning {i}" for i in range(30)])
    body = kansli.get(reverse("trainees:plan", args=[world.trainee.pk]), **EN).content.decode()
    assert 'list="id_unit-matches"' in body and reverse("trainees:unit_search", args=[world.trainee.pk]) in body
    assert not any(u.name in body for u in others)
    assert '<select name="unit"' not in body


@pytest.mark.django_db
def test_the_unit_search_lists_the_matches_in_the_trainees_region_only(kansli, world):
    [akut] = _units(world, ["Ängsklinikens akutmottagning"])
    from organisations.models import UnitKind

    f.make_unit(world.other_clinic.region, "Ängsklinikens akutmottagning", kind=UnitKind.CLINIC, category="akut")
    url = reverse("trainees:unit_search", args=[world.trainee.pk])
    body = kansli.get(url, {"unit": "ängsklinikens AKUT"}).content.decode()
    assert body.count("<option") == 1 and f"(#{akut.pk})" in body
    assert kansli.get(url, {"unit": ""}).content.strip() == b""
    kansli.force_login(world.users["handledare"])
    assert kansli.get(url, {"unit": "akut"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["label", "name", "id"])
def test_a_unit_is_chosen_by_what_is_typed(kansli, world, typed):
    from trainees.forms import unit_label

    [unit, _longer] = _units(world, ["Kirurgen", "Kirurgen Öst"])  # the second contains the name, is not it
    value = {"label": unit_label(unit), "name": " kirurgen ", "id": str(unit.pk)}[typed]
    response = kansli.post(reverse("trainees:placement_add", args=[world.trainee.pk]), _placement(world, unit=value))
    assert response.status_code == 302
    placement = world.trainee.placements.get()
    assert placement.unit == unit and placement.category == "akut"


@pytest.mark.django_db
def test_a_unit_outside_the_region_unknown_or_ambiguous_is_refused(kansli, world):
    from trainees.forms import unit_label

    _units(world, ["Ortopeden Norr", "Ortopeden Söder"])
    url = reverse("trainees:placement_add", args=[world.trainee.pk])
    for value in (str(world.other_clinic.pk), unit_label(world.other_clinic), "Nowhere"):
        response = kansli.post(url, _placement(world, unit=value), **EN)
        assert response.status_code == 400, value
        assert b"Select a valid choice" in response.content
    response = kansli.post(url, _placement(world, unit="ortopeden"), **EN)
    assert response.status_code == 400 and b"Several units match" in response.content
    assert not world.trainee.placements.exists()

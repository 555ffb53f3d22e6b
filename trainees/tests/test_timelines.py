"""Month-by-month timelines of units and regions: the capacity grid, access and query counts."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from btportal import factories as f
from organisations.models import UnitCapacity
from rules.dates import add_months, month_end
from trainees.capacity import FREE, FULL, NONE, OVER, month_grid, month_totals
from trainees.models import Placement
from trainees.timeline_views import parse_period

D = datetime.date
JAN = D(2027, 1, 1)


def place(trainee, unit, start, end, category="akut", extent=100):
    return Placement.objects.create(trainee=trainee, unit=unit, category=category, start=start, end=end, extent=extent)


def unit_url(unit, **params):
    return reverse("timelines:unit", args=[unit.pk]) + _query(params)


def region_url(region, **params):
    return reverse("timelines:region", args=[region.slug]) + _query(params)


def _query(params):
    return ("?" + "&".join(f"{k}={v}" for k, v in params.items())) if params else ""


# ---------------------------------------------------------------------------
# Month arithmetic
# ---------------------------------------------------------------------------


def test_month_arithmetic_crosses_years_both_ways():
    assert add_months(D(2027, 11, 1), 3) == D(2028, 2, 1)
    assert add_months(D(2027, 1, 1), -1) == D(2026, 12, 1)
    assert add_months(D(2027, 1, 1), -25) == D(2024, 12, 1)
    assert month_end(D(2028, 2, 1)) == D(2028, 2, 29)
    assert month_end(D(2027, 12, 1)) == D(2027, 12, 31)


# ---------------------------------------------------------------------------
# The grid
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_grid_counts_used_and_free_per_month(world):
    clinic = world.clinic  # capacity 2
    second = f.make_trainee(home_unit=clinic)
    place(world.trainee, clinic, D(2027, 1, 1), D(2027, 3, 31))  # Jan–Mar
    place(second, clinic, D(2027, 2, 1), D(2027, 2, 28), extent=50)  # Feb only
    grid = month_grid([clinic], JAN, 4)

    assert grid.months == [D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1), D(2027, 4, 1)]
    cells = grid.rows[0].cells
    assert [c.used for c in cells] == [1, 2, 1, 0]
    assert [c.capacity for c in cells] == [2, 2, 2, 2]
    assert [c.free for c in cells] == [1, 0, 1, 2]
    assert [c.state for c in cells] == [FREE, FULL, FREE, FREE]
    feb = grid.cell(clinic, D(2027, 2, 15))
    assert {e.name for e in feb.entries} == {str(world.trainee.user), str(second.user)}
    half = next(e for e in feb.entries if e.trainee_id == second.pk)
    assert half.placements[0].extent == 50 and half.placements[0].category == "akut"
    assert half.url == second.get_absolute_url()


@pytest.mark.django_db
def test_a_placement_is_listed_in_every_month_it_touches_and_used_counts_one_day(world):
    # 2027-01-31 to 2027-03-01: one day in January, all February, one day in March.
    place(world.trainee, world.clinic, D(2027, 1, 31), D(2027, 3, 1))
    # Starts before the period and ends in its first month.
    other = f.make_trainee(home_unit=world.clinic)
    place(other, world.clinic, D(2026, 10, 1), D(2027, 1, 1))
    grid = month_grid([world.clinic], D(2026, 12, 1), 5)
    cells = grid.rows[0].cells
    assert [len(c.entries) for c in cells] == [1, 2, 1, 1, 0]
    # In January one is there on the 1st and the other on the 31st: never two on one day.
    assert [c.used for c in cells] == [1, 1, 1, 1, 0]


@pytest.mark.django_db
def test_back_to_back_mid_month_placements_share_a_place_but_a_day_of_overlap_does_not(world):
    """A BT that starts on a Monday mid-month gives placements like 5 April – 4 July, then
    5 July – ...: the next trainee starting on 5 July takes over the same place."""
    place(world.trainee, world.clinic, D(2027, 4, 5), D(2027, 7, 4))
    second = f.make_trainee(home_unit=world.clinic)
    place(second, world.clinic, D(2027, 7, 5), D(2027, 10, 4))
    july = month_grid([world.clinic], D(2027, 7, 1), 1).rows[0].cells[0]
    assert len(july.entries) == 2 and july.used == 1
    third = f.make_trainee(home_unit=world.clinic)
    place(third, world.clinic, D(2027, 6, 1), D(2027, 7, 5))  # still there on 5 July
    july = month_grid([world.clinic], D(2027, 7, 1), 1).rows[0].cells[0]
    assert july.used == 2


@pytest.mark.django_db
def test_a_trainee_with_two_placements_in_a_month_counts_once(world):
    place(world.trainee, world.clinic, D(2027, 1, 1), D(2027, 1, 15), extent=100)
    place(world.trainee, world.clinic, D(2027, 1, 16), D(2027, 2, 10), extent=50)
    cell = month_grid([world.clinic], JAN, 2).rows[0].cells[0]
    assert cell.used == 1
    assert [p.extent for p in cell.entries[0].placements] == [100, 50]


@pytest.mark.django_db
def test_a_capacity_override_applies_to_its_month_only(world):
    UnitCapacity.objects.create(unit=world.clinic, month=D(2027, 7, 1), capacity=0)
    UnitCapacity.objects.create(unit=world.clinic, month=D(2027, 8, 1), capacity=5)
    cells = month_grid([world.clinic], D(2027, 6, 1), 4).rows[0].cells
    assert [c.capacity for c in cells] == [2, 0, 5, 2]
    assert [c.overridden for c in cells] == [False, True, True, False]
    assert cells[1].state == NONE


@pytest.mark.django_db
def test_over_capacity_is_flagged_in_cells_and_totals(world):
    UnitCapacity.objects.create(unit=world.clinic, month=JAN, capacity=1)
    second = f.make_trainee(home_unit=world.clinic)
    third = f.make_trainee(home_unit=world.clinic)
    for t in (world.trainee, second, third):
        place(t, world.clinic, D(2027, 1, 10), D(2027, 2, 20))
    grid = month_grid([world.clinic, world.health_centre], JAN, 2)
    jan, feb = grid.rows[0].cells
    assert (jan.used, jan.capacity, jan.free, jan.state, jan.over_capacity) == (3, 1, -2, OVER, True)
    assert (feb.used, feb.capacity, feb.free, feb.state) == (3, 2, -1, OVER)
    # Totals over both units (health centre: capacity 2, nobody placed).
    assert [(t.used, t.capacity, t.free) for t in grid.totals] == [(3, 3, 0), (3, 4, 1)]
    assert [t.state for t in grid.totals] == [FULL, FREE]


@pytest.mark.django_db
def test_the_totals_alone_are_the_grids_totals(world, django_assert_num_queries):
    """`month_totals` (the region timeline's and the charts' totals, without the rows) counts as
    the grid does: back-to-back placements share a place, two placements of one trainee count
    once, overrides apply to their month, a placement on no listed unit is not counted."""
    UnitCapacity.objects.create(unit=world.clinic, month=D(2027, 2, 1), capacity=1)
    second, third = f.make_trainee(home_unit=world.clinic), f.make_trainee(home_unit=world.clinic)
    place(world.trainee, world.clinic, D(2026, 11, 5), D(2027, 1, 15))
    place(world.trainee, world.clinic, D(2027, 1, 16), D(2027, 3, 10), extent=50)
    place(second, world.clinic, D(2027, 1, 16), D(2027, 4, 4))
    place(third, world.clinic, D(2027, 4, 5), D(2027, 7, 4))
    place(third, world.health_centre, D(2027, 1, 1), D(2027, 2, 28), category="primarvard")
    other = f.make_unit(world.vgr)
    place(second, other, D(2027, 5, 1), D(2027, 6, 30))
    units = [world.clinic, world.health_centre]
    grid = month_grid(units, D(2026, 12, 1), 8)
    with django_assert_num_queries(2):  # overrides, placements
        totals = month_totals(units, D(2026, 12, 1), 8)
    assert totals.months == grid.months and not totals.rows
    assert [(t.used, t.capacity) for t in totals.totals] == [(t.used, t.capacity) for t in grid.totals]
    assert [t.used for t in totals.totals] == [1, 3, 3, 2, 1, 1, 1, 1]
    assert month_totals([], JAN, 3).totals == month_grid([], JAN, 3).totals


@pytest.mark.django_db
def test_names_are_limited_to_visible_trainees(world):
    from trainees.models import Trainee

    second = f.make_trainee(home_unit=world.clinic)
    place(world.trainee, world.clinic, JAN, D(2027, 1, 31))
    place(second, world.clinic, JAN, D(2027, 1, 31))
    cell = month_grid([world.clinic], JAN, 1, visible_trainees=Trainee.objects.filter(pk=second.pk)).rows[0].cells[0]
    assert cell.used == 2 and cell.hidden_count == 1
    assert [e.name for e in cell.named] == [str(second.user)]
    hidden = next(e for e in cell.entries if not e.visible)
    assert hidden.name == "" and hidden.url == ""


@pytest.mark.django_db
def test_the_grid_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    from trainees.models import Trainee

    units = [world.clinic, world.health_centre] + [f.make_unit(world.vgr) for _ in range(5)]
    for i, unit in enumerate(units):
        place(f.make_trainee(home_unit=world.clinic), unit, D(2027, 1 + i, 1), D(2027, 6 + i, 1))
    with django_assert_num_queries(3):  # overrides, placements, visible trainee ids
        grid = month_grid(units, JAN, 24, visible_trainees=Trainee.objects.all())
        str([e.name for r in grid.rows for c in r.cells for e in c.entries])


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"start": "2027-03", "months": "6"}, (D(2027, 3, 1), 6)),
        ({"start": "2027-13"}, (None, 12)),
        ({"start": "nonsense", "months": "0"}, (None, 12)),
        ({"start": "27-01", "months": "37"}, (None, 12)),
        ({"months": "-3"}, (None, 12)),
        ({"months": "36"}, (None, 36)),
        ({"months": "1e3"}, (None, 12)),
    ],
)
def test_parse_period_falls_back_to_defaults(params, expected):
    start, months = parse_period(params)
    assert start == (expected[0] or timezone.localdate().replace(day=1))
    assert months == expected[1]


# ---------------------------------------------------------------------------
# Views: access
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_kansli_sees_the_unit_and_region_timelines_with_names(client, world):
    """The unit timeline names the BT-läkare in its cells; the region timeline links each cell with
    names to them (the unit's timeline for that month, whose list htmx loads into the cell)."""
    place(world.trainee, world.clinic, D(2027, 1, 1), D(2027, 2, 28))
    client.force_login(world.users["kansli"])
    for url in (unit_url(world.hospital, start="2027-01", months=3), region_url(world.vgr, start="2027-01", months=3)):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
        body = response.content.decode()
        assert '<th scope="col" class="cap-month">2027-01</th>' in body
        assert '<th scope="col" class="cap-month">2027-03</th>' in body
        assert '<th scope="col" class="cap-month">2027-04</th>' not in body
        if url.startswith(reverse("timelines:unit", args=[world.hospital.pk])):
            assert world.trainee.get_absolute_url() in body and world.trainee.user.last_name in body
    # The region's cells: no names, a link to them in each month with someone placed.
    assert world.trainee.get_absolute_url() not in body and world.trainee.user.last_name not in body
    month_url = reverse("timelines:unit", args=[world.clinic.pk]) + "?start=2027-01&amp;months=1"
    assert body.count('class="small d-inline-block cap-names-link"') == 2  # January and February
    assert f'href="{month_url}" hx-get="{month_url}"' in body
    assert f"hx-select=\"tr[data-unit='{world.clinic.pk}'] .cap-names\"" in body
    names = client.get(month_url.replace("&amp;", "&"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = names[names.index(f'<tr data-unit="{world.clinic.pk}">') :]
    assert 'class="list-unstyled small mb-0 cap-names"' in row and world.trainee.get_absolute_url() in row


@pytest.mark.django_db
def test_the_unit_timeline_shows_the_subtree_placement_units_only(client, world):
    client.force_login(world.users["kansli"])
    grid = client.get(unit_url(world.hospital)).context["grid"]
    assert [r.unit for r in grid.rows] == [world.clinic]  # the hospital itself has no category
    grid = client.get(unit_url(world.clinic)).context["grid"]
    assert [r.unit for r in grid.rows] == [world.clinic]


@pytest.mark.django_db
def test_the_region_timeline_groups_by_category_and_filters(client, world):
    client.force_login(world.users["kansli"])
    response = client.get(region_url(world.vgr))
    assert [key for key, _, _ in response.context["view"]["groups"]] == ["primarvard", "akut"]
    assert set(response.context["view"]["units"]) == {world.clinic, world.health_centre}
    response = client.get(region_url(world.vgr, category="primarvard"))
    assert response.context["view"]["units"] == [world.health_centre]
    response = client.get(region_url(world.vgr, category="bogus"))
    assert response.status_code == 200 and len(response.context["view"]["units"]) == 2


@pytest.mark.django_db
def test_the_region_timeline_shows_only_units_the_user_may_see(client, world):
    client.force_login(world.users["studierektor"])  # scope: the hospital subtree
    response = client.get(region_url(world.vgr))
    assert response.status_code == 200
    assert response.context["view"]["units"] == [world.clinic]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["stranger_kansli", "bt_lakare", "handledare", "outsider"])
def test_others_are_refused(client, world, persona):
    client.force_login(world.users[persona])
    assert client.get(unit_url(world.clinic)).status_code == 403
    assert client.get(region_url(world.vgr)).status_code == 403


@pytest.mark.django_db
def test_anonymous_users_go_to_the_login_page(client, world):
    for url in (unit_url(world.clinic), region_url(world.vgr)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_missing_unit_or_region_is_404(client, world):
    client.force_login(world.users["admin"])
    assert client.get(reverse("timelines:unit", args=[999999])).status_code == 404
    assert client.get(reverse("timelines:region", args=["nowhere"])).status_code == 404


@pytest.mark.django_db
def test_a_granskare_sees_the_load_but_not_the_names(client, world):
    second = f.make_trainee(home_unit=world.clinic)
    place(world.trainee, world.clinic, JAN, D(2027, 1, 31))
    place(second, world.clinic, JAN, D(2027, 1, 31))
    client.force_login(world.users["granskare"])
    for url in (unit_url(world.clinic, start="2027-01", months=1), region_url(world.vgr, start="2027-01", months=1)):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        body = response.content.decode()
        assert "2 BT doctors" in body
        assert 'data-used="2"' in body
        for t in (world.trainee, second):
            assert t.user.last_name not in body
            assert t.get_absolute_url() not in body


@pytest.mark.django_db
def test_cells_state_their_load_in_text_not_only_colour(client, world):
    UnitCapacity.objects.create(unit=world.clinic, month=JAN, capacity=1)
    second = f.make_trainee(home_unit=world.clinic)
    place(world.trainee, world.clinic, JAN, D(2027, 2, 28))
    place(second, world.clinic, JAN, D(2027, 1, 31))
    client.force_login(world.users["kansli"])
    body = client.get(unit_url(world.clinic, start="2027-01", months=3), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cap-over" in body and "1 over capacity" in body  # January: 2 placed, capacity 1
    assert "cap-free" in body and "1 free" in body  # February: 1 of 2
    assert "2 free" in body  # March
    assert "(adjusted capacity this month)" in body
    assert "<caption>" in body and '<th scope="row" class="cap-unit">' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    ["?start=2027-13", "?start=abc&months=xyz", "?months=0", "?months=999", "?start=&months=", "?start=0000-01"],
)
def test_bad_parameters_fall_back_to_defaults(client, world, params):
    client.force_login(world.users["kansli"])
    for base in (unit_url(world.clinic), region_url(world.vgr)):
        response = client.get(base + params)
        assert response.status_code == 200
        assert response.context["months"] == 12
        grid = response.context["grid"] if "grid" in response.context else response.context["view"]["grid"]
        assert grid.start == timezone.localdate().replace(day=1)
        assert len(grid.months) == 12


@pytest.mark.django_db
def test_period_links_move_by_the_number_of_months(client, world):
    client.force_login(world.users["kansli"])
    response = client.get(region_url(world.vgr, start="2027-01", months=6, category="akut"))
    assert response.context["previous_query"] == "?start=2026-07&months=6&category=akut"
    assert response.context["next_query"] == "?start=2027-07&months=6&category=akut"


@pytest.mark.django_db
def test_the_detail_pages_link_to_the_timelines(client, world):
    client.force_login(world.users["kansli"])
    assert unit_url(world.clinic) in client.get(world.clinic.get_absolute_url()).content.decode()
    assert region_url(world.vgr) in client.get(world.vgr.get_absolute_url()).content.decode()


# ---------------------------------------------------------------------------
# Query count does not grow with units, trainees or months
# ---------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_units_with_trainees(world, n):
    for i in range(n):
        unit = f.make_unit(world.vgr, category="akut" if i % 2 else "psykiatri")
        UnitCapacity.objects.create(unit=unit, month=D(2027, 1 + i % 12, 1), capacity=i % 3)
        trainee = f.make_trainee(home_unit=unit)
        place(trainee, unit, D(2027, 1 + i % 12, 3), D(2027, 1 + i % 12, 20) + datetime.timedelta(days=60))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["kansli", "granskare", "admin"])
def test_region_timeline_queries_do_not_grow_with_units_trainees_or_months(
    client, world, persona, django_assert_max_num_queries
):
    _add_units_with_trainees(world, 2)
    place(world.trainee, world.clinic, JAN, D(2027, 4, 30))
    client.force_login(world.users[persona])
    small_url = region_url(world.vgr, start="2027-01", months=3)
    client.get(small_url)  # warm up (session, content types)
    caches["fragments"].clear()
    small = _count_queries(client, small_url)  # computed
    kept = _count_queries(client, small_url)  # kept rendered (trainees.caching)
    assert kept < small

    _add_units_with_trainees(world, 20)
    large_url = region_url(world.vgr, start="2027-01", months=36)
    with django_assert_max_num_queries(small):
        response = client.get(large_url)
    assert len(response.context["view"]["units"]) == 24
    assert _count_queries(client, large_url) == kept
    caches["fragments"].clear()
    assert _count_queries(client, large_url) == small


@pytest.mark.django_db
def test_unit_timeline_queries_do_not_grow_with_the_subtree(client, world, django_assert_max_num_queries):
    def add_children(n):
        for _ in range(n):
            child = f.make_unit(world.vgr, parent=world.hospital)
            place(f.make_trainee(home_unit=child), child, JAN, D(2027, 5, 1))

    add_children(1)
    client.force_login(world.users["kansli"])
    url = unit_url(world.hospital, start="2027-01", months=6)
    client.get(url)
    small = _count_queries(client, url)
    add_children(20)
    with django_assert_max_num_queries(small):
        client.get(unit_url(world.hospital, start="2027-01", months=24))


@pytest.mark.django_db
def test_the_region_timeline_draws_its_units_a_page_at_a_time_with_the_totals_of_all(client, world, settings):
    from trainees import timeline_views

    _add_units_with_trainees(world, 5)
    client.force_login(world.users["kansli"])
    url = region_url(world.vgr, start="2027-01", months=12)
    whole = client.get(url).context["view"]["grid"]
    old = timeline_views.UNITS_PER_PAGE
    timeline_views.UNITS_PER_PAGE = 2
    try:
        first = client.get(url)
        second = client.get(url + "&page=2")
    finally:
        timeline_views.UNITS_PER_PAGE = old
    drawn = lambda r: [row.unit.pk for _, _, sub in r.context["view"]["groups"] for row in sub.rows]  # noqa: E731
    assert len(drawn(first)) == 2 and len(drawn(second)) == 2 and not set(drawn(first)) & set(drawn(second))
    assert b'data-testid="next-page"' in first.content
    assert [t.used for t in first.context["view"]["grid"].totals] == [t.used for t in whole.totals]

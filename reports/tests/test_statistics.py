"""Statistics per region and national: the figures, their definitions, and that no path shows a small count."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from btportal import factories as f
from core.suppression import HIDDEN_MARK, THRESHOLD, suppress
from core.tests.test_suppression import assert_no_small_count_leaks
from portfolio.tests.factories import make_placement
from trainees import statistics

pytestmark = pytest.mark.django_db
D = datetime.date


def _people(unit, n, **fields):
    return [f.make_trainee(home_unit=unit, **fields) for _ in range(n)]


@pytest.fixture
def country(world):
    """VGR: 7 active standalone, 6 completed (5 within 12 months, 1 later), 2 integrated planned, and
    the world's own trainee; Gävleborg: 3 active and the world's other trainee (4: small); Skåne: 8 active."""
    _people(world.clinic, 7, status="active")
    done = _people(world.clinic, 6, status="completed", status_since=D(2027, 10, 31))
    for i, t in enumerate(done):
        make_placement(t, "akut", D(2026, 11, 1), D(2027, 4, 30), unit=world.clinic)
        make_placement(t, "primarvard", D(2027, 5, 1), D(2027, 10, 31), unit=world.health_centre)
        if i == 0:  # one took 18 months
            t.status_since = D(2028, 4, 30)
            t.save()
    _people(world.clinic, 2, status="planned", bt_type="integrerad", st_specialty="Allmänmedicin")
    _people(world.other_clinic, 3, status="active")
    _people(f.make_unit(f.region("skane"), "Akuten Lund"), 8, status="active")
    return world


def test_the_figures_of_a_region_and_of_the_country(country):
    stats = statistics.national_statistics()
    vgr = stats.region(country.vgr)
    # VGR: 7 + 6 + 2 + the world's own trainee (planned, standalone) = 16
    assert vgr.trainees.value == 16 and vgr.by_status["completed"].value == 6
    assert vgr.by_type["integrerad"].hidden and vgr.completed_later.hidden  # 2 and 1
    assert vgr.by_type["fristaende"].hidden  # 14, or the 2 would be 16 - 14
    assert vgr.completed_within.hidden  # 5, or the 1 would be 6 - 5
    assert vgr.share_within is None  # a count it is made of is hidden
    assert vgr.median_months == 12.0  # 6 completed: 12, 12, 12, 12, 12, 18 months
    assert vgr.placements.value == 12 and vgr.placements_by_category["akut"].value == 6
    gavle = stats.region(country.gavleborg)
    assert gavle.trainees.hidden and gavle.median_months is None
    assert stats.total.trainees.value == 28
    shown = [c.value for f in [*stats.regions, stats.total] for c in (f.trainees, *f.by_status.values())]
    assert not any(v is not None and 0 < v < THRESHOLD for v in shown)


def test_a_share_is_shown_when_its_counts_are(country):
    for t in _people(country.clinic, 5, status="completed", status_since=D(2028, 6, 30)):
        make_placement(t, "akut", D(2026, 11, 1), D(2027, 4, 30), unit=country.clinic)
    vgr = statistics.national_statistics().region(country.vgr)
    assert (vgr.completed_within.value, vgr.completed_later.value) == (5, 6)
    assert vgr.share_within == pytest.approx(5 / 11) and vgr.share_percent == 45.5


def test_no_published_figure_lets_a_reader_work_out_a_small_count(country):
    _regions, ledger, _months = statistics.collect()
    shown = suppress(ledger)
    assert any(0 < v < THRESHOLD for v in ledger.values.values())
    assert_no_small_count_leaks(ledger, shown)


def test_every_path_shows_the_same_hidden_counts(client, country):
    """The API's dict, the pages and both exports: a hidden count is hidden everywhere, and its true
    value appears nowhere."""
    stats = statistics.national_statistics()
    gavle = stats.region(country.gavleborg)
    assert stats.as_dict()["regions"][[r.slug for r in (x.region for x in stats.regions)].index("gavleborg")][
        "trainees"
    ] == {"value": None, "suppressed": True}
    assert statistics.region_statistics(country.gavleborg).as_dict() == gavle.as_dict()

    client.force_login(country.users["granskare"])
    body = client.get(reverse("reports:region_statistics", args=["gavleborg"])).content.decode()
    row = body.split("BT-läkare</th>", 1)[1].split("</tr>", 1)[0]
    assert HIDDEN_MARK in row and ">3<" not in row

    content = client.get(reverse("reports:region_statistics_export", args=["gavleborg", "csv"])).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "Region Gävleborg" and rows[1][1] == HIDDEN_MARK

    content = client.get(reverse("reports:statistics_export", args=["xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    by_region = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_region["Region Gävleborg"][1] == HIDDEN_MARK
    assert by_region["Västra Götalandsregionen"][1] == 16
    for row in by_region.values():  # no cell of the workbook holds a count from 1 to 4
        assert not any(isinstance(v, int) and 0 < v < THRESHOLD for v in row[1:])


def test_the_pages_are_open_to_staff_and_reviewers_only(client, world):
    url = reverse("reports:statistics")
    for persona, status in [("granskare", 200), ("verksamhetschef", 200), ("bt_lakare", 403), ("handledare", 403)]:
        client.force_login(world.users[persona])
        assert client.get(url).status_code == status, persona


def test_statistics_take_the_same_number_of_queries_whatever_the_data(client, world):
    client.force_login(world.users["kansli"])
    url = reverse("reports:statistics")
    _people(world.clinic, 2, status="active")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for t in _people(world.clinic, 20, status="completed", status_since=D(2027, 12, 1)):
        make_placement(t, "akut", D(2026, 11, 1), D(2027, 4, 30), unit=world.clinic)
    _people(world.other_clinic, 9, status="active")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_figures_are_kept_in_the_cache_for_a_while(world, settings, django_assert_max_num_queries):
    from django.core.cache import cache

    cache.clear()
    settings.REPORTS_STATISTICS_CACHE_SECONDS = 60
    _people(world.clinic, 6, status="active")
    first = statistics.national_statistics()
    _people(world.clinic, 6, status="active")
    with django_assert_max_num_queries(1):  # the cache's read
        again = statistics.national_statistics()
    assert again.total.trainees.value == first.total.trainees.value == 8  # with the world's two
    settings.REPORTS_STATISTICS_CACHE_SECONDS = 0
    assert statistics.national_statistics().total.trainees.value == 14

"""Issue 18 (national scale): the region timeline's grid is kept rendered (trainees.caching) under a key
that follows the records of the BT-läkare placed on its units, the units' capacity, the viewer's scope,
the period, filter and page, the day and the language. A repeated visit computes nothing; a change shows
at the next visit."""

import datetime
import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from btportal import factories as f
from organisations.models import UnitCapacity
from trainees import versions
from trainees.models import Placement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    caches["fragments"].clear()


def _url(world, **params):
    return reverse("timelines:region", args=[world.vgr.slug]) + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )


def _main(response) -> str:
    page = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page[page.index("<main") : page.index("</main>")])


def _used(response, unit) -> list[str]:
    """The places used per month in `unit`'s row."""
    row = re.search(rf'<tr data-unit="{unit.pk}">(.*?)</tr>', response.content.decode(), re.S).group(1)
    return re.findall(r'data-used="(\d+)"', row)


def _computing_fails():
    return mock.patch("trainees.timeline_views._region_view", side_effect=AssertionError("computed"))


def _this_month():
    return timezone.localdate().replace(day=1)


def _place(trainee, unit, months=2):
    start = _this_month()
    return Placement.objects.create(
        trainee=trainee,
        unit=unit,
        category=unit.category,
        start=start,
        end=start + datetime.timedelta(days=27 * months),
    )


def test_a_repeated_visit_computes_nothing(client, world):
    _place(world.trainee, world.clinic)
    client.force_login(world.users["kansli"])
    first = client.get(_url(world))
    with CaptureQueriesContext(connection) as computed:
        caches["fragments"].clear()
        client.get(_url(world))
    with _computing_fails(), CaptureQueriesContext(connection) as kept:
        again = client.get(_url(world))
    assert _main(again) == _main(first)
    assert _used(again, world.clinic)[0] == "1"
    assert len(kept.captured_queries) < len(computed.captured_queries)


def test_the_queries_of_a_repeated_visit_do_not_grow_with_the_units_and_trainees(client, world):
    client.force_login(world.users["kansli"])
    counts = []
    for n in (2, 20):
        for _ in range(n):
            unit = f.make_unit(world.vgr, category="akut")
            _place(f.make_trainee(home_unit=unit), unit)
        client.get(_url(world))
        with _computing_fails(), CaptureQueriesContext(connection) as queries:
            client.get(_url(world))
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_change_of_a_placement_on_a_shown_unit_shows_at_the_next_visit(client, world):
    placement = _place(world.trainee, world.clinic, months=1)
    client.force_login(world.users["kansli"])
    assert _used(client.get(_url(world)), world.clinic)[:3] == ["1", "0", "0"]
    # a placement is part of its BT-läkare's record: a change of it bumps their version
    before = versions.current([world.trainee.pk])[world.trainee.pk]
    placement.end = _this_month() + datetime.timedelta(days=70)
    placement.save()
    assert versions.current([world.trainee.pk])[world.trainee.pk] > before
    assert _used(client.get(_url(world)), world.clinic)[:3] == ["1", "1", "1"]
    # a BT-läkare placed anew on a shown unit (none of its placements there before)
    newcomer = f.make_trainee(home_unit=world.health_centre)
    _place(newcomer, world.clinic, months=1)
    assert _used(client.get(_url(world)), world.clinic)[0] == "2"
    # a placement leaving the region's units
    placement.delete()
    assert _used(client.get(_url(world)), world.clinic)[:2] == ["1", "0"]


def test_a_change_of_capacity_shows_at_the_next_visit(client, world):
    client.force_login(world.users["kansli"])
    url = _url(world)
    assert f'data-capacity="{world.clinic.bt_capacity}"' in _main(client.get(url))
    UnitCapacity.objects.create(unit=world.clinic, month=_this_month(), capacity=world.clinic.bt_capacity + 7)
    assert f'data-capacity="{world.clinic.bt_capacity + 7}"' in _main(client.get(url))
    world.health_centre.bt_capacity += 3
    world.health_centre.save()
    row = _main(client.get(url))
    assert re.search(
        rf'<tr data-unit="{world.health_centre.pk}">.*?data-capacity="{world.health_centre.bt_capacity}"', row, re.S
    )


def test_another_viewer_gets_their_own_page(client, world):
    client.force_login(world.users["kansli"])
    kansli = _main(client.get(_url(world)))
    assert f'data-unit="{world.health_centre.pk}"' in kansli
    client.force_login(world.users["studierektor"])  # scope: the hospital subtree
    mine = _main(client.get(_url(world)))
    assert f'data-unit="{world.clinic.pk}"' in mine and f'data-unit="{world.health_centre.pk}"' not in mine


def test_filters_periods_pages_days_and_languages_are_kept_apart(client, world):
    client.force_login(world.users["kansli"])
    swedish = _main(client.get(_url(world)))
    assert "Akut sjukvård" in swedish or "akut" in swedish.lower()
    client.cookies["django_language"] = "en"
    english = _main(client.get(_url(world), HTTP_ACCEPT_LANGUAGE="en"))
    assert english != swedish and "All placement units" in english
    client.cookies["django_language"] = "sv"
    filtered = _main(client.get(_url(world, category="primarvard")))
    assert f'data-unit="{world.clinic.pk}"' not in filtered and f'data-unit="{world.health_centre.pk}"' in filtered
    shorter = _main(client.get(_url(world, months=3)))
    assert shorter.count("cap-month") < swedish.count("cap-month")
    with _computing_fails(), pytest.raises(AssertionError):
        client.get(_url(world, page=2))  # another page: computed
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with (
        mock.patch("django.utils.timezone.localdate", return_value=tomorrow),
        _computing_fails(),
        pytest.raises(AssertionError),
    ):
        client.get(_url(world))  # a new day: computed again


def test_a_cell_over_capacity_says_so_in_words(client, world):
    world.clinic.bt_capacity = 1
    world.clinic.save()
    _place(world.trainee, world.clinic, months=1)
    _place(f.make_trainee(home_unit=world.clinic), world.clinic, months=1)
    UnitCapacity.objects.create(unit=world.clinic, month=_this_month(), capacity=0)
    client.force_login(world.users["kansli"])
    client.cookies["django_language"] = "en"
    page = _main(client.get(_url(world), HTTP_ACCEPT_LANGUAGE="en"))
    cell = re.search(rf'<tr data-unit="{world.clinic.pk}">.*?(<td .*?</td>)', page, re.S).group(1)
    assert 'class="cap-cell cap-over"' in cell and 'data-used="2" data-capacity="0"' in cell
    assert '<span aria-hidden="true">2 / 0*</span>' in cell
    assert "2 placed, capacity 0 (adjusted capacity this month)" in cell
    assert '<span class="cap-state d-block small"><span aria-hidden="true">⚠ </span>2 over capacity</span>' in cell

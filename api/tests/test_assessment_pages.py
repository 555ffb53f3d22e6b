"""Issue 18 (national scale): the assessments list pages with a cursor, newest first, without counting
every assessment the caller may see. Walking the pages yields each visible assessment once, in order."""

import base64
import datetime

import pytest
from django.core import signing
from django.utils import timezone

from api.tests.cursor_pages import assert_queries_flat, follow, walk

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/assessments"


def _sign(trainee, performed_on, instrument="mini_cex", goals=("BT1",)):
    from assessments.models import Assessment
    from goals.models import Goal

    a = Assessment.objects.create(
        trainee=trainee, instrument=instrument, performed_on=performed_on, assessor_name="Dr Åsa Öberg"
    )
    a.goals.set(Goal.objects.filter(code__in=goals))
    a.signed_at = timezone.now()  # signed last: a signed row's goals never change
    a.save(update_fields=["signed_at"])
    return a


def _many(world, n):
    """n signed assessments of the VGR trainee, several on each day (ties broken by id)."""
    return [
        _sign(world.trainee, D(2026, 11, 1) + datetime.timedelta(days=i // 3), "dops" if i % 2 else "mini_cex")
        for i in range(n)
    ]


def _newest_first(rows):
    return [a.pk for a in sorted(rows, key=lambda a: (a.performed_on, a.pk), reverse=True)]


def test_walking_the_pages_yields_every_visible_assessment_once_in_order(api, world):
    mine = _many(world, 11)
    _sign(world.other_trainee, D(2026, 11, 2))  # Gävleborg's: never in VGR's pages
    ids, pages = walk(api(world.users["kansli"]), URL, limit=4)
    assert ids == _newest_first(mine)
    assert [len(p["items"]) for p in pages] == [4, 4, 3]
    assert pages[0]["previous"] is None and pages[-1]["next"] is None
    assert "count" not in pages[0]


def test_the_pages_keep_the_filters(api, world):
    mine = _many(world, 9)
    _sign(world.trainee, D(2026, 11, 2), "cbd", goals=("BT7",))
    caller = api(world.users["kansli"])
    ids, _pages = walk(caller, URL, limit=2, instrument="dops", performed_from="2026-11-02")
    expected = [a for a in mine if a.instrument == "dops" and a.performed_on >= D(2026, 11, 2)]
    assert ids == _newest_first(expected) and len(ids) >= 2
    ids, _pages = walk(caller, URL, limit=1, goal="BT7")
    assert len(ids) == 1


def test_previous_goes_back_to_the_page_before(api, world):
    _many(world, 7)
    caller = api(world.users["kansli"])
    first = caller.get(URL, limit=3).json()
    second = caller.get(URL, **follow(first["next"])).json()
    back = caller.get(URL, **follow(second["previous"])).json()
    assert [a["id"] for a in back["items"]] == [a["id"] for a in first["items"]]
    assert back["previous"] is None and back["next"]


def test_an_altered_or_made_up_cursor_is_refused(api, world):
    _many(world, 4)
    caller = api(world.users["kansli"])
    good = follow(caller.get(URL, limit=2).json()["next"])["cursor"]
    forged = [
        "nonsense",
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        base64.urlsafe_b64encode(b'["after","2999-01-01",1]').decode(),
        signing.dumps(["after", "2999-01-01", 2**70], salt="api.cursor:/api/v1/trainees"),  # another list's salt
    ]
    for cursor in forged:
        response = caller.get(URL, cursor=cursor)
        assert response.status_code == 400, cursor
        assert "cursor" in response.json()["detail"]
    assert caller.get(URL, cursor="x" * 500).status_code == 422  # too long to be one


def test_a_cursor_never_shows_another_callers_rows(api, world):
    theirs = _sign(world.other_trainee, D(2026, 11, 2))
    _many(world, 4)
    mine = api(world.users["kansli"])
    cursor = follow(mine.get(URL, limit=1).json()["next"])["cursor"]
    # the stranger follows VGR's cursor: their own rows older than the position, none of VGR's
    body = api(world.users["stranger_kansli"]).get(URL, cursor=cursor).json()
    assert [a["id"] for a in body["items"]] == [theirs.pk]


def test_the_queries_of_a_page_do_not_grow_with_the_assessments(api, world):
    assert_queries_flat(api(world.users["kansli"]), URL, lambda n: _many(world, n))

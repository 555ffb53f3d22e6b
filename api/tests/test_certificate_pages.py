"""Issue 18 (national scale): the issued certificates list pages with a cursor, newest issued first, without
counting every document the caller may see (the same pagination as the assessments'). Walking the pages yields
each visible document once, in order; the position is a moment with its time zone and microseconds."""

import datetime

import pytest
from django.utils import timezone

from api.tests.cursor_pages import assert_queries_flat, follow, walk

pytestmark = pytest.mark.django_db
URL = "/api/v1/certificates"
KINDS = ["bilaga1", "bilaga2", "bilaga3", "bilaga4"]


def _issue(trainee, at, kind="bilaga2", revoked=False):
    from certificates.models import IssuedDocument

    return IssuedDocument.objects.create(
        trainee=trainee,
        kind=kind,
        file="certificates/x.pdf",
        sha256="0" * 64,
        subject_name="X",
        issued_at=at,
        revoked_at=at if revoked else None,
    )


def _many(world, n):
    """n documents of the VGR trainee, two at each moment (ties broken by id), some revoked."""
    start = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=30)
    return [
        _issue(world.trainee, start + datetime.timedelta(hours=i // 2), KINDS[i % 4], revoked=i % 5 == 0)
        for i in range(n)
    ]


def _newest_first(docs):
    return [d.pk for d in sorted(docs, key=lambda d: (d.issued_at, d.pk), reverse=True)]


def test_walking_the_pages_yields_every_visible_document_once_in_order(api, world):
    mine = _many(world, 11)
    _issue(world.other_trainee, timezone.now())  # Gävleborg's: never in VGR's pages
    ids, pages = walk(api(world.users["kansli"]), URL, limit=4)
    assert ids == _newest_first(mine)
    assert [len(p["items"]) for p in pages] == [4, 4, 3]
    assert pages[0]["previous"] is None and "count" not in pages[0]
    back = api(world.users["kansli"]).get(URL, **follow(pages[1]["previous"])).json()
    assert [d["id"] for d in back["items"]] == [d["id"] for d in pages[0]["items"]]


def test_the_pages_keep_the_filters(api, world):
    mine = _many(world, 12)
    caller = api(world.users["kansli"])
    ids, _pages = walk(caller, URL, limit=2, kind="bilaga2")
    assert ids == _newest_first([d for d in mine if d.kind == "bilaga2"])
    ids, _pages = walk(caller, URL, limit=2, valid="true")
    assert ids == _newest_first([d for d in mine if d.revoked_at is None])


def test_an_altered_or_made_up_cursor_is_refused_and_shows_no_one_elses_rows(api, world):
    _many(world, 3)
    theirs = _issue(world.other_trainee, timezone.now() - datetime.timedelta(days=60))
    mine = api(world.users["kansli"])
    cursor = follow(mine.get(URL, limit=1).json()["next"])["cursor"]
    for forged in ["nonsense", cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")]:
        assert mine.get(URL, cursor=forged).status_code == 400
    # the stranger follows VGR's cursor: their own rows older than the position, none of VGR's
    body = api(world.users["stranger_kansli"]).get(URL, cursor=cursor).json()
    assert [d["id"] for d in body["items"]] == [theirs.pk]


def test_the_queries_of_a_page_do_not_grow_with_the_documents(api, world):
    assert_queries_flat(api(world.users["kansli"]), URL, lambda n: _many(world, n))

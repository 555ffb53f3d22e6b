"""Every list endpoint answers in a number of queries that does not grow with its rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from btportal import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def _add_rows(world, n):
    """n more rows for every list: trainees with placements, signed assessments with goals and
    addenda, issued documents, units."""
    from assessments.models import Addendum, Assessment
    from certificates.models import IssuedDocument
    from goals.models import Goal
    from trainees.models import Placement

    goals = list(Goal.objects.filter(code__in=["BT1", "BT2"]))
    for _ in range(n):
        unit = f.make_unit(world.vgr, parent=world.hospital)
        trainee = f.make_trainee(home_unit=unit, main_supervisor=world.users["huvudhandledare"])
        Placement.objects.create(
            trainee=trainee,
            category="akut",
            unit=unit,
            start=D(2026, 11, 1),
            end=D(2027, 1, 31),
            supervisor=world.users["handledare"],
        )
        assessment = Assessment.objects.create(
            trainee=trainee,
            instrument="dops",
            performed_on=D(2026, 12, 1),
            assessor_name="Dr X",
        )
        assessment.goals.set(goals)
        assessment.signed_at = timezone.now()  # signed last: a signed row's goals never change
        assessment.save(update_fields=["signed_at"])
        Addendum.objects.create(assessment=assessment, author_name="Dr X", text="Tillägg")
        IssuedDocument.objects.create(
            trainee=trainee, kind="bilaga2", file="certificates/x.pdf", sha256="0" * 64, subject_name="X"
        )


LISTS = [
    "/api/v1/trainees",
    "/api/v1/placements",
    "/api/v1/assessments",
    "/api/v1/certificates",
    "/api/v1/units",
    "/api/v1/regions",
    "/api/v1/statistics",
]


def _queries(caller, url) -> tuple[int, int]:
    from django.core.cache import cache

    cache.clear()  # the statistics are cached for a while; count the queries that compute them
    with CaptureQueriesContext(connection) as ctx:
        response = caller.get(url)
    assert response.status_code == 200, (url, response.content)
    body = response.json()
    return len(ctx.captured_queries), body.get("count", len(body.get("rows", body.get("items", []))))


@pytest.mark.parametrize("persona", ["kansli", "studierektor"])
def test_the_number_of_queries_of_a_list_does_not_grow_with_its_rows(api, world, persona):
    caller = api(world.users[persona])
    caller.get("/api/v1/regions")  # the token's first use is recorded once (a write of its own)
    _add_rows(world, 2)
    small = {url: _queries(caller, url) for url in LISTS}
    _add_rows(world, 6)
    large = {url: _queries(caller, url) for url in LISTS}
    for url in LISTS:
        assert large[url][0] == small[url][0], (
            f"{url}: {small[url][0]} queries for {small[url][1]} rows, {large[url][0]} for {large[url][1]}"
        )
    grown = [url for url in LISTS if "statistics" not in url and "regions" not in url]
    assert all(large[url][1] > small[url][1] for url in grown), {u: (small[u][1], large[u][1]) for u in grown}
    print({url: small[url][0] for url in LISTS})

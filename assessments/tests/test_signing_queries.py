"""Issue 18 (load): a signing from the handledare's inbox reads and writes what it must and nothing twice —
the request read and locked once through the assessor's own requests, the goals linked in one statement,
the row signed by one conditional update, one history row of the request, one bump of the record's version
— in a fixed number of queries, whatever else the database holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, RequestStatus
from btportal import factories as f
from portfolio.tests.factories import goal
from trainees import versions

pytestmark = pytest.mark.django_db


def _sign(client, issued) -> tuple[int, Assessment]:
    url = reverse("assessments:assess_logged_in", args=[issued.request.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"overall": "3"})
    assert response.status_code == 302, response.content.decode()[:500]
    return len(queries.captured_queries), Assessment.objects.get(request=issued.request)


def test_a_signing_from_the_inbox_does_each_thing_once(client, world, make_request):
    client.force_login(world.users["handledare"])
    issued = make_request(goals=[goal("BT1"), goal("BT2")])
    version = versions.current([world.trainee.pk])[world.trainee.pk]
    history = issued.request.history.count()
    count, assessment = _sign(client, issued)
    assert assessment.signed and assessment.sign_method == Assessment.SIGN_LOGIN
    assert assessment.assessor == world.users["handledare"]
    assert set(assessment.goals.values_list("code", flat=True)) == {"BT1", "BT2"}
    assert not hasattr(assessment, "assessor_check")  # a known supervisor: evidence at once
    issued.request.refresh_from_db()
    assert issued.request.status == RequestStatus.SIGNED
    assert issued.request.history.count() == history + 1
    assert issued.request.history.first().history_user == world.users["handledare"]
    assert versions.current([world.trainee.pk])[world.trainee.pk] == version + 1
    # session, user, the request read with its scope's test (one query), its goals (the form); in the
    # transaction: the locked request, the assessment, the request's goals, their links, the signing, the
    # signer's roles, the request's status, its history, the version, (savepoint and its release)
    assert count == 15


@pytest.mark.parametrize("persona", ["handledare", "extern_bedomare"])
def test_the_signer_lands_on_what_they_signed_with_or_without_the_trainee(client, world, make_request, persona):
    """The external assessor cannot see the BT-läkare, only the assessment they signed: both land on it (no
    question of the trainee's visibility is asked on the way)."""
    from django.utils.translation import gettext

    from assessments.permissions import VIEW

    assessor = world.users[persona]
    assert VIEW.allows(assessor, world.trainee) == (persona == "handledare")
    client.force_login(assessor)
    issued = make_request(assessor=assessor)
    response = client.post(reverse("assessments:assess_logged_in", args=[issued.request.pk]), {"overall": "3"})
    assessment = Assessment.objects.get(request=issued.request)
    assert response.status_code == 302 and response["Location"] == assessment.get_absolute_url()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert gettext("The assessment is signed. Thank you!") in page.content.decode()


def test_the_queries_of_a_signing_do_not_grow_with_the_data(client, world, make_request):
    client.force_login(world.users["handledare"])
    counts = []
    for more in (0, 5):
        for _ in range(more):
            f.make_trainee(home_unit=world.clinic)
            make_request(goals=[goal("BT3")])  # more requests waiting in the inbox
            _sign(client, make_request())  # and more signed
        counts.append(_sign(client, make_request(goals=[goal("BT1")]))[0])
    assert counts[0] == counts[1]


def test_an_assessor_not_known_as_a_supervisor_is_kept_for_confirmation(client, world, make_request):
    outsider = f.make_user()
    client.force_login(outsider)
    issued = make_request(assessor=outsider)
    _count, assessment = _sign(client, issued)
    assert assessment.assessor_check.confirmed_at is None

"""Issue 18 (load, national scale): the dashboard's table and the charts are kept rendered under a key that
changes with any audited change of a member's record, the viewer's scope, the filters and page, the day and
the language (trainees.caching). A repeated visit computes nothing; a change shows at the next visit."""

import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from btportal import factories as f
from portfolio.tests.factories import make_assessment

from .factories import make_cohort

pytestmark = pytest.mark.django_db
ALL = {"status": "all"}


@pytest.fixture(autouse=True)
def _empty_cache():
    caches["fragments"].clear()


def _main(response) -> str:
    """The page's content without the CSRF tokens (masked anew at every request)."""
    import re

    page = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page[page.index("<main") : page.index("</main>")])


def _computing_fails():
    """Patches under which computing a cohort's rows or charts fails the test."""
    return (
        mock.patch("reports.views.cohort_for", side_effect=AssertionError("computed")),
        mock.patch("reports.views._charts", side_effect=AssertionError("computed")),
    )


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:charts"])
def test_a_repeated_visit_computes_nothing(client, world, name):
    make_cohort(world, 4)
    client.force_login(world.users["kansli"])
    first = client.get(reverse(name), ALL)
    rows, charts = _computing_fails()
    with rows, charts, CaptureQueriesContext(connection) as queries:
        again = client.get(reverse(name), ALL)
    assert _main(again) == _main(first)
    assert len(queries.captured_queries) <= 8, [q["sql"][:90] for q in queries.captured_queries]


def test_the_queries_of_a_repeated_visit_do_not_grow_with_the_cohort(client, world):
    client.force_login(world.users["kansli"])
    counts = []
    for n in (2, 20):
        make_cohort(world, n)
        client.get(reverse("reports:dashboard"), ALL)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("reports:dashboard"), ALL)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_change_of_a_members_record_shows_at_the_next_visit(client, world):
    (trainee,) = make_cohort(world, 1)
    client.force_login(world.users["kansli"])
    url = reverse("reports:dashboard")
    assert "1 signerad" in _main(client.get(url, ALL))
    make_assessment(trainee, "BT2", placement=trainee.placements.first(), performed_on=timezone.localdate())
    assert "2 signerade" in _main(client.get(url, ALL))


def test_a_new_member_and_another_viewer_get_their_own_page(client, world):
    make_cohort(world, 2)
    client.force_login(world.users["kansli"])
    url = reverse("reports:dashboard")
    before = _main(client.get(url, ALL))
    newcomer = f.make_trainee(home_unit=world.clinic, status="active")
    after = _main(client.get(url, ALL))
    assert newcomer.user.last_name not in before and newcomer.user.last_name in after
    # the other region's office never sees this cohort, cached or not
    client.force_login(world.users["stranger_kansli"])
    assert newcomer.user.last_name not in _main(client.get(url, ALL))


def test_filters_pages_days_and_languages_are_kept_apart(client, world):
    make_cohort(world, 3)
    client.force_login(world.users["kansli"])
    url = reverse("reports:dashboard")
    swedish = _main(client.get(url, ALL))
    assert "BT-läkare" in swedish
    client.cookies["django_language"] = "en"
    english = _main(client.get(url, ALL, HTTP_ACCEPT_LANGUAGE="en"))
    assert "BT doctors" in english and english != swedish
    client.cookies["django_language"] = "sv"
    searched = _main(client.get(url, {**ALL, "q": "zzz-nobody"}))
    assert "Inga BT-läkare matchar filtren." in searched
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows, _charts = _computing_fails()
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow), rows, pytest.raises(AssertionError):
        client.get(url, ALL)  # a new day: computed again


def test_the_unit_report_is_kept_and_follows_records_and_capacity(client, world):
    from organisations.models import UnitCapacity

    (trainee,) = make_cohort(world, 1)
    client.force_login(world.users["kansli"])
    url = reverse("reports:unit", args=[world.clinic.pk])
    first = _main(client.get(url))
    with (
        mock.patch("reports.unit_views.month_grid", side_effect=AssertionError("computed")),
        mock.patch("reports.unit_views.LazyRows", side_effect=AssertionError("computed")),
    ):
        assert _main(client.get(url)) == first
    # a month's capacity is no BT-läkare's record: the page follows it all the same
    month = timezone.localdate().replace(day=1)
    UnitCapacity.objects.create(unit=world.clinic, month=month, capacity=world.clinic.bt_capacity + 7)
    assert _main(client.get(url)) != first
    # and a change of a member's record
    again = _main(client.get(url))
    make_assessment(trainee, "BT2", placement=trainee.placements.first(), performed_on=timezone.localdate())
    assert _main(client.get(url)) != again


def test_a_repeated_visit_of_the_dashboard_reads_one_kept_page(client, world):
    """The filter form, the count and the table are one kept page: a repeated visit builds no form (no
    region list read), fingerprints the cohort and reads one cache entry."""
    make_cohort(world, 3)
    client.force_login(world.users["kansli"])
    url = reverse("reports:dashboard")
    first = client.get(url, {**ALL, "q": "Efternamn"})
    with (
        mock.patch("reports.views.cohort_scope", side_effect=AssertionError("form built")),
        CaptureQueriesContext(connection) as queries,
    ):
        again = client.get(url, {**ALL, "q": "Efternamn"})
    assert _main(again) == _main(first)
    assert 'value="Efternamn"' in _main(again)  # the filter form as asked
    # the session, the user, their role assignments, the cohort's fingerprint; the kept page is in this
    # process's memory (core/cache.py)
    assert len(queries.captured_queries) == 4, [q["sql"][:90] for q in queries.captured_queries]


def test_a_change_of_a_filtered_out_members_record_is_harmless(client, world):
    """The page is kept under the fingerprint of every BT-läkare the dashboard may show: a member whom the
    filters leave out changes the key, and the page computed again shows the same."""
    (shown, hidden) = make_cohort(world, 2)
    client.force_login(world.users["kansli"])
    url = reverse("reports:dashboard")
    query = {**ALL, "q": shown.user.email}
    first = _main(client.get(url, query))
    assert shown.user.last_name in first and hidden.user.last_name not in first
    make_assessment(hidden, "BT2", placement=hidden.placements.first(), performed_on=timezone.localdate())
    rows, _charts = _computing_fails()
    with rows, pytest.raises(AssertionError):
        client.get(url, query)  # computed again
    assert _main(client.get(url, query)) == first
    # and the filtered-in member's change shows
    make_assessment(shown, "BT2", placement=shown.placements.first(), performed_on=timezone.localdate())
    assert "2 signerade" in _main(client.get(url, query))


def test_the_kept_page_takes_a_fresh_csrf_token_for_each_browser(world):
    """The export form is in the kept page; its CSRF token is not: another browser (another CSRF cookie) of
    the same person, served the kept page, starts an export with the token of its own answer."""
    import re

    from django.test import Client

    from reports.models import Export

    make_cohort(world, 2)
    url = reverse("reports:dashboard")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(world.users["kansli"])
    first.get(url, ALL)
    rows, _charts = _computing_fails()
    with rows:
        page = second.get(url, ALL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)" form="export-start"', page).group(1)
    assert f'<form method="post" action="{reverse("reports:export_start")}" id="export-start"' in page
    response = second.post(reverse("reports:export_start"), {"csrfmiddlewaretoken": token, "format": "csv", **ALL})
    assert response.status_code == 302 and Export.objects.filter(user=world.users["kansli"]).count() == 1

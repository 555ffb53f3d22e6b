"""The cohort dashboard and its charts: who sees it, filters, search, sorting, pages, exports, queries."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from portfolio.tests.factories import make_placement
from reports.dashboard import PAGE_SIZE
from trainees.models import Trainee

from .factories import make_cohort

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)
ALL = {"status": "all"}


def _names(response) -> list[str]:
    """The last names of the table's rows, in order, read from the page itself (a repeated visit is served
    kept whole, without a template context: trainees.caching.keep_page)."""
    pks = [int(pk) for pk in re.findall(r'<tr data-trainee="(\d+)"', response.content.decode())]
    names = dict(Trainee.objects.filter(pk__in=pks).values_list("pk", "user__last_name"))
    return [names[pk] for pk in pks]


@pytest.mark.parametrize(
    "persona,status",
    [
        ("kansli", 200),
        ("studierektor", 200),
        ("admin", 200),
        ("verksamhetschef", 403),
        ("huvudhandledare", 403),
        ("bt_lakare", 403),
        ("granskare", 403),
        ("stranger_kansli", 200),
    ],
)
def test_it_is_for_those_who_run_bt(client, world, persona, status):
    client.force_login(world.users[persona])
    for name in ("reports:dashboard", "reports:charts", "reports:exports"):
        assert client.get(reverse(name)).status_code == status, (persona, name)


def test_each_sees_the_bt_doctors_of_their_own_units(client, world):
    client.force_login(world.users["kansli"])
    names = _names(client.get(reverse("reports:dashboard"), ALL))
    assert world.trainee.user.last_name in names and world.other_trainee.user.last_name not in names
    client.force_login(world.users["stranger_kansli"])
    assert _names(client.get(reverse("reports:dashboard"), ALL)) == [world.other_trainee.user.last_name]


def test_it_filters_searches_and_sorts(client, world):
    cohort = make_cohort(world, 3)
    cohort[0].user.last_name = "Öberg"
    cohort[0].user.save()
    cohort[1].main_supervisor = None
    cohort[1].save()
    client.force_login(world.users["kansli"])
    url = reverse("reports:dashboard")
    # The default: ongoing BTs (the world's trainee is planned, so counted)
    assert len(_names(client.get(url))) == 4
    assert _names(client.get(url, {"q": "öber"})) == ["Öberg"]
    assert _names(client.get(url, {"status": "planned"})) == [world.trainee.user.last_name]
    assert set(_names(client.get(url, {"phase": "in_placement"}))) == {t.user.last_name for t in cohort}
    assert cohort[1].user.last_name in _names(client.get(url, {"attention": "supervisor"}))
    assert cohort[0].user.last_name not in _names(client.get(url, {"attention": "supervisor"}))
    by_months = _names(client.get(url, {"sort": "-months"}))
    assert by_months[-1] == world.trainee.user.last_name  # no placements: 0 months
    assert _names(client.get(url, {"sort": "-name"}))[0] == "Öberg"
    # A stale or invalid filter is ignored, not an error
    assert client.get(url, {"status": "nonsense", "sort": "x"}).status_code == 200


def test_the_sort_headers_say_which_column_sorts_the_table(client, world):
    client.force_login(world.users["kansli"])
    body = client.get(reverse("reports:dashboard"), {"sort": "-goals"}).content.decode()
    assert 'aria-sort="descending"' in body
    assert "sort=goals" in body  # a second click sorts the other way


def test_it_shows_one_page_at_a_time(client, world):
    make_cohort(world, PAGE_SIZE + 2)
    client.force_login(world.users["kansli"])
    first = client.get(reverse("reports:dashboard"))
    assert len(first.context["page"]) == PAGE_SIZE and first.context["total"] == PAGE_SIZE + 3
    second = client.get(reverse("reports:dashboard"), {"page": 2})
    assert len(second.context["page"]) == 3


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:charts"])
def test_the_number_of_queries_does_not_grow_with_the_cohort(client, world, name):
    client.force_login(world.users["kansli"])
    url = reverse(name)
    make_cohort(world, 2)
    few = _count_queries(client, url, ALL)
    make_cohort(world, PAGE_SIZE + 5)
    many = _count_queries(client, url, ALL)
    assert many == few, f"{name}: {few} queries for 4 BT doctors, {many} for {PAGE_SIZE + 9}"


def test_it_exports_what_it_shows(client, world):
    cohort = make_cohort(world, 2)
    cohort[0].user.first_name = "=HYPERLINK(x)"  # a formula in a name stays text
    cohort[0].user.save()
    client.force_login(world.users["kansli"])
    response = client.get(reverse("reports:dashboard_export", args=["csv"]), {"sort": "name", "q": "HYPERLINK"})
    assert response["Content-Disposition"].startswith('attachment; filename="bt-kohort-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][0].startswith("'=HYPERLINK")
    response = client.get(reverse("reports:dashboard_export", args=["xlsx"]), ALL)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    data = list(sheet.iter_rows(values_only=True))
    assert len(data) == 1 + 3
    header = list(data[0])
    with translation.override("sv"):
        months = [r[header.index(gettext("Full-time months done"))] for r in data[1:]]
    assert all(isinstance(m, (int, float)) for m in months)
    assert client.get(reverse("reports:dashboard_export", args=["pdf"])).status_code == 404


def test_a_large_export_is_sent_to_the_background(client, world, settings):
    settings.REPORTS_INLINE_EXPORT_ROWS = 2
    make_cohort(world, 2)
    client.force_login(world.users["kansli"])
    page = client.get(reverse("reports:dashboard"), ALL)
    assert not page.context["inline_export"]
    response = client.get(reverse("reports:dashboard_export", args=["xlsx"]), ALL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reports:dashboard"))


def test_the_charts_show_the_cohort_in_words_and_tables(client, world):
    make_cohort(world, 3)
    done = make_cohort(world, 1, status="completed")[0]
    # Completed today, after a start a month ago (a fixed day would fall before the start in some months)
    done.status_since = timezone.localdate()
    done.save()
    make_placement(world.other_trainee, "akut", D(2026, 11, 1), D(2027, 1, 31), unit=world.other_clinic)
    client.force_login(world.users["kansli"])
    response = client.get(reverse("reports:charts"), ALL)
    charts = {c.id: c for c in response.context["charts"]}
    assert set(charts) == {"chart-goals", "chart-completion", "chart-intake", "chart-capacity"}
    goals = charts["chart-goals"]
    assert goals.table_rows[0][0] == "BT1" and goals.table_rows[0][1] == 4  # evidenced by all four
    completion = charts["chart-completion"]
    assert sum(r[1] for r in completion.table_rows) == 1 and sum(r[2] for r in completion.table_rows) == 3
    body = response.content.decode()
    for chart in charts.values():
        assert f'aria-labelledby="{chart.id}-title"' in body and chart.summary in body
    assert "style=" not in body.split('<main id="main"', 1)[1]  # CSP: no inline styles


def _varied_cohort(world):
    """BT-läkare in every phase, started at different times, some with equal names."""
    from btportal import factories as f

    today = timezone.localdate()
    cohort = make_cohort(world, 2) + make_cohort(world, 2, start=today - 400 * DAY)
    cohort += make_cohort(world, 1, start=today + 60 * DAY)  # between: the placement is later
    cohort += make_cohort(world, 1, status="paused") + make_cohort(world, 1, status="discontinued")
    done = make_cohort(world, 1, status="completed")[0]
    done.status_since = today - 10 * DAY
    done.save()
    no_plan = f.make_trainee(home_unit=world.clinic, status="active", planned_start=today - 30 * DAY)
    for t in cohort[:3] + [no_plan]:  # the same name: the id decides
        t.user.last_name, t.user.first_name = "Åberg", "Anna"
        t.user.save()
    return cohort


@pytest.mark.parametrize("sort", ["name", "-name", "start", "-start", "phase", "-phase", "completion", "-completion"])
def test_a_sort_on_stored_facts_orders_as_the_computed_rows_do(world, sort):
    """The sorts read from one aggregate query give the order the full rows give."""
    from reports.cohort import LazyRows, cohort_rows
    from reports.dashboard import DASHBOARD, cohort_for, sort_rows
    from trainees.models import Trainee

    _varied_cohort(world)
    user = world.users["kansli"]
    cohort = cohort_for(user, {"status": "all", "sort": sort})
    assert isinstance(cohort.rows, LazyRows)
    computed = sort_rows(cohort_rows(DASHBOARD.queryset(user)), sort)
    assert [r.trainee.pk for r in cohort.rows] == [r.trainee.pk for r in computed]
    assert len(cohort.rows) == Trainee.objects.filter(pk__in=DASHBOARD.queryset(user).values("pk")).count()
    for phase in ("in_placement", "between", "final", "no_plan", "paused", "completed"):
        shown = cohort_for(user, {"status": "all", "sort": sort, "phase": phase}).rows
        assert [r.trainee.pk for r in shown] == [r.trainee.pk for r in computed if r.phase == phase], phase


@pytest.mark.parametrize(
    "params",
    [{"status": "all", "sort": "-start"}, {"phase": "in_placement"}, {"status": "all", "sort": "-overdue"}],
)
def test_the_queries_do_not_grow_with_the_cohort_whatever_the_sort(client, world, params):
    client.force_login(world.users["kansli"])
    url = reverse("reports:dashboard")
    make_cohort(world, 2)
    few = _count_queries(client, url, params)
    make_cohort(world, PAGE_SIZE + 5)
    many = _count_queries(client, url, params)
    assert many == few, f"{params}: {few} queries for 4 BT doctors, {many} for {PAGE_SIZE + 9}"
    assert len(client.get(url, {**params, "page": 2}).context["page"]) >= 1


COMPUTED_SORTS = ["months", "-months", "goals", "-goals", "overdue", "-overdue", "findings", "-findings"]


def _full(user, params, today=None):
    """What the dashboard showed before the facts were stored: every row computed, filtered, sorted."""
    from reports.cohort import cohort_rows
    from reports.dashboard import DASHBOARD, filter_queryset, filter_rows, sort_rows

    rows = filter_rows(cohort_rows(filter_queryset(DASHBOARD.queryset(user), params), today=today), params)
    return [r.trainee.pk for r in sort_rows(rows, params.get("sort", "name"))]


@pytest.mark.parametrize(
    "sort,attention",
    [(sort, "") for sort in COMPUTED_SORTS]
    + [(sort, a) for a in ("any", "overdue", "errors", "supervisor") for sort in ("name", "-overdue", "-completion")],
)
def test_a_sort_or_filter_on_computed_facts_gives_the_rows_of_the_full_computation(world, sort, attention):
    from reports.cohort import LazyRows
    from reports.dashboard import cohort_for

    cohort = _varied_cohort(world)
    cohort[0].main_supervisor = None  # a finding of its own
    cohort[0].save()
    user = world.users["kansli"]
    params = {"status": "all", "sort": sort, "attention": attention}
    shown = cohort_for(user, params)
    assert isinstance(shown.rows, LazyRows)  # only the page shown is computed
    expected = _full(user, params)
    assert [r.trainee.pk for r in shown.rows] == expected
    if attention == "any":
        assert expected  # not an empty comparison
    for phase in ("in_placement", "final", "no_plan"):
        rows = cohort_for(user, {**params, "phase": phase}).rows
        assert [r.trainee.pk for r in rows] == _full(user, {**params, "phase": phase}), phase


def _stored(trainee):
    from reports.models import TraineeFacts

    return TraineeFacts.objects.get(trainee_id=trainee.pk)


def test_the_stored_facts_follow_each_change_of_the_record(world, mailoutbox):
    from assessments import services
    from portfolio.models import Activity
    from reports.dashboard import cohort_for
    from trainees import versions
    from trainees.models import Leave

    t = make_cohort(world, 2)[0]
    user = world.users["kansli"]
    params = {"status": "all", "sort": "-overdue"}

    def show():
        shown = cohort_for(user, params)
        assert [r.trainee.pk for r in shown.rows] == _full(user, params)
        facts = _stored(t)
        assert facts.version == versions.current([t.pk])[t.pk]
        return facts

    before = show()
    akut = t.placements.order_by("start").first()
    # A request signed through the service (by a supervisor the portal knows): one more done.
    link = services.create_request(t, by=t.user, instrument="mini_cex", placement=akut, assessor=akut.supervisor)
    show()
    services.sign_request(link.request, data={"overall": 3}, by=akut.supervisor)
    after_signing = show()
    assert after_signing.version > before.version
    # A placement without a handledare starting now: the supervisor is missing.
    make_placement(t, "psykiatri", timezone.localdate(), timezone.localdate() + 60 * DAY, unit=world.clinic)
    assert show().supervisor_missing and not after_signing.supervisor_missing
    # Leave and a deleted activity (its delmål no longer evidenced by it) follow as well.
    Leave.objects.create(trainee=t, kind="parental", start=akut.start + 5 * DAY, end=akut.start + 15 * DAY)
    months = show().months_done
    assert months < after_signing.months_done
    evidenced = show().goals_evidenced
    Activity.objects.filter(trainee=t).delete()
    assert show().version > after_signing.version
    assert show().goals_evidenced <= evidenced


def test_the_facts_of_another_day_are_computed_again(world):
    from reports.dashboard import cohort_for

    t = make_cohort(world, 1)[0]
    user = world.users["kansli"]
    today = timezone.localdate()
    cohort_for(user, {"status": "all", "sort": "months"}, today=today)
    first = _stored(t)
    assert first.computed_for == today
    later = today + 40 * DAY
    shown = cohort_for(user, {"status": "all", "sort": "months"}, today=later)
    assert [r.trainee.pk for r in shown.rows] == _full(user, {"status": "all", "sort": "months"}, today=later)
    second = _stored(t)
    assert second.computed_for == later and second.months_done > first.months_done


def test_fresh_facts_are_not_computed_again(world):
    from reports import facts
    from reports.dashboard import DASHBOARD

    make_cohort(world, 3)
    everyone = DASHBOARD.queryset(world.users["kansli"])
    assert facts.refresh(everyone) == 4
    assert facts.refresh(everyone) == 0
    with CaptureQueriesContext(connection) as queries:
        assert facts.refresh(everyone) == 0
    assert len(queries) == 1


def test_a_computed_sort_takes_as_many_queries_for_4_as_for_34_warm_or_cold(client, world):
    from reports.models import TraineeFacts

    client.force_login(world.users["kansli"])
    url = reverse("reports:dashboard")
    params = {"status": "all", "sort": "-overdue", "attention": "any"}
    make_cohort(world, 3)
    cold_few = _count_queries(client, url, params)
    warm_few = _count_queries(client, url, params)
    make_cohort(world, 30)
    TraineeFacts.objects.all().delete()
    cold_many = _count_queries(client, url, params)
    warm_many = _count_queries(client, url, params)
    assert (cold_few, warm_few) == (cold_many, warm_many)
    assert warm_many < cold_many


def test_the_command_refreshes_everyone(world):
    from django.core.management import call_command

    from btportal import factories as f
    from reports.models import TraineeFacts

    make_cohort(world, 2)
    gone = f.make_trainee(home_unit=world.clinic)
    out = io.StringIO()
    call_command("refresh_cohort_facts", stdout=out)
    assert TraineeFacts.objects.count() == 5 and "5 BT" in out.getvalue()
    gone.delete()  # its facts stay until the command removes them
    call_command("refresh_cohort_facts", stdout=out)
    assert out.getvalue().splitlines()[-2:] == [
        "1 of deleted BT-läkare removed.",
        "0 BT-läkare's cohort facts refreshed.",
    ]
    assert not TraineeFacts.objects.filter(trainee_id=gone.pk).exists() and TraineeFacts.objects.count() == 4


def test_bulk_generated_data_has_no_facts_yet_and_gets_them_on_first_view(world, settings):
    """generate_scale writes with bulk_create (no history, no record version): such BT-läkare are at
    version 0 without facts, so the first computed sort computes them, as the full computation does."""
    from demo import scale
    from reports import facts
    from reports.dashboard import DASHBOARD, cohort_for
    from trainees import versions
    from trainees.models import Trainee

    settings.DEBUG = True
    scale.generate("tiny", as_of=timezone.localdate())
    generated = Trainee.objects.filter(user__email__endswith=scale.DOMAIN)
    assert generated.exists() and set(versions.current(list(generated.values_list("pk", flat=True))).values()) == {0}
    kansli = world.users["kansli"]
    everyone = DASHBOARD.queryset(kansli)
    assert set(generated.values_list("pk", flat=True)) <= set(facts.stale(everyone, today=timezone.localdate()))
    for params in ({"status": "all", "sort": "-overdue"}, {"status": "all", "attention": "any", "sort": "-goals"}):
        assert [r.trainee.pk for r in cohort_for(kansli, params).rows] == _full(kansli, params)
    assert facts.stale(everyone, today=timezone.localdate()) == {}

"""Reviewing a planning run against capacity, the capacity check when accepting, htmx, access and queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from btportal import factories as f
from core.errors import DomainError
from organisations.models import UnitCapacity
from scheduling import editing, planning
from scheduling.models import ProposalEdit, RunStatus
from scheduling.tests.proposals import EN, HTMX, D, bad_rows, edit_url, form_data, make_run, plan_rows
from trainees.models import Placement, Trainee

# ---------------------------------------------------------------------------
# Capacity: the review grid and the check when accepting
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_review_counts_others_placements_and_the_proposals(client, w):
    other = f.make_trainee(home_unit=w.clinic)
    Placement.objects.create(trainee=other, category="akut", unit=w.clinic, start=D(2027, 2, 1), end=D(2027, 3, 15))
    UnitCapacity.objects.create(unit=w.psychiatry, month=D(2027, 10, 1), capacity=1)
    review = planning.review(w.run, planning.proposals(w.run))
    assert review.grid.cell(w.clinic, D(2027, 1, 1)).used == 2
    assert review.grid.cell(w.clinic, D(2027, 2, 1)).used == 3
    assert review.grid.cell(w.psychiatry, D(2027, 10, 1)).capacity == 1
    with translation.override("en"):
        messages = sorted(c.message for c in review.conflicts)
    assert messages == [
        "Psykiatri is over capacity in 2027-10",
        "Sahlgrenska – Medicinkliniken is over capacity in 2027-02, 2027-03",
    ]
    # Only the units of the categories the proposal uses, active ones, of this region.
    units = {row.unit for row in review.grid.rows}
    assert units == {w.clinic, w.small_er, w.health_centre, w.psychiatry}

    client.force_login(w.users["kansli"])
    body = client.get(w.run.get_absolute_url(), **EN).content.decode()
    assert "1 over capacity" in body and "⚠" in body  # text, not colour alone
    assert "Psykiatri is over capacity in 2027-10" in body
    assert reverse("timelines:region", args=[w.vgr.slug]) + "?start=2027-01&amp;months=18" in body
    assert "(proposed)" in body


@pytest.mark.django_db
def test_accept_refuses_a_proposal_that_would_exceed_capacity_naming_unit_and_months(client, w):
    other = f.make_trainee(home_unit=w.clinic)
    Placement.objects.create(trainee=other, category="akut", unit=w.clinic, start=D(2027, 2, 1), end=D(2027, 3, 15))
    client.force_login(w.users["kansli"])
    # The first fits (1 + 1 ≤ 2); the second would make three in February and March.
    response = client.post(reverse("scheduling:accept", args=[w.run.pk]), {"trainee": "all"}, follow=True, **EN)
    body = response.content.decode()
    assert "Placements were created for 1 BT doctors." in body
    assert "Sahlgrenska – Medicinkliniken is over capacity in 2027-02, 2027-03" in body
    accepted = [t for t in (w.trainee, w.second) if t.placements.exists()]
    refused = [t for t in (w.trainee, w.second) if not t.placements.exists()]
    assert len(accepted) == 1 and len(refused) == 1
    with pytest.raises(DomainError, match="over capacity"):
        planning.accept_proposal(w.run, refused[0], by=None)

    # Moved to the other emergency unit, it fits and is accepted.
    rows = plan_rows(w)
    rows[0]["unit"] = str(w.small_er.pk)
    editing.save_proposal_edit(w.run, refused[0], rows, expected_version=0, by=None)
    assert planning.accept_proposal(w.run, refused[0], by=None)


@pytest.mark.django_db
def test_an_edit_that_overfills_a_unit_is_saved_but_flagged_and_not_accepted(client, w):
    client.force_login(w.users["kansli"])
    for trainee in (w.trainee, w.second):
        rows = plan_rows(w)
        rows[0]["unit"] = str(w.small_er.pk)  # capacity 1
        response = client.post(edit_url(w, trainee), form_data(rows, version=0), follow=True, **EN)
    assert (
        "was saved. With the other proposals, Akuten Mölndal is over capacity in 2027-01" in response.content.decode()
    )
    body = client.get(w.run.get_absolute_url(), **EN).content.decode()
    assert "Akuten Mölndal is over capacity in 2027-01, 2027-02, 2027-03, 2027-04" in body
    planning.accept_proposal(w.run, w.trainee, by=None)
    with (
        pytest.raises(DomainError, match="Akuten Mölndal is over capacity in 2027-01, 2027-02, 2027-03, 2027-04"),
        translation.override("en"),
    ):
        planning.accept_proposal(w.run, w.second, by=None)


# ---------------------------------------------------------------------------
# htmx
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_htmx_edits_inline_and_answers_with_the_whole_review(client, w):
    client.force_login(w.users["kansli"])
    form = client.get(edit_url(w), **EN, **HTMX)
    assert form.status_code == 200
    assert form.content.decode().startswith(f'<tr id="proposal-{w.trainee.pk}"')
    bad = client.post(edit_url(w), form_data(bad_rows(w, "zero months"), version=0), **EN, **HTMX)
    assert bad.status_code == 200 and "A placement is at least 1 month." in bad.content.decode()
    assert bad.content.decode().startswith("<tr")
    rows = plan_rows(w)
    rows[0]["unit"] = str(w.small_er.pk)
    ok = client.post(edit_url(w), form_data(rows, version=0), **EN, **HTMX)
    assert ok.status_code == 200 and ok["HX-Retarget"] == "#run-review"
    assert 'id="run-review"' in ok.content.decode()
    assert "was saved. It meets the rules and fits the units&#x27; capacity." in ok.content.decode()


@pytest.mark.django_db
def test_the_status_poll_reloads_the_page_when_the_planner_is_done(client, w):
    client.force_login(w.users["kansli"])
    response = client.get(w.run.get_absolute_url(), **HTMX)
    assert response["HX-Refresh"] == "true"


# ---------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [
        ("kansli", 200),
        ("studierektor", 200),
        ("admin", 200),
        ("stranger_kansli", 403),
        ("stranger_studierektor", 403),
        ("bt_lakare", 403),
        ("handledare", 403),
        ("huvudhandledare", 403),
        ("verksamhetschef", 403),
        ("granskare", 403),
        ("extern_bedomare", 403),
        ("outsider", 403),
    ],
)
def test_who_may_review_and_edit(client, w, role, expected):
    client.force_login(w.users[role])
    assert client.get(w.run.get_absolute_url()).status_code == expected
    assert client.get(edit_url(w)).status_code == expected
    response = client.post(edit_url(w), form_data(plan_rows(w), version=0))
    assert response.status_code == (302 if expected == 200 else 403)
    reset = client.post(reverse("scheduling:proposal_reset", args=[w.run.pk, w.trainee.pk]), {"version": "1"})
    assert reset.status_code == (302 if expected == 200 else 403)
    assert ProposalEdit.objects.filter(version__gt=0).exists() == (expected == 200)


@pytest.mark.django_db
def test_a_trainee_outside_the_run_or_a_missing_run_is_not_found(client, w):
    client.force_login(w.users["kansli"])
    outside = f.make_trainee(home_unit=w.clinic)
    assert client.get(edit_url(w, outside)).status_code == 404
    assert client.get(reverse("scheduling:proposal_edit", args=[999999, w.trainee.pk])).status_code == 404
    assert (
        client.post(reverse("scheduling:proposal_reset", args=[w.run.pk, outside.pk]), {"version": "0"}).status_code
        == 404
    )


# ---------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------


def _page_queries(client, run):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(run.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_run_page_needs_the_same_queries_for_few_and_many_trainees(client, w):
    client.force_login(w.users["kansli"])
    Placement.objects.create(
        trainee=f.make_trainee(home_unit=w.clinic),
        category="akut",
        unit=w.clinic,
        start=D(2027, 5, 1),
        end=D(2027, 6, 30),
    )
    rows = plan_rows(w)
    rows[0]["unit"] = str(w.small_er.pk)
    client.post(edit_url(w), form_data(rows, version=0))
    small = _page_queries(client, w.run)
    many = [
        f.make_trainee(home_unit=w.clinic, planned_start=D(2027, 1, 1), main_supervisor=w.users["huvudhandledare"])
        for _ in range(6)
    ]
    for t in many[:3]:
        Placement.objects.create(
            trainee=f.make_trainee(home_unit=w.health_centre),
            category="primarvard",
            unit=w.health_centre,
            start=D(2027, 3, 1),
            end=D(2027, 6, 30),
        )
        t.leave.create(kind="parental", start=D(2027, 6, 1), end=D(2027, 6, 30))
    big = make_run(w, [w.trainee, w.second, *many])
    for t in many[:2]:
        ProposalEdit.objects.create(
            run=big,
            trainee=t,
            assignments=[dict(r, trainee=str(t.pk)) for r in plan_rows(w)],
            version=1,
            edited_by=w.users["studierektor"],
        )
    assert _page_queries(client, big) == small


@pytest.mark.django_db
def test_a_trainee_the_planner_could_not_place_can_be_placed_by_hand(client, w):
    w.run.result["assignments"] = [a for a in w.run.result["assignments"] if a["trainee"] != str(w.second.pk)]
    w.run.result["unassigned"] = [str(w.second.pk)]
    w.run.save()
    client.force_login(w.users["kansli"])
    page = client.get(w.run.get_absolute_url(), **EN).content.decode()
    assert "Not placed" in page
    form = client.get(edit_url(w, w.second), **EN).content.decode()
    assert 'name="rows-0-unit"' in form and 'name="rows-1-unit"' not in form  # one empty row to fill in
    rows = plan_rows(w)
    rows[0]["unit"] = str(w.small_er.pk)
    assert client.post(edit_url(w, w.second), form_data(rows, version=0, initial=0)).status_code == 302
    client.post(reverse("scheduling:accept", args=[w.run.pk]), {"trainee": "all"})
    assert w.second.placements.count() == 3 and w.trainee.placements.count() == 3


@pytest.mark.django_db
def test_htmx_reset_answers_with_the_review(client, w):
    client.force_login(w.users["kansli"])
    rows = plan_rows(w)
    rows[0]["months"] = 3
    client.post(edit_url(w), form_data(rows, version=0))
    url = reverse("scheduling:proposal_reset", args=[w.run.pk, w.trainee.pk])
    response = client.post(url, {"version": "1"}, **EN, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#run-review"
    assert "is the planner&#x27;s again" in response.content.decode()
    stale = client.post(url, {"version": "1"}, **EN, **HTMX)
    assert stale.status_code == 204 and stale["HX-Redirect"] == w.run.get_absolute_url()
    assert ProposalEdit.objects.get().version == 2


@pytest.mark.django_db
def test_a_mid_month_start_hands_a_place_over_without_a_false_capacity_conflict(w):
    """A cohort starting Monday 5 April: the planner's whole months become dated placements
    from 5 April that run a few days into the next month. One trainee leaving a unit of capacity
    1 and the next arriving the day after share the place: no conflict on review, and both can
    be accepted."""
    start = D(2027, 4, 5)
    for t in (w.trainee, w.second):
        t.planned_start = start
        t.save()
    run = planning.start_run(
        region=w.vgr,
        by=w.users["kansli"],
        trainees=[w.trainee, w.second],
        start=D(2027, 4, 1),
        months=18,
        method="greedy",
    )
    first = [
        {"unit": str(w.small_er.pk), "category": "akut", "start": "2027-04", "months": 4},
        {"unit": str(w.health_centre.pk), "category": "primarvard", "start": "2027-08", "months": 4},
        {"unit": str(w.psychiatry.pk), "category": "psykiatri", "start": "2027-12", "months": 4},
    ]
    second = [
        {"unit": str(w.health_centre.pk), "category": "primarvard", "start": "2027-04", "months": 4},
        {"unit": str(w.small_er.pk), "category": "akut", "start": "2027-08", "months": 4},
        {"unit": str(w.psychiatry.pk), "category": "psykiatri", "start": "2027-12", "months": 4},
    ]
    run.result = {
        "status": "feasible",
        "method": "greedy",
        "objective": 0,
        "seconds": 0.1,
        "unassigned": [],
        "explanation": [],
        "assignments": [dict(r, trainee=str(w.trainee.pk)) for r in first]
        + [dict(r, trainee=str(w.second.pk)) for r in second],
    }
    run.status = RunStatus.DONE
    run.save()
    items = planning.proposals(run)
    (mine,) = [p for p in items if p.trainee.pk == w.trainee.pk]
    (theirs,) = [p for p in items if p.trainee.pk == w.second.pk]
    assert mine.placements[0].start == start and mine.placements[0].end.month == 8  # runs into August
    assert theirs.placements[1].start == mine.placements[0].end + datetime.timedelta(days=1)
    review = planning.review(run, items)
    assert not review.conflicts
    august = review.grid.cell(w.small_er, D(2027, 8, 1))
    assert len(august.entries) == 2 and august.used == 1
    for t in (w.trainee, w.second):
        planning.accept_proposal(run, t, by=w.users["kansli"])
    assert Placement.objects.filter(unit=w.small_er).count() == 2


@pytest.mark.django_db
def test_a_unit_over_capacity_without_the_proposal_is_shown_apart_and_blocks_nothing(client, w):
    """A unit already over capacity with the placements on record (here a month closed after
    someone was placed) is listed as such, not as a conflict of the proposal."""
    outsider = f.make_trainee(home_unit=w.clinic)
    Placement.objects.create(
        trainee=outsider, category="akut", unit=w.small_er, start=D(2027, 2, 1), end=D(2027, 2, 28)
    )
    UnitCapacity.objects.create(unit=w.small_er, month=D(2027, 2, 1), capacity=0)
    items = planning.proposals(w.run)
    review = planning.review(w.run, items)
    assert [c.unit for c in review.existing] == [w.small_er]
    assert w.small_er not in [c.unit for c in review.conflicts]
    client.force_login(w.users["kansli"])
    page = client.get(w.run.get_absolute_url(), **EN).content.decode()
    assert "Already over capacity with the placements on record" in page


@pytest.mark.django_db
def test_the_run_page_lists_its_proposals_a_page_at_a_time_and_checks_only_those(client, w, monkeypatch):
    """25 proposals a page (all of them counted in the capacity review); the rules check runs for the
    listed ones only; after an edit the page that lists the edited proposal comes back."""
    from scheduling import views
    from trainees import services as trainee_services

    monkeypatch.setattr(views, "PROPOSALS_PER_PAGE", 3)
    many = [f.make_trainee(home_unit=w.clinic, planned_start=D(2027, 1, 1)) for _ in range(5)]
    run = make_run(w, [w.trainee, w.second, *many])  # 7 BT-läkare: pages of 3, 3 and 1
    client.force_login(w.users["kansli"])
    checked = []
    real = trainee_services.check_plan
    monkeypatch.setattr(trainee_services, "check_plan", lambda t, **kw: checked.append(t.pk) or real(t, **kw))
    first = client.get(run.get_absolute_url(), **EN)
    listed = [p.trainee.pk for p in first.context["proposals"]]
    assert len(listed) == 3 and sorted(checked) == sorted(listed)
    assert "page=2" in first.content.decode() and "1 / 3" in first.content.decode()
    # The capacity review still counts all seven (each proposal starts at the clinic in January).
    whole = planning.review(run, planning.proposals(run))
    assert (
        first.context["review"].grid.cell(w.clinic, D(2027, 1, 1)).used
        == whole.grid.cell(w.clinic, D(2027, 1, 1)).used
        >= 7
    )
    last = client.get(run.get_absolute_url() + "?page=3", **EN)
    assert len(last.context["proposals"]) == 1
    everyone = listed + [p.trainee.pk for p in client.get(run.get_absolute_url() + "?page=2").context["proposals"]]
    assert len(set(everyone + [last.context["proposals"][0].trainee.pk])) == 7
    # An edit of the one on the last page answers with that page.
    edited = Trainee.objects.get(pk=last.context["proposals"][0].trainee.pk)
    w.run = run
    response = client.post(edit_url(w, edited), form_data(plan_rows(w), version=0), **HTMX)
    assert [p.trainee.pk for p in response.context["proposals"]] == [edited.pk]

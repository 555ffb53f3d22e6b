"""Reviewing a planning run against capacity, editing a proposal before accepting it, and the
capacity check when accepting."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from btportal import factories as f
from core.errors import DomainError
from core.locking import StaleEdit
from organisations.models import UnitCapacity
from scheduling import editing, planning
from scheduling.models import ProposalEdit, RunStatus
from trainees.models import Placement

D = datetime.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def plan_rows(w):
    """A plan that meets VGR's rules: 4 months each of akut, primärvård and psykiatri."""
    return [
        {"unit": str(w.clinic.pk), "category": "akut", "start": "2027-01", "months": 4},
        {"unit": str(w.health_centre.pk), "category": "primarvard", "start": "2027-05", "months": 4},
        {"unit": str(w.psychiatry.pk), "category": "psykiatri", "start": "2027-09", "months": 4},
    ]


def make_run(w, trainees):
    """A finished run whose planner gave every trainee `plan_rows` (no solver: deterministic)."""
    run = planning.start_run(
        region=w.vgr, by=w.users["kansli"], trainees=trainees, start=D(2027, 1, 1), months=18, method="greedy"
    )
    assignments = [dict(row, trainee=str(t.pk)) for t in trainees for row in plan_rows(w)]
    run.result = {
        "status": "feasible",
        "method": "greedy",
        "objective": 0,
        "seconds": 0.1,
        "assignments": assignments,
        "unassigned": [],
        "explanation": [],
    }
    run.status = RunStatus.DONE
    run.save()
    return run


@pytest.fixture
def w(world):
    world.psychiatry = f.make_unit(world.vgr, "Psykiatri", category="psykiatri", capacity=2)
    world.small_er = f.make_unit(world.vgr, "Akuten Mölndal", category="akut", capacity=1)
    world.trainee.planned_start = D(2027, 1, 1)
    world.trainee.save()
    world.second = f.make_trainee(home_unit=world.clinic, planned_start=D(2027, 1, 1))
    world.run = make_run(world, [world.trainee, world.second])
    return world


def form_data(rows, *, version, deleted=(), initial=None):
    data = {
        "version": "" if version is None else str(version),
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(len(rows) if initial is None else initial),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {f"rows-{i}-unit": row["unit"], f"rows-{i}-start": row["start"], f"rows-{i}-months": str(row["months"])}
        )
        if i in deleted:
            data[f"rows-{i}-DELETE"] = "on"
    return data


def edit_url(w, trainee=None):
    return reverse("scheduling:proposal_edit", args=[w.run.pk, (trainee or w.trainee).pk])


def proposal_of(w, trainee=None):
    (p,) = planning.proposals(w.run, only=trainee or w.trainee)
    return p


# ---------------------------------------------------------------------------
# Edit, then accept
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_edits_a_proposal_and_accepts_the_edited_version(client, w):
    client.force_login(w.users["kansli"])
    page = client.get(edit_url(w), **EN)
    assert page.status_code == 200 and 'name="rows-0-unit"' in page.content.decode()
    rows = plan_rows(w)
    rows[0]["unit"] = str(w.small_er.pk)  # another unit of the same category
    response = client.post(edit_url(w), form_data(rows, version=0), **EN)
    assert response.status_code == 302 and response["Location"].endswith(f"#proposal-{w.trainee.pk}")

    edit = ProposalEdit.objects.get(run=w.run, trainee=w.trainee)
    assert edit.version == 1 and edit.edited_by == w.users["kansli"]
    assert edit.assignments[0]["unit"] == str(w.small_er.pk) and edit.assignments[0]["category"] == "akut"
    w.run.refresh_from_db()
    assert {a["unit"] for a in w.run.result["assignments"] if a["trainee"] == str(w.trainee.pk)} == {
        str(w.clinic.pk),
        str(w.health_centre.pk),
        str(w.psychiatry.pk),
    }  # the planner's result is untouched
    p = proposal_of(w)
    assert p.edited and p.check.valid and p.placements[0].unit == w.small_er and p.original[0].unit == w.clinic

    body = client.get(w.run.get_absolute_url(), **EN).content.decode()
    assert "Edited" in body and "The planner's proposal" in body

    client.post(reverse("scheduling:accept", args=[w.run.pk]), {"trainee": w.trainee.pk, "version": "1"})
    assert list(w.trainee.placements.order_by("start").values_list("unit_id", flat=True)) == [
        w.small_er.pk,
        w.health_centre.pk,
        w.psychiatry.pk,
    ]
    # An accepted proposal is no longer editable.
    assert client.get(edit_url(w)).status_code == 302
    assert client.get(edit_url(w), **HTMX)["HX-Redirect"] == w.run.get_absolute_url()
    with pytest.raises(DomainError):
        editing.save_proposal_edit(w.run, w.trainee, plan_rows(w), expected_version=1, by=None)


@pytest.mark.django_db
def test_it_changes_category_adds_and_removes_rows(client, w):
    client.force_login(w.users["kansli"])
    rows = plan_rows(w) + [{"unit": str(w.health_centre.pk), "start": "2028-01", "months": 2}]
    rows[2] = {"unit": planning.INTRODUCTION_UNIT, "start": "2027-09", "months": 1}  # category and unit change
    # Row 1 (primärvård) is removed; a new row is added at the end.
    response = client.post(edit_url(w), form_data(rows, version=0, deleted={1}, initial=3), follow=True, **EN)
    assert response.redirect_chain[-1][1] == 302
    assert "was saved. It does not meet the rules:" in response.content.decode()
    edit = ProposalEdit.objects.get()
    assert [(a["category"], a["start"], a["months"]) for a in edit.assignments] == [
        ("akut", "2027-01", 4),
        ("introduktion", "2027-09", 1),
        ("primarvard", "2028-01", 2),
    ]
    p = proposal_of(w)
    assert p.placements[1].unit is None and p.placements[1].category == "introduktion"
    # The rules check runs on the edited plan: no psychiatry any more.
    assert not p.check.valid
    body = client.get(w.run.get_absolute_url(), **EN).content.decode()
    assert "Does not meet the rules" in body
    with pytest.raises(DomainError, match="does not meet the rules"):
        planning.accept_proposal(w.run, w.trainee, by=w.users["kansli"])
    assert not w.trainee.placements.exists()


@pytest.mark.django_db
def test_add_a_row_shows_one_more_empty_row_and_saves_nothing(client, w):
    client.force_login(w.users["kansli"])
    data = form_data(plan_rows(w), version=0)
    data["add_row"] = "1"
    response = client.post(edit_url(w), data, **EN)
    assert response.status_code == 200
    assert 'name="rows-3-unit"' in response.content.decode()
    assert not ProposalEdit.objects.exists()


@pytest.mark.django_db
def test_reset_goes_back_to_the_planners_proposal(client, w):
    client.force_login(w.users["kansli"])
    rows = plan_rows(w)
    rows[0]["months"] = 3
    client.post(edit_url(w), form_data(rows, version=0))
    assert proposal_of(w).edited
    response = client.post(reverse("scheduling:proposal_reset", args=[w.run.pk, w.trainee.pk]), {"version": "1"}, **EN)
    assert response.status_code == 302
    p = proposal_of(w)
    assert not p.edited and p.version == 2 and p.placements[0].months == 4
    # The form loaded before the reset is stale now.
    response = client.post(edit_url(w), form_data(rows, version=1), **EN)
    assert response.status_code == 400 and "Someone else changed this proposal" in response.content.decode()
    assert not proposal_of(w).edited


# ---------------------------------------------------------------------------
# Bad input changes nothing
# ---------------------------------------------------------------------------


def _bad(w, case):
    rows = plan_rows(w)
    if case == "unknown unit":
        rows[0]["unit"] = "999999"
    elif case == "unit of another region":
        rows[0]["unit"] = str(w.other_clinic.pk)
    elif case == "zero months":
        rows[0]["months"] = 0
    elif case == "months not a number":
        rows[0]["months"] = "four"
    elif case == "start before the period":
        rows[0]["start"] = "2026-12"
    elif case == "start after the period":
        rows[2]["start"] = "2028-07"
    elif case == "ends after the period":
        rows[2]["start"], rows[2]["months"] = "2028-05", 4
    elif case == "start not a month":
        rows[0]["start"] = "January"
    elif case == "overlapping rows":
        rows[1]["start"] = "2027-03"
    elif case == "no rows":
        rows = []
    return rows


BAD = {
    "unknown unit": "Choose one of the region's units.",
    "unit of another region": "Choose one of the region's units.",
    "zero months": "A placement is at least 1 month.",
    "months not a number": "Give the number of months as a whole number.",
    "start before the period": "Choose a month within the planning period, 2027-01 to 2028-06.",
    "start after the period": "Choose a month within the planning period, 2027-01 to 2028-06.",
    "ends after the period": "A placement must lie within the planning period, 2027-01 to 2028-06.",
    "start not a month": "Give the first month as year and month, e.g. 2027-01.",
    "overlapping rows": "Two placements overlap in 2027-03.",
    "no rows": "Add at least one placement, or go back to the planner",
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_gives_a_clear_error_and_changes_nothing(client, w, case):
    client.force_login(w.users["kansli"])
    rows = _bad(w, case)
    response = client.post(edit_url(w), form_data(rows, version=0), **EN)
    assert response.status_code == 400
    body = response.content.decode().replace("&#x27;", "'")
    assert BAD[case] in body
    assert not ProposalEdit.objects.exists()
    # The service refuses the same rows too (a second line of defence).
    if case in {
        "unknown unit",
        "unit of another region",
        "zero months",
        "ends after the period",
        "overlapping rows",
        "no rows",
        "start not a month",
    }:
        with pytest.raises(DomainError):
            editing.save_proposal_edit(w.run, w.trainee, rows, expected_version=0, by=None)
        assert not ProposalEdit.objects.exists()


@pytest.mark.django_db
def test_a_missing_or_broken_management_form_changes_nothing(client, w):
    client.force_login(w.users["kansli"])
    response = client.post(edit_url(w), {"version": "0", "rows-0-unit": str(w.clinic.pk)}, **EN)
    assert response.status_code == 400
    assert not ProposalEdit.objects.exists()


# ---------------------------------------------------------------------------
# Optimistic locking
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_form_gets_a_clear_message_and_changes_nothing(client, w):
    client.force_login(w.users["kansli"])
    first = plan_rows(w)
    first[0]["months"] = 3
    assert client.post(edit_url(w), form_data(first, version=0)).status_code == 302
    second = plan_rows(w)
    second[0]["unit"] = str(w.small_er.pk)
    response = client.post(edit_url(w), form_data(second, version=0), **EN)  # loaded before the first save
    assert response.status_code == 400
    assert "Someone else changed this proposal while you were editing it." in response.content.decode()
    edit = ProposalEdit.objects.get()
    assert edit.version == 1 and edit.assignments[0]["months"] == 3 and edit.assignments[0]["unit"] == str(w.clinic.pk)
    with pytest.raises(StaleEdit):
        editing.save_proposal_edit(w.run, w.trainee, second, expected_version=None, by=None)
    with pytest.raises(StaleEdit):
        editing.reset_proposal(w.run, w.trainee, expected_version=0, by=None)


@pytest.mark.django_db
def test_accepting_a_proposal_changed_since_the_page_was_loaded_is_refused(client, w):
    client.force_login(w.users["kansli"])
    rows = plan_rows(w)
    rows[0]["unit"] = str(w.small_er.pk)
    client.post(edit_url(w), form_data(rows, version=0))
    response = client.post(
        reverse("scheduling:accept", args=[w.run.pk]), {"trainee": w.trainee.pk, "version": "0"}, follow=True, **EN
    )
    assert "was changed while you were looking at it" in response.content.decode()
    assert not w.trainee.placements.exists()


@pytest.mark.django_db
def test_a_post_without_its_version_is_stale_and_changes_nothing(client, w):
    """Editing, resetting and accepting one proposal each need the version the page showed."""
    client.force_login(w.users["kansli"])
    rows = plan_rows(w)
    rows[0]["unit"] = str(w.small_er.pk)
    data = form_data(rows, version=0)
    del data["version"]
    response = client.post(edit_url(w), data, **EN)
    assert response.status_code == 400
    assert "Someone else changed this proposal while you were editing it." in response.content.decode()
    assert not ProposalEdit.objects.exists()

    client.post(edit_url(w), form_data(rows, version=0))  # a real edit: version 1
    response = client.post(reverse("scheduling:proposal_reset", args=[w.run.pk, w.trainee.pk]), follow=True, **EN)
    assert "Someone else changed this proposal" in response.content.decode()
    assert ProposalEdit.objects.get().assignments is not None  # not reset

    for version in ({}, {"version": ""}, {"version": "x"}, {"version": "-1"}):
        response = client.post(
            reverse("scheduling:accept", args=[w.run.pk]), {"trainee": w.trainee.pk, **version}, follow=True, **EN
        )
        assert "was changed while you were looking at it" in response.content.decode()
    assert not w.trainee.placements.exists()
    # "Accept all" answers no single proposal's form: it needs no version.
    client.post(reverse("scheduling:accept", args=[w.run.pk]), {"trainee": "all"})
    assert w.trainee.placements.exists()


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
    bad = client.post(edit_url(w), form_data(_bad(w, "zero months"), version=0), **EN, **HTMX)
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

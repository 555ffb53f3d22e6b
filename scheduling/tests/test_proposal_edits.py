"""Editing a proposal before accepting it: edit, reset, bad input and stale forms."""

import pytest
from django.urls import reverse

from core.errors import DomainError
from core.locking import StaleEdit
from scheduling import editing, planning
from scheduling.models import ProposalEdit
from scheduling.tests.proposals import EN, HTMX, bad_rows, edit_url, form_data, plan_rows, proposal_of

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
    rows = bad_rows(w, case)
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

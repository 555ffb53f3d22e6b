"""Cohort planning in the browser (as kansli, in English): the run page with its capacity review,
editing a proposal inline (htmx), resetting it, accepting one BT doctor, and the run list with the
weights of the soft goals. The pages pass axe (WCAG 2.1 A/AA) on a desktop and on a phone, and on a
phone the document does not scroll sideways (wide tables scroll inside a focusable region)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, assert_idrefs_resolve, check_axe, log_in_by_cookie

pytestmark = BROWSER_MARKS
SHOTS = None  # set to a directory (e.g. "/tmp/btplan") to keep screenshots while working on the pages


@pytest.fixture
def w(world):
    """Two BT doctors with a finished run (no solver): both proposed 4 months each of akut
    (Medicinkliniken), primärvård and psykiatri. Psykiatri takes only one in 2027-10, so the
    proposal puts it over capacity that month."""
    from btportal import factories as f
    from organisations.models import UnitCapacity
    from scheduling.tests.proposals import make_run

    D = datetime.date
    world.psychiatry = f.make_unit(world.vgr, "Psykiatri", category="psykiatri", capacity=2)
    world.small_er = f.make_unit(world.vgr, "Akuten Mölndal", category="akut", capacity=1)
    world.trainee.planned_start = D(2027, 1, 1)
    world.trainee.save()
    world.second = f.make_trainee(home_unit=world.clinic, planned_start=D(2027, 1, 1))
    world.run = make_run(world, [world.trainee, world.second])
    UnitCapacity.objects.create(unit=world.psychiatry, month=D(2027, 10, 1), capacity=1)
    return world


def _kansli_page(english_page, w, base_url, viewport=None):
    page = english_page(viewport)
    log_in_by_cookie(page.context, w.users["kansli"], base_url)
    return page


def _check(page, name, *, phone=False):
    """axe, ARIA references, and on a phone: no sideways scrolling of the document, and every wide
    table inside a scroll region that a keyboard user can reach."""
    expect(page.locator("h1")).to_be_visible()
    check_axe(page, name)
    assert_idrefs_resolve(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}{'-phone' if phone else ''}.png", full_page=True)
    if phone:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                 .filter(e => !e.closest('.table-responsive'))
                 .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
        )
        assert width <= MOBILE["width"], f"{name}: scrolls sideways on a phone: scrollWidth {width}, {wide}"
        unreachable = page.evaluate(
            """() => [...document.querySelectorAll('.table-responsive')]
                 .filter(e => e.scrollWidth > e.clientWidth + 1)
                 .filter(e => !(e.tabIndex >= 0 && e.getAttribute('role') === 'region'
                                && (e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'))))
                 .map(e => e.outerHTML.slice(0, 120))"""
        )
        assert not unreachable, f"{name}: wide tables that scroll without a focusable, named region: {unreachable}"


def _row(page, trainee):
    return page.locator(f"#proposal-{trainee.pk}")


def _first_placement(row):
    """The first proposed placement in a BT doctor's row (not the planner's original under "details")."""
    return row.locator("td").first.locator("ol").first.locator("li").first


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_the_planning_pages_pass_axe(english_page, base_url, w, viewport):
    page = _kansli_page(english_page, w, base_url, viewport)
    phone = viewport is not None

    assert page.goto("/planning/").status == 200
    _check(page, "run-list", phone=phone)

    assert page.goto(w.run.get_absolute_url()).status == 200
    expect(page.get_by_test_id("capacity-conflicts")).to_be_visible()
    _check(page, "run", phone=phone)

    # The edit page of its own (without JavaScript one gets here from the Edit link).
    url = f"/planning/{w.run.pk}/proposals/{w.trainee.pk}/edit/"
    assert page.goto(url).status == 200
    expect(page.get_by_test_id("proposal-form")).to_be_visible()
    _check(page, "proposal-edit", phone=phone)

    # With an error in the form.
    page.locator("#id_rows-0-months").fill("0")
    page.get_by_role("button", name="Save the proposal").click()
    expect(page.get_by_text("A placement is at least 1 month.")).to_be_visible()
    _check(page, "proposal-edit-errors", phone=phone)

    # The form opened inline in the run page's table (htmx).
    page.goto(w.run.get_absolute_url())
    _row(page, w.trainee).get_by_role("link", name=re.compile("^Edit")).click()
    expect(_row(page, w.trainee).get_by_test_id("proposal-form")).to_be_visible()
    _check(page, "run-inline-edit", phone=phone)


def test_the_run_page_shows_the_capacity_review_with_the_unit_over_capacity(english_page, base_url, w):
    page = _kansli_page(english_page, w, base_url)
    page.goto(w.run.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Planning run for " + w.vgr.name)

    conflicts = page.get_by_test_id("capacity-conflicts")
    expect(conflicts).to_contain_text("Over capacity with the proposal as it stands:")
    expect(conflicts).to_contain_text("Psykiatri is over capacity in 2027-10")

    review = page.get_by_test_id("capacity-review")
    expect(review).to_be_visible()
    grid = review.locator("[data-testid=review-grid][data-category=psykiatri]")
    expect(grid).to_be_visible()
    cell = grid.locator(f"tr[data-unit='{w.psychiatry.pk}'] td[data-month='2027-10']")
    expect(cell).to_have_class(re.compile(r"\bcap-over\b"))
    expect(cell).to_have_attribute("data-used", "2")
    expect(cell).to_have_attribute("data-capacity", "1")
    expect(cell).to_contain_text("1 over capacity")  # in words, not colour alone
    expect(cell).to_contain_text("(proposed)")
    # Each BT doctor's row names the conflict too.
    conflict = _row(page, w.trainee).get_by_test_id("row-conflicts")
    expect(conflict).to_contain_text("Psykiatri is over capacity in 2027-10")


def test_edit_a_proposal_inline_reset_it_and_accept_it(english_page, base_url, w):
    from scheduling import planning

    page = _kansli_page(english_page, w, base_url)
    page.goto(w.run.get_absolute_url())
    row = _row(page, w.trainee)
    expect(row).to_contain_text("Sahlgrenska – Medicinkliniken")
    expect(row.get_by_test_id("edited")).to_have_count(0)

    # Edit inline: the row becomes the form, without leaving the page.
    row.get_by_role("link", name=re.compile("^Edit")).click()
    form = row.get_by_test_id("proposal-form")
    expect(form).to_be_visible()
    assert page.url.endswith(w.run.get_absolute_url())
    unit = form.get_by_label("Unit, row 1")
    expect(unit).to_be_focused()
    expect(unit).to_have_value(str(w.clinic.pk))
    unit.select_option(str(w.small_er.pk))
    form.get_by_role("button", name="Save the proposal").click()

    # The whole review comes back with the message and the updated row.
    message = page.get_by_test_id("saved-message")
    expect(message).to_contain_text(f"The proposal for {w.trainee} was saved.")
    row = _row(page, w.trainee)
    expect(row.get_by_test_id("proposal-form")).to_have_count(0)
    expect(row.get_by_test_id("edited")).to_have_text("Edited")
    expect(_first_placement(row)).to_contain_text("Akuten Mölndal")
    expect(row.locator("details summary")).to_have_text("The planner's proposal")
    assert page.url.endswith(w.run.get_absolute_url())
    (p,) = planning.proposals(w.run, only=w.trainee)
    assert p.edited and p.placements[0].unit == w.small_er
    check_axe(page, "run after an inline save")

    # Back to the planner's proposal.
    row.get_by_role("button", name=re.compile("^Reset to the planner's proposal")).click()
    message = page.get_by_test_id("saved-message")
    expect(message).to_contain_text(f"The proposal for {w.trainee} is the planner's again.")
    row = _row(page, w.trainee)
    expect(row.get_by_test_id("edited")).to_have_count(0)
    expect(_first_placement(row)).to_contain_text("Sahlgrenska – Medicinkliniken")
    (p,) = planning.proposals(w.run, only=w.trainee)
    assert not p.edited

    # Accept this one BT doctor.
    row.get_by_role("button", name=re.compile("^Accept")).click()
    expect(page.locator(".alert-success")).to_contain_text("Placements were created for 1 BT doctors.")
    expect(_row(page, w.trainee).get_by_text("Accepted", exact=True)).to_be_visible()
    expect(_row(page, w.trainee).get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    expect(_row(page, w.second).get_by_role("button", name=re.compile("^Accept"))).to_be_visible()
    assert list(w.trainee.placements.order_by("start").values_list("unit_id", flat=True)) == [
        w.clinic.pk,
        w.health_centre.pk,
        w.psychiatry.pk,
    ]
    assert not w.second.placements.exists()
    check_axe(page, "run after accepting one")


def test_the_edit_page_of_its_own_saves_and_goes_back_to_the_run(english_page, base_url, w):
    """Opened directly (a new tab, a bookmark), the edit page's form posts as an ordinary form: it is not
    wired to swap a table row that this page does not have."""
    page = _kansli_page(english_page, w, base_url)
    page.goto(f"/planning/{w.run.pk}/proposals/{w.trainee.pk}/edit/")
    expect(page.locator("h1")).to_have_text(f"Edit the proposal for {w.trainee}")
    page.get_by_label("Months, row 1").fill("0")
    page.get_by_role("button", name="Save the proposal").click()
    expect(page.get_by_text("A placement is at least 1 month.")).to_be_visible()
    page.get_by_label("Months, row 1").fill("3")
    page.get_by_role("button", name="Save the proposal").click()
    page.wait_for_url(f"**{w.run.get_absolute_url()}#proposal-{w.trainee.pk}")
    expect(page.get_by_role("status")).to_contain_text(f"The proposal for {w.trainee} was saved.")
    expect(_row(page, w.trainee).get_by_test_id("edited")).to_be_visible()
    expect(_row(page, w.trainee)).to_contain_text("(3 months)")


def test_the_run_list_opens_the_weights_of_the_soft_goals(english_page, base_url, w):
    page = _kansli_page(english_page, w, base_url)
    page.goto("/planning/")
    expect(page.locator("h1")).to_have_text("Cohort planning")
    runs = page.get_by_role("region", name="Planning runs")
    expect(runs.get_by_role("link")).to_have_count(1)

    details = page.locator("details", has=page.get_by_text("Weights of the soft goals"))
    weight = details.get_by_label("Few moves between units")
    expect(weight).to_be_hidden()
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    expect(weight).to_be_visible()
    expect(details.get_by_label("BT doctors' placement wishes")).to_be_visible()
    check_axe(page, "run list with the weights open")

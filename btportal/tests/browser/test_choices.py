"""Issue 14: multiple-choice lists (delmål on the assessment request, BT doctors on the planning start
form) are lists of labelled checkboxes, every label a 44 × 44 px target that ticks its own box, at a
phone's width and a desktop's, with nothing on top of the send and start buttons."""

import datetime

import pytest
from playwright.sync_api import expect

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, log_in_by_cookie
from btportal.tests.browser.layout import assert_choices_tappable, assert_layout

pytestmark = BROWSER_MARKS
DESKTOP = {"width": 1280, "height": 800}


def _not_covered(page, selector):
    """The element's middle is the element (or inside it) when tapped there: nothing lies on top."""
    element = page.locator(selector)
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    hit = page.evaluate(
        "([sel, x, y]) => { const e = document.querySelector(sel); const h = document.elementFromPoint(x, y);"
        " return !!h && (h === e || e.contains(h)); }",
        [selector, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit, f"{page.url}: something lies on top of {selector}"


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["375px", "1280px"])
def test_the_goals_of_an_assessment_request_can_be_tapped(browser, base_url, world, viewport):
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="sv-SE", has_touch=True)
    log_in_by_cookie(context, world.users["bt_lakare"], base_url)
    page = context.new_page()
    page.goto("/assessments/request/")
    assert assert_choices_tappable(page, "#id_goals") == 18
    # Tap BT3 and BT8 by their labels: exactly those two are sent
    page.get_by_label("BT3", exact=False).first.check()
    page.locator("#id_goals label", has_text="BT8").click()
    assert sorted(
        page.locator("#id_goals input:checked").evaluate_all(
            "els => els.map(e => e.parentElement.innerText.trim().split(' ')[0])"
        )
    ) == ["BT3", "BT8"]
    for selector in ("#id_message", '[data-testid="send-request"]'):
        _not_covered(page, selector)
    assert_layout(page, "(assessment request)")
    context.close()


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["375px", "1280px"])
def test_the_trainees_of_a_planning_run_can_be_tapped(browser, base_url, world, viewport):
    from btportal import factories as f

    for _ in range(3):
        f.make_trainee(home_unit=world.clinic, planned_start=datetime.date(2027, 1, 1))
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="sv-SE", has_touch=True)
    log_in_by_cookie(context, world.users["kansli"], base_url)
    page = context.new_page()
    page.goto("/planning/")
    expect(page.locator("#id_trainees")).to_be_visible()
    assert assert_choices_tappable(page, "#id_trainees") >= 3
    _not_covered(page, "main form:has(#id_trainees) button[type=submit]")
    context.close()

"""On a phone (375 × 667): a handledare answers a review survey by link (no login), and a BT-läkare
evaluates an ended placement; both pages pass axe and do not scroll sideways."""

from playwright.sync_api import expect

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, check_axe, log_in_by_cookie
from quality import services
from quality.models import PlacementEvaluation, ReviewState, SurveyResponse
from quality.tests.factories import ended_placement, staffed_review

pytestmark = BROWSER_MARKS


def _no_sideways_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"{page.url} scrolls sideways ({width}px)"


def test_a_survey_is_answered_on_a_phone(browser, live_server, world):
    review, coordinator = staffed_review(world.clinic)
    services.open_surveys(review, by=coordinator)
    assert review.state == ReviewState.SURVEYS_OPEN
    token = services.issue_survey_links(review, role="handledare", count=1, by=coordinator)[0]
    context = browser.new_context(viewport=MOBILE, is_mobile=True, has_touch=True, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/quality/survey/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enkät")
    check_axe(page, "(survey, 375 px)")
    _no_sideways_scroll(page)
    radios = page.locator("fieldset")
    for i in range(radios.count()):
        group = radios.nth(i)
        group.locator("label").nth(3).click()  # "Instämmer"
    page.get_by_role("button", name="Skicka svaren").click()
    expect(page.get_by_test_id("survey-done")).to_be_visible()
    assert SurveyResponse.objects.filter(review=review, role="handledare").count() == 1
    page.goto(f"{live_server.url}/quality/survey/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ogiltig länk")
    context.close()


def test_a_placement_is_evaluated_on_a_phone(browser, live_server, world):
    ended_placement(world.trainee, world.clinic)
    context = browser.new_context(viewport=MOBILE, is_mobile=True, has_touch=True, locale="sv-SE")
    log_in_by_cookie(context, world.trainee.user, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Utvärdera din avslutade placering (anonymt)").click()
    page.get_by_role("button", name="Utvärdera").click()
    expect(page.get_by_test_id("evaluation-form")).to_be_visible()
    check_axe(page, "(evaluation, 375 px)")
    _no_sideways_scroll(page)
    for group in page.locator("fieldset .answer-scale").all():
        group.locator("label").nth(3).click()
    page.locator("label[for=id_goals_0]").click()
    page.get_by_role("button", name="Skicka utvärderingen").click()
    expect(page.get_by_text("Ingen placering väntar på din utvärdering.")).to_be_visible()
    assert PlacementEvaluation.objects.filter(unit=world.clinic).count() == 1
    context.close()

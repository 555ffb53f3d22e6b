"""Issue 14: the external assessor fills the whole final assessment on a phone (375 px): one card per
delmål that fits the screen, one tap per choice, and "Sign" keeps and signs everything at once."""

from playwright.sync_api import expect

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, check_axe, log_in_by_cookie
from btportal.tests.browser.layout import assert_layout
from certificates import services
from certificates.models import FinalAssessment, GoalJudgement
from certificates.tests.test_final_and_issue import assign

pytestmark = BROWSER_MARKS


def test_the_external_assessor_signs_the_final_assessment_on_a_phone(
    browser, base_url, world, ready, approved_assessor
):
    assign(world, ready, approved_assessor)
    services.start_final_assessment(ready, by=world.users["kansli"])
    context = browser.new_context(base_url=base_url, viewport=MOBILE, locale="sv-SE", is_mobile=True, has_touch=True)
    log_in_by_cookie(context, world.users["extern_bedomare"], base_url)
    page = context.new_page()
    page.goto(f"/certificates/{ready.pk}/final/")
    cards = page.locator(".goal-card[data-goal]")
    expect(cards).to_have_count(18)
    assert_layout(page, "(final assessment)")
    check_axe(page, "(final assessment, 375 px)")
    for i in range(18):
        box = cards.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], f"card {i + 1} does not fit: {box}"

    taps = 0
    for i in range(1, 19):
        page.locator(f'label[for="goal_BT{i}_{"no" if i == 4 else "yes"}"]').tap()
        taps += 1
    page.locator('label[for="verdict_no"]').tap()
    taps += 1
    assert taps == 19  # one tap per choice: 18 delmål and the verdict
    page.fill("#place", "Gävle")
    page.get_by_role("button", name="Signera").tap()

    expect(page.get_by_text("Du har signerat slutbedömningen.")).to_be_visible()
    fa = FinalAssessment.objects.get(trainee=ready)
    assert fa.external_signed_at and fa.external_verdict is False
    mine = fa.judgements.filter(by_role=GoalJudgement.EXTERNAL)
    assert mine.count() == 18 and not mine.get(goal__number=4).attained
    context.close()

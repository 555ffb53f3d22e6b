"""The whole flow in a browser: the trainee asks for a Mini-CEX, the assessor opens the link on a
phone (375 × 667) and signs with the PIN — counting every tap — and the trainee sees the result."""

import re

from django.core import mail
from playwright.sync_api import expect

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, check_axe, log_in_by_cookie
from goals.models import Goal

pytestmark = BROWSER_MARKS

MAX_TAPS = 8


class Taps:
    """Counts the assessor's actions: opening the link, each click/check, and each field typed into."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def open(self, url):
        self.count += 1
        self.page.goto(url)

    def click(self, selector):
        self.count += 1
        self.page.click(selector)

    def check(self, selector):
        self.count += 1
        self.page.check(selector)

    def fill(self, selector, value):
        self.count += 1  # tapping into one field and typing counts as one
        self.page.fill(selector, value)


def _no_sideways_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > MOBILE["width"]:
        wide = page.evaluate(
            "(w) => [...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > w)"
            ".map(e => `${e.tagName}.${e.className}`).slice(0, 10)",
            MOBILE["width"],
        )
        raise AssertionError(f"{page.url} scrolls sideways ({width}px): {wide}")


def test_a_mini_cex_is_requested_assessed_and_signed_on_a_phone(browser, live_server, world, placement):
    trainee_user = world.users["bt_lakare"]

    # The trainee asks their supervisor for a Mini-CEX and gets the QR code on their phone.
    trainee_ctx = browser.new_context(viewport=MOBILE, locale="sv-SE")
    log_in_by_cookie(trainee_ctx, trainee_user, live_server.url)
    tp = trainee_ctx.new_page()
    tp.goto(f"{live_server.url}/assessments/request/")
    check_axe(tp, "(request form, 375 px)")
    tp.select_option("#id_instrument", "mini_cex")
    tp.select_option("#id_assessor", str(world.users["handledare"].pk))
    bt1 = Goal.objects.get(regulation="HSLF-FS 2021:8", code="BT1")
    tp.check(f'input[name="goals"][value="{bt1.pk}"]')
    tp.click('[data-testid="send-request"]')
    expect(tp.locator('[role="img"] svg')).to_be_visible()
    check_axe(tp, "(QR code, 375 px)")
    _no_sideways_scroll(tp)
    link = tp.locator('[data-testid="assess-link"]').inner_text().strip()
    assert "/assessments/a/" in link
    pin = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    link = live_server.url + link[link.index("/assessments/a/") :]  # SITE_ROOT is not the live server's port

    # The assessor, not logged in, opens the link on their own phone (a fresh browser context).
    assessor_ctx = browser.new_context(viewport=MOBILE, locale="sv-SE", has_touch=True, is_mobile=True)
    page = assessor_ctx.new_page()
    taps = Taps(page)
    taps.open(link)
    expect(page.locator("h1")).to_have_text("Mini-CEX")
    check_axe(page, "(assessor's form, 375 px)")
    _no_sideways_scroll(page)
    taps.click('[data-testid="level-3"]')
    taps.fill("#id_pin", pin)
    taps.click('[data-testid="sign"]')
    expect(page.locator('[data-testid="signed"]')).to_be_visible()
    check_axe(page, "(signed, 375 px)")
    print(f"\nMini-CEX from opening the link to signed: {taps.count} taps")
    assert taps.count <= MAX_TAPS

    # Opening the link again says it is already signed.
    page.goto(link)
    expect(page.locator('[data-testid="link-state"]')).to_be_visible()

    # The trainee sees the signed assessment.
    tp.goto(f"{live_server.url}/assessments/trainee/{world.trainee.pk}/")
    expect(tp.locator('[data-testid="signed-assessment"]')).to_have_count(1)
    check_axe(tp, "(trainee's assessments)")
    tp.locator('[data-testid="signed-assessment"] a').click()
    expect(tp.locator('[data-testid="overall"]')).to_contain_text("3")
    check_axe(tp, "(signed assessment, trainee)")

    # …and the progress matrix counts it for BT1 (a signed assessment, no activity yet).
    tp.goto(f"{live_server.url}/portfolio/{world.trainee.pk}/progress/")
    row = tp.locator('tr[data-goal="BT1"]')
    expect(row).to_contain_text("Mini-CEX")
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "in_progress")
    expect(tp.locator('tr[data-goal="BT2"] [data-state]')).to_have_attribute("data-state", "not_started")
    check_axe(tp, "(progress matrix)")
    trainee_ctx.close()
    assessor_ctx.close()


def test_a_wrong_pin_is_explained_on_the_phone(browser, live_server, world, make_request):
    issued = make_request(assessor_name="Extern Läkare", assessor_email="extern.lakare@example.org")
    ctx = browser.new_context(viewport=MOBILE, locale="sv-SE")
    page = ctx.new_page()
    page.goto(f"{live_server.url}/assessments/a/{issued.token}/")
    page.click('[data-testid="level-2"]')
    page.fill("#id_pin", "000000" if issued.pin != "000000" else "111111")
    page.click('[data-testid="sign"]')
    expect(page.locator('[data-testid="pin-error"]')).to_be_visible()
    check_axe(page, "(wrong PIN)")
    ctx.close()


def test_the_supervisor_pages_are_accessible(browser, live_server, world, make_request):
    issued = make_request()
    ctx = browser.new_context(viewport=MOBILE, locale="sv-SE")
    log_in_by_cookie(ctx, world.users["handledare"], live_server.url)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/assessments/inbox/")
    check_axe(page, "(inbox)")
    page.goto(f"{live_server.url}/assessments/inbox/{issued.request.pk}/")
    check_axe(page, "(assess with login)")
    _no_sideways_scroll(page)
    page.goto(f"{live_server.url}/notifications/settings/")
    check_axe(page, "(notification settings)")
    ctx.close()

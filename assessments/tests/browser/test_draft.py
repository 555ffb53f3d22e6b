"""Issue 14, item 7: a supervisor's half-filled assessment survives a lost connection (hospital wifi).
The form keeps its draft on the phone (localStorage); a send without a connection is held back and
offered again when the connection returns; a reload brings the draft back; signing clears it."""

from playwright.sync_api import expect

from assessments.models import Assessment
from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE

pytestmark = BROWSER_MARKS


def test_a_half_filled_assessment_survives_a_lost_connection(browser, live_server, world, make_request):
    issued = make_request(assessor_name="Extern Läkare", assessor_email="extern.lakare@example.org")
    url = f"{live_server.url}/assessments/a/{issued.token}/"
    context = browser.new_context(viewport=MOBILE, locale="sv-SE", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(url)
    page.click('[data-testid="level-3"]')
    page.fill("#id_strengths", "Tydlig anamnes, bra struktur")

    # The wifi drops; the assessor taps "Sign": nothing is lost, the page says so
    context.set_offline(True)
    page.fill("#id_pin", issued.pin)
    page.click('[data-testid="sign"]')
    expect(page.locator('[data-testid="draft-notice"]')).to_contain_text("Ingen anslutning")
    stored = page.evaluate(f"() => localStorage.getItem('btportal:draft:assess-{issued.request.pk}')")
    assert "Tydlig anamnes" in stored and issued.pin not in stored  # the PIN is never stored

    # The connection comes back: sending is offered
    context.set_offline(False)
    expect(page.locator('[data-testid="draft-send"]')).to_be_visible()

    # A reload (the page was closed, the phone restarted the tab) finds the draft and fills it in again
    page.reload()
    expect(page.locator('[data-testid="draft-notice"]')).to_be_visible()
    expect(page.locator("#id_strengths")).to_have_value("Tydlig anamnes, bra struktur")
    expect(page.locator('input[name="overall"][value="3"]')).to_be_checked()

    # Signed: the server's confirmation removes the draft
    page.fill("#id_pin", issued.pin)
    page.click('[data-testid="sign"]')
    expect(page.locator('[data-testid="signed"]')).to_be_visible()
    assert page.evaluate(f"() => localStorage.getItem('btportal:draft:assess-{issued.request.pk}')") is None
    signed = Assessment.objects.get(request=issued.request)
    assert signed.overall == 3 and signed.strengths == "Tydlig anamnes, bra struktur"
    context.close()

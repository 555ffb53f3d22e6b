"""The report pages in the browser, on a desktop and on a phone: axe (WCAG 2.1 A/AA) finds nothing
serious, ARIA references resolve, nothing scrolls sideways outside a focusable table region, the
status of every BT doctor stays in view on a phone, and a chart's table opens from its summary."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, assert_idrefs_resolve, check_axe, log_in_by_cookie
from reports.tests.factories import make_cohort

pytestmark = BROWSER_MARKS


def _check(page, name, *, phone):
    expect(page.locator("h1")).to_be_visible()
    check_axe(page, name)
    assert_idrefs_resolve(page)
    assert "style=" not in page.content().split('id="main"', 1)[1], f"{name}: an inline style (CSP)"
    if phone:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"{name}: scrolls sideways on a phone ({width}px)"


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_the_report_pages_pass_axe(english_page, world, base_url, viewport):
    make_cohort(world, 3)
    page = english_page(viewport)
    phone = viewport is not None
    log_in_by_cookie(page.context, world.users["kansli"], base_url)
    for name, url in [
        ("dashboard", reverse("reports:dashboard")),
        ("charts", reverse("reports:charts")),
        ("statistics", reverse("reports:statistics")),
        ("region statistics", reverse("reports:region_statistics", args=["vgr"])),
        ("unit report", reverse("reports:unit", args=[world.clinic.pk])),
        ("exports", reverse("reports:exports")),
    ]:
        page.goto(url)
        _check(page, name, phone=phone)
    page.goto(reverse("reports:dashboard"))
    # Every BT doctor's phase stays in view across the page, also on a phone with the table scrolled to
    # its last column (the first column stays put)
    page.locator(".table-responsive").first.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    outside = page.evaluate(
        """() => [...document.querySelectorAll('tbody th.report-name .phase')]
             .map(e => e.getBoundingClientRect())
             .filter(r => r.left < 0 || r.right > window.innerWidth).length"""
    )
    assert page.locator("tbody th.report-name .phase").count() == 4 and outside == 0
    page.goto(reverse("reports:charts"))
    chart = page.get_by_test_id("chart-goals")
    chart.get_by_text("Show the figures as a table").click()
    expect(chart.get_by_role("table")).to_be_visible()
    check_axe(page, "charts with a table open")

"""Every role logs in through the real login form, sees its home section, switches language and logs out.

Each page on the way is checked with axe-core (WCAG 2.1 A/AA; serious and critical violations fail).
"""

import re

import pytest
from playwright.sync_api import expect

from btportal.tests.browser.conftest import (
    BROWSER_MARKS,
    MOBILE,
    assert_idrefs_resolve,
    check_axe,
    log_in,
    open_menu_if_collapsed,
)

pytestmark = BROWSER_MARKS

ROLES = [
    "bt_lakare",
    "handledare",
    "huvudhandledare",
    "studierektor",
    "verksamhetschef",
    "kansli",
    "extern_bedomare",
    "granskare",
    "admin",
]
LOGIN_PATH = re.compile(r"/accounts/login/$")
HOME_PATH = re.compile(r"/$")


def assert_no_horizontal_scroll(page, width):
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: scrollWidth {scroll_width} > viewport {width}"


def role_flow(page, user, role, *, mobile=False):
    # The login page, anonymous and Swedish.
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    check_axe(page, "(login, sv)")
    if mobile:
        assert_no_horizontal_scroll(page, MOBILE["width"])

    log_in(page, user.email)
    expect(page).to_have_url(HOME_PATH)
    expect(page.locator(f'[data-role="{role}"]')).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    if mobile:
        assert_no_horizontal_scroll(page, MOBILE["width"])
        open_menu_if_collapsed(page)
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    check_axe(page, f"(home as {role}, sv)")

    # The footer's language form: to English.
    page.get_by_label("Språk").select_option(label="English")
    page.get_by_role("button", name="Byt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(HOME_PATH)
    expect(page.locator(f'[data-role="{role}"]')).to_be_visible()
    if mobile:
        assert_no_horizontal_scroll(page, MOBILE["width"])
        open_menu_if_collapsed(page)
    logout = page.get_by_role("button", name="Log out")
    expect(logout).to_be_visible()
    check_axe(page, f"(home as {role}, en)")

    logout.click()
    expect(page).to_have_url(LOGIN_PATH)
    expect(page.get_by_label(re.compile(r"^Password"))).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_axe(page, "(login, en)")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_switches_language_and_logs_out(page, world, role):
    role_flow(page, world.users[role], role)


@pytest.mark.parametrize("role", ["bt_lakare", "kansli"])
def test_the_role_flow_works_on_a_phone(browser, base_url, world, role):
    context = browser.new_context(base_url=base_url, viewport=MOBILE, locale="sv-SE", is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        role_flow(page, world.users[role], role, mobile=True)
    finally:
        context.close()


@pytest.fixture
def kansli_page(page, world):
    log_in(page, world.users["kansli"].email)
    expect(page.locator('[data-role="kansli"]')).to_be_visible()
    return page


@pytest.mark.parametrize("path", ["/trainees/", "/organisations/", "vgr", "/goals/", "/goals/BT1/", "/people/profile/"])
def test_kansli_pages_pass_axe(kansli_page, world, path):
    page = kansli_page
    url = world.vgr.get_absolute_url() if path == "vgr" else path
    response = page.goto(url)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    expect(page.locator("h1")).to_be_visible()
    check_axe(page, "(as kansli)")


def test_the_profile_form_error_state_passes_axe(kansli_page):
    page = kansli_page
    page.goto("/people/profile/")
    field = page.get_by_label("Personnummer")
    field.fill("19811218-9875")
    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(r"/people/profile/$"))
    error = page.locator(".invalid-feedback")
    expect(error).to_be_visible()
    expect(field).to_have_value("19811218-9875")
    expect(field).to_have_attribute("aria-invalid", "true")
    # A screen reader announces the error with the field: it is part of the field's description.
    expect(field).to_have_accessible_description(re.compile(re.escape(error.inner_text().strip())))
    assert_idrefs_resolve(page)
    check_axe(page, "(profile with an invalid personnummer)")

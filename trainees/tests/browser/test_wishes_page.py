"""The placement-wishes page in the browser, as the BT-läkare (in English): choose, save, and find the
choices kept after a reload; the page passes axe (WCAG 2.1 A/AA) on a desktop and on a phone, where the
document does not scroll sideways."""

import pytest
from playwright.sync_api import expect

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, assert_idrefs_resolve, check_axe, log_in_by_cookie

pytestmark = BROWSER_MARKS


def _url(world):
    return f"/trainees/{world.trainee.pk}/wishes/"


def _doctor_page(english_page, world, base_url, viewport=None):
    page = english_page(viewport)
    log_in_by_cookie(page.context, world.users["bt_lakare"], base_url)
    return page


def _check(page, name, *, phone=False):
    expect(page.locator("h1")).to_have_text("Placement wishes")
    check_axe(page, name)
    assert_idrefs_resolve(page)
    if phone:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"{name}: scrolls sideways on a phone: scrollWidth {width}"


def test_the_bt_doctor_chooses_wishes_and_finds_them_after_a_reload(english_page, base_url, world):
    from trainees import wishes
    from trainees.models import WishStrength

    page = _doctor_page(english_page, world, base_url)
    assert page.goto(_url(world)).status == 200
    clinic = page.get_by_label("Your wish for Medicinkliniken")
    health_centre = page.get_by_label("Your wish for Vårdcentralen Majorna")
    expect(clinic).to_have_value("0")  # No preference
    expect(health_centre).to_have_value("0")

    clinic.select_option(label="Strongly wish")
    health_centre.select_option(label="Would rather avoid")
    page.get_by_role("button", name="Save wishes").click()

    expect(page.get_by_role("status")).to_contain_text("Your placement wishes were saved.")
    assert wishes.current(world.trainee) == {
        world.clinic.pk: WishStrength.STRONG_WISH,
        world.health_centre.pk: WishStrength.AVOID,
    }
    page.reload()
    expect(page.get_by_role("status")).to_have_count(0)  # the message was shown once
    expect(clinic).to_have_value(str(WishStrength.STRONG_WISH.value))
    expect(clinic.locator("option:checked")).to_have_text("Strongly wish")
    expect(health_centre.locator("option:checked")).to_have_text("Would rather avoid")


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_the_wishes_page_passes_axe(english_page, base_url, world, viewport):
    page = _doctor_page(english_page, world, base_url, viewport)
    phone = viewport is not None
    assert page.goto(_url(world)).status == 200
    _check(page, "wishes", phone=phone)
    page.get_by_label("Your wish for Medicinkliniken").select_option(label="Wish")
    page.get_by_role("button", name="Save wishes").click()
    expect(page.get_by_role("status")).to_contain_text("Your placement wishes were saved.")
    _check(page, "wishes saved", phone=phone)

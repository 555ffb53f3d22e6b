"""The register of approved assessors and the Bilaga 3 signing pages pass axe (WCAG 2.1 A/AA),
on a desktop and on a phone, with their error states."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, assert_idrefs_resolve, check_axe, log_in_by_cookie

pytestmark = BROWSER_MARKS
SHOTS = None  # set to a directory (e.g. "/tmp/btcert") to keep screenshots while working on the pages


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def data(world):
    from accounts.models import ApprovedAssessor
    from trainees.models import Placement

    t = world.trainee
    Placement.objects.create(trainee=t, category="akut", unit=world.clinic, start=_days(-380), end=_days(-201))
    Placement.objects.create(
        trainee=t, category="primarvard", unit=world.health_centre, start=_days(-200), end=_days(-10)
    )
    ApprovedAssessor.objects.create(
        user=world.users["extern_bedomare"],
        region=world.vgr,
        specialty="Allmänmedicin",
        training_date=datetime.date(2024, 3, 1),
        workplace=world.other_clinic,
    )
    return world


def _check(page, url, name, *, viewport=None):
    if viewport:
        page.set_viewport_size(viewport)
    response = page.goto(url)
    assert response.status == 200, url
    expect(page.locator("h1")).to_be_visible()
    check_axe(page, name)
    assert_idrefs_resolve(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}{'-phone' if viewport else ''}.png", full_page=True)
    if viewport:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-responsive')).map(e => e.tagName + '.' + e.className).slice(0, 5)"""
        )
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            f"{name}: sideways scroll {wide}"
        )


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_the_register_pages_pass_axe(page, base_url, data, viewport):
    from accounts.models import ApprovedAssessor

    log_in_by_cookie(page.context, data.users["kansli"], base_url)
    _check(page, "/certificates/assessors/", "assessors", viewport=viewport)
    _check(page, "/certificates/assessors/add/", "assessor-add", viewport=viewport)
    page.locator("#id_email").fill("nobody@example.se")
    page.locator("#id_training_date").fill("2999-01-01")
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    check_axe(page, "assessor-add with errors")
    assert_idrefs_resolve(page)
    _check(page, f"/certificates/assessors/{ApprovedAssessor.objects.get().pk}/", "assessor-edit", viewport=viewport)
    _check(page, f"/certificates/{data.trainee.pk}/", "readiness-kansli", viewport=viewport)


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_the_signing_pages_pass_axe(page, base_url, data, viewport):
    log_in_by_cookie(page.context, data.users["verksamhetschef"], base_url)
    _check(page, "/certificates/service/", "service-list", viewport=viewport)
    _check(page, f"/certificates/{data.trainee.pk}/service/", "service-sign", viewport=viewport)
    page.locator("form[novalidate] button[type=submit]").click()  # without the confirmation
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    check_axe(page, "service-sign with errors")
    page.locator("#id_place").fill("Göteborg")  # Bilaga 3 states place and date
    page.locator("#id_confirm").check()
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator("[data-testid=b3-signed]")).to_be_visible()
    check_axe(page, "service-sign signed")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/service-signed{'-phone' if viewport else ''}.png", full_page=True)


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_the_verification_readiness_and_details_pages_pass_axe(
    page, base_url, world, completed, approved_assessor, viewport
):
    """An issued Bilaga 3 on the public verification page (what it attests, who signed it), the
    readiness page with nothing left to hold issuing back, and the licence and degree page."""
    from certificates import services
    from certificates.tests.conftest import sign_bilaga3
    from certificates.tests.test_final_and_issue import assign, judge_and_sign

    sign_bilaga3(completed, world.users["verksamhetschef"])
    assign(world, completed, approved_assessor)
    final = services.start_final_assessment(completed, by=world.users["kansli"])
    judge_and_sign(final, world.users["huvudhandledare"])
    judge_and_sign(final, world.users["extern_bedomare"])
    log_in_by_cookie(page.context, world.users["kansli"], base_url)
    _check(page, f"/certificates/{completed.pk}/", "readiness-can-issue", viewport=viewport)
    expect(page.locator("[data-testid=can-issue]")).to_be_visible()
    _check(page, f"/trainees/{completed.pk}/details/", "trainee-details", viewport=viewport)
    docs = services.issue_certificates(completed, by=world.users["kansli"])
    page.context.clear_cookies()
    _check(page, f"/verify/{docs[1].code}/", "verify-valid", viewport=viewport)
    expect(page.locator("[data-testid=verify-valid]")).to_be_visible()
    expect(page.locator("[data-testid=signatures]")).to_contain_text(world.users["verksamhetschef"].get_full_name())

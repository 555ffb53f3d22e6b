"""The Content-Security-Policy holds in a real browser: each role's main pages (and the API's interactive
docs) load without a single violation — no inline script, no inline style, nothing from another origin.

Violations are collected with a `securitypolicyviolation` listener installed before any page script runs,
and from the console; the context does not bypass the policy (the other browser tests do, for axe)."""

import datetime

import pytest

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, log_in_by_cookie

pytestmark = BROWSER_MARKS

COLLECT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _pages(world):
    from django.urls import reverse

    from trainees.models import Placement

    today = datetime.date.today()
    Placement.objects.get_or_create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=90),
    )
    trainee = world.trainee.pk
    common = ["/", reverse("goals:list"), reverse("accounts:profile")]
    return {
        "bt_lakare": common
        + [f"/trainees/{trainee}/", f"/portfolio/{trainee}/progress/", f"/trainees/{trainee}/wishes/"],
        "huvudhandledare": common + [f"/trainees/{trainee}/", f"/portfolio/{trainee}/iup/"],
        "kansli": common
        + [
            "/trainees/",
            f"/trainees/{trainee}/",
            f"/trainees/{trainee}/plan/",
            "/planning/",
            "/intake/",
            "/reports/",
            "/certificates/assessors/",
            f"/certificates/{trainee}/",
            world.clinic.get_absolute_url(),
            "/api/v1/docs",
        ],
        "studierektor": common + ["/trainees/", "/reports/", world.hospital.get_absolute_url()],
        "verksamhetschef": common + ["/certificates/service/", "/reports/units/"],
        "admin": common + ["/admin/"],
    }


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_no_page_violates_the_content_security_policy(browser, base_url, world, viewport):
    violations = []
    for role, urls in _pages(world).items():
        options = {"base_url": base_url, "locale": "sv-SE", "bypass_csp": False}
        if viewport:
            options.update(viewport=viewport, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        context.add_init_script(COLLECT)
        log_in_by_cookie(context, world.users[role], base_url)
        page = context.new_page()
        console = []

        def on_console(message, console=console):
            if "Content Security Policy" in message.text:
                console.append(message.text)

        page.on("console", on_console)
        for url in urls:
            response = page.goto(url)
            assert response.status < 400, f"{role} {url}: {response.status}"
            assert "default-src 'self'" in response.headers.get("content-security-policy", "")
            page.wait_for_load_state("networkidle")
            for v in page.evaluate("() => window.__cspViolations"):
                violations.append(f"{role} {url}: {v}")
        violations += [f"{role} console: {text}" for text in console]
        context.close()
    assert not violations, "\n".join(violations)


def test_the_timeline_is_placed_without_inline_styles(browser, base_url, world):
    """The plan timeline is SVG: its bars are placed by SVG attributes, not by style attributes."""
    _pages(world)
    context = browser.new_context(base_url=base_url, locale="sv-SE")
    log_in_by_cookie(context, world.users["kansli"], base_url)
    page = context.new_page()
    page.goto(f"/trainees/{world.trainee.pk}/")
    bar = page.locator(".timeline-bar").first
    assert bar.get_attribute("style") is None
    width = bar.evaluate("(el) => el.getBoundingClientRect().width")
    track = page.locator(".timeline-track").first.evaluate("(el) => el.getBoundingClientRect().width")
    assert 0 < width < track
    context.close()

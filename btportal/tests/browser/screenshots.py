"""`make screenshots`: each demo role's home and main job on a phone (375 × 667), written to
`screenshots/` (ignored by git; BT_SCREENSHOT_DIR moves it) so anyone can look before a release.

Not part of `make test` (the file name does not start with test_); run it with
`pytest btportal/tests/browser/screenshots.py`. The demo data is seeded in the test database, as in
the walk of every page (test_walk.py); each role's home is shot, then the first pages its home
leads to (its main job), full page.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from btportal.tests.browser.conftest import BROWSER_MARKS, MOBILE, log_in_by_cookie
from btportal.tests.browser.test_walk import demo  # noqa: F401 (fixture)
from btportal.tests.browser.walk import ROLES, links, walkable

pytestmark = BROWSER_MARKS
MAIN_JOB_PAGES = 4  # the first pages a role's home leads to


def _out() -> Path:
    out = Path(os.environ.get("BT_SCREENSHOT_DIR") or Path(settings.BASE_DIR) / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.mark.parametrize("email", ROLES, ids=[e.split("@")[0] for e in ROLES])
def test_screenshots_of_a_role_on_a_phone(browser, base_url, demo, email):  # noqa: F811
    from accounts.models import User

    context = browser.new_context(
        base_url=base_url, viewport=MOBILE, locale="sv-SE", is_mobile=True, has_touch=True, device_scale_factor=1
    )
    log_in_by_cookie(context, User.objects.get(email=email), base_url)
    page = context.new_page()
    role = email.split("@")[0]
    page.goto("/")
    shots = [_out() / f"{role}-0-home.png"]
    page.screenshot(path=str(shots[0]), full_page=True)
    targets = []
    for href in links(page, "main"):
        path = walkable(href, base_url)
        if path and path != "/" and path not in targets:
            targets.append(path)
    for i, path in enumerate(targets[:MAIN_JOB_PAGES], start=1):
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-").replace("&", "-") or "home"
        shots.append(_out() / f"{role}-{i}-{name}.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
    context.close()
    print(f"\n{email}: " + ", ".join(str(s) for s in shots))
    assert all(s.exists() for s in shots)

"""Issue 14, item 8: walk every page each demo role reaches from its home page and menu, at a phone's width
(375 px) and a desktop's (1280 px), and fail on horizontal overflow, overlapping controls, tap targets under
24 × 24 px, any axe WCAG 2.1 A/AA violation or a link that does not answer 200 (walk.py says how).

The roles are walked in two groups, one test each (the two workers of -n 2 take one each): seeding the demo
is the expensive part, so each group seeds once and its roles walk the same data, one after the other (the
walk only reads). Every role walks in Swedish, the users' language; one role walks
in English as well (issue 18, item 7), so that the English texts (other words, other lengths) are laid out
and labelled too. The same walk on region-scale data, in both languages for every role, is opt-in and not
part of `make test`: `make walk-scale` (walk_scale.py).
"""

import time

import pytest
from django.test import override_settings

from btportal.tests.browser.conftest import BROWSER_MARKS
from btportal.tests.browser.walk import ROLES, walk

pytestmark = BROWSER_MARKS

# The role that also walks in English, in the same test (one seeding): the extern bedömare, the visitor most
# likely to read the site in English, with the fewest pages (the English walk costs about a minute).
ENGLISH = {"extern@example.se"}
# Two groups of about equal walking time (kansli, verksamhetschef, studierektor and admin walk the most pages;
# measured 2026-12-04: office 58 + 62 + 24 + 2 × 22 s, clinic 30 + 52 + 49 + 31 + 25 s).
GROUPS = {
    "office": ["kansli@example.se", "admin@example.se", "bt@example.se", "extern@example.se"],
    "clinic": [
        "handledare@example.se",
        "verksamhetschef@example.se",
        "studierektor@example.se",
        "huvudhandledare@example.se",
        "granskare@example.se",
    ],
}


def test_the_groups_hold_every_role_once():
    walked = [email for group in GROUPS.values() for email in group]
    assert sorted(walked) == sorted(ROLES)


@pytest.fixture
def demo(tmp_path):
    """The demo data (seed_demo), so that each role sees what it sees in a demonstration."""
    from demo.seed import seed

    with override_settings(
        DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=tmp_path
    ):
        seed()
        yield


@pytest.mark.parametrize("group", GROUPS)
def test_every_page_a_role_reaches_works_on_a_phone_and_a_desktop(browser, base_url, demo, group):
    report = []
    for email in GROUPS[group]:
        for language in ["sv", "en"] if email in ENGLISH else ["sv"]:
            started = time.monotonic()
            result = walk(browser, base_url, email, language)
            print(f"\n{email} ({language}): {len(result.visited)} pages in {time.monotonic() - started:.0f} s")
            if len(result.visited) < 3:
                report.append(f"{email} ({language}): only {result.visited} reached; the walk lost its way")
            if result.problems:
                report.append(result.report())
    if report:
        pytest.fail("\n\n".join(report), pytrace=False)

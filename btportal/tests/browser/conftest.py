"""Browser tests: Playwright (Debian's Chromium) against pytest-django's live server.

Every test in this folder is marked `browser`; run only these with `pytest -m browser`, skip them
with `pytest -m "not browser"`.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from btportal.factories import PASSWORD

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
MOBILE = {"width": 375, "height": 667}


# Debian's Chromium: Playwright's own browser download does not work on these machines.
CHROMIUM = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ],
}


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The users' browsers ask for Swedish. (Django honours Accept-Language: an English browser gets English;
    # other languages get the default, Swedish.) Fixed here so that the result does not depend on the host.
    # bypass_csp: axe-core is injected as an inline script, which the site's Content-Security-Policy refuses;
    # the policy itself is tested with contexts of their own (btportal/tests/browser/test_csp.py).
    return {**browser_context_args, "locale": "sv-SE", "bypass_csp": True}


# Each test module here sets `pytestmark = BROWSER_MARKS`, so `-m browser` / `-m "not browser"` select them.
BROWSER_MARKS = [
    pytest.mark.browser,
    # The live server runs in another thread: the data must be committed, and the regions and goals that
    # data migrations load must come back after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def english_page(browser, base_url):
    """A factory of pages in an English browser (en-GB): `english_page()` on a desktop,
    `english_page(MOBILE)` on a phone (touch, mobile viewport)."""
    contexts = []

    def new_page(viewport=None):
        options = {"base_url": base_url, "locale": "en-GB", "bypass_csp": True}
        if viewport:
            options.update(viewport=viewport, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def _sync_mode_connection(alias):
    """The connection Django hands out when no event loop is running in this thread.

    Playwright's sync API marks its event loop as running in the test thread between calls. Django's
    connection handler is "thread critical": with a running loop it keeps connections in a context
    variable instead of the thread-local, so after Playwright starts the test code gets a second
    connection object (same database) that lacks the attributes set up earlier, such as the serialized
    test database contents that pytest-django's `serialized_rollback` restores from.
    """
    import asyncio

    from django.db import connections

    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        return connections[alias]
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture(autouse=True)
def restore_migration_data(transactional_db):
    """Make `serialized_rollback` work after Playwright has started (see `_sync_mode_connection`).

    pytest-django restores the data that migrations load (regions, goals, ...) only when the current
    connection carries the serialized contents; when it does not, restore them here and attach them so
    that pytest-django does it itself from now on. Other browser-test folders can import this fixture
    into their conftest (an imported autouse fixture applies there too).
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    current = connections[DEFAULT_DB_ALIAS]
    if getattr(current, "_test_serialized_contents", None):
        return  # pytest-django has restored the data already
    contents = getattr(_sync_mode_connection(DEFAULT_DB_ALIAS), "_test_serialized_contents", None)
    if not contents:
        pytest.fail("No serialized test database to restore: is the test marked with BROWSER_MARKS?", pytrace=False)
    current.creation.deserialize_db_from_string(contents)
    current._test_serialized_contents = contents


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright's base_url: lets tests use relative URLs in page.goto()."""
    return live_server.url


def inject_axe(page):
    """Load axe-core into the page once. Evaluated through the DevTools protocol rather than added as an
    inline <script>, which the site's Content-Security-Policy refuses."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))


def check_axe(page, context=""):
    """Run axe-core (WCAG 2.1 A/AA) on the current page; fail on every serious or critical violation."""
    inject_axe(page)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    blocking = [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe: {len(blocking)} serious/critical WCAG 2.1 A/AA violation(s) on {page.url} {context}".rstrip()]
        for v in blocking:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
            for node in v["nodes"]:
                target = json.dumps(node["target"], ensure_ascii=False)
                lines.append(f"    target {target}: {node.get('failureSummary', '')}")
        pytest.fail("\n".join(lines), pytrace=False)
    return result


def log_in_by_cookie(context, user, base_url):
    """A quick login for tests about other pages: the test client makes the session, the browser gets its cookie."""
    from django.conf import settings as dj_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": dj_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[dj_settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def assert_idrefs_resolve(page):
    """Every id named by aria-describedby / aria-labelledby / aria-controls exists on the page."""
    missing = page.evaluate(
        """() => {
            const out = [];
            for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
                for (const el of document.querySelectorAll(`[${attr}]`)) {
                    for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
                        if (!document.getElementById(id)) out.push(`${el.id || el.tagName}[${attr}] -> #${id}`);
                    }
                }
            }
            return out;
        }"""
    )
    assert not missing, f"{page.url}: ARIA references to missing ids: {missing}"


def log_in(page, email, password=PASSWORD):
    """Log in through the real login form, filling the fields by their (Swedish) labels."""
    page.goto("/accounts/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def open_menu_if_collapsed(page):
    """On a narrow viewport the navbar is collapsed behind the toggler: open it."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        # Bootstrap's collapse is "collapsing" while it slides open and "show" when it is open: a click
        # before that can land while the menu still moves.
        expect(page.locator("#nav-main")).to_have_class(re.compile(r"\bshow\b"))

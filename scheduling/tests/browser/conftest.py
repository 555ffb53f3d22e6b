"""Browser tests of cohort planning: the shared browser fixtures (Debian's Chromium, the live server,
restoring the data migrations' rows after each flush) come from btportal's browser tests.

The tests here read English text, so they open their pages in an English browser (`english_page`,
locale en-GB); Django answers an English Accept-Language in English."""

from pathlib import Path

import pytest

from btportal.tests.browser.conftest import (  # noqa: F401  (fixtures)
    base_url,
    browser_context_args,
    browser_type_launch_args,
    restore_migration_data,
)

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run these last, like btportal's browser tests: they flush the database after each test."""
    ours = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    for item in ours:
        if item.get_closest_marker("browser") is None:
            raise pytest.UsageError(f"{item.nodeid}: browser tests need `pytestmark = BROWSER_MARKS`")
    if ours:
        items[:] = [item for item in items if item not in ours] + ours


@pytest.fixture
def english_page(browser, base_url):
    """A factory of pages in an English browser (en-GB): `english_page()` on a desktop,
    `english_page(MOBILE)` on a phone (touch, mobile viewport)."""
    contexts = []

    def new_page(viewport=None):
        options = {"base_url": base_url, "locale": "en-GB"}
        if viewport:
            options.update(viewport=viewport, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()

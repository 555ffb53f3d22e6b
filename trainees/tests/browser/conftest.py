"""Browser tests of placement wishes: the shared browser fixtures (Debian's Chromium, the live server,
restoring the data migrations' rows after each flush) come from btportal's browser tests; the
root conftest runs every `tests/browser/` last.

The tests here read English text, so they open their pages in an English browser (`english_page`,
locale en-GB); Django answers an English Accept-Language in English."""

from btportal.tests.browser.conftest import (  # noqa: F401  (fixtures)
    base_url,
    browser_context_args,
    browser_type_launch_args,
    english_page,
    restore_migration_data,
)

"""Browser tests of quality reviews: the shared browser fixtures (Debian's Chromium, the live server,
restoring the data migrations' rows after each flush) come from btportal's browser tests; the
root conftest runs every `tests/browser/` last."""

from btportal.tests.browser.conftest import (  # noqa: F401  (fixtures)
    base_url,
    browser_context_args,
    browser_type_launch_args,
    restore_migration_data,
)

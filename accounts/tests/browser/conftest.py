"""Browser tests of logging in: the shared browser fixtures (Debian's Chromium, the live server, restoring the
data migrations' rows after each flush) come from btportal's browser tests; the root conftest runs every
`tests/browser/` last. The identity providers come from accounts/tests/conftest.py."""

from btportal.tests.browser.conftest import (  # noqa: F401  (fixtures)
    base_url,
    browser_context_args,
    browser_type_launch_args,
    restore_migration_data,
)

"""Browser tests of the reports: the shared browser fixtures come from btportal's browser tests; the root
conftest runs every `tests/browser/` last."""

from btportal.tests.browser.conftest import (  # noqa: F401  (fixtures)
    base_url,
    browser_context_args,
    browser_type_launch_args,
    english_page,
    restore_migration_data,
)

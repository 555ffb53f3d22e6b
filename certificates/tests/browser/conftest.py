"""Browser tests of the certificate pages: the shared browser fixtures (Debian's Chromium, the live
server, restoring the data migrations' rows after each flush) come from btportal's browser tests."""

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
    if ours:
        items[:] = [item for item in items if item not in ours] + ours

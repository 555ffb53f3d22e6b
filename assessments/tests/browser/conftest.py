"""Browser tests of assessments: the shared Playwright set-up (Debian's Chromium, live server)."""

from pathlib import Path

import pytest

from btportal.tests.browser.conftest import (  # noqa: F401 - fixtures used by the tests here
    base_url,
    browser_context_args,
    browser_type_launch_args,
    restore_migration_data,
)

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run these transactional tests after the ordinary database tests (they flush the database)."""
    ours = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    if ours:
        items[:] = [item for item in items if item not in ours] + ours

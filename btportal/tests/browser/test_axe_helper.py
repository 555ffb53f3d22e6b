"""The axe helper itself: it must fail on serious violations and name them, and pass a clean page."""

import pytest

from btportal.tests.browser.conftest import BROWSER_MARKS, check_axe

pytestmark = BROWSER_MARKS

CLEAN = '<!doctype html><html lang="sv"><head><title>Ren</title></head><body><main><h1>Ren</h1></main></body></html>'
BROKEN = (
    '<!doctype html><html lang="sv"><head><title>Trasig</title></head><body><main><h1>Trasig</h1>'
    '<button id="nameless"></button><input id="unlabelled" type="text"></main></body></html>'
)


def test_check_axe_passes_a_clean_page(page):
    page.set_content(CLEAN)
    assert check_axe(page)["violations"] == []


def test_check_axe_fails_and_lists_every_serious_violation(page):
    page.set_content(BROKEN)
    with pytest.raises(pytest.fail.Exception) as failed:
        check_axe(page, "(self-test)")
    message = str(failed.value)
    assert "button-name" in message and "#nameless" in message
    assert "label" in message and "#unlabelled" in message

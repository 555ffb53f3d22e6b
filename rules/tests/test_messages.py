"""Messages: one per code, placeholders match params, extractable by makemessages."""

import ast
import re
from pathlib import Path

from rules import CATEGORIES, CATEGORY_NAMES, FINDING_CODES, MESSAGES, Finding, render
from rules.messages import BT_TYPE_NAMES, gettext_noop, message_context

SOURCE = Path(__file__).resolve().parent.parent / "messages.py"


def test_every_code_has_a_message_and_vice_versa():
    assert set(MESSAGES) == set(FINDING_CODES)


def test_placeholders_are_params_or_derived():
    for code, template in MESSAGES.items():
        params = set(FINDING_CODES[code][1])
        derived = ({"number"} if "index" in params else set()) | ({"first", "second"} if "indices" in params else set())
        used = set(re.findall(r"%\((\w+)\)s", template))
        assert used <= params | derived, code
        # no stray % (must be %% or %(name)s)
        assert not re.search(r"%(?!\(\w+\)s|%)", template.replace("%%", "")), code


def test_messages_are_literal_gettext_noop_calls():
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "gettext_noop"]
    assert len(calls) >= len(MESSAGES) + len(CATEGORY_NAMES)
    for call in calls:
        arg = call.args[0]
        assert isinstance(arg, ast.Constant) and isinstance(arg.value, str)  # literal, so extractable
    assert gettext_noop("x") == "x"


def test_category_names():
    assert set(CATEGORY_NAMES) == set(CATEGORIES)
    assert CATEGORY_NAMES["primarvard"] == "Primary care" and CATEGORY_NAMES["akut"] == "Emergency care"
    assert set(BT_TYPE_NAMES) == {"fristaende", "integrerad"}


def test_render_plain_words():
    f = Finding("PRIMARY_CARE_TOO_SHORT", "error", {"actual": 2.5, "required": 3})
    assert render(f) == "Primary care: 2.5 of at least 3 months"
    f = Finding("CATEGORY_TOO_SHORT", "error", {"category": "psykiatri", "actual": 0, "required": 2})
    assert render(f) == "Psychiatry: 0 of at least 2 months required by the programme"
    f = Finding("PLACEMENTS_OVERLAP", "error", {"indices": [0, 2], "start": "2026-12-15", "end": "2026-12-31"})
    assert render(f) == "Placements 1 and 3 overlap from 2026-12-15 to 2026-12-31"
    f = Finding("EXTENT_OUT_OF_RANGE", "error", {"index": 0, "extent": 120})
    assert render(f) == "Placement 1: an extent of 120 % is not between 1 and 100 %"


def test_render_hooks_for_the_django_side():
    f = Finding("ORDER_FIRST", "error", {"category": "primarvard", "actual_category": "akut", "index": 0})
    sv = {
        "The BT must start with %(category)s, not %(actual_category)s": "BT ska börja med %(category)s, inte %(actual_category)s",
        "Primary care": "primärvård",
        "Emergency care": "akut sjukvård",
    }
    assert render(f, translate=lambda s: sv.get(s, s)) == "BT ska börja med primärvård, inte akut sjukvård"
    g = Finding("PRIMARY_CARE_TOO_SHORT", "error", {"actual": 2.5, "required": 3})
    assert render(g, fmt_number=lambda n: str(n).replace(".", ",")) == "Primary care: 2,5 of at least 3 months"
    h = Finding(
        "INTEGRATED_BEYOND_TWO_YEARS",
        "warning",
        {"start": "2026-09-01", "end": "2028-10-31", "deadline": "2028-08-31", "months": 24},
    )
    assert "by 31/08/2028" in render(h, fmt_date=lambda d: d.strftime("%d/%m/%Y"))
    assert message_context(f)["number"] == 1


def test_render_unknown_code_falls_back_to_the_code():
    assert render(Finding("SOMETHING_NEW", "info", {})) == "SOMETHING_NEW"

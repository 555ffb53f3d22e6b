"""The hostile-input walk (issue 13, item 8): every form the app renders, filled with hostile values, never
gives a 5xx, and a refused value writes nothing.

The forms are discovered, not listed: every project route (its ids filled with objects in the persona's
scope, as in test_scope_walk) is opened by each persona, and every POST form on the page is sent back with
its hidden fields as rendered and every field a person fills set to one hostile value at a time: very long
text, a NUL, control characters, a far date, a huge number, a wrong type. A new form is covered the day it
appears on a page.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.apps import apps

from btportal import factories as f
from btportal.tests.test_scope_walk import NOT_SCOPED, _kwargs, _ring
from btportal.tests.test_url_permissions import project_patterns

PERSONAS = ["admin", "kansli", "bt_lakare", "huvudhandledare", "verksamhetschef"]
HOSTILE = {
    "long": "x" * 60_000,
    "nul": "a\x00b",
    "control": "a\x01\x02\x1b[31m\x7f",
    "far_date": "0001-01-01",
    "future_date": "9999-12-31",
    "huge": str(10**30),
    "negative": "-" + str(10**20),
    "wrong_type": "[]{}<script>'\"",
}
#: Values no field may accept (the request must change nothing), and those a field of a kind must refuse
#: (a far date is fine text, but no date; a huge number is fine text, but no number).
REFUSED_EVERYWHERE = {"long", "nul"}
REFUSED_BY_KIND = {"far_date": {"date"}, "future_date": {"date"}, "huge": {"number"}, "negative": {"number"}}
#: Forms that are not the app's: logging out, the language switch, allauth's own pages.
SKIP_ACTIONS = ("/accounts/", "/i18n/", "/admin/")
FILLED_TYPES = {"text", "email", "number", "date", "search", "tel", "url", "textarea", "select", "datetime-local"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": [],
            }
        elif self._current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._current["fields"].append((a["name"], kind, None))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._current["fields"].append((a["name"], kind, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._current["fields"].append((a["name"], "textarea", ""))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None]
        elif tag == "option" and self._select is not None and self._select[1] is None and a.get("value"):
            self._select[1] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._current is not None:
            self._current["fields"].append((self._select[0], "select", self._select[1] or ""))
            self._select = None
        elif tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def post_forms(html: str):
    parser = _Forms()
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == "post"]


def _counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _pages(ring):
    for route, pattern in project_patterns():
        if route.startswith("api/v1/") or route in NOT_SCOPED or route.startswith(("accounts/", "admin/")):
            continue
        if pattern.callback.permission.public:
            continue
        url = "/" + route
        for name, value in _kwargs(route, pattern, ring).items():
            converter = type(pattern.pattern.converters[name]).__name__.replace("Converter", "").lower()
            url = url.replace(f"<{converter}:{name}>", str(value))
        yield route, url


@pytest.fixture
def inside(world, settings, tmp_path):
    """A ring of objects *inside* the personas' scope: at the world's clinic in VGR."""
    settings.MEDIA_ROOT = tmp_path
    ring = _ring(world.vgr, world.clinic, planner=world.users["kansli"])
    # The world's own BT-läkare and huvudhandledare reach their pages through the world's trainee.
    ring.trainee = world.trainee
    return ring


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_hostile_values_in_every_form_never_give_a_5xx(client, world, inside, persona):
    client.force_login(world.users[persona])
    client.raise_request_exception = False
    problems, seen, forms_sent = [], set(), 0
    for route, url in _pages(inside):
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        for form in post_forms(page.content.decode()):
            action = unescape(form["action"]) or url
            if action.startswith(SKIP_ACTIONS) or re.match(r"https?://", action):
                continue
            kinds = {kind for _name, kind, _value in form["fields"] if kind in FILLED_TYPES}
            if not kinds:
                continue  # a button (accept, delete, submit): nothing a person fills; its ids: test_scope_walk
            names = tuple(sorted(name for name, _kind, _value in form["fields"]))
            if (action, names) in seen:
                continue
            seen.add((action, names))
            forms_sent += 1
            for label, value in HOSTILE.items():
                data = {}
                for name, kind, default in form["fields"]:
                    if kind in FILLED_TYPES and name not in ("version", "plan_version", "csrfmiddlewaretoken"):
                        data.setdefault(name, []).append(value)
                    elif default is not None:
                        data.setdefault(name, []).append(default)
                refused = label in REFUSED_EVERYWHERE or bool(REFUSED_BY_KIND.get(label, set()) & kinds)
                before = _counts() if refused else None
                response = client.post(action, data)
                if response.status_code >= 500:
                    problems.append(f"{persona} {label} → {response.status_code}: POST {action} (from {route})")
                elif before is not None and _counts() != before:
                    changed = {k for k, v in _counts().items() if before.get(k) != v}
                    problems.append(f"{persona} {label}: POST {action} wrote {sorted(changed)} (from {route})")
    assert forms_sent >= 3, f"{persona}: the walk found only {forms_sent} forms"
    assert not problems, "\n".join(problems)


def test_the_form_parser_reads_fields():
    html = (
        '<form method="post" action="/x/"><input type="hidden" name="version" value="3">'
        '<input name="title"><textarea name="note"></textarea><select name="unit"><option value="">-</option>'
        '<option value="7">A</option></select><input type="checkbox" name="ok"><button>Go</button></form>'
        '<form method="get"><input name="q"></form>'
    )
    (form,) = post_forms(html)
    assert form["action"] == "/x/"
    assert form["fields"] == [
        ("version", "hidden", "3"),
        ("title", "text", ""),
        ("note", "textarea", ""),
        ("unit", "select", "7"),
        ("ok", "checkbox", None),
    ]


def test_it_covers_many_forms(world):
    assert f  # the factories build the rings

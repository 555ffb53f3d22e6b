"""The page walk (issues 14.8 and 18.7): visit every page a role reaches from its home page and menu, at a
phone's width (375 px) and a desktop's (1280 px), in the language of the browser, and report what a person
would trip over:

- the page scrolling sideways (horizontal overflow of the document),
- two visible interactive elements (inputs, labels, buttons, links) on top of each other,
- a tap target under 24 × 24 px (WCAG 2.5.8, with its inline and spacing exceptions),
- any axe violation of the WCAG 2.1 A/AA rules (every impact, not only serious ones),
- a link that does not answer 200.

It is generic: the links of each page visited are followed (same site, GET only, nothing is posted), so
a new page reached from a menu, a home page or another page is covered without a new test. The forms of
a page are checked as they render on it. To keep the run short, pages are deduplicated by URL pattern
(the first `PAGES_PER_PATTERN` of each).

Not walked, and why: the Django admin (Django's own pages, not ours), the API's interactive docs
(a third-party page), downloads (PDF, xlsx, csv, iCal: not pages), logging out and changing language.

Two callers: the test on the demo data (test_walk.py, in `make test`) and the opt-in walk on region-scale
data in Swedish and English (walk_scale.py, `make walk-scale`). Neither knows any page by name.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from btportal.tests.browser.conftest import MOBILE, WCAG_TAGS, inject_axe, log_in_by_cookie
from btportal.tests.browser.layout import layout_problems

DESKTOP = {"width": 1280, "height": 800}
PAGES_PER_PATTERN = 1
MAX_PAGES = 90  # per role: a safety stop, far above what any role reaches today
SKIP_PREFIXES = ("/admin/", "/api/v1/docs", "/api/v1/openapi", "/accounts/logout", "/i18n/", "/static/", "/media/")
# Downloads, by the words their URL names and paths use.
DOWNLOAD = re.compile(
    r"(pdf|export|download|ical|/official/|\.ics|\.csv|\.xlsx|/document/|/file/|bundle|/qr|feed)", re.I
)
# Known problems, kept visible: (URL pattern name, words of the problem) → why it is not fixed yet.
# Remove an entry when its page is fixed.
KNOWN_PROBLEMS: dict[tuple[str, str], str] = {}
# The demo's logins, one per role.
ROLES = [
    "bt@example.se",
    "handledare@example.se",
    "huvudhandledare@example.se",
    "studierektor@example.se",
    "verksamhetschef@example.se",
    "kansli@example.se",
    "extern@example.se",
    "granskare@example.se",
    "admin@example.se",
]
# The browser's language decides the site's (LocaleMiddleware reads Accept-Language; there is no language
# in the URL and the walk never follows the language switch).
LOCALES = {"sv": "sv-SE", "en": "en-GB"}


@dataclass
class Walk:
    email: str
    language: str
    visited: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def report(self) -> str:
        lines = [
            f"{len(self.problems)} of {len(self.visited)} pages {self.email} reaches ({self.language}) have problems:"
        ]
        for path, found in self.problems.items():
            lines.append(path)
            lines += [f"    {p}" for p in found]
        return "\n".join(lines)


def _pattern(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or match.route)


def walkable(href, origin):
    """The path (and query) of a link the walk follows, or None."""
    url, _fragment = urldefrag(href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path
    if any(path.startswith(p) for p in SKIP_PREFIXES) or DOWNLOAD.search(path):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def links(page, scope):
    return page.eval_on_selector_all(
        f"{scope} a[href]", "els => els.filter(e => !e.hasAttribute('download')).map(e => e.href)"
    )


def _axe(page):
    inject_axe(page)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"axe [{v['impact']}] {v['id']}: {v['help']} — "
        + ", ".join(
            " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:3]
        )
        + (f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else "")
        for v in result["violations"]
    ]


def _check(page, viewport):
    if page.viewport_size != viewport:
        page.set_viewport_size(viewport)
        page.wait_for_timeout(50)  # let the layout settle after the resize
    return [f"{viewport['width']} px: {p}" for p in layout_problems(page) + _axe(page)]


def walk(browser, base_url, email, language="sv"):
    """Visit what `email` reaches in `language`; returns a Walk (the pages visited, the problems per page).

    The page is checked at the width it was loaded at, then at the other: the phone's and the desktop's
    alternate from page to page, so each page costs one resize, not two.
    """
    from accounts.models import User

    # The site's Content-Security-Policy stays on (axe goes in through DevTools, not as a script tag).
    context = browser.new_context(base_url=base_url, viewport=MOBILE, locale=LOCALES[language], has_touch=True)
    log_in_by_cookie(context, User.objects.get(email=email), base_url)
    page = context.new_page()
    result = Walk(email, language)
    seen_patterns = {}
    queue, queued = ["/"], {"/"}
    page.goto("/")
    for href in links(page, "#nav-main") + links(page, "main"):
        path = walkable(href, base_url)
        if path and path not in queued:
            queue.append(path)
            queued.add(path)
    while queue and len(result.visited) < MAX_PAGES:
        path = queue.pop(0)
        pattern = _pattern(urlsplit(path).path)
        if pattern is None or seen_patterns.get(pattern, 0) >= PAGES_PER_PATTERN:
            continue
        seen_patterns[pattern] = seen_patterns.get(pattern, 0) + 1
        try:
            response = page.goto(path)
        except PlaywrightError as e:
            if "Download is starting" in str(e):
                continue  # a download behind a link whose address does not say so
            raise
        result.visited.append(path)
        if response is None or response.status != 200:
            result.problems[path] = [f"HTTP {response.status if response else '—'} (linked from a page of {email})"]
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        first = page.viewport_size
        second = DESKTOP if first == MOBILE else MOBILE
        found = [
            p
            for p in _check(page, first) + _check(page, second)
            if not any(pattern == known and words in p for known, words in KNOWN_PROBLEMS)
        ]
        if found:
            result.problems[path] = found
        for href in links(page, "main"):
            target = walkable(href, base_url)
            if target and target not in queued:
                queue.append(target)
                queued.add(target)
    context.close()
    return result

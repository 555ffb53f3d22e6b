"""Walking a list that pages with a cursor (api.main.NewestFirstPagination), for the tests of each such list."""

from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext


def follow(link: str) -> dict:
    """The query parameters of a page's `next` or `previous` link."""
    return {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}


def walk(caller, url: str, **params):
    """Every page from the first, following `next`: the ids in the order given, and the pages."""
    pages = [caller.get(url, **params).json()]
    while pages[-1]["next"]:
        assert len(pages) < 100
        pages.append(caller.get(url, **follow(pages[-1]["next"])).json())
    return [row["id"] for page in pages for row in page["items"]], pages


def assert_queries_flat(caller, url: str, make) -> None:
    """The first page and the next read as many queries with 3 rows as with 30 (`make(n)` adds n rows)."""
    caller.get(url)  # the token's first use is recorded once
    counts, made = [], 0
    for n in (3, 30):
        make(n - made)
        made = n
        with CaptureQueriesContext(connection) as first_queries:
            first = caller.get(url, limit=1).json()
        with CaptureQueriesContext(connection) as next_queries:
            page = caller.get(url, **follow(first["next"]))
        assert len(page.json()["items"]) == 1
        counts.append((len(first_queries.captured_queries), len(next_queries.captured_queries)))
    assert counts[0] == counts[1]

"""The `fragments` cache (core.cache.KeptDatabaseCache): the table's entries, with the recent ones also in the
process's memory. A copy in memory serves a read without the database, lives LOCAL_SECONDS at most and never
beyond the expiry its process wrote, is dropped by delete/add/touch/clear, and memory stays bounded."""

import contextlib
import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import cache as kept

pytestmark = pytest.mark.django_db


def _cache(**options):
    return kept.KeptDatabaseCache("btportal_fragments", {"KEY_PREFIX": "test", "OPTIONS": options})


def _queries(fn):
    with CaptureQueriesContext(connection) as queries:
        value = fn()
    return value, len(queries)


def test_the_fragments_cache_is_the_kept_one():
    assert isinstance(caches["fragments"], kept.KeptDatabaseCache)


def test_a_value_written_here_is_read_from_memory_and_one_from_the_table_once():
    cache = _cache()
    cache.set("page", b"<html>1</html>", 300)
    assert _queries(lambda: cache.get("page")) == (b"<html>1</html>", 0)
    # Another process (here: this one with its memory emptied) reads it from the table once.
    kept.forget()
    assert _queries(lambda: cache.get("page")) == (b"<html>1</html>", 1)
    assert _queries(lambda: cache.get("page")) == (b"<html>1</html>", 0)
    assert _queries(lambda: cache.get_many(["page", "other"])) == ({"page": b"<html>1</html>"}, 1)
    assert _queries(lambda: cache.get("missing", "default")) == ("default", 1)  # a miss is not remembered
    assert _queries(lambda: cache.get("missing")) == (None, 1)


@contextlib.contextmanager
def at(seconds: float):
    """The clock at `seconds` for the memory's copies (time.time) and the table's rows (the cache's now)."""
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    with (
        mock.patch("time.time", return_value=seconds),
        mock.patch("django.core.cache.backends.db.tz_now", return_value=moment),
    ):
        yield


def test_a_copy_never_outlives_its_entry():
    cache = _cache(LOCAL_SECONDS=60)
    now = 1_900_000_000.0
    with at(now):
        cache.set("short", "text", 10)
    with at(now + 9):
        assert _queries(lambda: cache.get("short")) == ("text", 0)
    with at(now + 11):
        assert cache.get("short") is None
    # Kept LOCAL_SECONDS at most, written here or read from the table.
    with at(now):
        cache.set("long", "text", 3600)
    with at(now + 59):
        assert _queries(lambda: cache.get("long")) == ("text", 0)
    with at(now + 61):
        assert _queries(lambda: cache.get("long")) == ("text", 1)
    kept.forget()
    with at(now):
        assert _queries(lambda: cache.get("long")) == ("text", 1)
    with at(now + 59):
        assert _queries(lambda: cache.get("long")) == ("text", 0)
    with at(now + 61):
        assert _queries(lambda: cache.get("long")) == ("text", 1)
    cache.set("gone", "text", 0)
    assert cache.get("gone") is None


def test_delete_add_touch_and_clear_drop_the_copies():
    cache = _cache()
    cache.set("a", "1", 300)
    cache.delete("a")
    assert cache.get("a") is None
    cache.set("b", "2", 300)
    assert cache.add("b", "3", 300) is False and cache.get("b") == "2"
    cache.set("c", "3", 300)
    cache.touch("c", 0)
    assert cache.get("c") is None
    cache.set_many({"d": "4", "e": "5"}, 300)
    cache.delete_many(["d"])
    assert cache.get_many(["d", "e"]) == {"e": "5"}
    cache.clear()
    assert _queries(lambda: cache.get("e")) == (None, 1)


def test_only_text_and_bytes_are_kept_in_memory():
    cache = _cache()
    cache.set("facts", {"n": 1}, 300)
    value, queries = _queries(lambda: cache.get("facts"))
    assert value == {"n": 1} and queries == 1  # a dict could be changed by its reader: always from the table
    value["n"] = 2
    assert cache.get("facts") == {"n": 1}
    cache.set("page", "text", 300)
    cache.set("page", {"now": "a dict"}, 300)  # the text's copy must not outlive it
    assert cache.get("page") == {"now": "a dict"}


def test_memory_is_bounded_by_entries_and_bytes_least_recently_used_first():
    cache = _cache(LOCAL_MAX_ENTRIES=3, LOCAL_MAX_BYTES=800)
    for key in "abc":
        cache.set(key, key * 10, 300)
    cache.get("a")  # used: "b" is now the oldest
    cache.set("d", "d" * 10, 300)
    assert [_queries(lambda k=k: cache.get(k))[1] for k in "acdb"] == [0, 0, 0, 1]
    kept.forget()
    cache.set("x", "x" * 150, 300)  # more than an eighth of the bytes allowed: not kept in memory
    assert _queries(lambda: cache.get("x")) == ("x" * 150, 1)
    for key in "pqr":
        cache.set(key, key * 60, 300)
    assert kept._SIZES["btportal_fragments"] <= 800

"""A database cache with a copy of its recent entries in the process's memory, for the `fragments` cache.

The rendered pages and parts of pages in `fragments` are kept under keys made of what they show (the
person, their roles, the record versions or fingerprint of the BT-läkare shown, the day, the language,
the release): an entry never changes under its key, a change of what it shows is a new key. So a copy
of an entry in this process's memory is as good as the table's row while the row lives, and a visit
served from it reads nothing from the database (one round trip less for every kept page).

* Kept in memory: text and bytes (what pages and fragments are), at most ``LOCAL_MAX_ENTRIES`` entries
  and ``LOCAL_MAX_BYTES`` bytes, the least recently used dropped first.
* A copy lives ``LOCAL_SECONDS`` (default 60) at most: one this process wrote never beyond its row's
  expiry; one read from the table may outlive its row by that much (the row's expiry is not read). So
  emptying the table (always safe: the pages are computed again) takes effect on every process within
  ``LOCAL_SECONDS``.
* ``delete``, ``add``, ``touch``, ``incr``/``decr`` and ``clear`` act on the table and drop the memory's
  copies they concern (``clear``: all of this cache's); `forget()` drops every copy (the tests call it
  between tests, since each test's database is emptied under the same keys).

Not for caches whose entries change under the same key (counters, sessions): another process's copy
would not see the change.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache

_LOCK = threading.Lock()
#: table → key → (expires at (time.time()) or None for never, value, size); shared by the threads of a process
_COPIES: dict[str, OrderedDict] = {}
_SIZES: dict[str, int] = {}


def forget() -> None:
    """Drop every copy in this process's memory."""
    with _LOCK:
        _COPIES.clear()
        _SIZES.clear()


class KeptDatabaseCache(DatabaseCache):
    """django.core.cache.backends.db.DatabaseCache with the recent entries also in memory (module docstring)."""

    def __init__(self, table, params):
        super().__init__(table, params)
        options = params.get("OPTIONS", {})
        self._local_entries = int(options.get("LOCAL_MAX_ENTRIES", 1000))
        self._local_bytes = int(options.get("LOCAL_MAX_BYTES", 32 * 1024 * 1024))
        self._local_seconds = float(options.get("LOCAL_SECONDS", 60))

    # The copies -----------------------------------------------------------------------------------------

    def _copies(self) -> OrderedDict:
        return _COPIES.setdefault(self._table, OrderedDict())

    def _remember(self, key: str, value, expires: float | None) -> None:
        # Not kept: a value that could be changed by whoever reads it (not text), or a large one; an older copy
        # under the key goes.
        size = len(value) if isinstance(value, (str, bytes)) else None
        if size is None or size > self._local_bytes // 8:
            self._drop([key])
            return
        with _LOCK:
            copies = self._copies()
            old = copies.pop(key, None)
            used = _SIZES.get(self._table, 0) - (old[2] if old else 0) + size
            copies[key] = (expires, value, size)
            while copies and (len(copies) > self._local_entries or used > self._local_bytes):
                _, (_, _, dropped) = copies.popitem(last=False)
                used -= dropped
            _SIZES[self._table] = used

    def _recall(self, key: str):
        """(True, value) for a live copy, (False, None) otherwise."""
        with _LOCK:
            copies = self._copies()
            kept = copies.get(key)
            if kept is None:
                return False, None
            expires, value, size = kept
            if expires is not None and expires <= time.time():
                del copies[key]
                _SIZES[self._table] = _SIZES.get(self._table, 0) - size
                return False, None
            copies.move_to_end(key)
            return True, value

    def _drop(self, keys) -> None:
        with _LOCK:
            copies = self._copies()
            for key in keys:
                kept = copies.pop(key, None)
                if kept is not None:
                    _SIZES[self._table] = _SIZES.get(self._table, 0) - kept[2]

    # The cache API -----------------------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self.get_many([key], version=version).get(key, default)

    def get_many(self, keys, version=None):
        out, missing = {}, {}
        for key in keys:
            made = self.make_and_validate_key(key, version=version)
            found, value = self._recall(made)
            if found:
                out[key] = value
            else:
                missing[key] = made
        if missing:
            read = super().get_many(list(missing), version=version)
            until = time.time() + self._local_seconds
            for key, value in read.items():
                self._remember(missing[key], value, until)
            out.update(read)
        return out

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        super().set(key, value, timeout, version=version)
        made = self.make_and_validate_key(key, version=version)
        expires = self.get_backend_timeout(timeout)  # a time, or None for never
        now = time.time()
        if expires is not None and expires <= now:
            self._drop([made])  # a timeout of 0 or less: gone at once
        else:
            self._remember(made, value, min(expires or math.inf, now + self._local_seconds))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._drop([self.make_and_validate_key(key, version=version)])
        return super().add(key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        self._drop([self.make_and_validate_key(key, version=version)])
        return super().touch(key, timeout, version=version)

    def delete(self, key, version=None):
        self._drop([self.make_and_validate_key(key, version=version)])
        return super().delete(key, version=version)

    def delete_many(self, keys, version=None):
        self._drop([self.make_and_validate_key(key, version=version) for key in keys])
        return super().delete_many(keys, version=version)

    def incr(self, key, delta=1, version=None):
        self._drop([self.make_and_validate_key(key, version=version)])
        return super().incr(key, delta, version=version)

    def clear(self):
        with _LOCK:
            _COPIES.pop(self._table, None)
            _SIZES.pop(self._table, None)
        return super().clear()

"""Which release of the code is running, as a short fingerprint of what draws the pages.

The pages kept rendered in the `fragments` cache are keyed by the data they show, not by the code that
drew them; the cache's key prefix is this fingerprint, so a deploy that changes a template, a view, a
translation or a static file (whose hashed name the kept HTML names) starts with an empty cache instead of
showing pages drawn by the release before. Every app server running the same code computes the same value
(about 15 ms at start-up). `BTPORTAL_RELEASE` in the environment overrides it (e.g. a release tag).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: What is not code that draws pages: dependencies, collected or uploaded files, tests, documentation.
SKIP_DIRS = frozenset(
    {".git", ".venv", "node_modules", "staticfiles", "media", "bench", "docs", "tests", "__pycache__", "screenshots"}
)
SUFFIXES = (".py", ".html", ".txt", ".mo", ".js", ".css", ".svg", ".json")


def source_fingerprint(base_dir: Path) -> str:
    """A hash of the names and contents of the source files under `base_dir` (12 hex digits)."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(base_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(SUFFIXES) or name == "package-lock.json":
                path = Path(root) / name
                digest.update(str(path.relative_to(base_dir)).encode())
                digest.update(b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def current(base_dir: Path) -> str:
    return os.environ.get("BTPORTAL_RELEASE", "").strip() or source_fingerprint(base_dir)

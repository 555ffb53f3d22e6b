"""`make walk-scale` (issue 18, item 7): the page walk of every demo role (walk.py) on region-scale data, in
Swedish and in English. Opt-in, not part of `make test`: the data takes minutes to generate and the walk of
eighteen role × language pairs a quarter of an hour.

    DATABASE_URL=sqlite:////tmp/walk-scale.sqlite3 DEBUG=1 python -m btportal.tests.browser.walk_scale

The database must hold the demo (`seed_demo`, for the logins) and generated data on top of it
(`generate_scale --preset region`: Västra Götaland, the demo's region, and Skåne with some 1,400
BT-läkare each); `make walk-scale` makes it once. The walk only reads (GET), so the file can be walked
again. A server (`runserver`, no reloading) is started on a free port over the same database; the walk
logs in with a session made here (as the browser tests do) and follows links as a person would.

Prints one line per role and language (with the problems found, as they are found), then a summary;
exits 1 when any walk found a problem or lost its way.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, log):
    """`runserver` on this database (the environment is passed on), answering once /healthz does."""
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the server did not answer within two minutes; see {log.name}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", default="sv,en", help="comma-separated: sv,en")
    parser.add_argument("--roles", default="", help="comma-separated emails or their first parts (default: all)")
    parser.add_argument("--server-log", default="/tmp/walk-scale-server.log")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btportal.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM (the login) next to Playwright's sync API
    import django

    django.setup()
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from btportal.tests.browser.conftest import CHROMIUM
    from btportal.tests.browser.walk import LOCALES, ROLES, walk
    from demo.scale import already_generated

    database = settings.DATABASES["default"]["NAME"]
    if not already_generated():
        print(f"{database} has no generated data: run generate_scale --preset region on it first", file=sys.stderr)
        return 2
    languages = [lang for lang in args.languages.split(",") if lang]
    unknown = set(languages) - set(LOCALES)
    if unknown:
        parser.error(f"unknown language(s) {sorted(unknown)}; known: {sorted(LOCALES)}")
    wanted = {r.strip() for r in args.roles.split(",") if r.strip()}
    roles = [e for e in ROLES if not wanted or e in wanted or e.split("@")[0] in wanted]

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    results, began = [], time.monotonic()
    with open(args.server_log, "w") as log:
        server = _serve(port, log)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(**CHROMIUM)
                for language in languages:
                    for email in roles:
                        started = time.monotonic()
                        result = walk(browser, base_url, email, language)
                        seconds = time.monotonic() - started
                        results.append((result, seconds))
                        print(
                            f"{language}  {email:28} {len(result.visited):3} pages  "
                            f"{sum(len(p) for p in result.problems.values()):3} problems  {seconds:5.0f} s",
                            flush=True,
                        )
                        if result.problems:
                            print(result.report(), flush=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)

    total = time.monotonic() - began
    pages = {lang: sum(len(r.visited) for r, _ in results if r.language == lang) for lang in languages}
    failed = [r for r, _ in results if r.problems or len(r.visited) < 3]
    print(
        f"\n{database}: {len(roles)} roles × {len(languages)} languages, pages walked "
        + ", ".join(f"{lang} {n}" for lang, n in pages.items())
        + f"; {len(failed)} walks with problems; {total:.0f} s"
    )
    for result in failed:
        print(f"{result.email} ({result.language}): " + ("problems above" if result.problems else "lost its way"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

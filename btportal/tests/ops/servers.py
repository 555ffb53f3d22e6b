"""Real processes for the operations tests: gunicorn app servers, `db_worker` workers, and a
PostgreSQL server of the test's own (which the fault test stops and starts; never the shared one).

The app servers run with production settings (DEBUG off, the test process's SECRET_KEY so the
sessions made here by `force_login` are valid there, the manifest static storage) against the
database given by URL. Pages are fetched with plain urllib, the session cookie sent by hand.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
#: The app servers' SECRET_KEY (production settings refuse the development key); sessions made here for them
#: are made under it, since a session's login is checked against a hash keyed by it.
SERVER_SECRET_KEY = secrets.token_urlsafe(50)
CSRF = "c" * 32  # an unmasked CSRF secret, sent as cookie and as form token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def collect_static_once() -> None:
    """Production settings render static URLs from the manifest; make it when it is missing."""
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "127.0.0.1"},
            check=True,
        )


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "btportal.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": SERVER_SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "MFA_REQUIRED_FOR_STAFF": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "CRITICAL",
            **extra,
        }
    )
    return env


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Answer:
    status: int
    body: str
    headers: dict


class AppServer:
    """`gunicorn btportal.wsgi` on a free loopback port."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "btportal.wsgi", "--workers", str(workers)]
            + ["--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        self.log = log
        deadline = time.monotonic() + 120
        while True:
            try:
                self.get("/healthz", timeout=60)
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not start: {log.read_text()[-3000:]}") from None
                time.sleep(0.3)

    def request(self, path: str, *, session: str = "", data: dict | None = None, timeout: float = 30) -> Answer:
        from django.conf import settings

        cookies = []
        if session:
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={session}")
        body = None
        if data is not None:
            cookies.append(f"{settings.CSRF_COOKIE_NAME}={CSRF}")
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF, **data}, doseq=True).encode()
        request = urllib.request.Request(
            self.url + path,
            data=body,
            headers={"Cookie": "; ".join(cookies), "Accept-Language": "sv", "Referer": self.url + path},
            method="POST" if body is not None else "GET",
        )
        try:
            with _opener.open(request, timeout=timeout) as response:
                return Answer(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), dict(error.headers))

    def get(self, path: str, **kwargs) -> Answer:
        return self.request(path, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def session_for(user) -> str:
    """A logged-in session, stored in the database the servers read (as the browser tests log in)."""
    from django.conf import settings
    from django.test import Client, override_settings

    client = Client()
    with override_settings(SECRET_KEY=SERVER_SECRET_KEY):
        client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def postgres_url_from_connection() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class OwnPostgres:
    """A throwaway PostgreSQL server of this test (initdb into a temporary directory, a free port),
    which the test may stop and start. Run as the `postgres` user when this process is root."""

    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = bins[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="bt-own-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.dir,
        )

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "server.log"), "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, transactions in flight roll back."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def copy_database(source_url: str, target: OwnPostgres, name: str) -> str:
    """The source database (schema and rows) into a new database `name` of `target`; its URL."""
    subprocess.run(
        ["psql", target.url(), "-q", "-c", f'CREATE DATABASE "{name}"'], check=True, stdout=subprocess.DEVNULL
    )
    dump = subprocess.Popen(["pg_dump", "--no-owner", "--no-privileges", source_url], stdout=subprocess.PIPE)
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", target.url(name)],
        stdin=dump.stdout,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    dump.stdout.close()
    assert dump.wait() == 0
    return target.url(name)

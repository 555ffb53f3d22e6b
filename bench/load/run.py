"""Load benchmark: gunicorn (2 workers) on PostgreSQL, driven over loopback by logged-in sessions.
A runnable module, never a unit test:

    createdb -h 127.0.0.1 -U postgres bench_load            # a database of its own, never the tests'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load .venv/bin/python manage.py seed_demo
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load .venv/bin/python -m bench.load
    DATABASE_URL=... .venv/bin/python -m bench.load --soak 600          # the 10-minute soak
    .venv/bin/python -m bench.load --report                             # the section in bench/RESULTS.md

What it does: starts `gunicorn btportal.wsgi --workers 2` on a free loopback port with production
settings (DEBUG off, a random SECRET_KEY shared with this process, the manifest static storage), logs
in `--sessions` sessions per person (sessions made as the browser tests make them: Django's
`force_login`, stored in the database the server reads; the cookie is sent by hand), makes the
assessment requests that will be signed up front (one fresh request per signing), then drives
`--concurrency` threads of plain HTTP requests (urllib, a new connection each: gunicorn's sync
workers close it anyway) in `--rounds` rounds over the endpoints, so that the load of the machine,
shared with others, falls on every endpoint alike.

Endpoints: the smallest page behind a login (`/healthz/session`: session and user read, nothing else),
the trainee's home, the cohort dashboard of a kansli, and an assessment signing (a POST of the
handledare's signing form for a request addressed to them; 302 when signed). Reported per endpoint:
requests/s, its ratio to the smallest page's, p50/p95 latency seen by the client, and errors (any
other status than the expected one, or no answer). After the run the signed requests are counted in
the database: every 302 must have made exactly one signed assessment and nothing else.

`--soak SECONDS`: the same endpoints mixed, for SECONDS, sampling the resident memory (VmRSS in
/proc) of the gunicorn workers every `--sample` seconds; reports errors and memory at the start,
the end and the maximum, per worker.

Every run adds its signings to the database (the soak 1,500, a throughput run one per signing request):
the BT-läkare of the demo then hold more assessments, and their pages cost more when computed anew (a home
with 7,700 assessments: 193 ms instead of 18). Measure on a freshly seeded database (the commands above)
for figures that compare; the volume is printed with the results.

Staff need a second factor in production (MFA_REQUIRED_FOR_STAFF); the bench turns it off for its
server, since the sessions are made without a login form. Everything else is production's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RESULTS_MD = HERE.parent / "RESULTS.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"
CSRF = "b" * 32  # an unmasked CSRF secret: sent as the cookie and as the form's token

MINIMAL, HOME, DASHBOARD, SIGN = (
    "minimal authenticated view",
    "trainee home",
    "cohort dashboard (kansli)",
    "assessment signing",
)
ENDPOINTS = (MINIMAL, HOME, DASHBOARD, SIGN)


def _server_env(database_url: str, secret_key: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "btportal.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "MFA_REQUIRED_FOR_STAFF": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "ERROR"),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------
# The world: people, sessions, requests to sign (made in this process, read by the server)
# ---------------------------------------------------------------------------


@dataclass
class World:
    cookies: dict[str, list[str]]  # endpoint → session cookies to use
    sign_urls: list[str]  # one fresh request each, in order
    assessor_id: int
    paths: dict[str, str] = field(default_factory=dict)
    volume: dict = field(default_factory=dict)


def _setup(*, sessions: int, signings: int) -> World:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Role
    from assessments import services
    from bench.pages.run import _people, _volume
    from trainees.models import Placement

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    people = _people()
    handledare = people[Role.HANDLEDARE]

    def cookies(user) -> list[str]:
        out = []
        for _ in range(sessions):
            client = Client()
            client.force_login(user)
            out.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        return out

    trainee_cookies = cookies(people[Role.BT_LAKARE])
    # The requests to sign: addressed to the handledare, from the trainees of their placements.
    placements = list(
        Placement.objects.filter(supervisor=handledare, trainee__status="active").select_related("trainee__user")
    ) or list(Placement.objects.filter(supervisor=handledare).select_related("trainee__user"))
    urls = []
    for i in range(signings):
        placement = placements[i % len(placements)]
        issued = services.create_request(
            placement.trainee,
            by=placement.trainee.user,
            instrument="mini_cex",
            assessor=handledare,
            placement=placement,
        )
        urls.append(reverse("assessments:assess_logged_in", args=[issued.request.pk]))
    return World(
        cookies={
            MINIMAL: trainee_cookies,
            HOME: trainee_cookies,
            DASHBOARD: cookies(people[Role.KANSLI]),
            SIGN: cookies(handledare),
        },
        sign_urls=urls,
        assessor_id=handledare.pk,
        paths={MINIMAL: reverse("healthz_session"), HOME: reverse("home"), DASHBOARD: reverse("reports:dashboard")},
        volume=_volume(),
    )


def _signed_check(world: World, signed_ok: int, before: int) -> dict:
    """Every 302 of a signing made one signed assessment; nothing half-made."""
    from assessments.models import Assessment, AssessmentRequest, RequestStatus

    mine = Assessment.objects.filter(assessor_id=world.assessor_id)
    pks = [int(u.rstrip("/").rsplit("/", 1)[1]) for u in world.sign_urls]
    return {
        "signed_by_302": signed_ok,
        "new_assessments": mine.count() - before,
        "unsigned_rows": Assessment.objects.filter(signed_at__isnull=True).count(),
        "requests_signed": AssessmentRequest.objects.filter(pk__in=pks, status=RequestStatus.SIGNED).count(),
    }


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict[str, str], *, workers: int = 2, threads: int = 1, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "btportal.wsgi",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=60) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        self.workers = worker_pids(self.process.pid, expected=workers)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def worker_pids(master: int, *, expected: int, seconds: float = 30) -> list[int]:
    """The pids of gunicorn's workers: the master's children (from /proc)."""
    deadline = time.monotonic() + seconds
    while True:
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(entry.name))
        if len(children) >= expected or time.monotonic() > deadline:
            return sorted(children)
        time.sleep(0.2)


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# ---------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------


class Driver:
    def __init__(self, base: str, world: World):
        from django.conf import settings

        self.base = base
        self.world = world
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.csrf_cookie = settings.CSRF_COOKIE_NAME
        self._sign_next = 0
        self._lock = threading.Lock()
        self._turn = dict.fromkeys(ENDPOINTS, 0)

    def _cookie(self, endpoint: str) -> str:
        with self._lock:
            cookies = self.world.cookies[endpoint]
            self._turn[endpoint] += 1
            return cookies[self._turn[endpoint] % len(cookies)]

    def next_sign_url(self) -> str | None:
        with self._lock:
            if self._sign_next >= len(self.world.sign_urls):
                return None
            self._sign_next += 1
            return self.world.sign_urls[self._sign_next - 1]

    def request(self, endpoint: str) -> tuple[bool, float, int]:
        """One request: (as expected, seconds, status)."""
        cookie = f"{self.session_cookie}={self._cookie(endpoint)}"
        data = None
        if endpoint == SIGN:
            path = self.next_sign_url()
            if path is None:
                return (False, 0.0, -1)
            cookie += f"; {self.csrf_cookie}={CSRF}"
            data = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF, "overall": "3"}).encode()
        else:
            path = self.world.paths[endpoint]
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"Cookie": cookie, "Accept-Language": "sv", "Referer": self.base + path},
            method="POST" if data else "GET",
        )
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            error.read()
            status = error.code
        except (urllib.error.URLError, OSError):
            status = 0
        seconds = time.perf_counter() - began
        expected = 302 if endpoint == SIGN else 200
        return (status == expected, seconds, status)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


urllib.request.install_opener(urllib.request.build_opener(_NoRedirect))


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: int = 0
    statuses: dict = field(default_factory=dict)

    def add(self, ok: bool, seconds: float, status: int) -> None:
        self.times.append(seconds)
        if not ok:
            self.errors += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self) -> dict:
        times = sorted(self.times)
        n = len(times)
        return {
            "requests": n,
            "seconds": round(self.wall, 2),
            "rps": round(n / self.wall, 2) if self.wall else 0,
            "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
            "p95_ms": round(times[min(n - 1, round(0.95 * (n - 1)))] * 1000, 1) if times else None,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def _burst(driver: Driver, endpoint: str, count: int, concurrency: int, tally: Tally) -> None:
    """`count` requests to one endpoint from `concurrency` threads; the wall time is added to the tally."""
    left = [count]
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            result = driver.request(endpoint)
            with lock:
                tally.add(*result)

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tally.wall += time.perf_counter() - began


def measure(driver: Driver, *, requests: int, concurrency: int, rounds: int, warmup: int) -> dict:
    for endpoint in (MINIMAL, HOME, DASHBOARD):
        _burst(driver, endpoint, warmup, concurrency, Tally())
    tallies = {e: Tally() for e in ENDPOINTS}
    per_round = max(1, requests // rounds)
    for _ in range(rounds):
        for endpoint in ENDPOINTS:
            _burst(driver, endpoint, per_round, concurrency, tallies[endpoint])
    out = {e: t.summary() for e, t in tallies.items()}
    base = out[MINIMAL]["rps"]
    for e in ENDPOINTS:
        out[e]["ratio"] = round(out[e]["rps"] / base, 3) if base else None
    return out


def soak(driver: Driver, server: Server, *, seconds: float, concurrency: int, sample: float) -> dict:
    stop = threading.Event()
    tallies = {e: Tally() for e in ENDPOINTS}
    lock = threading.Lock()
    samples: list[dict] = []

    def work(offset: int):
        i = offset
        while not stop.is_set():
            endpoint = ENDPOINTS[i % len(ENDPOINTS)]
            i += 1
            if endpoint == SIGN and driver._sign_next >= len(driver.world.sign_urls):
                continue  # the prepared requests are used up: the other endpoints go on
            result = driver.request(endpoint)
            with lock:
                tallies[endpoint].add(*result)

    def sampler():
        began = time.monotonic()
        while True:
            pids = worker_pids(server.process.pid, expected=len(server.workers), seconds=0)
            samples.append(
                {
                    "t": round(time.monotonic() - began, 1),
                    "rss_kib": {str(p): rss_kib(p) for p in pids},
                    "load": round(os.getloadavg()[0], 2),
                }
            )
            if stop.wait(sample):
                return

    threads = [threading.Thread(target=work, args=(i,)) for i in range(concurrency)]
    keeper = threading.Thread(target=sampler)
    began = time.perf_counter()
    keeper.start()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    keeper.join()
    wall = time.perf_counter() - began
    for t in tallies.values():
        t.wall = wall
    workers = sorted({p for s in samples for p in s["rss_kib"]})
    memory = {}
    for pid in workers:
        series = [s["rss_kib"][pid] for s in samples if s["rss_kib"].get(pid) is not None]
        memory[pid] = {
            "start_mib": round(series[0] / 1024, 1),
            "after_60s_mib": round(next((s["rss_kib"][pid] for s in samples if s["t"] >= 60), series[-1]) / 1024, 1),
            "half_mib": round(next((s["rss_kib"][pid] for s in samples if s["t"] >= wall / 2), series[-1]) / 1024, 1),
            "end_mib": round(series[-1] / 1024, 1),
            "max_mib": round(max(series) / 1024, 1),
            "samples": len(series),
        }
    return {
        "seconds": round(wall, 1),
        "endpoints": {e: t.summary() for e, t in tallies.items()},
        "errors": sum(t.errors for t in tallies.values()),
        "requests": sum(len(t.times) for t in tallies.values()),
        "workers_at_start": [str(p) for p in server.workers],
        "workers_seen": workers,
        "memory": memory,
        "samples": samples,
    }


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def _machine() -> str:
    return f"{os.cpu_count()} × {platform.processor() or platform.machine()}, Python {platform.python_version()}"


def run(args) -> dict:
    import django

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database of its own (see the module's docstring).")
    secret = secrets.token_urlsafe(50)
    env = _server_env(database_url, secret)
    os.environ.update(env)
    django.setup()
    from assessments.models import Assessment

    signings = args.requests if not args.soak else args.soak_signings
    world = _setup(sessions=args.sessions, signings=signings)
    before = Assessment.objects.filter(assessor_id=world.assessor_id).count()
    log = Path(args.log)
    server = Server(env, workers=args.workers, threads=args.threads, log=log)
    out = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": _machine(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "volume": world.volume,
        "settings": {
            "workers": args.workers,
            "threads": args.threads,
            "concurrency": args.concurrency,
            "sessions": args.sessions,
            "requests": args.requests,
            "rounds": args.rounds,
        },
    }
    try:
        driver = Driver(server.url, world)
        if args.soak:
            out["kind"] = "soak"
            out["soak"] = soak(driver, server, seconds=args.soak, concurrency=args.concurrency, sample=args.sample)
            signed_ok = int(out["soak"]["endpoints"][SIGN]["statuses"].get("302", 0))
        else:
            out["kind"] = "throughput"
            out["endpoints"] = measure(
                driver, requests=args.requests, concurrency=args.concurrency, rounds=args.rounds, warmup=args.warmup
            )
            signed_ok = int(out["endpoints"][SIGN]["statuses"].get("302", 0))
    finally:
        server.stop()
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    out["signing_check"] = _signed_check(world, signed_ok, before)
    return out


def _print(out: dict) -> None:
    print(f"{out['kind']} {out['when']} on {out['machine']}, load {out['load_before']} → {out['load_after']}")
    if out["kind"] == "throughput":
        for name, e in out["endpoints"].items():
            print(
                f"  {name:28} {e['rps']:7.2f} req/s  ratio {e['ratio']}  p50 {e['p50_ms']} ms  "
                f"p95 {e['p95_ms']} ms  errors {e['errors']} {e['statuses']}"
            )
    else:
        s = out["soak"]
        print(f"  {s['requests']} requests in {s['seconds']} s, errors {s['errors']}")
        for name, e in s["endpoints"].items():
            print(f"  {name:28} {e['requests']} requests, p50 {e['p50_ms']} ms, p95 {e['p95_ms']} ms, {e['statuses']}")
        for pid, m in s["memory"].items():
            print(f"  worker {pid}: {m}")
    print(f"  signing check: {out['signing_check']}")


def report() -> str:
    """The section of bench/RESULTS.md from the stored runs (bench/load/results-*.json)."""
    lines = []
    for path in sorted(HERE.glob("results-*.json")):
        out = json.loads(path.read_text())
        load = f"load average {out['load_before'][0]} → {out['load_after'][0]}"
        v = out["volume"]
        head = (
            f"* **{out['kind']}** ({out['when']}, {out['machine']}, {load}; gunicorn {out['settings']['workers']} "
            f"workers, {out['settings']['concurrency']} concurrent clients, {out['settings']['sessions']} sessions "
            f"per person; demo data: {v['trainees']} BT-läkare, {v['assessments']} assessments)"
        )
        lines.append(head)
        check = out["signing_check"]
        lines.append(
            f"  signings answered 302: {check['signed_by_302']}, new signed assessments: {check['new_assessments']}, "
            f"unsigned assessment rows: {check['unsigned_rows']}"
        )
        lines.append("")
        if out["kind"] == "throughput":
            lines += [
                "| endpoint | requests | req/s | ratio to minimal | p50 ms | p95 ms | errors |",
                "|---|---|---|---|---|---|---|",
            ]
            for name, e in out["endpoints"].items():
                mark = "" if name == MINIMAL or (e["ratio"] or 0) >= 0.5 else " ⚠"
                lines.append(
                    f"| {name} | {e['requests']} | {e['rps']} | {e['ratio']}{mark} | {e['p50_ms']} | {e['p95_ms']} | {e['errors']} |"
                )
        else:
            s = out["soak"]
            lines += [
                f"{s['requests']} requests in {s['seconds']} s ({round(s['requests'] / s['seconds'], 2)} req/s), "
                f"**errors: {s['errors']}**.",
                "",
                "| endpoint | requests | p50 ms | p95 ms | answers |",
                "|---|---|---|---|---|",
            ]
            for name, e in s["endpoints"].items():
                lines.append(f"| {name} | {e['requests']} | {e['p50_ms']} | {e['p95_ms']} | {e['statuses']} |")
            lines += [
                "",
                "| gunicorn worker | RSS at start MiB | after 60 s | half-way | at the end | max | samples |",
                "|---|---|---|---|---|---|---|",
            ]
            for pid, m in s["memory"].items():
                lines.append(
                    f"| pid {pid} | {m['start_mib']} | {m['after_60s_mib']} | {m.get('half_mib', '–')} | {m['end_mib']} "
                    f"| {m['max_mib']} | {m['samples']} |"
                )
        lines.append("")
    return "\n".join(lines)


def write_report() -> None:
    text = RESULTS_MD.read_text()
    block = f"{START}\n\n{report()}\n{END}"
    if START in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Load (gunicorn, 2 workers, PostgreSQL)\n\n" + block + "\n"
    RESULTS_MD.write_text(text)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gunicorn --threads)")
    parser.add_argument("--sessions", type=int, default=4, help="logged-in sessions per person")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    # 1,500 requests in 5 rounds (~35 s): bursts of 300, long enough that a moment's load on the machine does
    # not decide an endpoint's figure (with 120 in 3 rounds the ratios moved by ±0.06 from run to run).
    parser.add_argument("--requests", type=int, default=1500, help="requests per endpoint")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over the endpoints")
    parser.add_argument("--warmup", type=int, default=8, help="requests per GET endpoint before measuring")
    parser.add_argument("--soak", type=float, default=0, help="seconds of mixed load instead (e.g. 600)")
    parser.add_argument("--sample", type=float, default=5, help="seconds between memory samples in the soak")
    parser.add_argument("--soak-signings", type=int, default=1500, help="requests prepared for the soak's signings")
    parser.add_argument("--log", default="/tmp/bench-load-gunicorn.log")
    parser.add_argument("--label", default="", help="results-<kind><-label>.json")
    parser.add_argument("--report", action="store_true", help="write the section in bench/RESULTS.md and stop")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if args.report:
        write_report()
        print(report())
        return
    out = run(args)
    _print(out)
    if not args.no_write:
        name = f"results-{out['kind']}{'-' + args.label if args.label else ''}.json"
        (HERE / name).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
        write_report()

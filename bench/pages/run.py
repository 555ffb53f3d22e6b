"""Page benchmark: server time (p50/p95), SQL query count and SQL time of each main page and API
list, for one database. A runnable module, never a unit test:

    DATABASE_URL=sqlite:////tmp/scale/demo.sqlite3 .venv/bin/python -m bench.pages --label demo
    DATABASE_URL=sqlite:////tmp/scale/region.sqlite3 .venv/bin/python -m bench.pages --label region
    .venv/bin/python -m bench.pages --report        # the table in bench/RESULTS.md from the runs

The database is one made by `seed_demo` (label "demo") or by `seed_demo` followed by
`generate_scale` ("region", "national"). Requests go through Django's test client in this
process with production settings (DEBUG off, the manifest static storage), so *server time* is
everything Django does for a request (middleware, view, SQL, template) without the network;
*SQL ms* is the time spent inside the database driver for that request, so the difference is
what Python costs; *CPU ms* the CPU time of this process for the request (on SQLite the database's
too), which does not grow with the load others put on the machine as the wall times do. Each
page is requested `--warmup` times, then `--runs` times.

The people are chosen the same way on every database, in Västra Götaland: the staff with the
most recent role assignment of each role (on a generated database, the generated one, whose
scope holds generated units), the handledare and huvudhandledare with the most BT-läkare, the
active BT-läkare with the most signed assessments.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE.parent / "RESULTS.md"
START, END = "<!-- pages:start -->", "<!-- pages:end -->"


def _production_settings() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btportal.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    # Staff need a second factor in production: without it every staff page is a redirect to the
    # MFA setup, and the benchmark would time that. The check is one session lookup in a middleware.
    os.environ["MFA_REQUIRED_FOR_STAFF"] = "0"


class _SqlTimer:
    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began
            self.count += 1


def _people():
    from django.db.models import Count, Q

    from accounts.models import Role, RoleAssignment, User
    from trainees.models import Placement, Trainee, TraineeStatus

    region_q = Q(region__slug="vgr") | Q(unit__region__slug="vgr")
    people = {}
    for role in (Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF):
        people[role] = RoleAssignment.objects.filter(region_q, role=role).order_by("-pk").first().user
    active = Trainee.objects.filter(region__slug="vgr", status=TraineeStatus.ACTIVE)
    trainee = active.annotate(n=Count("assessments")).order_by("-n", "pk").first()
    people["trainee"] = trainee
    people[Role.BT_LAKARE] = trainee.user
    busiest = (
        Placement.objects.filter(trainee__in=active, supervisor__isnull=False)
        .values("supervisor")
        .annotate(n=Count("trainee", distinct=True))
        .order_by("-n", "supervisor")
        .first()
    )
    people[Role.HANDLEDARE] = User.objects.get(pk=busiest["supervisor"])
    main = (
        Trainee.objects.filter(region__slug="vgr", main_supervisor__isnull=False)
        .exclude(status=TraineeStatus.COMPLETED)
        .values("main_supervisor")
        .annotate(n=Count("pk"))
        .order_by("-n", "main_supervisor")
        .first()
    )
    people[Role.HUVUDHANDLEDARE] = User.objects.get(pk=main["main_supervisor"])
    return people


def _pages(people):
    """(name, person, url) of every page measured."""
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import Role
    from intake.models import Round
    from organisations.models import Unit

    t = people["trainee"]
    kansli = people[Role.KANSLI]
    rnd = Round.objects.filter(region__slug="vgr").annotate(n=Count("applications")).order_by("-n", "pk").first()
    unit = (
        Unit.objects.filter(region__slug="vgr")
        .exclude(category="")
        .annotate(n=Count("placements"))
        .order_by("-n")
        .first()
    )
    pages = [
        ("home: BT-läkare", people[Role.BT_LAKARE], reverse("home")),
        ("home: handledare", people[Role.HANDLEDARE], reverse("home")),
        ("home: huvudhandledare", people[Role.HUVUDHANDLEDARE], reverse("home")),
        ("home: studierektor", people[Role.STUDIEREKTOR], reverse("home")),
        ("home: verksamhetschef", people[Role.VERKSAMHETSCHEF], reverse("home")),
        ("home: kansli", kansli, reverse("home")),
        ("handledare inbox", people[Role.HANDLEDARE], reverse("assessments:inbox")),
        ("huvudhandledare inbox", people[Role.HUVUDHANDLEDARE], reverse("assessments:inbox")),
        ("trainee list (kansli)", kansli, reverse("trainees:list")),
        ("trainee page", kansli, reverse("trainees:detail", args=[t.pk])),
        ("plan editor", kansli, reverse("trainees:plan", args=[t.pk])),
        ("progress matrix", people[Role.BT_LAKARE], reverse("portfolio:progress", args=[t.pk])),
        ("activities", people[Role.BT_LAKARE], reverse("portfolio:activities", args=[t.pk])),
        ("trainee's assessments", people[Role.BT_LAKARE], reverse("assessments:trainee", args=[t.pk])),
        ("readiness", kansli, reverse("certificates:readiness", args=[t.pk])),
        ("region timeline (12 months)", kansli, reverse("timelines:region", args=["vgr"])),
        ("unit timeline", kansli, reverse("timelines:unit", args=[unit.pk])),
        ("cohort dashboard (kansli)", kansli, reverse("reports:dashboard")),
        ("cohort dashboard (studierektor)", people[Role.STUDIEREKTOR], reverse("reports:dashboard")),
        ("cohort charts", kansli, reverse("reports:charts")),
        ("unit report", kansli, reverse("reports:unit", args=[unit.pk])),
        ("statistics (national)", kansli, reverse("reports:statistics")),
        ("intake rounds", kansli, reverse("intake:rounds")),
        ("intake round", kansli, reverse("intake:round", args=[rnd.pk])),
        ("planning runs", kansli, reverse("scheduling:runs")),
        ("API: trainees", kansli, "/api/v1/trainees"),
        ("API: assessments", kansli, "/api/v1/assessments"),
        ("API: units", kansli, "/api/v1/units"),
        ("API: certificates", kansli, "/api/v1/certificates"),
        ("API: statistics", kansli, "/api/v1/statistics"),
        ("export: region xlsx", kansli, reverse("trainees:export_region", args=["vgr"])),
    ]
    from scheduling.models import PlanningRun

    run = PlanningRun.objects.filter(region__slug="vgr").order_by("-pk").first()
    if run is not None:
        pages.append(("planning review", kansli, reverse("scheduling:run", args=[run.pk])))
    return pages


def _measure(client, url, *, warmup, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url, secure=True)
    status = response.status_code
    size = (
        len(response.content)
        if not getattr(response, "streaming", False)
        else len(b"".join(response.streaming_content))
    )
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    queries = len(captured.captured_queries)
    times, sql, cpu = [], [], []
    for _ in range(runs):
        timer = _SqlTimer()
        with connection.execute_wrapper(timer):
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, secure=True)
            if getattr(response, "streaming", False):
                for _chunk in response.streaming_content:
                    pass
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        sql.append(timer.seconds)
    times.sort()
    return {
        "status": status,
        "bytes": size,
        "queries": queries,
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000, 1),
        "sql_ms": round(statistics.median(sql) * 1000, 1),
        # The CPU time of this process (Python and, on SQLite, the database too): what a page costs
        # whatever else the machine is doing, where the wall times above grow with its load.
        "cpu_ms": round(statistics.median(cpu) * 1000, 1),
    }


def _volume():
    from assessments.models import Assessment
    from organisations.models import Unit
    from portfolio.models import Activity
    from trainees.models import Placement, Trainee

    return {
        "trainees": Trainee.objects.count(),
        "trainees_vgr": Trainee.objects.filter(region__slug="vgr").count(),
        "units": Unit.objects.count(),
        "placements": Placement.objects.count(),
        "assessments": Assessment.objects.count(),
        "activities": Activity.objects.count(),
    }


def measure(*, label: str, warmup: int, runs: int, only: str | None) -> dict:
    import django

    _production_settings()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    people = _people()
    import btportal.wsgi  # noqa: F401 — settles the process (gc.freeze) as in a gunicorn worker once loaded

    out = {
        "label": label,
        "database": connection.vendor,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} × {platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "volume": _volume(),
        "load_before": round(os.getloadavg()[0], 1),
        "pages": {},
    }
    clients = {}
    for name, person, url in _pages(people):
        if only and only.lower() not in name.lower():
            continue
        client = clients.get(person.pk)
        if client is None:
            client = clients[person.pk] = Client()
            client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        # An export takes seconds at scale: three runs of it tell as much.
        result = (
            _measure(client, url, warmup=min(warmup, 1), runs=min(runs, 3))
            if name.startswith("export")
            else (_measure(client, url, warmup=warmup, runs=runs))
        )
        result["url"] = url
        out["pages"][name] = result
        print(
            f"{name:34} {result['status']} {result['p50_ms']:8.1f} {result['p95_ms']:8.1f} ms"
            f" {result['queries']:4} q {result['sql_ms']:7.1f} ms SQL {result['cpu_ms']:7.1f} ms CPU"
            f" {result['bytes'] // 1024:6} kB",
            flush=True,
        )
    out["load_after"] = round(os.getloadavg()[0], 1)
    path = HERE / f"results-{label}-{connection.vendor}.json"
    if not only:
        path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    return out


def report() -> None:
    """The table of every results-*.json into bench/RESULTS.md between the markers."""
    runs = [json.loads(p.read_text()) for p in sorted(HERE.glob("results-*.json"))]
    if not runs:
        sys.exit("no results-*.json yet: run the benchmark first")
    order = {"demo": 0, "region": 1, "national": 2}
    runs.sort(key=lambda r: (r["database"], order.get(r["label"], 9)))
    lines = [START, ""]
    for r in runs:
        v = r["volume"]
        lines.append(
            f"* **{r['label']} on {r['database']}** ({r['when']}, {r['machine']}, load average"
            f" {r.get('load_before')} → {r.get('load_after')}): {v['trainees']} BT-läkare"
            f" ({v['trainees_vgr']} in VGR), {v['units']} units, {v['placements']} placements,"
            f" {v['assessments']} assessments, {v['activities']} activities."
        )
    lines.append("")
    head = (
        "| page | "
        + " | ".join(
            f"{r['label']} {r['database']}: p50 / p95 ms (queries, SQL ms"
            + (", CPU ms" if any("cpu_ms" in x for x in r["pages"].values()) else "")
            + ")"
            for r in runs
        )
        + " |"
    )
    lines += [head, "|---|" + "---|" * len(runs)]
    names = list(dict.fromkeys(n for r in runs for n in r["pages"]))
    for name in names:
        cells = []
        for r in runs:
            x = r["pages"].get(name)
            if x is None:
                cells.append("–")
                continue
            flag = " ⚠" if x["p95_ms"] > 100 else ""
            bad = "" if x["status"] == 200 else f" HTTP {x['status']}"
            cpu = f", {x['cpu_ms']:g}" if "cpu_ms" in x else ""
            cells.append(f"{x['p50_ms']:g} / {x['p95_ms']:g}{flag} ({x['queries']}, {x['sql_ms']:g}{cpu}){bad}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", END]
    text = RESULTS_MD.read_text()
    block = "\n".join(lines)
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += "\n## Pages (bench/pages)\n\n" + block + "\n"
    RESULTS_MD.write_text(text)
    print(f"wrote {RESULTS_MD}")


def main() -> None:
    sys.path.insert(0, str(HERE.parent.parent))
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="demo", help="what the database holds: demo, region, national")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--only", help="only the pages whose name contains this")
    parser.add_argument("--report", action="store_true", help="write the table to bench/RESULTS.md and stop")
    args = parser.parse_args()
    if args.report:
        report()
    else:
        measure(label=args.label, warmup=args.warmup, runs=args.runs, only=args.only)

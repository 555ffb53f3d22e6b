"""Every spreadsheet export of the project, found from the URL conf and from the code, writes text
that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) as text.

Two nets, so that a new export is covered without anyone remembering to add it here:
- every URL that looks like an export (its route says `export`, `.xlsx` or `.csv`) is fetched by
  the admin in a world full of hostile names, and every spreadsheet it answers with is checked;
  an export URL with a parameter this test cannot fill fails, so it must be added below;
- no module but the one writer (`core.exports`) writes CSV or builds a workbook itself.
"""

import ast
import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from btportal import factories as f
from btportal.tests.test_url_permissions import project_patterns
from core.exports import XLSX_CONTENT_TYPE

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://evil","klicka")', "+46 1", "@SUM(A1)", "-2+3", "\t=1", "\r=1"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_ROUTE = re.compile(r"export|\.xlsx|\.csv", re.I)
# Export views that are not themselves a file (the list, the form posting a background job).
NOT_A_FILE = {"reports.views.export_list", "reports.views.export_start", "reports.views.region_export_start"}
# Files that hold no data of ours (the import template: headers and an example row).
NO_DATA = {"trainees.import_views.import_template"}
# Files of figures only, with no text a person typed (the anonymity rule keeps evaluations' free text out of
# files): the formula check applies, the hostile names have nowhere to appear.
FIGURES_ONLY = {"quality.evaluation_views.unit_evaluations_export"}


def export_patterns():
    for route, pattern in project_patterns():
        if EXPORT_ROUTE.search(route) and not route.startswith("api/v1/"):
            yield route, pattern


def spreadsheet_texts(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"]
    if kind == XLSX_CONTENT_TYPE or (content[:2] == b"PK" and "zip" not in kind):
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"], "a formula cell"
        return [c.value for c in cells if isinstance(c.value, str)]
    if kind.startswith("text/csv"):
        text = content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]
    return []


@pytest.fixture
def hostile_world(world, settings, tmp_path):
    """Every kind of text a user or an import can put into an export, made hostile."""
    from intake.tests.factories import make_application, make_round
    from reports.tests.factories import make_cohort
    from trainees.models import Placement

    settings.MEDIA_ROOT = tmp_path
    make_cohort(world, 2)
    world.vgr.name = "@SUM(B2)"  # the statistics' rows are regions
    world.vgr.save()
    unit = f.make_unit(world.vgr, HOSTILE[1], category="akut")
    user = world.trainee.user
    user.first_name, user.last_name = HOSTILE[0], HOSTILE[2]
    user.save()
    world.trainee.st_specialty, world.trainee.degree_country = HOSTILE[3], HOSTILE[4]
    world.trainee.save()
    Placement.objects.create(
        trainee=world.trainee, category="akut", unit=unit, start="2026-11-01", end="2027-04-30", note=HOSTILE[5]
    )
    round = make_round(world.vgr, name=HOSTILE[0])
    make_application(
        round, unit=unit, first_name=HOSTILE[0], last_name=HOSTILE[2], phone=HOSTILE[1], decision_reason=HOSTILE[3]
    )
    return world, round


def background_export_tokens(client, fmt):
    """A finished background export of the dashboard (the `<uuid:token>` download)."""
    from django.urls import reverse

    from core.tests.jobs import run_ready_jobs
    from reports.models import Export

    client.post(reverse("reports:export_start"), {"format": fmt, "status": "all"})
    run_ready_jobs()
    return [str(e.token) for e in Export.objects.filter(format=fmt)]


def test_it_finds_the_exports():
    routes = [route for route, _ in export_patterns()]
    assert len(routes) >= 6, routes


@pytest.mark.django_db
def test_every_export_url_writes_hostile_text_as_text(client, hostile_world):
    world, round = hostile_world
    client.force_login(world.users["admin"])
    values = {
        "fmt": lambda: ["xlsx", "csv"],
        "slug": lambda: [world.vgr.slug],
        "pk": lambda route: (
            [round.pk]
            if route.startswith("intake/")
            else [world.clinic.pk]
            if route.startswith("quality/units/")
            else [world.trainee.pk]
        ),
        "token": lambda: background_export_tokens(client, "xlsx") + background_export_tokens(client, "csv"),
    }
    checked = 0
    for route, pattern in export_patterns():
        view = f"{pattern.callback.__module__}.{pattern.callback.__name__}"
        if view in NOT_A_FILE:
            continue
        urls = ["/" + route]
        for name in pattern.pattern.converters:
            assert name in values, f"/{route}: give this test a value for <{name}> so the export is checked"
            fill = values[name]
            options = fill(route) if fill.__code__.co_argcount else fill()
            assert options, f"/{route}: no value for <{name}>"
            placeholder = re.compile(r"<(?:\w+:)?" + name + ">")
            urls = [placeholder.sub(str(option), url) for url in urls for option in options]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            texts = spreadsheet_texts(response)
            if not texts:
                continue
            checked += 1
            hostile = [t for t in texts if t.startswith(FORMULA_STARTS)]
            assert not hostile, (url, hostile)
            if view not in NO_DATA | FIGURES_ONLY:  # the hostile names are there, as text
                assert any(t.startswith("'" + HOSTILE[0][:5]) or t.startswith("'@SUM") for t in texts), url
    # the region's plans, the intake round, the template, the dashboard (2), background exports (2)
    assert checked >= 7


def test_only_the_one_writer_writes_spreadsheets():
    from btportal.tests.test_layers import is_test_module, layer_order

    allowed = {"core/exports.py": {"openpyxl", "csv.writer"}, "core/tables.py": {"openpyxl"}}
    found = []
    for app in layer_order():
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if is_test_module(relative) or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                used = None
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                    if any(n.split(".")[0] in ("openpyxl", "xlsxwriter") for n in names):
                        used = "openpyxl"
                elif (
                    isinstance(node, ast.Attribute)
                    and node.attr in ("writer", "DictWriter")
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "csv"
                ):
                    used = "csv.writer"
                if used and used not in allowed.get(str(relative), set()):
                    found.append(f"{relative}:{node.lineno} {used}: write exports with core.exports")
    assert not found, found

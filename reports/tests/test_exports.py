"""Large exports as background jobs, downloaded by their owner only; and the exports page."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.jobs import run_ready_jobs
from reports import tasks
from reports.models import Export, ExportStatus

from .factories import make_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_background_export_is_made_by_a_worker_and_downloaded_by_its_owner(client, world):
    make_cohort(world, 3)
    client.force_login(world.users["kansli"])
    response = client.post(reverse("reports:export_start"), {"format": "xlsx", "status": "all", "sort": "-months"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:exports")
    export = Export.objects.get()
    assert export.status == ExportStatus.QUEUED and export.params["status"] == "all"
    run_ready_jobs()
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.rows == 4
    page = client.get(reverse("reports:exports")).content.decode()
    assert export.get_absolute_url() in page
    download = client.get(export.get_absolute_url())
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert sheet.max_row == 5
    # Only the owner: another kansli of the same region gets nothing
    client.force_login(world.users["studierektor"])
    assert client.get(export.get_absolute_url()).status_code == 404


def test_the_job_uses_the_owners_permissions_when_it_runs(client, world):
    from accounts.models import RoleAssignment

    make_cohort(world, 2)
    client.force_login(world.users["kansli"])
    client.post(reverse("reports:export_start"), {"format": "csv", "status": "all"})
    RoleAssignment.objects.filter(user=world.users["kansli"]).delete()
    run_ready_jobs()
    export = Export.objects.get()
    assert export.status == ExportStatus.DONE and export.rows == 0


def test_a_failed_job_fails_its_export(client, world, monkeypatch):
    def boom(export):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "build", boom)
    client.force_login(world.users["kansli"])
    client.post(reverse("reports:export_start"), {"format": "csv"})
    run_ready_jobs()
    export = Export.objects.get()
    assert export.status == ExportStatus.FAILED and "disk full" in export.message
    assert client.get(export.get_absolute_url()).status_code == 404


def test_the_exports_page_takes_the_same_queries_for_few_and_many(client, world):
    client.force_login(world.users["kansli"])
    user = world.users["kansli"]
    Export.objects.create(user=user, kind="cohort", format="csv")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:exports"))
    Export.objects.bulk_create([Export(user=user, kind="cohort", format="csv") for _ in range(40)])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reports:exports"))
    assert len(response.context["page"]) == 25
    assert len(many) == len(few)


def test_only_xlsx_and_csv(client, world):
    client.force_login(world.users["kansli"])
    assert client.post(reverse("reports:export_start"), {"format": "exe"}).status_code == 404


def test_old_exports_are_pruned_with_their_files(client, world):
    import datetime
    import os

    from django.core.management import call_command
    from django.utils import timezone

    make_cohort(world, 1)
    client.force_login(world.users["kansli"])
    client.post(reverse("reports:export_start"), {"format": "csv"})
    client.post(reverse("reports:export_start"), {"format": "xlsx"})
    run_ready_jobs()
    old, new = Export.objects.order_by("pk")
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    path = old.file.path
    call_command("prune_exports", stdout=io.StringIO())
    assert list(Export.objects.all()) == [new]
    assert not os.path.exists(path)
    # A file gone from the storage is a 404, not an error
    os.remove(new.file.path)
    assert client.get(new.get_absolute_url()).status_code == 404


def test_a_large_region_export_is_made_in_the_background(client, world, settings):
    """A region with more BT-läkare than an inline export may hold is offered as a background
    export, downloaded from the exports page when done (the same file as the inline one)."""
    make_cohort(world, 3)
    client.force_login(world.users["kansli"])
    url = reverse("trainees:export_region", args=[world.vgr.slug])
    inline = client.get(url)
    assert inline["Content-Type"].startswith("application/vnd.openxmlformats")
    settings.REPORTS_INLINE_EXPORT_ROWS = 2
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="start-region-export"' in page.content
    response = client.post(reverse("reports:region_export", args=[world.vgr.slug]))
    assert response.status_code == 302 and response["Location"] == reverse("reports:exports")
    run_ready_jobs()
    export = Export.objects.get()
    assert export.status == ExportStatus.DONE and export.rows == 4
    download = client.get(export.get_absolute_url())
    made = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    direct = openpyxl.load_workbook(io.BytesIO(inline.content))
    assert [list(ws.values) for ws in made.worksheets] == [list(ws.values) for ws in direct.worksheets]
    client.force_login(world.users["handledare"])
    assert client.post(reverse("reports:region_export", args=[world.vgr.slug])).status_code == 403

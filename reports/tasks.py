"""Large exports as background jobs (core.jobs; run by `manage.py db_worker`).

`start_export` writes the Export row and queues its job in one transaction. The job computes the
dashboard with the owner's permissions as they are when it runs (a role lost meanwhile gives an empty
export, not an old one), writes the file to the default storage under a random name and marks the
export done; the owner downloads it from the exports page (never by a public URL). The export follows
its job: a job that fails in any way (an exception, its workers lost: `task_finished`) fails the export.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.jobs import TaskResultStatus, error_message, is_worker_lost, task, task_finished
from reports.models import Export, ExportKind, ExportStatus

log = logging.getLogger(__name__)


@transaction.atomic
def start_export(*, user, kind: str, fmt: str, params: dict, language: str) -> Export:
    export = Export.objects.create(user=user, kind=kind, format=fmt, params={**params, "_language": language})
    make_export.enqueue(export.pk)  # the job is a row of the same database: both or neither
    return export


@task()
def make_export(export_id: int) -> str:
    claimed = Export.objects.filter(pk=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return "skipped: the export is finished or gone"
    export = Export.objects.select_related("user").get(pk=export_id)
    try:
        with override(export.params.get("_language") or None):
            content, rows, name = build(export)
        export.file.save(name, ContentFile(content), save=False)
        export.rows, export.status, export.finished_at = rows, ExportStatus.DONE, timezone.now()
        export.save(update_fields=["file", "rows", "status", "finished_at"])
    except Exception as error:
        fail_export(export_id, f"{type(error).__name__}: {error}")
        raise
    return export.status


def build(export: Export) -> tuple[bytes, int, str]:
    from reports import exports
    from reports.dashboard import cohort_for

    if export.kind == ExportKind.REGION_PLANS:
        return _region_plans(export)
    if export.kind != ExportKind.COHORT:
        raise ValueError(f"unknown export kind {export.kind!r}")
    params = {k: v for k, v in export.params.items() if not k.startswith("_")}
    rows = cohort_for(export.user, params).rows
    content = exports.render([exports.cohort_sheet(rows)], export.format)
    return content, len(rows), exports.filename("bt-kohort", export.format)


def _region_plans(export: Export) -> tuple[bytes, int, str]:
    """A region's plans in the import format (trainees.exporting), with the owner's permissions
    as they are when the job runs (a region they may no longer export gives an empty file)."""
    from core.exports import write_xlsx
    from organisations.models import Region
    from organisations.permissions import EXPORT_REGION
    from trainees import exporting

    region = Region.objects.get(slug=export.params["region"])
    if not EXPORT_REGION.allows(export.user, region):
        raise PermissionError(_("You may no longer export the plans of this region."))
    sheets = exporting.region_sheets(export.user, region)
    rows = len(sheets[0].rows) if sheets else 0
    return write_xlsx(sheets), rows, exporting.export_filename(region, timezone.localdate())


def fail_export(export_id: int, message: str) -> bool:
    return bool(
        Export.objects.filter(pk=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).update(
            status=ExportStatus.FAILED, message=message[:2000], finished_at=timezone.now()
        )
    )


@receiver(task_finished, dispatch_uid="reports.export_follows_its_job")
def export_follows_its_job(sender, task_result, **kwargs):
    if task_result.status != TaskResultStatus.FAILED or task_result.task.module_path != make_export.module_path:
        return
    if is_worker_lost(task_result):
        message = _("The worker making the export stopped too many times. Try again, perhaps with fewer rows.")
    else:
        message = _("The export failed: %(error)s") % {"error": error_message(task_result)}
    export_id = task_result.args[0] if task_result.args else task_result.kwargs.get("export_id")
    try:
        fail_export(export_id, message)
    except DatabaseError:
        log.exception("export %s: could not record the failure of its job", export_id)

"""The background job of cohort planning (core.jobs; run by `manage.py db_worker`), and the
planning run's status as the job goes.

`planning.start_run` queues the job with the run. The run follows its job: `begin_run` when a
worker starts it (again, when a worker died on it), `execute_run` when the planner is done,
`fail_run` when the job fails in any way — an exception of the planner, seen by the task, or one
the task never sees (its workers lost too often: core.jobs.WorkerLost; a forced stop), through
`task_finished`. So a run never stays "running".
"""

import logging
import time

from django.db import DatabaseError
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import TaskResultStatus, error_message, is_worker_lost, task, task_finished
from core.textlimits import MAX_TEXT
from scheduling.models import PlanningRun, RunStatus

log = logging.getLogger(__name__)


@task()
def solve_planning_run(run_id: int) -> str:
    """Solve the planning run `run_id` and store the proposal on it."""
    run = begin_run(run_id)
    if run is None:
        return "skipped: the run is finished or gone"
    try:
        run = execute_run(run)
    except Exception as error:
        fail_run(run_id, failure_message(error))
        raise  # the job fails too, with the traceback for the administrator
    return run.status


def begin_run(run_id: int) -> PlanningRun | None:
    """A worker starts the run: queued → running. Running → running too: the job runs again
    after its worker died (core.jobs). None when the run is finished or deleted."""
    started = PlanningRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.RUNNING, claimed_at=timezone.now(), progress={}
    )
    return PlanningRun.objects.get(pk=run_id) if started else None


def execute_run(run: PlanningRun) -> PlanningRun:
    """Solve and store the proposal; progress is saved at most once a second. Raises what the
    planner raises."""
    from scheduling.model import Cohort
    from scheduling.solver import solve

    last = [0.0]

    def progress(info: dict) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            PlanningRun.objects.filter(pk=run.pk).update(progress=info)

    cohort = Cohort.from_dict(run.cohort)
    solution = solve(cohort, run.method, time_limit=run.time_limit, seed=run.pk, progress=progress)
    run.result = solution.to_dict()
    run.status, run.message = RunStatus.DONE, ""
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "result", "finished_at"])
    return run


def failure_message(error: Exception) -> str:
    """What the run page says about an exception of the planner."""
    if isinstance(error, ValueError):  # CohortFormatError included: the planner's words about its input
        return str(error)
    return _("The planner stopped with an error: %(error)s") % {"error": f"{type(error).__name__}: {error}"}


def fail_run(run_id: int, message: str) -> bool:
    """A run that is still waiting or running fails with `message` (True if it did; a message longer than
    the column holds is cut)."""
    return bool(
        PlanningRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
            status=RunStatus.FAILED, message=message[:MAX_TEXT], finished_at=timezone.now()
        )
    )


@receiver(task_finished, dispatch_uid="scheduling.run_follows_its_job")
def run_follows_its_job(sender, task_result, **kwargs):
    """A failed planning job whose run still waits: the run fails with the job's reason."""
    if task_result.status != TaskResultStatus.FAILED or task_result.task.module_path != solve_planning_run.module_path:
        return
    if is_worker_lost(task_result):
        message = _(
            "The planner's worker stopped while planning (killed or out of memory) too many times. "
            "Start a new run, perhaps with a shorter time limit or fewer BT doctors."
        )
    else:
        message = _("The planning job failed: %(error)s") % {"error": error_message(task_result)}
    run_id = task_result.args[0] if task_result.args else task_result.kwargs.get("run_id")
    try:
        fail_run(run_id, message)
    except DatabaseError:
        # Raising here would stop the library's worker; the log keeps why the run was not updated.
        log.exception("planning run %s: could not record the failure of its job", run_id)

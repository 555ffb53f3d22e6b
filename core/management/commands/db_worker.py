"""`manage.py db_worker`: django-tasks-db's worker with core.jobs' heartbeat and recovery of jobs
whose worker died (core/worker.py). It takes the library's command name on purpose (`core` comes
before `django_tasks_db` in INSTALLED_APPS, as staticfiles does with runserver), so no worker of
this project runs without the recovery. Options are the library's."""

import logging
import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as library

from core.worker import Worker, new_worker_id

logger = logging.getLogger("django_tasks_db")


class Command(library.Command):
    help = "Run background jobs: django-tasks-db's worker, plus recovery of jobs whose worker died."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=new_worker_id())

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        # As the library's handle (django-tasks-db 0.13), with core's Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process, which runs the jobs
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

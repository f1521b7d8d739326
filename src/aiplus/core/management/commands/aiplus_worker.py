"""`manage.py aiplus_worker`: django-tasks-db's `db_worker` (same options) that holds a lease while it runs.

It registers a heartbeat, recovers the tasks of workers that were lost (aiplus.core.workers) when it starts, and
from a thread renews its heartbeat and recovers again every AIPLUS_WORKER_HEARTBEAT_SECONDS. It stops with a
non-zero exit code, for its supervisor (scripts/run.sh) to start it again, when its main loop dies on an error (also
under --reload, where Django's reloader would otherwise keep the process alive without a worker), when it cannot
renew its lease for nearly a whole lease, or when another worker has already declared it lost.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from aiplus.core import workers

logger = logging.getLogger("django_tasks_db")


def _exit_now(code: int) -> None:
    """Leave the process at once, whatever thread this is (a thread's sys.exit would only end the thread)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class LeasedWorker(Worker):
    def __init__(self, *, heartbeat_seconds: float, lease_seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heartbeat_seconds = heartbeat_seconds
        self.lease_seconds = lease_seconds
        self._stopping = threading.Event()
        self._lease_thread: threading.Thread | None = None

    def run(self) -> None:
        recovered = workers.recover_lost_tasks(restarted=self.worker_id)
        workers.register(self.worker_id, queues=self.queue_names)
        if recovered:
            logger.info("Recovered %d task(s) of lost workers.", len(recovered))
        self._lease_thread = threading.Thread(target=self._keep_lease, name="aiplus-lease", daemon=True)
        self._lease_thread.start()
        try:
            super().run()
        finally:
            self._stopping.set()
            self._lease_thread.join(timeout=self.heartbeat_seconds + 30)
            workers.retire(self.worker_id)

    def _keep_lease(self) -> None:
        """Renew the heartbeat and recover lost tasks until the worker stops. Dies with the process when the lease
        cannot be kept: a worker that others believe lost must not go on running their requeued tasks."""
        renewed = time.monotonic()
        try:
            while not self._stopping.wait(self.heartbeat_seconds):
                close_old_connections()
                try:
                    if not workers.beat(self.worker_id):
                        logger.critical("Worker %s was declared lost by another worker; stopping.", self.worker_id)
                        _exit_now(1)
                    renewed = time.monotonic()
                    workers.recover_lost_tasks()
                except Exception:
                    logger.exception("Renewing the lease of worker %s failed", self.worker_id)
                    if time.monotonic() - renewed > self.lease_seconds - self.heartbeat_seconds:
                        logger.critical("Worker %s could not renew its lease; stopping.", self.worker_id)
                        _exit_now(1)
        except BaseException:
            logger.exception("The lease thread of worker %s died; stopping.", self.worker_id)
            _exit_now(1)
        finally:
            connection.close()


class Command(DbWorkerCommand):
    help = ("Run a background worker that holds a lease: the tasks of a worker that died are queued again "
            "(db_worker's options)")

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool, backend_name: str,
               startup_delay: bool, reload: bool, max_tasks: int | None, worker_id: str, exclude_queues: str,
               **options: Any) -> None:
        self.configure_logging(verbosity)
        heartbeat, lease = settings.AIPLUS_WORKER_HEARTBEAT_SECONDS, settings.AIPLUS_WORKER_LEASE_SECONDS
        if not 0 < 2 * heartbeat <= lease:
            raise CommandError("AIPLUS_WORKER_LEASE_SECONDS must be at least twice AIPLUS_WORKER_HEARTBEAT_SECONDS, "
                               "and both above zero")
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = LeasedWorker(queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
                              startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
                              excluded_queue_names=excluded_queue_names, heartbeat_seconds=heartbeat,
                              lease_seconds=lease)
        if not reload:
            # An error in the loop propagates: the process exits non-zero (the lease thread is a daemon).
            worker.configure_signals()
            worker.run()
            return

        def run_or_exit() -> None:
            # Under the reloader the worker is a daemon thread beside the file watcher: if it ended, the process
            # would stay up doing nothing. End the process instead; the reloader's parent exits with the same code.
            code = 0
            try:
                worker.run()
            except BaseException:
                logger.exception("Worker %s stopped on an error; exiting.", worker.worker_id)
                code = 1
            _exit_now(code)

        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            worker.configure_signals()  # only the child process, which runs the worker
        run_with_reloader(run_or_exit)

"""The background worker: parses uploads and is the only writer of the index (huey, with its SQLite storage).

``Worker(root)`` is the queue of one store (``ARCHIVE_DIR/queue.db``): the web app enqueues on it, and
``flask worker`` consumes it. Two kinds of job:

- ``parse_upload(id)``: one uploaded file, parsed into its draft (``archive.uploads.process``); small files
  get a higher priority than big ones, and two worker threads run side by side (each parse in its own
  sandboxed process), so a 100-page scan in OCR does not hold up the small files behind it;
- ``sync_index()``: carry out the index requests that SQLite writes queued (``archive.indexing``);
- the app's own periodic jobs (``periodic``: the daily e-mail alert digests at ``ALERTS_AT``);
- ``nightly_snapshot()``, periodic (``SNAPSHOT_AT``, huey's clock is UTC): the published archive as one SQLite file,
  ``ARCHIVE_DIR/snapshot/antragsarchiv.db`` (``archive.store.snapshot``), which ``/api/snapshot.db`` serves.

huey drops a job from its queue when it starts it; the truth about what is left to do is in SQLite (uploads in
state ``queued``/``processing``, the index outbox), so at each start the worker queues again what a killed
worker left unfinished. With ``immediate`` (setting ``WORKER=inline``), jobs run at once in the caller's
process instead (tests, a single-process demo).
"""

import logging
import math
import threading
from collections.abc import Callable
from pathlib import Path

from huey import SqliteHuey, crontab

from archive import uploads
from archive.store import snapshot

log = logging.getLogger(__name__)

THREADS = 2
QUEUE_FILE = "queue.db"
SNAPSHOT_AT = {"hour": "3", "minute": "15"}  # every night at 03:15 UTC


class Worker:
    """The job queue of the store at ``root``; ``open_archive()`` opens an ``Archive`` of it for each job
    (closed after it)."""

    def __init__(self, root: Path, open_archive: Callable, immediate: bool = False,
                 periodic: dict[str, tuple[dict, Callable[[], None]]] | None = None):
        self.root = Path(root)
        self.periodic = dict(periodic or {})  # name -> (crontab arguments, job): jobs the app adds
        self._archive = open_archive
        self.immediate = immediate
        self._huey = None
        self._lock = threading.Lock()

    @property
    def huey(self) -> SqliteHuey:
        """The queue, opened on first use (commands like ``inspect`` have no store folder)."""
        with self._lock:
            if self._huey is None:
                self.root.mkdir(parents=True, exist_ok=True)
                huey = SqliteHuey("antragsarchiv", filename=str(self.root / QUEUE_FILE), immediate=self.immediate,
                                  results=False)
                self._parse = huey.task(name="parse_upload")(self._parse_upload)
                self._sync = huey.task(name="sync_index", priority=100)(self._sync_index)
                self._snapshot = huey.periodic_task(crontab(**SNAPSHOT_AT), name="nightly_snapshot")(
                    self._nightly_snapshot)
                for name, (when, job) in self.periodic.items():
                    huey.periodic_task(crontab(**when), name=name)(job)
                self._huey = huey
            return self._huey

    # -- enqueueing (the web app) ----------------------------------------

    def parse(self, upload: uploads.Upload) -> None:
        """Queue the parse of an accepted upload, smaller files first."""
        _ = self.huey
        self._parse(upload.id, priority=priority(upload.size))

    def sync(self) -> None:
        """Queue an index sync (after a write to SQLite)."""
        _ = self.huey
        self._sync()

    # -- running (``flask worker``) ----------------------------------------

    def recover(self) -> int:
        """Queue again what a killed worker left: uploads not finished, and an index sync. Returns how many
        uploads were queued again."""
        archive = self._archive()
        try:
            pending = uploads.requeue(archive.store)
            sizes = {upload.id: upload.size for upload in uploads.many(archive.store, pending)}
        finally:
            archive.close()
        _ = self.huey
        for upload_id in pending:
            self._parse(upload_id, priority=priority(sizes.get(upload_id, 0)))
        self.sync()
        return len(pending)

    def run(self, threads: int = THREADS) -> None:
        """Consume jobs until stopped (SIGINT/SIGTERM)."""
        requeued = self.recover()
        log.info("worker for %s started, %d unfinished uploads queued again", self.root, requeued)
        consumer = self.huey.create_consumer(workers=threads, worker_type="thread", periodic=True)
        consumer.run()

    # -- the jobs ------------------------------------------------------------

    def _parse_upload(self, upload_id: int) -> None:
        archive = self._archive()
        try:
            done = uploads.process(archive.store, upload_id)
            if done is not None:
                log.info("upload %s (%s): %s", upload_id, done.name, done.state)
            archive.sync_index()
        finally:
            archive.close()

    def _sync_index(self) -> None:
        archive = self._archive()
        try:
            archive.sync_index()
        finally:
            archive.close()

    def _nightly_snapshot(self) -> None:
        archive = self._archive()
        try:
            path = snapshot.folder(self.root) / snapshot.NIGHTLY_NAME
            log.info("snapshot: %d published documents written to %s", archive.snapshot(path), path)
        finally:
            archive.close()


def priority(size: int) -> int:
    """Higher for smaller files: huey runs the highest priority first (a 20 KB motion before a 50 MB scan)."""
    return 50 - int(math.log2(max(size, 1)))

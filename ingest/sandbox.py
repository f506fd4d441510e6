"""Run parsers in child processes with a time limit and a memory limit.

Each file is parsed in a forked child with ``RLIMIT_AS`` set; the parent
waits with a deadline and kills a child that overruns. Up to ``workers``
children run at once, so a batch uses every core and one bad file never
stops the others.

Workers die with the process that started them: each asks the kernel for ``SIGKILL`` when its parent
dies (``PR_SET_PDEATHSIG``, Linux), and so does each converter a worker starts (``ingest.tools``), so a
``kill -9`` of ``flask ingest`` or of the worker leaves no parse and no tesseract running. The signal comes
when the parent *thread* that forked ends: ``run_limited`` must be iterated to its end by one thread (a
request, a CLI command, a worker thread), not handed between threads.

A long job that makes progress (OCR of a long scan, page by page) calls
``progress()``: each call gives it another ``Limits.seconds``, up to
``Limits.max_seconds`` in all. A parser that hangs still stops after
``seconds`` without progress.
"""

import ctypes
import logging
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import connection, get_context

from ingest.errors import CorruptFile, IngestError, ParseMemoryError, ParseTimeout

log = logging.getLogger(__name__)

_CTX = get_context("fork")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one parse."""

    seconds: float = 300.0  # without progress (OCR reports each page, about 3 s)
    memory_bytes: int = 2 * 1024**3
    max_seconds: float = 3600.0  # in all, progress or not
    max_file_bytes: int = 100 * 1024**2


@dataclass
class _Running:
    process: object
    conn: connection.Connection
    item: object
    deadline: float
    idle_seconds: float
    hard_deadline: float


_PROGRESS = object()
_reporter: connection.Connection | None = None  # the pipe to the parent, in a child


def progress() -> None:
    """Tell the parent that this parse is still making progress (a no-op outside a sandboxed child)."""
    if _reporter is not None:
        _reporter.send(("progress", None))


def run_limited(
    func: Callable, items: Iterable, limits: Limits, workers: int = 1
) -> Iterator[tuple[object, object]]:
    """Yield ``(item, func(item) or IngestError)`` in completion order."""
    pending = iter(items)
    running: dict[connection.Connection, _Running] = {}
    while True:
        while len(running) < max(workers, 1):
            item = next(pending, _DONE)
            if item is _DONE:
                break
            job = _start(func, item, limits)
            running[job.conn] = job
        if not running:
            return
        yield from _collect(running)


_DONE = object()


def _start(func: Callable, item, limits: Limits) -> _Running:
    parent_conn, child_conn = _CTX.Pipe(duplex=False)
    args = (child_conn, func, item, limits.memory_bytes, os.getpid())
    process = _CTX.Process(target=_child, args=args, daemon=True)
    process.start()
    _own_group(process.pid)
    child_conn.close()
    started = time.monotonic()
    hard = started + max(limits.max_seconds, limits.seconds)
    return _Running(process, parent_conn, item, min(started + limits.seconds, hard), limits.seconds, hard)


def _collect(running: dict) -> Iterator[tuple[object, object]]:
    timeout = max(0.0, min(job.deadline for job in running.values()) - time.monotonic())
    ready = connection.wait(list(running), timeout=timeout)
    for conn in ready:
        job = running[conn]
        result = _receive(job)
        if result is _PROGRESS:
            job.deadline = min(time.monotonic() + job.idle_seconds, job.hard_deadline)
            continue
        del running[conn]
        yield job.item, result
    now = time.monotonic()
    for conn in [c for c, job in running.items() if job.deadline <= now]:
        job = running.pop(conn)
        _stop(job)
        log.warning("parser timed out on %s", job.item)
        yield job.item, ParseTimeout(f"parser exceeded its time limit on {job.item}")


def _receive(job: _Running):
    """The child's result (the job is then stopped), or ``_PROGRESS``."""
    try:
        status, payload = job.conn.recv()
    except (EOFError, OSError):
        payload = _crashed(job)
    else:
        if status == "progress":
            return _PROGRESS
        if status == "memory":
            payload = ParseMemoryError(f"parser exceeded its memory limit on {job.item}")
    _stop(job)
    return payload


def _crashed(job: _Running) -> IngestError:
    job.process.join(timeout=5)
    code = job.process.exitcode
    log.error("parser process died on %s with exit code %s", job.item, code)
    if code is not None and code < 0 and -code == 9:
        return ParseMemoryError(f"parser killed (out of memory?) on {job.item}")
    return CorruptFile(f"parser process died (exit code {code}) on {job.item}", "Parser abgestürzt")


def _stop(job: _Running) -> None:
    job.conn.close()
    _kill_group(job.process.pid)
    if job.process.is_alive():
        job.process.kill()
    job.process.join(timeout=10)
    job.process.close()


def _own_group(pid: int) -> None:
    """Make the child lead its own process group (set from both sides: no race)."""
    try:
        os.setpgid(pid, pid)
    except (ProcessLookupError, PermissionError):
        pass  # the child already exited, or already set it itself


def _kill_group(pgid: int) -> None:
    """Kill what is left of a child's group: converters (tesseract, antiword) it started."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # the group is empty: nothing left behind


_PR_SET_PDEATHSIG = 1


def _find_prctl():
    """libc's ``prctl``, or None (not Linux); looked up at import, so that a forked child only calls it."""
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    except OSError:
        return None


_PRCTL = _find_prctl()


def die_with_parent(parent_pid: int) -> None:
    """In a just-forked child: be killed (``SIGKILL``) when the parent ``parent_pid`` dies, and exit at once
    if it died already (between the fork and this call). Where ``prctl`` is missing (not Linux), nothing."""
    if _PRCTL is None:
        return
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def _child(conn, func: Callable, item, memory_bytes: int, parent_pid: int) -> None:
    global _reporter
    die_with_parent(parent_pid)
    _reporter = conn
    code = 0
    try:
        os.setpgid(0, 0)
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        conn.send(("ok", func(item)))
    except IngestError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("memory", None))
    except RecursionError as exc:
        conn.send(("error", CorruptFile(f"parser recursion limit on {item}: {exc!r}", "zu tief verschachtelt")))
    except Exception as exc:
        conn.send(("error", CorruptFile(f"unexpected parser error on {item}: {exc!r}")))
    finally:
        conn.close()
        os._exit(code)

"""Run external converters (antiword, catdoc, pdftoppm, tesseract) with a time limit.

A tool runs in the parse child's process group, so the sandbox's group kill
also ends a tool that is still running when the parse overruns. A tool that
overruns its own timeout is killed here and waited for: none is left behind.
A tool started by a single-threaded process (a sandbox worker) also dies with
it (``PR_SET_PDEATHSIG``, set between fork and exec): a worker killed with its
import takes its tesseract along.
"""

import os
import shutil
import subprocess
from collections.abc import Sequence

from ingest.errors import CorruptFile, ParseTimeout, ToolMissing
from ingest.sandbox import die_with_parent

# Tesseract would start one thread per core; parse workers already use every core.
_TOOL_ENV = {"OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}


def which(name: str) -> str | None:
    """The tool's path on ``PATH`` (the child's environment), or None."""
    return shutil.which(name)


def run(args: Sequence[str], timeout: float, label: str) -> bytes:
    """Run ``args`` and return its stdout; raise an IngestError on a timeout or a failure.

    ``label`` names the format in messages ("DOC", "OCR").
    """
    if which(args[0]) is None:
        raise ToolMissing(f"{args[0]} not found on PATH", label)
    env = {**os.environ, **_TOOL_ENV}
    with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, preexec_fn=_dies_with_caller()) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            proc.kill()
            proc.communicate()
            raise ParseTimeout(f"{args[0]} exceeded {timeout:.0f} s", label) from exc
    if proc.returncode != 0:
        message = err.decode("utf-8", errors="replace").strip()[-500:]
        raise CorruptFile(f"{args[0]} failed with exit code {proc.returncode}: {message}", f"{label} nicht lesbar")
    return out


def _dies_with_caller():
    """A ``preexec_fn`` giving the tool ``PR_SET_PDEATHSIG`` towards this process, or None in a process with
    other threads (running Python between fork and exec is only safe with one thread; the sandbox's workers
    have one)."""
    try:
        single = len(os.listdir("/proc/self/task")) == 1
    except OSError:
        single = False
    if not single:
        return None
    caller = os.getpid()
    return lambda: die_with_parent(caller)

"""A killed import leaves nothing running: ``kill -9`` of ``flask ingest`` also ends its parse workers and the
converters they started (tesseract, pdftoppm, antiword), which die with their parent (``PR_SET_PDEATHSIG``)."""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.docs import motion_text
from tests.fixtures import cfb
from tests.fixtures.files import make_scan

FLASK = str(Path(sys.executable).with_name("flask"))
ROOT = Path(__file__).resolve().parents[1]
MARK = "ANTRAGSARCHIV_ORPHAN_MARK"
HAVE_OCR = all(shutil.which(tool) for tool in ("tesseract", "pdftoppm"))
BODY = "Die Stadt Bochum führt ein Sozialticket für Menschen mit geringem Einkommen ein. " * 6


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _descendants(pid: int) -> list[int]:
    out, todo = [], _children(pid)
    while todo:
        child = todo.pop()
        out.append(child)
        todo += _children(child)
    return out


def _marked(marker: str) -> dict[int, str]:
    """Living processes (not zombies) with our marker in their environment: pid -> command line."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            pass  # gone, or a zombie
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _scans(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "scans"
    folder.mkdir()
    pages = ["\n".join(motion_text("Bochum", f"Sozialticket Teil {n}", BODY)) for n in range(6)]
    return [make_scan(folder / f"scan-{n}.pdf", pages, folder) for n in range(2)]


def _old_docs(tmp_path: Path) -> list[Path]:
    """Word 97 files read by antiword, here a stand-in that hangs (as antiword may on a hostile file)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    paths = []
    for n in range(2):
        path = folder / f"alt-{n}.doc"
        path.write_bytes(cfb.write({"WordDocument": cfb.pad_stream(b"\xec\xa5" + bytes([n]))}))
        paths.append(path)
    return paths


def _hanging_antiword(tmp_path: Path) -> Path:
    tools = tmp_path / "bin"
    tools.mkdir()
    script = tools / "antiword"
    script.write_text("#!/bin/sh\nexec /bin/sleep 120\n")
    script.chmod(0o755)
    return tools


@pytest.mark.parametrize("kind", [
    pytest.param("ocr", marks=pytest.mark.skipif(not HAVE_OCR, reason="tesseract/pdftoppm not installed")),
    "hanging-converter"])
def test_kill_9_of_flask_ingest_leaves_no_worker_or_converter_running(tmp_path: Path, kind: str):
    marker = uuid.uuid4().hex
    env = {**os.environ, "ARCHIVE_DIR": str(tmp_path / "store"), MARK: marker}
    if kind == "ocr":
        files = _scans(tmp_path)
        tool_names = ("tesseract", "pdftoppm")
    else:
        files = _old_docs(tmp_path)
        env["PATH"] = f"{_hanging_antiword(tmp_path)}{os.pathsep}{env['PATH']}"
        tool_names = ("sleep",)
    log = tmp_path / "ingest.log"
    with log.open("wb") as out:
        process = subprocess.Popen([FLASK, "--app", "search_app", "ingest", "--workers", "2", *map(str, files)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            family = _descendants(process.pid)
            tools = [pid for pid in family if any(name in _command(pid).split(" ")[0] for name in tool_names)]
            if tools and len(family) > len(tools):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no worker with a running converter seen; log:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)
        unmarked = set(family) - set(_marked(marker))
        # a converter may exit between the two reads of /proc: only a process still running must carry the marker
        assert not {pid for pid in unmarked if _command(pid)}, "the marker finds every process of the import"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        deadline = time.monotonic() + 5
        while _marked(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _marked(marker) == {}, "left running after the import was killed"
    finally:
        process.kill()
        process.wait(10)
        for pid in _marked(marker):  # only processes this test started carry its marker
            os.kill(pid, signal.SIGKILL)

"""The background worker for real: a `flask worker` process, killed with SIGKILL in the middle of a job."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import Archive, SearchRequest, uploads
from archive.worker import Worker
from tests.docs import make_docx, make_pdf, motion_text

FLASK = str(Path(sys.executable).with_name("flask"))
ROOT = Path(__file__).resolve().parents[1]


def _big_pdf(path: Path, pages: int) -> Path:
    sentence = "Der Rat beschließt die Sanierung der Schulen und Straßen in Kiel. "
    return make_pdf(path, [f"Seite {n}: " + sentence * 30 for n in range(pages)])


def _accept(archive: Archive, tmp_path: Path, path: Path) -> uploads.Upload:
    copy = tmp_path / "incoming" / path.name  # accept() removes the file it is given
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(path, copy)
    return uploads.accept(archive.store, copy, path.name, "anna")


def _start_worker(store: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "ARCHIVE_DIR": str(store)}
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([FLASK, "--app", "search_app", "worker"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def _states(archive: Archive, ids: list[int]) -> dict[int, str]:
    return {u.id: u.state for u in uploads.many(archive.store, ids)}


def _wait_for(predicate, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def queue(store_dir: Path):
    archive = Archive(store_dir)
    yield archive, Worker(store_dir, lambda: Archive(store_dir))
    archive.close()


def test_a_worker_killed_mid_job_loses_nothing_and_finishes_after_a_restart(queue, tmp_path: Path):
    archive, worker = queue
    big = _accept(archive, tmp_path, _big_pdf(tmp_path / "haushalt.pdf", 250))
    worker.parse(big)
    log = tmp_path / "worker.log"
    process = _start_worker(archive.root, log)
    try:
        _wait_for(lambda: _states(archive, [big.id])[big.id] == uploads.PROCESSING, 60, "the job to start", log)
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        assert _states(archive, [big.id])[big.id] == uploads.PROCESSING, "the job finished before the kill"
        assert archive.document(big.document_id)["status"] == "pending"
        process = _start_worker(archive.root, log)
        _wait_for(lambda: _states(archive, [big.id])[big.id] == uploads.DONE, 120, "the job after restart", log)
    finally:
        process.kill()
        process.wait(10)
    doc = archive.document(big.document_id)
    assert doc["status"] == "ok" and "Sanierung der Schulen" in doc["text"] and doc["pages"] == 250
    assert doc["publication"] == "draft"
    assert archive.search(SearchRequest(q="Sanierung")).total == 1  # the store's own PDF, not the draft


def test_a_big_file_does_not_hold_up_the_small_files_behind_it(queue, tmp_path: Path):
    archive, worker = queue
    big = _accept(archive, tmp_path, _big_pdf(tmp_path / "gross.pdf", 400))
    small = [_accept(archive, tmp_path, make_docx(tmp_path / f"klein-{n}.docx",
                                                  motion_text("Kiel", f"Antrag {n}", f"Wir beantragen {n} Bänke.")))
             for n in range(4)]
    for upload in (big, *small):
        worker.parse(upload)
    log = tmp_path / "worker.log"
    process = _start_worker(archive.root, log)
    try:
        ids = [u.id for u in small]
        _wait_for(lambda: set(_states(archive, ids).values()) == {uploads.DONE}, 90, "the small files", log)
        assert _states(archive, [big.id])[big.id] in (uploads.QUEUED, uploads.PROCESSING)
        _wait_for(lambda: _states(archive, [big.id])[big.id] == uploads.DONE, 180, "the big file", log)
    finally:
        process.terminate()
        process.wait(20)
    assert archive.document(small[0].document_id)["title"]

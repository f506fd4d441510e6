"""OCR for real on a scanned PDF (Tesseract, German); without Tesseract the scan is stored as "no-text"
and ``flask reprocess --status no-text`` reads it once OCR is available."""

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ingest
from archive import Archive, SearchRequest
from tests.docs import motion_text
from tests.fixtures.files import make_scan

ROOT = Path(__file__).resolve().parent.parent
HAVE_OCR = all(shutil.which(tool) for tool in ("tesseract", "pdftoppm"))
pytestmark = pytest.mark.skipif(not HAVE_OCR, reason="tesseract/pdftoppm not installed (make test installs them)")
BODY = ("Die Stadt Bochum führt ein Sozialticket für Menschen mit geringem Einkommen ein. "
        "Die Verwaltung prüft die Finanzierung über den Haushalt.")


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("scan")
    lines = motion_text("Bochum", "Sozialticket für alle", BODY)
    return make_scan(tmp / "scan.pdf", ["\n".join(lines), "Begründung:\nDie Busse fahren auch nachts."], tmp)


def _path_without_tesseract(tmp_path: Path) -> str:
    """A PATH holding pdftoppm and the shell tools, but no tesseract."""
    folder = tmp_path / "ohne-ocr"
    folder.mkdir()
    (folder / "pdftoppm").symlink_to(shutil.which("pdftoppm"))
    return str(folder)


def test_scan_is_read_by_german_ocr(scan: Path):
    doc = ingest.parse_file(scan)
    assert doc.format == "pdf" and doc.pages == 2
    assert doc.ocr is True and doc.status == "ok"
    assert doc.ocr_confidence is not None and doc.ocr_confidence > 50
    for word in ("Sozialticket", "beschließen", "Einkommen", "Begründung", "Bochum"):
        assert word in doc.text, word
    assert doc.metadata.municipality and doc.metadata.municipality.name == "Bochum"
    assert multiprocessing.active_children() == []


def test_without_tesseract_the_scan_is_stored_as_no_text_then_reprocessed(scan: Path, tmp_path: Path, monkeypatch):
    store = tmp_path / "store"
    with monkeypatch.context() as patched:
        patched.setenv("PATH", _path_without_tesseract(tmp_path))
        doc = ingest.parse_file(scan)
        assert (doc.status, doc.status_message, doc.text, doc.ocr) == (
            "no-text", "kein Textlayer, OCR nicht verfügbar", "", False)
        archive = Archive.open(store)
        [outcome] = list(archive.ingest([scan], workers=1))
        [again] = list(archive.reprocess("no-text", workers=1))
        assert again.status == "unchanged"
        row = archive.document(outcome.id)
        archive.close()
    assert outcome.status == "added"
    assert (row["status"], row["status_message"], row["text"], row["pages"]) == (
        "no-text", "kein Textlayer, OCR nicht verfügbar", "", 2)

    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "search_app", "reprocess", "--status", "no-text"],
                          cwd=ROOT, env=dict(os.environ, ARCHIVE_DIR=str(store)), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Aktualisiert: 1, unverändert: 0, fehlgeschlagen: 0" in proc.stdout

    archive = Archive.open(store)
    try:
        row = archive.document(outcome.id)
        assert (row["status"], row["status_message"], row["ocr"]) == ("ok", None, 1)
        assert row["ocr_confidence"] > 50 and "Sozialticket" in row["text"]
        assert row["municipality"] == "Bochum"
        hits = archive.search(SearchRequest(q="Sozialticket")).hits
        assert [hit.id for hit in hits] == [outcome.id]
        assert archive.count() == 1
    finally:
        archive.close()

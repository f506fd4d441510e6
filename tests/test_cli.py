"""The CLI contract: inspect, ingest --json and reindex, run as real processes."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index

from tests.docs import make_docx, make_pdf, motion_text

INSPECT_KEYS = {"file", "sha256", "format", "doc_type", "title", "date", "municipality", "district", "state",
                "party", "faction", "topics", "pages", "chars", "error"}
BODY = "Die Stadt Bochum führt ein Sozialticket für Menschen mit geringem Einkommen ein."


def flask(*args: str, archive_dir: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, ARCHIVE_DIR=str(archive_dir))
    cmd = [sys.executable, "-m", "flask", "--app", "search_app", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300,
                          cwd=cwd or Path(__file__).resolve().parent.parent)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "eingang"
    (folder / "unter").mkdir(parents=True)
    make_docx(folder / "a.docx", motion_text("Bochum", "Sozialticket", BODY))
    make_pdf(folder / "unter" / "b.pdf", ["\n".join(motion_text("Kiel", "Tempo 30", BODY.replace("Bochum", "Kiel")))])
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.5\ngarbage only")
    return folder


def test_inspect_prints_the_contract_keys(inbox: Path, tmp_path: Path):
    files = [str(inbox / "a.docx"), str(inbox / "kaputt.pdf")]
    proc = flask("inspect", *files, archive_dir=tmp_path / "store")
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["file"] for line in lines] == files
    assert all(INSPECT_KEYS <= set(line) for line in lines)
    good, bad = lines
    assert good["error"] is None and good["format"] == "docx" and good["chars"] > 50
    assert isinstance(good["topics"], list)
    assert bad["error"]
    assert not (tmp_path / "store" / "archive.db").exists(), "inspect must not store anything"


def test_inspect_exit_zero_when_all_parse(inbox: Path, tmp_path: Path):
    proc = flask("inspect", str(inbox / "unter" / "b.pdf"), archive_dir=tmp_path / "store")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pages"] == 1


def test_ingest_json_then_again_changes_nothing(inbox: Path, tmp_path: Path):
    store = tmp_path / "store"
    first = flask("ingest", "--json", str(inbox), archive_dir=store)
    assert first.returncode == 1, first.stderr  # the corrupt file
    rows = {Path(r["file"]).name: r for r in map(json.loads, first.stdout.splitlines())}
    assert set(rows) == {"a.docx", "b.pdf", "kaputt.pdf"}
    assert rows["a.docx"]["status"] == rows["b.pdf"]["status"] == "added"
    assert rows["kaputt.pdf"]["status"] == "failed" and rows["kaputt.pdf"]["error"]
    assert all(set(r) == {"file", "status", "id", "error"} for r in rows.values())
    db_before = (store / "archive.db").stat().st_size
    second = flask("ingest", "--json", str(inbox / "a.docx"), str(inbox / "unter"), archive_dir=store)
    assert second.returncode == 0, second.stderr
    again = [json.loads(line) for line in second.stdout.splitlines()]
    assert {r["status"] for r in again} == {"unchanged"}
    assert {r["id"] for r in again} == {rows["a.docx"]["id"], rows["b.pdf"]["id"]}
    assert (store / "archive.db").stat().st_size >= db_before


def test_ingest_summary_is_german_and_names_failures(inbox: Path, tmp_path: Path):
    proc = flask("ingest", str(inbox), archive_dir=tmp_path / "store")
    assert proc.returncode == 1
    assert "Neu: 2" in proc.stdout and "fehlgeschlagen: 1" in proc.stdout
    assert "kaputt.pdf" in proc.stdout


def test_reindex_rebuilds_from_sqlite(inbox: Path, tmp_path: Path):
    store = tmp_path / "store"
    flask("ingest", str(inbox / "a.docx"), archive_dir=store)
    proc = flask("reindex", archive_dir=store)
    assert proc.returncode == 0, proc.stderr
    assert "1 Dokumente indexiert" in proc.stdout


def test_reprocess_all_updates_what_changed_and_rebuilds_the_index(inbox: Path, tmp_path: Path):
    store = tmp_path / "store"
    flask("ingest", str(inbox / "a.docx"), str(inbox / "unter" / "b.pdf"), archive_dir=store)
    db = sqlite3.connect(store / "archive.db")  # as an older extractor had read the title
    with db:
        db.execute("UPDATE documents SET title = 'Alter Titel' WHERE id = 1")
    db.close()
    proc = flask("reprocess", "--all", archive_dir=store)
    assert proc.returncode == 0, proc.stderr
    assert "Aktualisiert: 1, unverändert: 1, fehlgeschlagen: 0" in proc.stdout
    assert "Suchindex neu aufgebaut" in proc.stdout
    reader = index.open_dir(str(store / "index")).reader()
    try:
        assert reader.doc_count() == reader.doc_count_all() == 2  # no replaced versions left behind
    finally:
        reader.close()
    again = flask("reprocess", "--all", "--json", archive_dir=store)
    assert [json.loads(line)["status"] for line in again.stdout.splitlines()] == ["unchanged", "unchanged"]


def test_every_command_has_examples_in_help(tmp_path: Path):
    for command in ("ingest", "inspect", "reindex", "reprocess"):
        proc = flask(command, "--help", archive_dir=tmp_path / "store")
        assert proc.returncode == 0
        assert "Examples:" in proc.stdout and f"flask --app search_app {command}" in proc.stdout

"""Drafts, publishing, withdrawal, deletion and ``flask check`` on a real store (SQLite, Whoosh, files)."""

import json
from pathlib import Path

import pytest

from archive import DRAFT, PUBLISHED, WITHDRAWN, Archive, NotFound, SearchRequest, audit
from search_app import create_app
from tests.docs import make_docx, motion_text

WORD = "Quaxelbrummverordnung"  # a word no other document has


@pytest.fixture
def archive(store_dir: Path):
    archive = Archive.open(store_dir)
    yield archive
    archive.close()


def _ingest(archive: Archive, tmp_path: Path, publication: str = PUBLISHED, town: str = "Kiel") -> int:
    path = make_docx(tmp_path / f"{town}.docx",
                     motion_text(town, f"Die {WORD} für {town}", f"Wir beantragen die {WORD} in {town}."))
    [outcome] = list(archive.ingest([path], workers=1, publication=publication))
    assert outcome.status == "added", outcome
    return outcome.id


def _hits(archive: Archive, q: str = WORD) -> int:
    return archive.search(SearchRequest(q=q)).total


def _index_bytes(archive: Archive) -> bytes:
    return b"".join(p.read_bytes() for p in archive.index.path.iterdir() if p.is_file())


def _municipality_count(archive: Archive, name: str) -> int:
    facets = archive.search(SearchRequest()).facets["municipality"]
    return sum(c.count for c in facets if c.label == name)


def test_a_draft_is_stored_but_not_public_until_published(archive: Archive, tmp_path: Path):
    before = archive.search(SearchRequest()).total
    doc_id = _ingest(archive, tmp_path, DRAFT)
    assert archive.document(doc_id)["publication"] == DRAFT
    assert _hits(archive) == 0
    assert archive.search(SearchRequest()).total == before
    assert _municipality_count(archive, "Kiel") == 0
    assert archive.suggest("Quaxel") == []
    archive.publish(doc_id, "anna")
    assert _hits(archive) == 1
    assert _municipality_count(archive, "Kiel") == 1
    archive.withdraw(doc_id, "anna")
    assert archive.document(doc_id)["publication"] == WITHDRAWN
    assert _hits(archive) == 0 and _municipality_count(archive, "Kiel") == 0
    archive.publish(doc_id, "ben")
    assert _hits(archive) == 1
    _total, entries = audit.entries(archive.store.db.conn, document_id=doc_id)
    assert [(e.action, e.account) for e in reversed(entries)] == [
        (audit.PUBLISH, "anna"), (audit.WITHDRAW, "anna"), (audit.RESTORE, "ben")]


def test_reindex_builds_the_published_documents_only(archive: Archive, tmp_path: Path):
    draft = _ingest(archive, tmp_path, DRAFT)
    archive.reindex()
    assert draft not in archive.index.ids()
    assert archive.index.ids() == set(archive.store.published_ids())


def test_after_deleting_nothing_of_the_document_can_be_found(archive: Archive, tmp_path: Path):
    doc_id = _ingest(archive, tmp_path)
    original, _row = archive.original(doc_id)
    assert _hits(archive) == 1 and original.is_file()
    assert WORD.lower().encode()[:10] in _index_bytes(archive)  # the check below can fail
    kiel = _municipality_count(archive, "Kiel")
    archive.delete(doc_id, "anna")
    assert _hits(archive) == 0
    assert _hits(archive, "Kiel") == 0
    assert _municipality_count(archive, "Kiel") == kiel - 1
    with pytest.raises(NotFound):
        archive.document(doc_id)
    assert not original.exists()
    assert doc_id not in archive.index.ids()
    assert WORD.lower().encode()[:10] not in _index_bytes(archive), "the deleted text stays in the index files"
    db = archive.store.db
    assert db.execute("SELECT count(*) FROM ingest_log WHERE document_id = ?", [doc_id]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM files WHERE stored_path = ?",
                      [str(original.relative_to(archive.root))]).fetchone()[0] == 0
    dump = "\n".join(db.conn.iterdump())
    assert WORD not in dump and "Kiel.docx" not in dump
    assert not archive.check().drift
    [entry] = audit.entries(archive.store.db.conn, action=audit.DELETE)[1]
    assert entry.document_id == doc_id and entry.account == "anna"


def test_check_finds_and_repairs_each_kind_of_drift(archive: Archive, tmp_path: Path):
    assert not archive.check().drift
    unindexed = _ingest(archive, tmp_path, town="Kiel")
    orphan_entry = _ingest(archive, tmp_path, town="Lübeck")
    lost = _ingest(archive, tmp_path, town="Husum")
    conn = archive.store.db.conn
    with conn:  # a crash after the SQLite commit, before the index: row without index entry
        conn.execute("DELETE FROM index_queue")
    archive.index.apply([], [unindexed])
    with conn:  # an index entry whose row is gone
        conn.execute("DELETE FROM documents WHERE id = ?", [orphan_entry])
    lost_path, _ = archive.original(lost)
    lost_path.unlink()
    stray = archive.root / "originals" / "ab" / "stray.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-1.4 stray")
    report = archive.check()
    assert report.missing_in_index == (unindexed,)
    assert report.extra_in_index == (orphan_entry,)
    assert report.missing_originals == (lost,)
    assert "originals/ab/stray.pdf" in report.extra_originals
    repaired = archive.check(repair=True, account="admin")
    assert repaired.repaired and len(repaired.unrepairable) == 1 and str(lost) in repaired.unrepairable[0]
    after = archive.check()
    assert after.missing_in_index == () and after.extra_in_index == () and after.extra_originals == ()
    assert after.missing_originals == (lost,)  # only a backup brings an original back
    assert not stray.exists()
    assert _hits(archive, "Kiel") == 1 and _hits(archive, "Lübeck") == 0


def test_flask_check_command_reports_and_repairs(store_dir: Path):
    app = create_app({"ARCHIVE_DIR": str(store_dir), "WORKER": "inline"})
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["check", "--archive-dir", str(store_dir)])
    assert clean.exit_code == 0 and "Keine Abweichungen" in clean.output
    archive = Archive(store_dir)
    doc_id = archive.store.published_ids()[0]
    archive.index.apply([], [doc_id])
    archive.close()
    drift = runner.invoke(args=["check", "--json", "--archive-dir", str(store_dir)])
    assert drift.exit_code == 1
    assert json.loads(drift.output)["missing_in_index"] == [doc_id]
    fixed = runner.invoke(args=["check", "--repair", "--archive-dir", str(store_dir)])
    assert fixed.exit_code == 0 and "Repariert" in fixed.output
    assert runner.invoke(args=["check", "--archive-dir", str(store_dir)]).exit_code == 0


def test_ingest_draft_flag_stores_drafts(store_dir: Path, tmp_path: Path):
    path = make_docx(tmp_path / "entwurf.docx", motion_text("Kiel", f"Die {WORD}", f"Die {WORD} kommt."))
    app = create_app({"ARCHIVE_DIR": str(store_dir), "WORKER": "inline"})
    result = app.test_cli_runner().invoke(args=["ingest", "--draft", "--json", "--archive-dir", str(store_dir),
                                                str(path)])
    assert result.exit_code == 0, result.output
    doc_id = json.loads(result.output.splitlines()[0])["id"]
    archive = Archive(store_dir)
    try:
        assert archive.document(doc_id)["publication"] == DRAFT
        assert _hits(archive) == 0
    finally:
        archive.close()

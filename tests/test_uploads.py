"""archive.uploads on a real store: accepted at once as drafts, parsed once, recovered after a crash."""

import shutil
from pathlib import Path

import pytest

from archive import Archive, InvalidCorrection, uploads
from archive.store.corrections import given_metadata
from tests.docs import make_docx, motion_text


@pytest.fixture
def archive(store_dir: Path):
    archive = Archive(store_dir)
    yield archive
    archive.close()


def _file(tmp_path: Path, name: str = "antrag.docx", town: str = "Kiel") -> Path:
    return make_docx(tmp_path / name, motion_text(town, "Bänke am Hafen", f"Wir beantragen Bänke in {town}."))


def _accept(archive: Archive, path: Path, **kwargs) -> uploads.Upload:
    copy = path.with_name("copy-" + path.name)
    shutil.copyfile(path, copy)
    upload = uploads.accept(archive.store, copy, path.name, "anna", **kwargs)
    assert not copy.exists(), "the received file is removed once it is kept"
    return upload


def test_an_accepted_upload_is_a_pending_draft_with_its_original_kept(archive: Archive, tmp_path: Path):
    upload = _accept(archive, _file(tmp_path))
    assert upload.state == uploads.QUEUED and upload.label == "wartet"
    doc = archive.document(upload.document_id)
    assert (doc["publication"], doc["status"], doc["original_name"]) == ("draft", "pending", "antrag.docx")
    assert archive.original(upload.document_id)[0].is_file()
    done = uploads.process(archive.store, upload.id)
    assert done.state == uploads.DONE
    assert uploads.process(archive.store, upload.id) is None, "a job queued twice runs once"
    doc = archive.document(upload.document_id)
    assert doc["status"] == "ok" and doc["title"] == "Bänke am Hafen" and doc["municipality"] == "Kiel"
    assert doc["publication"] == "draft"


def test_duplicates_and_unreadable_files(archive: Archive, tmp_path: Path):
    path = _file(tmp_path)
    first = _accept(archive, path)
    again = _accept(archive, path)
    assert again.state == uploads.DUPLICATE and again.document_id == first.document_id
    png = tmp_path / "bild.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    rejected = _accept(archive, png)
    assert rejected.state == uploads.FAILED and rejected.document_id is None
    assert "Format nicht unterstützt" in rejected.error
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    failed = uploads.process(archive.store, _accept(archive, broken).id)
    assert failed.state == uploads.FAILED and failed.error
    doc = archive.document(failed.document_id)
    assert doc["status"] == "failed" and doc["status_message"] == failed.error


def test_an_upload_left_processing_by_a_killed_worker_is_queued_again(archive: Archive, tmp_path: Path):
    upload = _accept(archive, _file(tmp_path))
    with archive.store.transaction():  # as if a worker had claimed it and died
        archive.store.db.conn.execute("UPDATE uploads SET state = 'processing' WHERE id = ?", [upload.id])
    assert uploads.process(archive.store, upload.id) is None
    assert uploads.requeue(archive.store) == [upload.id]
    assert uploads.process(archive.store, upload.id).state == uploads.DONE


def test_metadata_sent_with_the_upload_replaces_what_is_read(archive: Archive, tmp_path: Path):
    given = given_metadata({"municipality": "Lübeck", "title": "Sitzbänke für den Hafen", "topics": "verkehr"})
    upload = _accept(archive, _file(tmp_path), given=given)
    uploads.process(archive.store, upload.id)
    doc = archive.document(upload.document_id)
    assert (doc["municipality"], doc["state"], doc["title"]) == ("Lübeck", "Schleswig-Holstein",
                                                                  "Sitzbänke für den Hafen")
    assert doc["topics"] == ["verkehr"]
    assert doc["reviewed_at"] is None
    with pytest.raises(InvalidCorrection) as bad:
        given_metadata({"municipality": "Nirgendwo an der See", "date": "2023-02-30"})
    assert set(bad.value.errors) == {"municipality", "date"}

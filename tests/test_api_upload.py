"""POST /api/documents with personal API tokens: every status code, and drafts visible only with a token."""

import io
from pathlib import Path

import pytest

from archive import Archive
from archive.accounts import Accounts
from tests.conftest import make_app
from tests.docs import make_docx, motion_text

WORD = "Quaxelbrummverordnung"


@pytest.fixture
def app(store_dir: Path):
    return make_app(store_dir, MAX_UPLOAD_MB=1)


@pytest.fixture
def token(store_dir: Path) -> str:
    archive = Archive(store_dir)
    try:
        accounts = Accounts(archive.store.db.conn)
        value = accounts.create_token("harvester", actor="test")
        archive.store.db.conn.commit()
        return value
    finally:
        archive.close()


def _docx(tmp_path: Path, town: str = "Kiel") -> bytes:
    lines = motion_text(town, f"Die {WORD} für {town}", f"Wir beantragen die {WORD} für {town}.")
    return make_docx(tmp_path / f"{town}.docx", lines).read_bytes()


def _post(client, content: bytes | None, token: str | None, name: str = "antrag.docx", **fields):
    data = dict(fields)
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post("/api/documents", data=data, headers=headers, content_type="multipart/form-data")
    response.get_data()
    response.request.input_stream.close()
    return response


def test_upload_answers_201_with_a_draft_then_200_for_the_duplicate(app, token, tmp_path: Path):
    content = _docx(tmp_path)
    with app.test_client() as client:
        created = _post(client, content, token)
        assert created.status_code == 201, created.get_json()
        doc = created.get_json()
        assert doc["status"] == "draft" and isinstance(doc["id"], int)
        assert doc["text_status"] in ("pending", "ok")  # inline worker: parsed already
        assert doc["upload"]["state"] in ("queued", "done")
        again = _post(client, content, token, name="nochmal.docx")
        assert again.status_code == 200 and again.get_json()["id"] == doc["id"]
        seen = client.get(f"/api/documents/{doc['id']}", headers={"Authorization": f"Bearer {token}"})
        assert seen.status_code == 200 and seen.get_json()["title"] == f"Die {WORD} für Kiel"
        assert client.get(f"/api/documents/{doc['id']}").status_code == 404  # no token: drafts are not public
        assert client.get(f"/api/search?q={WORD}").get_json()["total"] == 0


def test_upload_refuses_without_a_valid_token(app, token, tmp_path: Path, store_dir: Path):
    content = _docx(tmp_path)
    with app.test_client() as client:
        missing = _post(client, content, None)
        assert missing.status_code == 401 and "Bearer" in missing.headers["WWW-Authenticate"]
        assert _post(client, content, "falsch").status_code == 401
        archive = Archive(store_dir)
        Accounts(archive.store.db.conn).revoke_token("harvester", actor="test")
        archive.store.db.conn.commit()
        archive.close()
        assert _post(client, content, token).status_code == 401
        assert client.get("/api/search?q=Kiel").get_json()["total"] == 0


def test_upload_status_codes_for_bad_requests(app, token, tmp_path: Path):
    with app.test_client() as client:
        no_file = _post(client, None, token)
        assert no_file.status_code == 400 and "keine Datei" in no_file.get_json()["error"]
        too_big = _post(client, b"%PDF-1.4\n" + b"x" * (2 * 1024 * 1024), token, name="gross.pdf")
        assert too_big.status_code == 413 and "1 MB" in too_big.get_json()["error"]
        image = _post(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, token, name="bild.pdf")
        assert image.status_code == 415 and "Format nicht unterstützt" in image.get_json()["error"]
        bad_meta = _post(client, _docx(tmp_path), token, municipality="Nirgendwo an der See")
        assert bad_meta.status_code == 400 and "municipality" in bad_meta.get_json()["errors"]


def test_metadata_sent_with_the_upload_is_kept(app, token, tmp_path: Path):
    with app.test_client() as client:
        created = _post(client, _docx(tmp_path), token, municipality="Lübeck", doc_type="anfrage")
        assert created.status_code == 201
        doc = client.get(f"/api/documents/{created.get_json()['id']}",
                         headers={"Authorization": f"Bearer {token}"}).get_json()
        assert (doc["municipality"], doc["doc_type"], doc["status"]) == ("Lübeck", "anfrage", "draft")

"""The staff workflow through the real app: uploads as drafts, live states, publishing, withdrawal, deletion,
and the API upload with tokens; every public surface is checked for drafts and withdrawn documents."""

import io
import re
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.docs import make_docx, make_pdf, motion_text
from tests.test_web import login, token

WORD = "Quaxelbrummverordnung"


def _motion(tmp_path: Path, town: str = "Kiel", name: str = "antrag.docx") -> bytes:
    path = make_docx(tmp_path / name, motion_text(town, f"Die {WORD} für {town}", f"Wir beantragen die {WORD}."))
    return path.read_bytes()


def _post_upload(client, files: list[tuple[bytes, str]], json: bool = True):
    page = client.get("/hochladen").get_data(as_text=True)
    data = {"csrf_token": token(page), "files": [(io.BytesIO(content), name) for content, name in files]}
    headers = {"Accept": "application/json"} if json else {}
    response = client.post("/hochladen", data=data, content_type="multipart/form-data", headers=headers)
    response.get_data()
    response.request.input_stream.close()
    return response


def _csrf(client, path: str) -> str:
    return token(client.get(path).get_data(as_text=True))


def _public_view(app, doc_id: int) -> dict:
    """What an anonymous visitor sees of the document and its word on every public surface."""
    with app.test_client() as anon:
        search = anon.get(f"/api/search?q={WORD}").get_json()
        everything = anon.get("/api/search?per_page=100").get_json()
        page = anon.get(f"/?q={WORD}").get_data(as_text=True)
        suggest = anon.get("/api/suggest?q=Quaxel").get_json()
        kiel = sum(c["count"] for c in everything["facets"]["municipality"] if c["label"] == "Kiel")
        exported = anon.get(f"/api/export?format=jsonl&q={WORD}").get_data(as_text=True).splitlines()
        feed = anon.get(f"/feed.atom?q={WORD}").get_data(as_text=True)
        others = [hit["id"] for hit in everything["hits"] if hit["id"] != doc_id]
        similar = any(f'href="/dokument/{doc_id}"' in anon.get(f"/dokument/{other}").get_data(as_text=True)
                      for other in others)
        return {
            "export": len(exported),
            "feed": feed.count("<entry>"),
            "similar": similar,
            "api_search": search["total"],
            "listed": doc_id in [hit["id"] for hit in everything["hits"]],
            "kiel_count": kiel,
            "page": f"/dokument/{doc_id}\"" in page,
            "suggest": bool(suggest["suggestions"]),
            "api_document": anon.get(f"/api/documents/{doc_id}").status_code,
            "document_page": anon.get(f"/dokument/{doc_id}").status_code,
            "original": _status(anon, f"/dokument/{doc_id}/original"),
        }


def _status(client, path: str) -> int:
    response = client.get(path)
    response.close()  # a file download: close its file
    return response.status_code


HIDDEN = {"export": 0, "feed": 0, "similar": False, "api_search": 0, "listed": False, "kiel_count": 0, "page": False,
          "suggest": False,
          "api_document": 404, "document_page": 404, "original": 404}
SHOWN = {"export": 1, "feed": 1, "api_search": 1, "listed": True, "kiel_count": 1, "page": True, "suggest": True,
         "api_document": 200, "document_page": 200, "original": 200}


def _shown(view: dict) -> bool:
    """Public everywhere (whether similar documents list it depends on the others)."""
    return {key: view[key] for key in SHOWN} == SHOWN


@pytest.fixture
def app(store_dir: Path):
    return make_app(store_dir)


@pytest.fixture
def staff(app):
    with app.test_client() as client:
        login(client)
        yield client


def test_an_upload_is_a_draft_that_no_public_surface_shows_until_published(app, staff, tmp_path: Path):
    response = _post_upload(staff, [(_motion(tmp_path), "antrag.docx")])
    [upload] = response.get_json()["uploads"]
    assert upload["state"] == "done" and upload["label"] == "fertig"
    doc_id = upload["document_id"]
    assert upload["review_url"] == f"/dokument/{doc_id}/pruefen"
    assert _public_view(app, doc_id) == HIDDEN
    assert staff.get(f"/dokument/{doc_id}").status_code == 200  # staff see drafts
    assert "Entwurf" in staff.get(f"/dokument/{doc_id}").get_data(as_text=True)
    review = staff.get(f"/dokument/{doc_id}/pruefen").get_data(as_text=True)
    assert "Prüfen und veröffentlichen" in review
    form = {"csrf_token": token(review), "title": f"Die {WORD} für Kiel", "doc_type": "antrag", "date": "",
            "municipality": "Kiel", "district": "", "state": "", "parties": "", "faction": "", "then": "publish"}
    assert staff.post(f"/dokument/{doc_id}/pruefen", data=form).status_code == 302
    assert _shown(_public_view(app, doc_id))
    assert staff.post(f"/dokument/{doc_id}/zurueckziehen",
                      data={"csrf_token": _csrf(staff, f"/dokument/{doc_id}")}).status_code == 302
    assert _public_view(app, doc_id) == HIDDEN
    assert "Zurückgezogen" in staff.get(f"/dokument/{doc_id}").get_data(as_text=True)


def test_deleting_through_the_web_leaves_nothing_findable(app, staff, tmp_path: Path, store_dir: Path):
    [upload] = _post_upload(staff, [(_motion(tmp_path), "antrag.docx")]).get_json()["uploads"]
    doc_id = upload["document_id"]
    staff.post(f"/dokument/{doc_id}/veroeffentlichen", data={"csrf_token": _csrf(staff, f"/dokument/{doc_id}")})
    assert _shown(_public_view(app, doc_id))
    originals = {p for p in (store_dir / "originals").rglob("*") if p.is_file()}
    confirm = staff.get(f"/dokument/{doc_id}/loeschen").get_data(as_text=True)
    assert "endgültig" in confirm
    assert staff.post(f"/dokument/{doc_id}/loeschen", data={"csrf_token": token(confirm)}).status_code == 302
    assert _public_view(app, doc_id) == HIDDEN
    assert staff.get(f"/dokument/{doc_id}").status_code == 404  # staff too: it is gone
    after = {p for p in (store_dir / "originals").rglob("*") if p.is_file()}
    assert len(originals - after) == 1
    index_bytes = b"".join(p.read_bytes() for p in (store_dir / "index").iterdir() if p.is_file())
    assert WORD.lower().encode()[:10] not in index_bytes


def test_upload_states_duplicate_and_failure(staff, tmp_path: Path):
    content = _motion(tmp_path)
    [first] = _post_upload(staff, [(content, "antrag.docx")]).get_json()["uploads"]
    [again] = _post_upload(staff, [(content, "nochmal.docx")]).get_json()["uploads"]
    assert again["state"] == "duplicate" and again["label"] == "Duplikat"
    assert again["document_id"] == first["document_id"]
    assert again["document_url"] == f"/dokument/{first['document_id']}"
    [broken] = _post_upload(staff, [(b"%PDF-1.7\n" + b"\x00garbage" * 50, "kaputt.pdf")]).get_json()["uploads"]
    assert broken["state"] == "failed" and broken["label"] == "Fehler" and broken["error"]
    [image] = _post_upload(staff, [(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "bild.pdf")]).get_json()["uploads"]
    assert image["state"] == "failed" and "Format nicht unterstützt" in image["error"]
    status = staff.get(f"/hochladen/status?ids={first['id']},{broken['id']}").get_json()["uploads"]
    assert [u["state"] for u in status] == ["done", "failed"]
    assert staff.get("/hochladen/status?ids=1,x").status_code == 400


def test_the_page_lists_each_file_of_a_form_upload(staff, tmp_path: Path):
    pdf = make_pdf(tmp_path / "b.pdf", ["\n".join(motion_text("Kiel", "Bänke am Hafen", "Mehr Bänke."))])
    response = _post_upload(staff, [(_motion(tmp_path), "eins.docx"), (pdf.read_bytes(), "zwei.pdf")], json=False)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'data-state="(\w+)"', html) == ["done", "done"]
    names = [re.sub(r"<wbr>", "", name) for name in re.findall(r'<td class="filename">(.*?)</td>', html)]
    assert names == ["eins.docx", "zwei.pdf"] and html.count("Prüfen und veröffentlichen") >= 2


def test_the_import_log_and_uploads_name_files_as_uploaded(staff, tmp_path: Path):
    _post_upload(staff, [(_motion(tmp_path), "Mein Antrag.docx")])
    html = staff.get("/hochladen").get_data(as_text=True)
    assert "Mein Antrag.<wbr>docx" in html


def test_staff_actions_need_a_login_and_a_csrf_token(app, staff, tmp_path: Path):
    [upload] = _post_upload(staff, [(_motion(tmp_path), "antrag.docx")]).get_json()["uploads"]
    doc_id = upload["document_id"]
    routes = [f"/dokument/{doc_id}/veroeffentlichen", f"/dokument/{doc_id}/zurueckziehen",
              f"/dokument/{doc_id}/loeschen", "/hochladen"]
    with app.test_client() as anon:
        csrf = _csrf(anon, "/anmelden")  # a valid token of an anonymous session
        for route in routes:
            response = anon.post(route, data={"csrf_token": csrf})
            assert response.status_code == 302 and "/anmelden" in response.headers["Location"], route
        assert anon.get("/hochladen/status?ids=1").status_code == 302
    for route in routes:
        assert staff.post(route, data={}).status_code == 400, route  # no CSRF token
    assert staff.get(f"/dokument/{doc_id}").status_code == 200  # nothing happened

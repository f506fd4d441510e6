"""The staff workflow in a real browser (Playwright + Debian's Chromium) against the app on a real port, with a
real `flask worker` process parsing the uploads.

An admin creates an editor; the editor drags five files (one corrupt, one a duplicate) onto the upload page and
watches their states; corrects a wrong Kommune in review and publishes; the document is found in public search;
the editor edits its title and the search shows it; withdraws it and it is gone; deletes another and it is gone
from search, API and disk; an anonymous visitor gets no staff page. Screenshots go to ``SCREENSHOTS_DIR``
(``make screenshots`` writes them into docs/screenshots/ for the README), else to a temporary folder.
"""

import base64
import os
import re
import sqlite3
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import STAFF_PASSWORD, make_app
from tests.docs import make_docx, make_pdf, motion_text
from tests.test_browser import chromium, closing_static_files, new_page

ROOT = Path(__file__).resolve().parents[1]
FLASK = str(Path(sys.executable).with_name("flask"))
WORD = "Quaxelbrummverordnung"
EDITOR, EDITOR_PASSWORD = "erika", "lange-geheime-phrase-42"


@contextmanager
def serving_with_worker(store: Path, log: Path):
    """The app (WORKER=huey) on a free port in a thread, and a real worker process beside it."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, closing_static_files(make_app(store, WORKER="huey")), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with log.open("ab") as out:
        worker = subprocess.Popen([FLASK, "--app", "search_app", "worker"], cwd=ROOT, stdout=out,
                                  stderr=subprocess.STDOUT, env={**os.environ, "ARCHIVE_DIR": str(store)})
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        worker.terminate()
        worker.wait(20)
        server.shutdown()
        thread.join(10)
        server.server_close()


def _files(tmp_path: Path, store: Path) -> list[dict]:
    """Five files for the upload: three good ones, a corrupt PDF and a duplicate of a stored original."""
    wrong_town = make_docx(tmp_path / "antrag-baenke.docx", motion_text(
        "Kiel", f"{WORD} für Sitzbänke", f"Wir beantragen die {WORD} für mehr Sitzbänke in der Innenstadt."))
    second = make_docx(tmp_path / "anfrage-licht.docx", motion_text(
        "Husum", "Anfrage zur Straßenbeleuchtung", "Wie viele Straßenlaternen sind defekt? Zwiebelturmlaterne."))
    pdf = make_pdf(tmp_path / "presse.pdf", ["\n".join(motion_text(
        "Flensburg", "Mehr Radwege am Hafen", "Die Fraktion fordert sichere Radwege am Hafen."))])
    corrupt = tmp_path / "kaputt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + b"\x00 garbage " * 200)
    duplicate = next(p for p in (store / "originals").rglob("*.docx"))
    files = [(wrong_town, "antrag-baenke.docx"), (second, "anfrage-licht.docx"), (pdf, "presse.pdf"),
             (corrupt, "kaputt.pdf"), (duplicate, "schon-da.docx")]
    return [{"name": name, "b64": base64.b64encode(path.read_bytes()).decode(), "type": ""} for path, name in files]


DROP = """([zone, files]) => {
  const transfer = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.b64), c => c.charCodeAt(0));
    transfer.items.add(new File([bytes], f.name, {type: f.type}));
  }
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _login(page, url: str, name: str, password: str, target: str) -> None:
    page.goto(f"{url}/anmelden?next={target}")
    if name and page.locator("#name").count():
        page.fill("#name", name)
    page.fill("#password", password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))


def _create_editor(browser, url: str, shots: Path) -> None:
    page, errors = new_page(browser)
    _login(page, url, "", STAFF_PASSWORD, "/konten")  # no account yet: the STAFF_PASSWORD login is an admin
    page.get_by_label("Name", exact=True).fill(EDITOR)
    page.get_by_label("Rolle").select_option("editor")
    page.get_by_label("Passwort", exact=True).fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Konto anlegen").click()
    page.locator("table", has_text=EDITOR).wait_for()
    page.screenshot(path=str(shots / "konten.png"), full_page=True)
    assert not errors, errors
    page.close()


def _search_titles(page, url: str, q: str) -> list[str]:
    page.goto(f"{url}/?q={q}")
    return page.locator(".hit h2 a").all_inner_texts()


@pytest.mark.browser
def test_the_staff_workflow_from_upload_to_deletion(store_dir: Path, tmp_path: Path):
    from playwright.sync_api import expect

    shots = _shots(tmp_path)
    files = _files(tmp_path, store_dir)
    with serving_with_worker(store_dir, tmp_path / "worker.log") as url, chromium() as browser:
        _create_editor(browser, url, shots)
        page, errors = new_page(browser)
        public, _public_errors = new_page(browser)
        _login(page, url, EDITOR, EDITOR_PASSWORD, "/hochladen")

        page.evaluate(DROP, [page.query_selector("#dropzone"), files])
        rows = page.locator("#upload-list tbody tr")
        expect(rows).to_have_count(5)
        states = page.locator("#upload-list tbody tr .status")
        expect(states).to_have_text(["fertig", "fertig", "fertig", "Fehler", "Duplikat"], timeout=60_000)
        expect(rows.nth(3)).to_contain_text("beschädigt")
        expect(rows.nth(4).get_by_role("link")).to_contain_text("vorhandenes Dokument")
        page.screenshot(path=str(shots / "hochladen.png"), full_page=True)

        assert _search_titles(public, url, WORD) == [], "a draft must not be public"

        rows.nth(0).get_by_role("link", name="Prüfen und veröffentlichen").click()
        page.wait_for_url(re.compile(r"/dokument/\d+/pruefen$"))
        doc_id = int(re.search(r"/dokument/(\d+)/", page.url)[1])
        expect(page.get_by_label("Kommune")).to_have_value("Kiel")
        page.get_by_label("Kommune").fill("Lübeck")
        page.get_by_label("Kreis", exact=True).fill("")
        page.get_by_label("Bundesland").select_option("")
        page.screenshot(path=str(shots / "pruefen.png"), full_page=True)
        page.get_by_role("button", name="Prüfen und veröffentlichen").click()
        page.wait_for_url(re.compile(rf"/dokument/{doc_id}$"))
        expect(page.get_by_role("status").first).to_contain_text("veröffentlicht")
        expect(page.locator("table.meta tr", has_text="Kommune")).to_contain_text("Lübeck")

        _eventually(public, url, WORD, [f"{WORD} für Sitzbänke"])
        expect(public.locator(".hit").first).to_contain_text("Lübeck")

        page.goto(f"{url}/dokument/{doc_id}/pruefen")
        page.get_by_label("Titel").fill(f"{WORD}: Sitzbänke für die Innenstadt")
        page.get_by_role("button", name="Speichern und bestätigen").click()
        page.wait_for_url(re.compile(rf"/dokument/{doc_id}$"))
        _eventually(public, url, WORD, [f"{WORD}: Sitzbänke für die Innenstadt"])
        page.screenshot(path=str(shots / "dokument.png"), full_page=True)

        page.get_by_role("button", name="Zurückziehen").click()
        expect(page.locator(".state-badge")).to_have_text("Zurückgezogen")
        _eventually(public, url, WORD, [])
        assert public.goto(f"{url}/dokument/{doc_id}").status == 404

        _delete_second(page, public, url, store_dir, shots)
        _anonymous_gets_no_staff_page(public, url)
        assert not errors, errors


def _eventually(public, url: str, q: str, titles: list[str]) -> None:
    """The public search shows ``titles`` within a few seconds (the worker writes the index)."""
    from playwright.sync_api import expect

    for _attempt in range(30):
        if _search_titles(public, url, q) == titles:
            return
        public.wait_for_timeout(500)
    expect(public.locator(".hit h2 a")).to_have_text(titles)


def _delete_second(page, public, url: str, store: Path, shots: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{url}/hochladen")
    page.locator("#upload-list tbody tr", has_text="anfrage-licht").get_by_role(
        "link", name="Prüfen und veröffentlichen").click()
    page.wait_for_url(re.compile(r"/dokument/\d+/pruefen$"))
    doc_id = int(re.search(r"/dokument/(\d+)/", page.url)[1])
    page.get_by_role("button", name="Prüfen und veröffentlichen").click()
    page.wait_for_url(re.compile(rf"/dokument/{doc_id}$"))
    _eventually(public, url, "Zwiebelturmlaterne", ["Anfrage zur Straßenbeleuchtung"])
    original = next(p for p in (store / "originals").rglob("*") if p.is_file() and _is_original_of(store, p, doc_id))
    page.get_by_role("link", name="Löschen …").click()
    page.wait_for_url(re.compile(rf"/dokument/{doc_id}/loeschen$"))
    page.screenshot(path=str(shots / "loeschen.png"), full_page=True)
    page.get_by_role("button", name="Endgültig löschen").click()
    expect(page.get_by_role("status").first).to_contain_text("endgültig gelöscht")
    _eventually(public, url, "Zwiebelturmlaterne", [])
    assert public.request.get(f"{url}/api/documents/{doc_id}").status == 404
    assert not original.exists()


def _is_original_of(store: Path, path: Path, doc_id: int) -> bool:
    db = sqlite3.connect(store / "archive.db")
    try:
        row = db.execute("SELECT files.stored_path FROM documents JOIN files USING (sha256) WHERE documents.id = ?",
                         [doc_id]).fetchone()
    finally:
        db.close()
    return row is not None and store / row[0] == path


def _anonymous_gets_no_staff_page(public, url: str) -> None:
    for path in ("/hochladen", "/zu-pruefen", "/import-protokoll", "/konten", "/protokoll"):
        public.goto(url + path)
        assert "/anmelden" in public.url, path

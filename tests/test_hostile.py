"""What a hostile test of the app found: each test failed before its fix."""

import re
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from archive import Archive
from tests.conftest import STORE_DOCS, make_app
from tests.docs import make_docx, motion_text
from tests.test_web import login, upload
from web.params import MAX_FACET_VALUES


def _many(name: str, count: int) -> str:
    return urlencode([(name, f"Partei {n}") for n in range(count)])


@pytest.mark.parametrize("path", ["/", "/api/search"])
def test_too_many_values_of_one_facet_are_refused_quickly(client, path):
    started = time.monotonic()
    response = client.get(f"{path}?{_many('party', 1000)}")
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    body = response.get_json()["error"] if path.startswith("/api/") else response.get_data(as_text=True)
    assert f"höchstens {MAX_FACET_VALUES} Werte" in body and "Partei (party)" in body


@pytest.mark.parametrize("name", ["party", "municipality", "topic"])
def test_the_most_values_a_facet_may_have_answer_quickly(client, name):
    started = time.monotonic()
    response = client.get(f"/?q=Schule&{_many(name, MAX_FACET_VALUES)}&year=2018&doc_type=antrag")
    assert response.status_code == 200
    assert time.monotonic() - started < 5
    api = client.get(f"/api/search?{_many(name, MAX_FACET_VALUES)}")
    assert api.status_code == 200


def test_facet_links_toggle_one_value(client):
    """The linear-time links still add an inactive value and remove an active one (and only that one)."""
    html = client.get("/?party=CDU&party=SPD&q=Schule").get_data(as_text=True)
    assert 'href="/?q=Schule&amp;party=SPD"' in html  # CDU's chip or active facet value removes CDU only
    assert 'href="/?q=Schule&amp;party=CDU"' in html


@pytest.mark.parametrize("name", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["2023-02-30", "2023-13-01", "2021-02-29", "2023-00-10"])
def test_impossible_dates_are_refused(client, name, value):
    page = client.get(f"/?{name}={value}")
    assert page.status_code == 400
    assert "kein gültiges Datum" in page.get_data(as_text=True)
    api = client.get(f"/api/search?{name}={value}")
    assert api.status_code == 400 and "kein gültiges Datum" in api.get_json()["error"]


def test_a_leap_day_is_a_date(client):
    assert client.get("/?date_from=2024-02-29").status_code == 200


TEXT = ("Antrag der Fraktion DIE LINKE im Rat der Stadt Bochum\n\nSozialticket für alle\n\n"
        "Die Stadt Bochum führt ein Sozialticket ein. Der Preis beträgt höchstens 19 Euro im Monat.\n")
ORIGINALS = {
    "antrag.txt": TEXT.encode(),
    "antrag.md": ("# Sozialticket für alle\n\n" + TEXT).encode(),
    "antrag.html": (f"<html><head><title>Sozialticket</title></head><body><p>{TEXT}</p>"
                    "<script>alert(document.cookie)</script></body></html>").encode(),
}


@pytest.fixture
def originals(store_dir, tmp_path) -> dict:
    """The app on a store that also holds a text, a Markdown and an HTML original: file name -> document id."""
    folder = tmp_path / "originals-in"
    folder.mkdir()
    paths = []
    for name, content in ORIGINALS.items():
        (folder / name).write_bytes(content)
        paths.append(folder / name)
    archive = Archive.open(store_dir)
    try:
        outcomes = list(archive.ingest(paths, workers=1))
    finally:
        archive.close()
    assert {o.status for o in outcomes} == {"added"}, outcomes
    return {Path(o.file).name: o.id for o in outcomes}


@pytest.fixture
def originals_client(store_dir, originals):
    with make_app(store_dir).test_client() as client:
        yield client


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_text_originals_are_downloads_with_one_charset(originals_client, originals, name):
    response = originals_client.get(f"/dokument/{originals[name]}/original")
    assert response.status_code == 200
    content_type = response.headers["Content-Type"]
    assert content_type.count("charset") <= 1, content_type
    assert not content_type.startswith("text/html"), "HTML must not render on the archive's origin"
    assert response.headers["Content-Disposition"].startswith("attachment"), response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == ORIGINALS[name]
    response.close()


def test_every_original_is_an_attachment_or_an_inline_pdf(client):
    for doc_id in range(1, len(STORE_DOCS) + 1):
        response = client.get(f"/dokument/{doc_id}/original")
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        content_type = response.headers["Content-Type"]
        assert disposition.startswith("attachment") or content_type == "application/pdf", (disposition, content_type)
        assert not content_type.startswith("text/html")
        response.close()


def _assert_secure(response, what: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("frame-ancestors") == ["'none'"], (what, csp)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, (what, csp)
    assert "'unsafe-inline'" not in directives.get("default-src", []), (what, csp)


def test_every_kind_of_page_sends_the_security_headers(client):
    pages = {
        "search": ("/?q=Sozialticket", 200), "search, bad parameter": ("/?page=x", 400),
        "search, too many values": ("/?" + _many("party", 51), 400),
        "document": ("/dokument/1", 200), "document missing": ("/dokument/999999", 404),
        "original": ("/dokument/1/original", 200), "original missing": ("/dokument/999999/original", 404),
        "no such page": ("/gibt-es-nicht", 404), "api search": ("/api/search?q=Schule", 200),
        "api bad parameter": ("/api/search?per_page=0", 400), "api document": ("/api/documents/1", 200),
        "api missing": ("/api/documents/999999", 404), "api suggest": ("/api/suggest?q=boc", 200),
        "login": ("/anmelden", 200), "staff page, logged out": ("/import-protokoll", 302),
        "static file": ("/static/app.js", 200),
    }
    for what, (path, status) in pages.items():
        response = client.get(path)
        assert response.status_code == status, (what, response.status_code)
        _assert_secure(response, what)
        response.close()
    not_allowed = client.post("/api/search")
    assert not_allowed.status_code == 405
    _assert_secure(not_allowed, "405")
    no_csrf = client.post("/anmelden", data={"password": "x"})
    assert no_csrf.status_code == 400
    _assert_secure(no_csrf, "CSRF failure")


UUID_NAME = re.compile(r"[0-9a-f]{32}")


def test_an_upload_is_in_the_import_log_under_the_name_it_was_uploaded_with(client, tmp_path):
    lines = motion_text("Kiel", "Trinkbrunnen in der Innenstadt", "In der Kieler Innenstadt werden zehn "
                        "öffentliche Trinkbrunnen aufgestellt.", date="04.09.2023", party="SPD")
    content = make_docx(tmp_path / "kiel.docx", lines).read_bytes()
    login(client)
    assert upload(client, [(content, "Kiel Trinkbrunnen.docx")]).status_code == 200
    log = client.get("/import-protokoll").get_data(as_text=True)
    rows = log[log.index("<tbody>"):log.index("</tbody>")]
    assert "Kiel Trinkbrunnen.docx" in rows
    assert not UUID_NAME.search(rows), "the server-made file name shows, not the uploaded one"


def test_ingest_with_display_names_logs_those_names(store_dir, tmp_path):
    folder = tmp_path / "eingang"
    folder.mkdir()
    path = folder / "4f9c2a7b0d1e4c3b8a6f5e4d3c2b1a09.txt"
    path.write_bytes(TEXT.encode())
    archive = Archive.open(store_dir)
    try:
        [outcome] = archive.ingest([path], workers=1, names={str(path): "Antrag Sozialticket.txt"})
    finally:
        archive.close()
    assert outcome.status == "added"
    with make_app(store_dir).test_client() as client:
        login(client)
        log = client.get("/import-protokoll").get_data(as_text=True)
    rows = log[log.index("<tbody>"):log.index("</tbody>")]
    assert "Antrag Sozialticket.txt" in rows and path.name not in rows

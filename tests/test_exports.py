"""Exports (/api/export: CSV, XLSX, JSON Lines, ZIP of the originals) and the SQLite snapshot (flask snapshot,
/api/snapshot.db, the worker's nightly job), on a real store: every file opened with the reader a user would
use and compared with /api/search page by page."""

import csv
import datetime
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from archive import DRAFT, PUBLISHED, WITHDRAWN, Archive, exports
from archive.store import snapshot
from archive.worker import Worker
from tests.conftest import STORE_DOCS, make_app
from tests.docs import make_docx, motion_text
from tests.test_cli import flask

WORD = "Sozialticket"
HIT_KEYS = ["id", "title", "doc_type", "date", "municipality", "ars", "district", "state", "party", "faction",
            "topics", "url", "download_url"]
COLUMNS = ["id", "url", "doc_type", "title", "date", "municipality", "ars", "district", "state", "party", "parties",
           "faction", "topics", "pages", "format"]
QUERIES = [{}, {"q": WORD}, {"q": "Schulen", "sort": "oldest"}, {"state": "Nordrhein-Westfalen"},
           {"q": "", "sort": "oldest", "doc_type": "antrag"},
           {"q": "Webseite OR Sozialticket", "date_from": "2021-01-01"}, {"q": "kommune:Bochum"},
           {"q": "Sozialticket Toiletten"},  # no document has both: the partial matches are listed too
           {"q": "nichtvorhandeneswort"}]
FORMULA_TITLE = '=HYPERLINK("http://example.org","Sozialticket")'


def _motion(archive: Archive, folder: Path, town: str, publication: str = PUBLISHED) -> int:
    path = make_docx(folder / f"{town}.docx", motion_text(town, f"{WORD} für {town}",
                                                          f"Die Stadt {town} führt ein {WORD} ein."))
    [outcome] = list(archive.ingest([path], workers=1, publication=publication))
    assert outcome.status == "added", outcome
    return outcome.id


@pytest.fixture(scope="module")
def hidden_store(tmp_path_factory, built_store: Path) -> tuple[Path, dict]:
    """The test store plus: a draft, a withdrawn document, one withdrawn in SQLite whose index entry is still
    there (the index lagging), and one with text that is a formula to a spreadsheet. All say "Sozialticket"."""
    import shutil

    base = tmp_path_factory.mktemp("exports")
    store = base / "store"
    shutil.copytree(built_store, store)
    archive = Archive.open(store)
    try:
        ids = {"draft": _motion(archive, base, "Kiel", DRAFT), "withdrawn": _motion(archive, base, "Lübeck"),
               "lagging": _motion(archive, base, "Rostock"), "formula": _motion(archive, base, "Schwerin")}
        archive.withdraw(ids["withdrawn"])
        with archive.store.transaction():
            archive.store.update_columns(ids["formula"], {"title": FORMULA_TITLE, "faction": "+49 Fraktion",
                                                          "municipality": "@Schwerin"})
            archive.store.queue_index([ids["formula"]])
        archive.sync_index()
        with archive.store.transaction():  # no sync: the index still lists it
            archive.store.set_publication(ids["lagging"], WITHDRAWN)
        assert ids["lagging"] in archive.index.ids()
    finally:
        archive.close()
    return store, ids


@pytest.fixture
def export_client(hidden_store):
    store, _ids = hidden_store
    with make_app(store).test_client() as client:
        yield client


def _search_all(client, params: dict) -> list[dict]:
    """Every hit of /api/search, page by page."""
    hits, page = [], 1
    while True:
        result = client.get("/api/search", query_string={**params, "per_page": 2, "page": page}).get_json()
        hits += result["hits"]
        if page * 2 >= result["total"]:
            return hits
        page += 1


def _export(client, fmt: str, params: dict, **extra) -> bytes:
    response = client.get("/api/export", query_string={**params, "format": fmt, **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=antragsarchiv-") and disposition.endswith(f".{fmt}")
    return response.get_data()


def _expected_row(hit: dict, visible: dict) -> dict:
    """What a CSV row of ``hit`` holds: its /api/search values, lists joined, plus parties, pages and format."""
    doc = visible[hit["id"]]
    row = {**hit, "parties": doc["parties"], "pages": doc["pages"], "format": doc["format"]}
    return {key: exports.csv_cell(row[key]) for key in COLUMNS}


def _documents(client, hits: list[dict]) -> dict:
    return {hit["id"]: client.get(f"/api/documents/{hit['id']}").get_json() for hit in hits}


def _published_visible(client, hidden: dict, hits: list[dict]) -> list[dict]:
    """The hits of /api/search minus the document only the lagging index still lists."""
    return [hit for hit in hits if hit["id"] != hidden["lagging"]]


@pytest.mark.parametrize("params", QUERIES)
def test_csv_has_every_row_of_the_search_in_its_order(export_client, hidden_store, params):
    _store, hidden = hidden_store
    hits = _published_visible(export_client, hidden, _search_all(export_client, params))
    raw = _export(export_client, "csv", params)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: German Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    assert text.count("\r\n") == len(hits) + 1 and "\n" not in text.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert list(rows[0]) == COLUMNS if rows else text.startswith(";".join(COLUMNS))
    visible = _documents(export_client, hits)
    assert rows == [_expected_row(hit, visible) for hit in hits]


def test_csv_writes_dates_and_lists_as_excel_reads_them(export_client):
    rows = list(csv.DictReader(io.StringIO(_export(export_client, "csv", {"q": "kommune:Bochum"}).decode("utf-8-sig"),
                                           newline=""), delimiter=";"))
    ticket = next(row for row in rows if row["title"].startswith(WORD))
    assert ticket["date"] == "2023-03-13"
    assert ", " in ticket["topics"] and ticket["parties"] == "DIE LINKE"
    assert ticket["url"].endswith(f"/dokument/{ticket['id']}")


@pytest.mark.parametrize("params", QUERIES[:4])
def test_jsonl_lines_are_the_search_hits_without_snippet(export_client, hidden_store, params):
    _store, hidden = hidden_store
    hits = _published_visible(export_client, hidden, _search_all(export_client, params))
    lines = _export(export_client, "jsonl", params).decode("utf-8").splitlines()
    docs = [json.loads(line) for line in lines]
    assert docs == [{key: hit[key] for key in HIT_KEYS} for hit in hits]
    assert all(list(doc) == HIT_KEYS for doc in docs)


def test_jsonl_and_csv_with_text(export_client):
    docs = [json.loads(line) for line in _export(export_client, "jsonl", {"q": WORD}, text=1).splitlines()]
    assert docs and all(list(doc) == [*HIT_KEYS, "text"] for doc in docs)
    for doc in docs:
        assert doc["text"] == export_client.get(f"/api/documents/{doc['id']}").get_json()["text"]
    rows = list(csv.DictReader(io.StringIO(_export(export_client, "csv", {"q": WORD}, text="1").decode("utf-8-sig"),
                                           newline=""), delimiter=";"))
    assert list(rows[0]) == [*COLUMNS, "text"]
    assert [row["text"] for row in rows] == [exports.csv_cell(doc["text"]) for doc in docs]


def test_formula_cells_are_escaped_in_csv_and_text_in_xlsx(export_client, hidden_store):
    _store, hidden = hidden_store
    raw = _export(export_client, "csv", {"q": WORD})
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";")}
    row = rows[str(hidden["formula"])]
    assert row["title"] == "'" + FORMULA_TITLE
    assert row["faction"] == "'+49 Fraktion" and row["municipality"] == "'@Schwerin"
    book = openpyxl.load_workbook(io.BytesIO(_export(export_client, "xlsx", {"q": WORD})))
    sheet = book["Dokumente"]
    cells = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    title = cells[hidden["formula"]][COLUMNS.index("title")]
    assert title.value == FORMULA_TITLE and title.data_type == "s"  # text, not a formula


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_escaped(value):
    assert exports.csv_cell(value) == "'" + value
    assert exports.csv_cell("a" + value) == "a" + value
    assert exports.csv_cell(["=a", "b"]) == "'=a, b"


def test_comma_csv_for_scripts(export_client):
    raw = _export(export_client, "csv", {"q": WORD}, sep=",")
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM: scripts read plain UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert list(rows[0]) == COLUMNS
    assert any(row["title"].startswith("'=") for row in rows)  # still escaped
    assert export_client.get("/api/export", query_string={"format": "csv", "sep": "|"}).status_code == 400


@pytest.mark.parametrize("params", QUERIES[:3])
def test_xlsx_rows_header_filter_and_query_sheet(export_client, hidden_store, params):
    _store, hidden = hidden_store
    hits = _published_visible(export_client, hidden, _search_all(export_client, params))
    book = openpyxl.load_workbook(io.BytesIO(_export(export_client, "xlsx", params)))
    assert book.sheetnames == ["Dokumente", "Abfrage"]
    sheet = book["Dokumente"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{len(hits) + 1}"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    visible = _documents(export_client, hits)
    for hit, row in zip(hits, rows[1:], strict=True):
        got = dict(zip(COLUMNS, row, strict=True))
        assert got["id"] == hit["id"] and got["title"] == hit["title"] and got["url"] == hit["url"]
        assert got["date"] == datetime.datetime.fromisoformat(hit["date"])  # a date cell, filterable by date
        assert got["topics"] == (", ".join(hit["topics"]) or None)
        assert got["pages"] == visible[hit["id"]]["pages"]
    about = dict(book["Abfrage"].iter_rows(values_only=True))
    assert about["Suche"] == (params.get("q") or "(alle Dokumente)")
    assert about["Zeilen"] == len(hits)
    assert about["Exportiert am"].startswith(datetime.date.today().isoformat()[:4])


def test_xlsx_query_sheet_names_the_filters(export_client):
    params = {"q": WORD, "municipality": "Bochum", "date_from": "2020-01-01", "sort": "newest"}
    about = dict(openpyxl.load_workbook(io.BytesIO(_export(export_client, "xlsx", params)))["Abfrage"]
                 .iter_rows(values_only=True))
    assert about["Kommune (municipality)"] == "Bochum"
    assert about["Zeitraum"] == "2020-01-01 bis …" and about["Sortierung"] == "newest" and about["Zeilen"] == 1


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "zip"])
def test_no_draft_or_withdrawn_document_in_any_export(export_client, hidden_store, fmt):
    _store, hidden = hidden_store
    raw = _export(export_client, fmt, {"q": WORD}, text=1)
    ids = _ids(fmt, raw)
    assert hidden["formula"] in ids
    assert not {hidden["draft"], hidden["withdrawn"], hidden["lagging"]} & ids
    listed = {hit["id"] for hit in _search_all(export_client, {"q": WORD})}
    assert hidden["lagging"] in listed  # the index still had it: the export checked SQLite
    for word in ("Kiel", "Lübeck", "Rostock"):
        assert word.encode() not in raw


def _ids(fmt: str, raw: bytes) -> set[int]:
    if fmt == "jsonl":
        return {json.loads(line)["id"] for line in raw.splitlines()}
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(raw))["Dokumente"]
        return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    if fmt == "zip":
        raw = zipfile.ZipFile(io.BytesIO(raw)).read("manifest.csv")
    return {int(row["id"]) for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""),
                                                     delimiter=";")}


def test_zip_holds_the_originals_and_a_manifest(export_client):
    params = {"q": "Schulen OR Sozialticket"}
    hits = _search_all(export_client, params)
    with zipfile.ZipFile(io.BytesIO(_export(export_client, "zip", params))) as archive:
        assert archive.testzip() is None
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"), newline=""),
                                       delimiter=";"))
        assert list(manifest[0]) == [*COLUMNS, "file"]
        assert [int(row["id"]) for row in manifest] == [hit["id"] for hit in hits if hit["id"] in
                                                        {int(r["id"]) for r in manifest}]
        assert sorted(archive.namelist()) == sorted(["manifest.csv", *(row["file"] for row in manifest)])
        for row in manifest:
            assert row["file"].startswith(f"originale/{row['id']}-")
            with export_client.get(f"/dokument/{row['id']}/original") as response:
                assert archive.read(row["file"]) == response.get_data()
        suffixes = {Path(row["file"]).suffix for row in manifest}
        assert suffixes == {".pdf", ".docx"}


def test_zip_over_the_cap_is_refused_with_a_german_message(hidden_store):
    store, _ids = hidden_store
    client = make_app(store, EXPORT_ZIP_MAX_FILES="2").test_client()
    response = client.get("/api/export", query_string={"format": "zip", "q": WORD})
    assert response.status_code == 400
    body = response.get_json()
    assert "auf 2 Dateien begrenzt" in body["error"] and "EXPORT_ZIP_MAX_FILES" in body["error"]
    assert "Grenzen Sie die Suche ein" in body["error"] and "findet 4 Dokumente" in body["error"]
    assert body["limits"] == {"files": 2, "mb": 500.0}
    assert response.mimetype == "application/json"  # not a truncated ZIP
    client = make_app(store, EXPORT_ZIP_MAX_MB="0.001").test_client()
    response = client.get("/api/export", query_string={"format": "zip"})
    assert response.status_code == 400
    assert "auf 0.001 MB begrenzt" in response.get_json()["error"]
    assert "EXPORT_ZIP_MAX_MB" in response.get_json()["error"]
    assert client.get("/api/export", query_string={"format": "zip", "q": "Webseite"}).status_code == 400
    small = make_app(store, EXPORT_ZIP_MAX_MB="1").test_client()
    assert small.get("/api/export", query_string={"format": "zip", "q": "Webseite"}).status_code == 200


def test_bad_parameters_get_a_german_400(export_client):
    for params in ({"format": "pdf"}, {}, {"format": "csv", "text": "vielleicht"},
                   {"format": "csv", "date_from": "2023-02-30"}, {"format": "xlsx", "sort": "zufall"}):
        response = export_client.get("/api/export", query_string=params)
        assert response.status_code == 400, params
        assert response.get_json()["error"]


def test_page_and_per_page_do_not_limit_an_export(export_client):
    everything = _ids("csv", _export(export_client, "csv", {}))
    assert _ids("csv", _export(export_client, "csv", {"page": 3, "per_page": 1})) == everything
    assert len(everything) == len(STORE_DOCS) + 1  # and the formula one; never the hidden ones


def test_search_page_links_every_format_with_the_search(export_client):
    html = export_client.get("/", query_string={"q": WORD, "state": "Nordrhein-Westfalen", "page": 1}).get_data(
        as_text=True)
    assert "Exportieren:" in html
    for fmt, label in (("csv", "CSV"), ("xlsx", "Excel"), ("jsonl", "JSON")):
        href = f'href="/api/export?format={fmt}&amp;q={WORD}&amp;state=Nordrhein-Westfalen"'
        assert href in html and f"{label}<span class=\"visually-hidden\">: alle" in html
    assert "Exportieren:" not in export_client.get("/", query_string={"q": "nichtvorhandeneswort"}).get_data(
        as_text=True)


# -- the snapshot ------------------------------------------------------------


def test_flask_snapshot_writes_the_published_documents_for_datasette(hidden_store, tmp_path: Path):
    store, hidden = hidden_store
    out = tmp_path / "archiv.db"
    proc = flask("snapshot", str(out), archive_dir=store)
    assert proc.returncode == 0, proc.stderr
    assert "veröffentlichte Dokumente" in proc.stdout
    assert not list(tmp_path.glob(".*part"))  # written under a temporary name, renamed at the end
    conn = sqlite3.connect(out)
    published = {row[0] for row in sqlite3.connect(store / "archive.db").execute(
        "SELECT id FROM documents WHERE publication = 'published'")}
    ids = {row[0] for row in conn.execute("SELECT id FROM documents")}
    assert ids == published
    assert not {hidden["draft"], hidden["withdrawn"], hidden["lagging"]} & ids
    for town in ("Kiel", "Lübeck", "Rostock"):
        assert not conn.execute("SELECT count(*) FROM documents WHERE text LIKE ?", [f"%{town}%"]).fetchone()[0]
    found = [row[0] for row in conn.execute(
        "SELECT documents.id FROM documents_fts JOIN documents ON documents.rowid = documents_fts.rowid "
        "WHERE documents_fts MATCH ? ORDER BY rank", [WORD])]
    assert set(found) == {hidden["formula"], *(i for i, in conn.execute(
        "SELECT id FROM documents WHERE title LIKE 'Sozialticket%' OR text LIKE '%Sozialticket%'"))}
    assert conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'title:Schulgebäude'"
                        ).fetchone()[0] == 1
    columns = {row[1] for row in conn.execute("PRAGMA table_info(documents)")}
    assert {"title", "doc_type", "date", "municipality", "municipality_ars", "district", "state", "party", "parties",
            "faction", "topics", "pages", "format", "text"} <= columns
    assert "publication" not in columns
    bochum = conn.execute("SELECT name, state, documents FROM kommunen WHERE name = 'Bochum'").fetchone()
    assert bochum == ("Bochum", "Nordrhein-Westfalen", 2)
    assert ("CDU", 1) in conn.execute("SELECT name, documents FROM parties").fetchall()
    assert conn.execute("SELECT name FROM topics WHERE slug = 'verkehr'").fetchone()[0].startswith("Verkehr")
    assert json.loads(conn.execute("SELECT topics FROM documents WHERE title LIKE 'Sozialticket%'").fetchone()[0])
    keys = {(row[2], row[3]) for row in conn.execute("PRAGMA foreign_key_list(documents)")}
    assert keys == {("kommunen", "municipality_ars"), ("doc_types", "doc_type")}
    assert conn.execute("SELECT count(*) FROM document_topics").fetchone()[0] > 0


def test_snapshot_download_and_the_nightly_job(store_dir: Path):
    client = make_app(store_dir).test_client()
    response = client.get("/api/snapshot.db")
    assert response.status_code == 404 and "Snapshot" in response.get_json()["error"]
    worker = Worker(store_dir, lambda: Archive(store_dir))
    due = worker.huey.read_periodic(datetime.datetime(2026, 12, 8, 3, 15))  # huey's clock: UTC
    assert [task.name for task in due] == ["nightly_snapshot"]
    assert worker.huey.read_periodic(datetime.datetime(2026, 12, 8, 3, 16)) == []
    worker._nightly_snapshot()
    path = store_dir / snapshot.SNAPSHOT_DIR / snapshot.NIGHTLY_NAME
    with client.get("/api/snapshot.db") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment; filename=antragsarchiv-")
        data = response.get_data()
    assert data == path.read_bytes()
    out = store_dir / "fetched.db"
    out.write_bytes(data)
    assert sqlite3.connect(out).execute("SELECT count(*) FROM documents").fetchone()[0] == len(STORE_DOCS)

"""How sure the extraction was of each field: stored with the document, in the API, marked "unsicher" in the
review form, and the review queue's least certain documents first (``?zuerst=unsicher``). Real files through the
real ingest, the real app on a store in a temp folder."""

import math
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from archive import Archive
from archive import store as store_module
from archive.store import CONFIDENCE_FIELDS, UNSURE, UNSURE_ORDER, confidence_columns
from tests.conftest import make_app
from tests.docs import make_docx, motion_text
from tests.test_review import form_of
from tests.test_web import login

# in the order they are ingested (ids 1..4): the queue's default order is the reverse
FILES = {
    "notiz.txt": "Ein paar Gedanken zum Wetter.\nEs regnet oft, und manchmal scheint die Sonne.\n",
    "sozialticket.docx": motion_text("Bochum", "Sozialticket für alle Leistungsberechtigten",
                                     "Die Stadt Bochum führt ein Sozialticket auf Basis des Deutschlandtickets ein. "
                                     "Der Preis für Berechtigte beträgt höchstens 19 Euro im Monat.",
                                     date="13.03.2023", party="DIE LINKE."),
    "trinkbrunnen.docx": ["Trinkbrunnen in der Innenstadt", "SPD",
                          "Der Rat möge beschließen: In der Stadt werden zehn Trinkbrunnen aufgestellt. "
                          "Das Trinkwasser ist kostenlos. Kiel, den 04.09.2023"],
    "sitzung.txt": "Notizen aus der Sitzung\nWir sollten darüber reden, was wir im Herbst mit dem Spielplatz machen.\n",
}
VAGUE = ("notiz.txt", "sitzung.txt")  # no letterhead, no date, no party
CLEAR = "sozialticket.docx"  # letterhead, date, type word, subject
# form field -> the confidence field that covers it
COVERS = {"title": "title", "doc_type": "doc_type", "date": "date", "municipality": "municipality",
          "district": "municipality", "state": "municipality", "parties": "party", "topics": "topics"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("confidence")
    (base / "files").mkdir()
    archive = Archive.open(base / "store")
    try:
        for name, content in FILES.items():  # one at a time: ids in this order
            path = base / "files" / name
            if name.endswith(".txt"):
                path.write_text(content, encoding="utf-8")
            else:
                make_docx(path, content)
            assert [o.status for o in archive.ingest([path], workers=1)] == ["added"]
    finally:
        archive.close()
    return base / "store"


@pytest.fixture
def store(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(built, target)
    return target


@pytest.fixture
def staff(store: Path):
    app = make_app(store)
    with app.test_client() as client:
        login(client)
        client.application.extensions["index"].refresh_interval = 0
        yield client


def docs_by_name(client) -> dict[str, dict]:
    docs = [client.get(f"/api/documents/{doc_id}").get_json() for doc_id in range(1, len(FILES) + 1)]
    return {doc["original_name"]: doc for doc in docs}


def percent(value: float) -> int:
    return math.floor(round(value * 100, 6))


def badges(html: str) -> dict[str, str]:
    """Form field -> the title of its "unsicher" badge."""
    form = html[html.index('class="review-form"'):]
    found = dict(re.findall(r'<label for="f-(\w+)">[^<]*<span class="unsure" title="([^"]*)">unsicher<', form))
    legend = re.search(r'<legend id="f-topics">[^<]*<span class="unsure" title="([^"]*)">unsicher<', form)
    if legend:
        found["topics"] = legend[1]
    assert html.count('class="unsure"') == len(found), "a badge outside a label"
    return found


def queue_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/dokument/(\d+)/pruefen', html)]


def test_the_columns_take_the_lowest_value_and_a_missing_field_counts_as_zero():
    full = dict.fromkeys(CONFIDENCE_FIELDS, 0.9) | {"date": 0.35}
    assert confidence_columns(full)["min_confidence"] == 0.35
    assert confidence_columns({**full, "date": 0.9})["min_confidence"] == 0.9
    partial = {key: value for key, value in full.items() if key != "topics"}
    assert confidence_columns(partial)["min_confidence"] == 0.0
    assert confidence_columns({})["min_confidence"] == 0.0 and confidence_columns(None)["confidence"] == "{}"
    odd = confidence_columns({**full, "title": float("nan"), "party": 1.7, "topics": "hoch", "date": -1})
    assert odd["confidence"] == ('{"doc_type": 0.9, "title": 0.0, "date": 0.0, "municipality": 0.9, '
                                 '"party": 1.0, "topics": 0.0}')


def test_the_confidence_of_each_field_is_stored_and_in_the_api(staff):
    docs = docs_by_name(staff)
    for doc in docs.values():
        confidence = doc["confidence"]
        assert set(CONFIDENCE_FIELDS) <= set(confidence)
        assert all(0.0 <= confidence[field] <= 1.0 for field in CONFIDENCE_FIELDS)
        assert doc["min_confidence"] == min(confidence[field] for field in CONFIDENCE_FIELDS)
        assert {"id", "title", "text", "url", "download_url", "reviewed_at", "edited_fields", "parties"} <= set(doc)
    assert docs[CLEAR]["min_confidence"] >= UNSURE
    for name in VAGUE:
        assert docs[name]["min_confidence"] < UNSURE < docs[CLEAR]["min_confidence"]
        assert docs[name]["date"] is None and docs[name]["confidence"]["date"] < UNSURE


def test_the_review_form_marks_the_fields_the_extraction_was_unsure_of(staff):
    docs = docs_by_name(staff)
    for name in VAGUE:
        doc = docs[name]
        html = staff.get(f"/dokument/{doc['id']}/pruefen").get_data(as_text=True)
        expected = {field: f"Sicherheit der Erkennung: {percent(doc['confidence'][covered])} %"
                    for field, covered in COVERS.items() if doc["confidence"][covered] < UNSURE}
        assert badges(html) == expected
        assert {"date", "parties"} <= set(expected)
        if doc["confidence"]["municipality"] < UNSURE:  # the place's confidence covers all three fields
            assert {"municipality", "district", "state"} <= set(expected)
        assert f"Sicherheit der Erkennung: {percent(doc['min_confidence'])} %" in html
    clear = docs[CLEAR]
    html = staff.get(f"/dokument/{clear['id']}/pruefen").get_data(as_text=True)
    assert badges(html) == {} and "unsicher</span>" not in html
    assert f"Sicherheit der Erkennung: {percent(clear['min_confidence'])} %" in html


def test_a_reviewed_document_shows_no_unsure_field_but_keeps_the_extraction_confidence(staff):
    doc = docs_by_name(staff)["notiz.txt"]
    url = f"/dokument/{doc['id']}/pruefen"
    assert badges(staff.get(url).get_data(as_text=True))
    assert staff.post(url, data=form_of(staff.get(url).get_data(as_text=True))).status_code == 302
    html = staff.get(url).get_data(as_text=True)
    assert "zuletzt geprüft am" in html
    assert badges(html) == {} and "Sicherheit der Erkennung" not in html
    reviewed = staff.get(f"/api/documents/{doc['id']}").get_json()
    assert reviewed["reviewed_at"]
    assert (reviewed["confidence"], reviewed["min_confidence"]) == (doc["confidence"], doc["min_confidence"])
    assert doc["id"] not in queue_ids(staff.get("/zu-pruefen?zuerst=unsicher").get_data(as_text=True))


def test_the_queue_shows_the_least_certain_first_on_request_and_walking_keeps_the_order(staff):
    docs = docs_by_name(staff)
    newest = queue_ids(staff.get("/zu-pruefen").get_data(as_text=True))
    assert newest == [4, 3, 2, 1]
    page = staff.get("/zu-pruefen?zuerst=unsicher").get_data(as_text=True)
    unsure = queue_ids(page)
    by_id = {doc["id"]: doc for doc in docs.values()}
    assert unsure == sorted(by_id, key=lambda i: (by_id[i]["min_confidence"], -i))
    assert unsure != newest and set(unsure[:2]) == {docs[name]["id"] for name in VAGUE}
    assert unsure[-1] == docs[CLEAR]["id"]
    assert "die mit der geringsten Sicherheit der Erkennung zuerst" in page
    assert re.search(r'<a href="/zu-pruefen\?zuerst=unsicher" aria-current="page">Unsicherste zuerst', page)
    assert re.search(r'<a href="/zu-pruefen\?fehlt=date&amp;zuerst=unsicher"', page)  # the filters keep the order
    default = staff.get("/zu-pruefen").get_data(as_text=True)
    assert re.search(r'<a href="/zu-pruefen\?zuerst=unsicher">Unsicherste zuerst', default)

    vague = docs["sitzung.txt"]
    row = page[page.index(f'href="/dokument/{vague["id"]}/pruefen?zuerst=unsicher"'):]
    row = row[:row.index("</tr>")]
    labels = {"doc_type": "Typ", "title": "Titel", "date": "Datum", "municipality": "Kommune/Kreis",
              "party": "Partei", "topics": "Themen"}
    listed = ", ".join(labels[f] for f in CONFIDENCE_FIELDS if vague["confidence"][f] < UNSURE)
    assert f"{percent(vague['min_confidence'])} %<br><span class=\"unsure-list\">unsicher: {listed}</span>" in row
    clear_row = page[page.index(f'href="/dokument/{docs[CLEAR]["id"]}/pruefen?zuerst=unsicher"'):]
    clear_row = clear_row[:clear_row.index("</tr>")]
    assert f"{percent(docs[CLEAR]['min_confidence'])} %</td>" in clear_row and "unsicher:" not in clear_row

    seen = []
    url = f"/dokument/{unsure[0]}/pruefen?zuerst=unsicher"
    while "/pruefen" in url:
        seen.append(int(url.split("/")[2]))
        form = {**form_of(staff.get(url).get_data(as_text=True)), "then": "next"}
        assert form["zuerst"] == "unsicher"
        url = staff.post(url, data=form).headers["Location"]
        assert url.endswith("zuerst=unsicher"), url
    assert seen == unsure and url == "/zu-pruefen?zuerst=unsicher"


def test_least_certain_first_combines_with_a_missing_field_and_an_unknown_order_is_ignored(staff):
    docs = docs_by_name(staff)
    page = staff.get("/zu-pruefen?fehlt=date&zuerst=unsicher").get_data(as_text=True)
    listed = [int(i) for i in re.findall(r'href="/dokument/(\d+)/pruefen\?fehlt=date&amp;zuerst=unsicher"', page)]
    lacking = {doc["id"]: doc for doc in docs.values() if doc["date"] is None}
    assert set(listed) == set(lacking) and {docs[name]["id"] for name in VAGUE} <= set(lacking)
    assert listed == sorted(lacking, key=lambda i: (lacking[i]["min_confidence"], -i))
    assert re.search(r'<a href="/zu-pruefen\?fehlt=date" *>Neueste zuerst', page)
    assert re.search(r'<a href="/zu-pruefen\?zuerst=unsicher" *>Alle', page)
    url = f"/dokument/{listed[0]}/pruefen?fehlt=date&zuerst=unsicher"
    form = {**form_of(staff.get(url).get_data(as_text=True)), "then": "next"}
    assert (form["fehlt"], form["zuerst"]) == ("date", "unsicher")
    assert staff.post(url, data=form).headers["Location"] == f"/dokument/{listed[1]}/pruefen?fehlt=date&zuerst=unsicher"

    odd = staff.get("/zu-pruefen?zuerst=unsinn")
    assert odd.status_code == 200 and "neueste zuerst" in odd.get_data(as_text=True)
    assert queue_ids(odd.get_data(as_text=True)) == queue_ids(staff.get("/zu-pruefen").get_data(as_text=True))
    url = f"/dokument/{listed[1]}/pruefen"
    form = {**form_of(staff.get(url).get_data(as_text=True)), "zuerst": "unsinn", "then": "next"}
    location = staff.post(url, data=form).headers["Location"]
    assert "zuerst" not in location and location.endswith("/pruefen")


def test_the_least_certain_first_order_reads_a_partial_index(store: Path):
    archive = Archive.open(store)
    try:
        plan = archive.store.db.execute("EXPLAIN QUERY PLAN SELECT id FROM documents WHERE reviewed_at IS NULL "
                                        f"ORDER BY {UNSURE_ORDER} LIMIT 50").fetchall()
    finally:
        archive.close()
    detail = " ".join(row[-1] for row in plan)
    assert "documents_unreviewed_unsure" in detail and "TEMP B-TREE" not in detail


def test_a_store_from_before_the_confidence_gets_its_columns_and_reprocess_fills_them(store: Path):
    db = sqlite3.connect(store / "archive.db")
    db.execute("DROP INDEX documents_unreviewed_unsure")
    db.execute("ALTER TABLE documents DROP COLUMN confidence")
    db.execute("ALTER TABLE documents DROP COLUMN min_confidence")
    db.commit()
    db.close()
    store_module._PREPARED.clear()  # as in a new process
    app = make_app(store)
    with app.test_client() as client:
        login(client)
        doc = client.get("/api/documents/1").get_json()
        assert (doc["confidence"], doc["min_confidence"]) == ({}, None)
        html = client.get("/dokument/1/pruefen").get_data(as_text=True)
        assert badges(html) == {} and "Sicherheit der Erkennung: nicht erfasst" in html
        page = client.get("/zu-pruefen?zuerst=unsicher").get_data(as_text=True)
        assert queue_ids(page) == [4, 3, 2, 1] and page.count("nicht erfasst") == 4
    db = sqlite3.connect(store / "archive.db")
    columns = {row[1]: row[2] for row in db.execute("PRAGMA table_info(documents)")}
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    db.close()
    assert (columns["confidence"], columns["min_confidence"]) == ("TEXT", "REAL")
    assert "documents_unreviewed_unsure" in indexes

    archive = Archive.open(store)
    try:
        assert {o.status for o in archive.reprocess(everything=True, workers=1)} == {"updated"}
        filled = archive.document(1)
        assert set(CONFIDENCE_FIELDS) <= set(filled["confidence"])
        assert filled["min_confidence"] == min(filled["confidence"][f] for f in CONFIDENCE_FIELDS)
        assert [o.status for o in archive.reprocess(everything=True, workers=1)] == ["unchanged"] * 4
    finally:
        archive.close()

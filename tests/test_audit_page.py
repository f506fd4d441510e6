"""/protokoll and /protokoll.csv on a real store: German labels, filters, pages of 50, the CSV download."""

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from archive import audit
from archive.accounts import ADMIN, EDITOR
from tests.conftest import make_app
from tests.test_accounts import ADMIN_NAME, ADMIN_PW, EDITOR_NAME, EDITOR_PW, opened, sign_in


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    with opened(root) as accounts:
        accounts.create(ADMIN_NAME, ADMIN, ADMIN_PW, actor="cli:root")
        accounts.create(EDITOR_NAME, EDITOR, EDITOR_PW, actor="cli:root")
        conn = accounts.conn
        for number in range(60):  # 60 publications of documents 1..3 by erika
            audit.record(conn, EDITOR_NAME, audit.PUBLISH, document_id=number % 3 + 1)
        audit.record(conn, EDITOR_NAME, audit.EDIT, document_id=2, fields=["title", "date"])
        audit.record(conn, None, audit.UPLOAD, document_id=9, detail="=HYPERLINK(\"http://evil.example\")")
        conn.commit()
    return root


@pytest.fixture
def admin(root: Path):
    with make_app(root).test_client() as client:
        assert sign_in(client, ADMIN_NAME, ADMIN_PW).status_code == 302
        yield client


def _rows(html: str) -> list[str]:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return body.split("<tr>")[1:]


def test_the_log_shows_german_labels_newest_first_in_pages_of_50(admin):
    page = admin.get("/protokoll").get_data(as_text=True)
    assert "<h1>Protokoll</h1>" in page
    rows = _rows(page)
    assert len(rows) == 50
    assert "Anmeldung" in rows[0] and ADMIN_NAME in rows[0]  # the admin's own login is the newest row
    assert "Hochgeladen" in rows[1] and "Nr. 9" in rows[1]
    assert "Bearbeitet" in rows[2] and "Datum, Titel" in rows[2]
    assert "65 Einträge" in page and "Seite 1 von 2" in page and "seite=2" in page
    second = _rows(admin.get("/protokoll?seite=2").get_data(as_text=True))
    assert len(second) == 15 and "Konto angelegt" in second[-1] and "cli:root" in second[-1]
    assert 'for="f-aktion">Aktion<' in page and 'for="f-konto">Konto<' in page and 'for="f-dokument">' in page
    for label in audit.ACTIONS.values():
        assert f">{label}</option>" in page


def test_filters_by_action_account_and_document_are_kept_in_the_links(admin):
    page = admin.get("/protokoll?aktion=publish&konto=erika&dokument=2").get_data(as_text=True)
    rows = _rows(page)
    assert len(rows) == 20 and all("Veröffentlicht" in row and "Nr. 2" in row for row in rows)
    assert "20 Einträge (gefiltert)" in page
    assert 'href="/protokoll.csv?aktion=publish&amp;konto=erika&amp;dokument=2"' in page
    assert '<option value="publish" selected>' in page and '<option value="erika" selected>' in page
    assert len(_rows(admin.get("/protokoll?aktion=account_create").get_data(as_text=True))) == 2
    assert len(_rows(admin.get("/protokoll?konto=cli:root").get_data(as_text=True))) == 2
    page = admin.get("/protokoll?aktion=publish&seite=2").get_data(as_text=True)
    assert "aktion=publish&amp;seite=1" in page or "seite=1&amp;aktion=publish" in page
    assert len(_rows(page)) == 10
    empty = admin.get("/protokoll?konto=niemand").get_data(as_text=True)
    assert "Keine Einträge für diese Auswahl" in empty
    unknown = admin.get("/protokoll?aktion=gibtsnicht")  # an unknown action means all
    assert unknown.status_code == 200 and len(_rows(unknown.get_data(as_text=True))) == 50
    bad = admin.get("/protokoll?dokument=zwei")
    assert bad.status_code == 400 and "„zwei“ ist keine Dokumentnummer" in bad.get_data(as_text=True)
    assert admin.get("/protokoll.csv?dokument=zwei").status_code == 400


def _csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_download_has_every_matching_row(admin):
    response = admin.get("/protokoll.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="protokoll.csv"'
    rows = _csv(response)
    assert rows[0] == ["Nr.", "Zeit (UTC)", "Konto", "Aktion", "Aktion (Code)", "Dokument", "Felder", "Details"]
    assert len(rows) == 1 + 65  # not cut at 50
    login, upload, edit = rows[1:4]
    assert login[2:5] == [ADMIN_NAME, "Anmeldung", "login"]
    assert upload[5] == "9" and upload[7].startswith("'=")  # a spreadsheet would run it as a formula
    assert edit[3:7] == ["Bearbeitet", "edit", "2", "date, title"]
    filtered = _csv(admin.get("/protokoll.csv?aktion=publish&konto=erika&dokument=3"))
    assert len(filtered) == 1 + 20 and {row[5] for row in filtered[1:]} == {"3"}


def test_the_csv_streams_in_batches(admin, root: Path, monkeypatch):
    batches = []
    real = audit.iter_entries

    def counting(conn, **filters):
        batches.append(filters)
        return real(conn, **filters, batch=7)

    monkeypatch.setattr(audit, "iter_entries", counting)
    rows = _csv(admin.get("/protokoll.csv?aktion=publish"))
    assert len(rows) == 61 and batches == [{"action": "publish", "account": None, "document_id": None}]
    conn = sqlite3.connect(root / "archive.db")
    try:
        assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'publish'").fetchone()[0] == 60
    finally:
        conn.close()

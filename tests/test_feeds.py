"""/feed.atom (checked with feedparser) and /api/changes, on the real app and store."""

import time
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from archive import Archive
from tests.conftest import STORE_DOCS, make_app
from tests.docs import make_docx, motion_text


@pytest.fixture
def app(store_dir: Path):
    return make_app(store_dir)


def _parse(client, query: str = ""):
    response = client.get("/feed.atom" + query)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_the_feed_is_valid_atom_newest_first(client):
    feed = _parse(client)
    assert feed.version == "atom10"
    assert len(feed.entries) == len(STORE_DOCS)
    dates = [entry.summary.split(" · ")[2][:10] for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    first = feed.entries[0]
    assert first.link.startswith("http://localhost/dokument/") and first.id == first.link
    assert first.title and first.updated_parsed and first.author


def test_the_feed_takes_the_search_parameters(client):
    feed = _parse(client, "?q=Sozialticket&municipality=Bochum")
    assert [entry.title for entry in feed.entries] == ["Sozialticket für alle Leistungsberechtigten"]
    assert feed.feed.title == "Antragsarchiv: Sozialticket"
    assert client.get("/feed.atom?date_from=2023-02-30").status_code == 400


def test_the_search_page_links_and_announces_its_feed(client):
    html = client.get("/?q=Schule&doc_type=antrag").get_data(as_text=True)
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feed.atom?q=Schule&amp;doc_type=antrag"' in html and "Diese Suche abonnieren" in html


def test_changes_report_new_withdrawn_and_deleted_documents(app, store_dir: Path, tmp_path: Path):
    time.sleep(1.1)  # the store was built moments ago; time stamps have whole seconds
    before = datetime.now(UTC).isoformat(timespec="seconds")
    archive = Archive(store_dir)
    path = make_docx(tmp_path / "neu.docx", motion_text("Kiel", "Bänke am Hafen", "Mehr Bänke in Kiel."))
    [new] = list(archive.ingest([path], workers=1))
    withdrawn, deleted = archive.store.published_ids()[:2]
    archive.withdraw(withdrawn, "anna")
    archive.delete(deleted, "anna")
    archive.close()
    with app.test_client() as client:
        answer = client.get(f"/api/changes?since={before}").get_json()
        assert [c["id"] for c in answer["changed"]] == [new.id]
        assert {(r["id"], r["reason"]) for r in answer["removed"]} == {(withdrawn, "withdrawn"), (deleted, "deleted")}
        assert answer["next_since"] is None
        everything = client.get("/api/changes?since=2000-01-01T00:00:00Z&limit=2").get_json()
        assert len(everything["changed"]) == 2 and everything["next_since"]
        assert client.get("/api/changes").status_code == 400
        assert client.get("/api/changes?since=gestern").status_code == 400
        assert client.get(f"/api/changes?since={before}&limit=0").status_code == 400


def test_modified_since_keeps_what_changed_on_search_and_export(app, store_dir: Path, tmp_path: Path):
    time.sleep(1.1)  # time stamps have whole seconds
    since = datetime.now(UTC).isoformat(timespec="seconds")
    archive = Archive(store_dir)
    path = make_docx(tmp_path / "neu.docx", motion_text("Kiel", "Bänke am Hafen", "Mehr Bänke in Kiel."))
    [new] = list(archive.ingest([path], workers=1))
    archive.close()
    with app.test_client() as client:
        hits = client.get(f"/api/search?modified_since={since}").get_json()
        assert [hit["id"] for hit in hits["hits"]] == [new.id] and hits["total"] == 1
        assert sum(c["count"] for c in hits["facets"]["municipality"]) == 1
        lines = client.get(f"/api/export?format=jsonl&modified_since={since}").get_data(as_text=True).splitlines()
        assert len(lines) == 1
        assert client.get("/api/search?modified_since=2000-01-01").get_json()["total"] == len(STORE_DOCS) + 1
        assert client.get("/api/search?modified_since=gestern").status_code == 400

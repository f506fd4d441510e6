"""The archive package on real SQLite and Whoosh: store, index, search, failures."""

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from archive import Archive, BadRequest, IndexWriteError, SearchRequest
from archive.engine.folders import VERSION_FILE
from archive.engine.whoosh.index import SCHEMA_VERSION, Index
from tests.docs import make_docx, make_pdf, motion_text

DOCS = {
    "bochum.docx": ("Bochum", "Sozialticket", "Das Sozialticket soll für alle Leistungsberechtigten gelten.", "SPD",
                    "12.03.2023"),
    "kiel.docx": ("Kiel", "Kita-Gebühren abschaffen", "Die Kita-Gebühren werden ab dem Kita-Jahr abgeschafft.",
                  "DIE LINKE.", "01.02.2019"),
    "koeln.pdf": ("Köln", "Mieten begrenzen", "Die Mieten in Köln steigen. Der Mietspiegel muss gelten.",
                  "GRÜNE", "05.06.2021"),
    "leipzig.pdf": ("Leipzig", "Kitagebühren senken", "Die Kitagebühren sind zu hoch und werden gesenkt.",
                    "DIE LINKE.", "07.09.2022"),
}


def _write(folder: Path) -> list[Path]:
    paths = []
    for name, (town, subject, body, party, date) in DOCS.items():
        lines = motion_text(town, subject, body, date=date, party=party)
        path = folder / name
        paths.append(make_docx(path, lines) if name.endswith(".docx") else make_pdf(path, ["\n".join(lines)]))
    return paths


@pytest.fixture
def archive(tmp_path: Path):
    files = tmp_path / "files"
    files.mkdir()
    arch = Archive.open(tmp_path / "store")
    outcomes = list(arch.ingest(_write(files), workers=2))
    assert {o.status for o in outcomes} == {"added"}, outcomes
    yield arch
    arch.close()


def ids_for(archive: Archive, **kwargs) -> list[int]:
    return [hit.id for hit in archive.search(SearchRequest(**kwargs)).hits]


def test_store_keeps_originals_content_addressed(archive: Archive):
    row = archive.document(1)
    path, file_row = archive.original(1)
    assert path.name == f"{row['sha256']}.{row['format']}"
    assert file_row["original_name"] in DOCS


def test_empty_query_lists_everything_newest_first(archive: Archive):
    result = archive.search(SearchRequest())
    assert result.total == 4
    dates = [archive.document(h.id)["date"] for h in result.hits]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)


def test_hyphenated_compound_is_found_all_ways(archive: Archive):
    kiel, leipzig = _id(archive, "kiel.docx"), _id(archive, "leipzig.pdf")
    assert set(ids_for(archive, q="Kitagebühren")) == {kiel, leipzig}
    assert set(ids_for(archive, q="Kita-Gebühren")) == {kiel, leipzig}


def test_stemming_finds_inflected_forms(archive: Archive):
    assert ids_for(archive, q="Miete") == [_id(archive, "koeln.pdf")]


def test_facet_counts_and_filters(archive: Archive):
    result = archive.search(SearchRequest())
    years = {c.value: c.count for c in result.facets["year"]}
    assert sum(years.values()) == 4
    one_town = archive.search(SearchRequest(filters={"municipality": ("Kiel",)}))
    assert [h.id for h in one_town.hits] == [_id(archive, "kiel.docx")]
    # ORed within one facet, and the facet's own counts ignore its filter.
    two = archive.search(SearchRequest(filters={"municipality": ("Kiel", "Köln")}))
    assert two.total == 2
    assert sum(c.count for c in two.facets["municipality"]) == 4


def test_bad_parameters_raise_bad_request():
    with pytest.raises(BadRequest):
        SearchRequest(sort="random")
    with pytest.raises(BadRequest):
        SearchRequest(per_page=500)
    with pytest.raises(BadRequest):
        SearchRequest(date_from="gestern")


def test_failed_index_write_keeps_the_row_and_the_next_sync_indexes_it(archive: Archive, tmp_path: Path):
    """SQLite commits first: an index that cannot be written leaves a stored row whose index entry is queued
    (never an index entry without its row), and the next sync writes it."""
    extra = make_docx(tmp_path / "neu.docx", motion_text("Hannover", "Radwege", "Mehr Radwege für Hannover."))
    ix = whoosh_index.open_dir(str(archive.index.path))
    blocking_writer = ix.writer()  # holds the write lock: the single-writer rule makes our write fail
    try:
        archive.index.write_timeout = 0.2
        outcomes = list(archive.ingest([extra], workers=1))
    finally:
        blocking_writer.cancel()
    assert [o.status for o in outcomes] == ["added"]
    assert archive.count() == 5
    assert archive.store.queue_length() == 1
    assert archive.search(SearchRequest(q="Hannover")).total == 0
    assert archive.check().missing_in_index == (outcomes[0].id,)
    archive.index.write_timeout = 30
    assert archive.sync_index() == 1
    assert archive.search(SearchRequest(q="Hannover")).total == 1
    assert not archive.check().drift


def test_index_write_error_is_an_archive_error():
    assert IndexWriteError().for_user() == "Der Suchindex konnte nicht geschrieben werden"


def test_index_is_rebuilt_when_schema_version_changes(archive: Archive, tmp_path: Path):
    marker = archive.index.path / VERSION_FILE
    marker.write_text(f"{SCHEMA_VERSION - 1} old\n")
    reopened = Archive.open(archive.root, Index(archive.index.path))
    assert reopened.index.needs_rebuild() is False
    assert reopened.search(SearchRequest(q="Sozialticket")).total == 1
    reopened.close()


def test_reader_sees_new_documents(archive: Archive, tmp_path: Path):
    assert archive.search(SearchRequest(q="Radwege")).total == 0
    extra = make_docx(tmp_path / "rad.docx", motion_text("Hannover", "Radwege", "Mehr Radwege für Hannover."))
    list(archive.ingest([extra], workers=1))
    archive.index.refresh_interval = 0
    assert archive.search(SearchRequest(q="Radwege")).total == 1


def test_a_reader_sees_an_updated_document_once(archive: Archive):
    """Whoosh's ``Searcher.refresh()`` reuses segment readers and misses deletions made in them since: the
    old version of an updated document would still match. The index opens a new searcher instead."""
    bochum = SearchRequest(q="Sozialticket", filters={"municipality": ("059110000000",)})
    assert archive.search(bochum).total == 1  # a searcher is open and cached now
    row = archive.store.get(archive.search(bochum).hits[0].id)
    archive.index.add([{**row, "municipality": "Kiel", "municipality_ars": "010020000000"}])
    archive.index.refresh_interval = 0
    assert archive.search(bochum).total == 0
    assert archive.search(SearchRequest(q="Sozialticket")).total == archive.search(SearchRequest(q="Sozialticket",
                                                                                             per_page=100)).total
    assert [h.id for h in archive.search(SearchRequest(q="", per_page=100)).hits].count(row["id"]) == 1


def _id(archive: Archive, name: str) -> int:
    rows = archive.store.db.execute("SELECT id FROM documents WHERE original_name = ?", [name]).fetchall()
    return rows[0][0]

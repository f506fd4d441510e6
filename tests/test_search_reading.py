"""Compounds and template searches on a real store: DOCX and PDF files through the real ingest, SQLite and Whoosh.

* a closed compound is found by its head word and by its parts ("Schule" finds "Grundschule", "Straße" finds
  "Bahnhofstraße"), the word itself ranks above the compounds that contain it;
* a type word in the query prefers that type and is not required in the text; a quoted one is searched as typed;
* council words ("Rat", "beschließt") are not required either; ``literal`` searches every word as typed;
* a query that finds little gets „Meinten Sie …?“ from the archive's own words and Kommunen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import Archive, SearchRequest
from archive.analysis import part_terms, term
from archive.compounds import parts, spans
from archive.query import parse
from archive.query.reading import read
from tests.docs import make_docx, make_pdf

# name -> lines (letterhead, place and date, type, subject, body)
DOCS = {
    "grundschule.docx": ["SPD-Fraktion im Rat der Stadt Bochum", "Bochum, 12.03.2023", "Antrag",
                         "Betreff: Sanierung der Grundschule Nord",
                         "Die Grundschule Nord braucht neue Fenster und ein neues Dach."],
    "schule.pdf": ["CDU-Fraktion im Rat der Stadt Kiel", "Kiel, 02.02.2022", "Antrag",
                   "Betreff: Eine Schule für den Stadtteil",
                   "Der Stadtteil braucht eine eigene Schule mit Ganztag."],
    "bahnhof.docx": ["Fraktion DIE LINKE im Rat der Stadt Essen", "Essen, 05.05.2021", "Anfrage",
                     "Betreff: Verkehr in der Bahnhofstraße",
                     "Wie viele Autos fahren täglich durch die Bahnhofstraße?"],
    "parken.pdf": ["GRÜNE Fraktion im Rat der Stadt Münster", "Münster, 01.07.2020", "Antrag",
                   "Betreff: Gebühren für das Parken in der Innenstadt",
                   "Die Gebühren für das Parken werden an die Kosten angepasst."],
    "rad-antrag.docx": ["SPD-Fraktion im Rat der Stadt Dortmund", "Dortmund, 03.03.2023", "Antrag",
                        "Betreff: Sichere Wege für den Radverkehr",
                        "Der Rat beschließt ein Programm für sichere Kreuzungen im Radverkehr."],
    "rad-presse.pdf": ["GRÜNE Fraktion im Rat der Stadt Köln", "Köln, 04.04.2023", "Pressemitteilung",
                       "Radverkehr: mehr Radverkehr, bessere Radwege",
                       "Der Radverkehr wächst. Radverkehr braucht Platz. Radverkehr ist Klimaschutz. "
                       "Die Fraktion fordert mehr Geld für den Radverkehr."],
    "muelheim.pdf": ["SPD-Fraktion im Rat der Stadt Mülheim an der Ruhr", "Mülheim an der Ruhr, 06.06.2023", "Antrag",
                     "Betreff: Spielplätze in Mülheim an der Ruhr",
                     "Die Spielplätze in Mülheim an der Ruhr werden erneuert."],
    "rad-anfrage.docx": ["CDU-Fraktion im Rat der Stadt Bonn", "Bonn, 05.05.2023", "Anfrage",
                         "Betreff: Zählstellen für den Radverkehr",
                         "Wie hat sich der Radverkehr an den Zählstellen entwickelt? Wir fragen die Verwaltung."],
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    base = tmp_path_factory.mktemp("reading")
    folder = base / "files"
    folder.mkdir()
    paths: list[Path] = []
    for name, lines in DOCS.items():
        path = folder / name
        paths.append(make_docx(path, lines) if name.endswith(".docx") else make_pdf(path, ["\n".join(lines)]))
    archive = Archive.open(base / "store")
    outcomes = list(archive.ingest(paths, workers=1))
    assert {o.status for o in outcomes} == {"added"}, outcomes
    yield archive
    archive.close()


def names(archive: Archive, q: str, full: bool = False, **kwargs) -> list[str]:
    """File names of the hits, best first; ``full``: only the documents matching every word (no partial
    matches, which a compound's parts can bring in a small archive)."""
    result = archive.search(SearchRequest(q=q, **kwargs))
    rows = archive.documents([hit.id for hit in result.hits])
    hits = result.hits[: result.total - result.partial] if full else result.hits
    return [Path(rows[hit.id]["original_name"]).name for hit in hits]


# -- compounds ------------------------------------------------------------------------------------------------


def test_head_word_finds_the_compound(archive):
    assert names(archive, "Bahnhofstraße") == ["bahnhof.docx"]
    assert "bahnhof.docx" in names(archive, "Straße")


def test_modifier_finds_the_compound(archive):
    assert "bahnhof.docx" in names(archive, "Bahnhof")


def test_the_word_itself_ranks_above_compounds_with_it(archive):
    found = names(archive, "Schule")
    assert found[:2] == ["schule.pdf", "grundschule.docx"], found


def test_the_compound_itself_ranks_first(archive):
    assert names(archive, "Grundschule")[0] == "grundschule.docx"


def test_query_compound_finds_its_parts_in_the_text(archive):
    assert names(archive, "Parkgebühren")[0] == "parken.pdf"


def test_compound_parts_of_known_words():
    assert parts("bahnhofstrasse") == ("bahnhof", "strasse")
    assert parts("radverkehrsförderung") == ("rad", "verkehrs", "förderung")
    assert parts("verwaltung") is None  # a simplex word that the list knows is never cut
    assert parts("unterstützung") is None  # a prefix is no compound part
    assert set(part_terms("Straßenbäume")) == {"strass", "baum"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHÄÖÜ-*:", max_size=40))
def test_part_terms_are_bounded_and_never_the_word_itself(raw):
    found = part_terms(raw)
    assert len(found) == len(set(found))
    assert all(len(t) >= 3 for t in found)
    if found:
        assert term(raw) not in found


@given(st.lists(st.sampled_from(["rad", "weg", "schul", "bus", "haus", "stadt"]), min_size=1, max_size=5))
def test_spans_are_the_proper_runs_of_the_pieces(pieces):
    runs = spans(tuple(pieces))
    n = len(pieces)
    assert len(runs) == n * (n + 1) // 2 - 1  # every contiguous run but the whole
    assert all(run in "".join(pieces) for run in runs)


# -- template searches ----------------------------------------------------------------------------------------


def test_type_word_prefers_that_type(archive):
    found = names(archive, "Antrag Radverkehr", full=True)
    assert found[0] == "rad-antrag.docx", found
    assert set(found) == {"rad-antrag.docx", "rad-presse.pdf", "rad-anfrage.docx"}  # not required in the text
    assert names(archive, "Anfrage Radverkehr")[0] == "rad-anfrage.docx"
    assert names(archive, "Pressemitteilungen Radverkehr")[0] == "rad-presse.pdf"


def test_without_a_type_word_the_text_decides(archive):
    assert names(archive, "Radverkehr")[0] == "rad-presse.pdf"


def test_council_words_are_not_required(archive):
    found = names(archive, "Anfrage Radverkehr Rat beschließt", full=True)
    assert found[0] == "rad-anfrage.docx", found
    assert len(found) == 3


def test_quoted_type_word_is_searched_literally(archive):
    result = archive.search(SearchRequest(q='"Pressemitteilung" Radverkehr'))
    assert result.total - result.partial == 1  # the one document with the word; the others follow as partial
    assert names(archive, '"Pressemitteilung" Radverkehr')[0] == "rad-presse.pdf"
    assert result.reading is not None and not result.reading.changed
    assert read(parse('"Antrag" Radverkehr').node).doc_types == ()


def test_literal_search_requires_every_word(archive):
    assert names(archive, "Antrag Radverkehr Rat beschließt", literal=True) == ["rad-antrag.docx"]


def test_field_typ_stays_a_hard_filter(archive):
    assert names(archive, "typ:anfrage Radverkehr") == ["rad-anfrage.docx"]


def test_reading_label():
    reading = read(parse("Antrag Radverkehr Rat beschließt").node)
    assert reading.label == "Anträge zu: Radverkehr"
    assert reading.weak_words == ("Rat", "beschließt")
    assert not read(parse("Radverkehr Förderung").node).changed
    assert not read(parse("Rat Verwaltung").node).changed  # nothing else to search for: as typed


def test_results_page_says_how_it_read_the_query(archive):
    from tests.conftest import make_app

    app = make_app(archive.root)
    with app.test_client() as client:
        page = client.get("/?q=Antrag+Radverkehr+Rat+beschlie%C3%9Ft").get_data(as_text=True)
        assert "Anträge zu: Radverkehr" in page
        assert "literal=1" in page
        literal = client.get("/?q=Antrag+Radverkehr&literal=1").get_data(as_text=True)
        assert "Wörtlich gesucht" in literal
        api = client.get("/api/search?q=Anfrage+Radverkehr").get_json()
        assert api["reading"]["doc_types"] == ["anfrage"]
        assert client.get("/api/search?q=x&literal=vielleicht").status_code == 400


# -- spelling -------------------------------------------------------------------------------------------------


def test_misspelt_kommune_is_corrected(archive):
    result = archive.search(SearchRequest(q="Mühlheim"))
    assert result.total == 0
    assert result.suggestion == "Mülheim"
    assert archive.search(SearchRequest(q=result.suggestion)).total == 1


def test_misspelt_kommune_in_a_field_and_a_word_in_a_longer_query(archive):
    assert archive.search(SearchRequest(q="kommune:Mühlheim Spielplätze")).suggestion == (
        'kommune:"Mülheim an der Ruhr" Spielplätze')
    assert archive.search(SearchRequest(q="Radverker Kreuzungen")).suggestion == "Radverkehr Kreuzungen"


def test_no_suggestion_for_words_the_archive_has(archive):
    assert archive.search(SearchRequest(q="Radverkehr")).suggestion is None
    assert archive.search(SearchRequest(q='"Mühlheim"')).suggestion is None  # a phrase is meant as typed


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_any_query_gets_an_answer_and_a_suggestion_that_parses(archive, q):
    result = archive.search(SearchRequest(q=q))
    if result.suggestion is not None:
        assert parse(result.suggestion).node != parse(q).node


def test_results_page_offers_the_correction(archive):
    from tests.conftest import make_app

    with make_app(archive.root).test_client() as client:
        page = client.get("/?q=M%C3%BChlheim").get_data(as_text=True)
        assert "Meinten Sie" in page and "q=M%C3%BClheim" in page
        assert client.get("/api/search?q=M%C3%BChlheim").get_json()["suggestion"] == "Mülheim"

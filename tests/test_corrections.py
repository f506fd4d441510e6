"""Staff corrections of metadata: validation, storage in SQLite and the index, and survival of a new parse."""

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ingest
from archive import Archive, InvalidCorrection, SearchRequest
from archive import store as store_module
from archive.search import BY_NAME
from archive.store.corrections import changed_fields, parse_correction

BOCHUM = {"municipality": "Bochum", "municipality_ars": "059110000000", "district": "Bochum",
          "district_ars": "05911", "state": "Nordrhein-Westfalen"}
VALID = {"title": "  Sozialticket   jetzt ", "doc_type": "Antrag", "date": "14.03.2023", "municipality": "Bochum",
         "district": "", "state": "", "parties": "Linke, spd, DIE LINKE", "faction": "Ratsfraktion",
         "topics": ["verkehr", "soziales"]}


def test_a_valid_form_is_normalised():
    fixed = parse_correction(VALID, BOCHUM)
    assert fixed.title == "Sozialticket jetzt"
    assert fixed.doc_type == "antrag"
    assert fixed.date == "2023-03-14"
    assert (fixed.municipality.ars, fixed.district.ars, fixed.state) == ("059110000000", "05911",
                                                                          "Nordrhein-Westfalen")
    assert fixed.parties == ("DIE LINKE", "SPD")
    assert fixed.topics == ("verkehr", "soziales")
    row = fixed.row()
    assert (row["party"], row["year"], row["parties"]) == ("DIE LINKE", 2023, '["DIE LINKE", "SPD"]')


def test_every_problem_is_reported_per_field_in_german():
    bad = {"title": "x" * 301, "doc_type": "Brief", "date": "31.02.2023", "municipality": "Atlantis",
           "district": "Nirgendkreis", "state": "Bayern", "parties": "SPD, Spaßpartei", "faction": "",
           "topics": ["wohnen", "verkehr", "bildung", "kultur"]}
    with pytest.raises(InvalidCorrection) as info:
        parse_correction(bad, {})
    errors = info.value.errors
    assert set(errors) == {"title", "doc_type", "date", "municipality", "district", "parties", "topics"}
    assert errors["date"] == "Das Datum ist ungültig (TT.MM.JJJJ)."
    assert errors["municipality"] == "Kommune „Atlantis“ nicht gefunden."
    assert errors["parties"].startswith("Partei „Spaßpartei“ nicht bekannt.")
    assert errors["topics"] == "Höchstens 3 Themen."
    assert info.value.for_user() == "Bitte prüfen Sie die markierten Angaben."


@pytest.mark.parametrize(
    ("typed", "district", "state", "expected"),
    [
        ("Brühl (Rhein-Neckar-Kreis)", "", "", "Baden-Württemberg"),
        ("Brühl", "Rhein-Erft-Kreis", "", "Nordrhein-Westfalen"),
        ("Brühl", "", "Baden-Württemberg", "Baden-Württemberg"),
        ("083260012012", "", "", None),  # an ARS that does not exist
    ],
)
def test_an_ambiguous_name_needs_its_kreis_or_key(typed, district, state, expected):
    values = {**VALID, "municipality": typed, "district": district, "state": state}
    if expected is None:
        with pytest.raises(InvalidCorrection) as info:
            parse_correction(values, {})
        assert info.value.errors == {"municipality": "Keine Kommune mit dem Schlüssel 083260012012 gefunden."}
        return
    assert parse_correction(values, {}).state == expected
    with pytest.raises(InvalidCorrection) as info:
        parse_correction({**VALID, "municipality": "Brühl"}, {})
    assert "Brühl (Rhein-Erft-Kreis), Brühl (Rhein-Neckar-Kreis)" in info.value.errors["municipality"]


def test_an_unchanged_ambiguous_name_keeps_its_key_until_another_kreis_is_chosen():
    bruehl_bw = {"municipality": "Brühl", "municipality_ars": "082260012012", "district": "Rhein-Neckar-Kreis",
                 "district_ars": "08226", "state": "Baden-Württemberg"}
    same = parse_correction({**VALID, "municipality": "Brühl", "district": "Rhein-Neckar-Kreis"}, bruehl_bw)
    assert same.municipality.ars == "082260012012"
    moved = parse_correction({**VALID, "municipality": "Brühl", "district": "Rhein-Erft-Kreis"}, bruehl_bw)
    assert (moved.municipality.district_ars, moved.state) == ("05362", "Nordrhein-Westfalen")


def test_a_kreis_alone_gives_the_state_and_empty_fields_stay_empty():
    values = {"doc_type": "anfrage", "district": "Kreis Wesel", "topics": []}
    fixed = parse_correction(values, {})
    assert (fixed.municipality, fixed.district.ars, fixed.state) == (None, "05170", "Nordrhein-Westfalen")
    assert (fixed.title, fixed.date, fixed.parties, fixed.faction, fixed.topics) == (None, None, (), None, ())


def test_changed_fields_are_those_whose_columns_differ():
    current = {**BOCHUM, "title": "Alt", "doc_type": "antrag", "date": "2023-03-14", "year": 2023,
               "party": "DIE LINKE", "parties": ["DIE LINKE", "SPD"], "faction": "Ratsfraktion",
               "topics": ["verkehr", "soziales"]}
    row = parse_correction(VALID, current).row()
    assert changed_fields(current, row) == ["title"]
    moved = parse_correction({**VALID, "title": "Alt", "municipality": "Kiel"}, current).row()
    assert changed_fields(current, moved) == ["municipality", "district", "state"]


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({key: TEXT for key in VALID if key != "topics"}), st.lists(TEXT, max_size=5))
def test_any_form_input_gives_a_correction_or_german_field_errors(values, topics):
    try:
        fixed = parse_correction({**values, "topics": topics}, BOCHUM)
    except InvalidCorrection as exc:
        assert exc.errors and all(isinstance(message, str) and message for message in exc.errors.values())
    else:
        assert fixed.doc_type and len(fixed.topics) <= 3


# -- through the archive, on a real store ------------------------------------


def _search(archive: Archive, **filters) -> list[int]:
    archive.index.refresh_interval = 0
    request = SearchRequest(filters={name: (value,) for name, value in filters.items() if name in BY_NAME})
    return [hit.id for hit in archive.search(request).hits]


@pytest.fixture
def archive(store_dir: Path):
    opened = Archive.open(store_dir)
    yield opened
    opened.close()


def test_a_correction_reaches_sqlite_and_the_index_and_leaves_the_review_queue(archive: Archive):
    doc_id = _search(archive, municipality="059110000000", topic="soziales")[0]
    before = archive.unreviewed()[0]
    values = {**VALID, "municipality": "Kiel", "topics": ["wohnen"]}
    row = archive.correct(doc_id, values)
    assert (row["municipality"], row["state"], row["topics"]) == ("Kiel", "Schleswig-Holstein", ["wohnen"])
    assert row["reviewed_at"] and "municipality" in row["edited_fields"] and "topics" in row["edited_fields"]
    assert archive.document(doc_id)["title"] == "Sozialticket jetzt"
    assert _search(archive, state="Schleswig-Holstein", topic="wohnen") == [doc_id]
    assert doc_id not in _search(archive, municipality="059110000000")
    assert archive.unreviewed()[0] == before - 1


def test_an_invalid_correction_stores_nothing(archive: Archive):
    before = archive.document(1)
    with pytest.raises(InvalidCorrection):
        archive.correct(1, {**VALID, "title": "Neu", "date": "gestern"})
    assert archive.document(1) == before


def test_a_new_parse_of_the_original_keeps_what_staff_confirmed(archive: Archive):
    original = archive.document(1)
    archive.correct(1, {**VALID, "title": "Von Hand", "municipality": "Kiel",
                        "parties": ", ".join(original["parties"]), "topics": original["topics"],
                        "faction": original["faction"] or "", "date": original["date"]})
    archive.store.db.execute("UPDATE documents SET topics = '[]', text = '' WHERE id = 1")  # as if read badly
    parsed = ingest.parse_in_process(archive.original(1)[0])
    with archive.store.transaction():
        row = archive.store.replace_parsed(1, parsed)
    assert (row["title"], row["municipality"], row["district"], row["state"]) == (
        "Von Hand", "Kiel", "Kiel", "Schleswig-Holstein")
    assert row["topics"] == [], "confirmed metadata is kept as it is, even where a new parse differs"
    assert row["text"] == parsed.text, "the text is refreshed"
    assert row["reviewed_at"] and row["edited_fields"] == ["district", "municipality", "state", "title"]


def test_a_new_parse_refreshes_the_metadata_of_an_unreviewed_document(archive: Archive):
    archive.store.db.execute("UPDATE documents SET title = 'kaputt', topics = '[]' WHERE id = 1")
    parsed = ingest.parse_in_process(archive.original(1)[0])
    with archive.store.transaction():
        row = archive.store.replace_parsed(1, parsed)
    assert row["title"] == parsed.metadata.title and row["topics"] == list(parsed.metadata.topics)


def test_a_store_from_before_the_review_gets_its_columns_on_opening(store_dir: Path):
    db = sqlite3.connect(store_dir / "archive.db")
    db.execute("DROP INDEX documents_unreviewed")
    db.execute("DROP INDEX documents_reviewed")
    db.execute("DROP INDEX documents_unreviewed_unsure")
    db.execute("ALTER TABLE documents DROP COLUMN reviewed_at")
    db.execute("ALTER TABLE documents DROP COLUMN edited_fields")
    db.commit()
    db.close()
    store_module._PREPARED.clear()  # as in a new process
    archive = Archive.open(store_dir)
    try:
        assert archive.unreviewed()[0] == 4
        assert archive.document(1)["edited_fields"] == [] and archive.document(1)["reviewed_at"] is None
        archive.correct(1, {**VALID, "municipality": "Kiel"})
        assert archive.unreviewed()[0] == 3 and archive.review_stats()[0] == 1
    finally:
        archive.close()


def test_reprocess_all_refreshes_what_extraction_read_and_keeps_what_staff_reviewed(archive: Archive):
    archive.correct(2, {**VALID, "title": "Von der Redaktion"})
    archive.store.db.execute("UPDATE documents SET title = 'Alter Titel', faction = 'X Vorlage Nr.' WHERE id = 1")
    archive.store.db.execute("UPDATE documents SET topics = '[]' WHERE id = 2")  # reviewed: staff's choice
    archive.store.db.conn.commit()
    archive.index.add([archive.document(1)])  # as an older extraction had indexed it
    archive.index.refresh_interval = 0
    assert archive.search(SearchRequest(q='titel:"Alter Titel"')).total == 1
    outcomes = {o.id: o.status for o in archive.reprocess(everything=True, workers=1)}
    assert outcomes == {1: "updated", 2: "unchanged", 3: "unchanged", 4: "unchanged"}
    fresh = archive.document(1)
    assert fresh["title"] != "Alter Titel" and fresh["faction"] != "X Vorlage Nr."
    assert (archive.document(2)["title"], archive.document(2)["topics"]) == ("Von der Redaktion", [])
    assert archive.search(SearchRequest(q='titel:"Alter Titel"')).total == 0
    assert [o.status for o in archive.reprocess(everything=True, workers=1)] == ["unchanged"] * 4


def test_a_correction_and_a_new_parse_keep_the_confidence_of_the_reviewed_extraction(archive: Archive):
    extracted = archive.document(2)["confidence"]
    assert archive.correct(2, {**VALID, "title": "Von der Redaktion"})["confidence"] == extracted
    older = '{"title": 0.1}'  # as an older extraction had recorded it, for both documents
    archive.store.db.execute("UPDATE documents SET confidence = ?, min_confidence = 0 WHERE id IN (1, 2)", [older])
    archive.store.db.conn.commit()
    outcomes = {o.id: o.status for o in archive.reprocess(everything=True, workers=1)}
    assert outcomes == {1: "updated", 2: "unchanged", 3: "unchanged", 4: "unchanged"}
    assert (archive.document(2)["confidence"], archive.document(2)["min_confidence"]) == ({"title": 0.1}, 0)
    fresh = archive.document(1)
    assert fresh["confidence"] != {"title": 0.1} and fresh["min_confidence"] == min(
        fresh["confidence"][field] for field in ingest.records.CONFIDENCE_FIELDS)

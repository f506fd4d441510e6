"""German analysis: every requirement is checked against a real Whoosh index in a tmp dir."""

from __future__ import annotations

import pytest
from whoosh import fields, index, query
from whoosh.highlight import UppercaseFormatter, WholeFragmenter, highlight

from archive.analysis import (
    STOPWORDS,
    analyze,
    fold,
    german_analyzer,
    iter_tokens,
    prefix_key,
    query_terms,
    term,
    token_terms,
)

DOCS = {
    "miete": "Die Miete in der Innenstadt steigt weiter.",
    "kita": "Antrag zur Kindertagesstätte am Hauptbahnhof und zur neuen Kita im Norden.",
    "buergerin": "Eine Bürgerin hat eine Eingabe eingereicht.",
    "strasse": "Die Straße wird saniert.",
    "muenster": "Ratssitzung in Münster mit der Feuerwehr.",
    "star": "Beteiligung der Bürger*innen am Haushalt",
    "colon": "Beteiligung der Bürger:innen am Haushalt",
    "underscore": "Beteiligung der Bürger_innen am Haushalt",
    "slash": "Beteiligung der Bürger/innen am Haushalt",
    "slashdash": "Beteiligung der Bürger/-innen am Haushalt",
    "binnen": "Beteiligung der BürgerInnen am Haushalt",
    "hyphen": "Wir fordern die Abschaffung der Kita-Gebühren ab 2025.",
    "joined": "Die Kitagebühren werden gesenkt.",
    "spaced": "Senkung der Kita Gebühren für Familien",
    "feuer": "Das Feuer im Depot wurde gelöscht, die Steuer ist aktuell eine neue Quelle.",
    "stop": "Der Rat der Stadt beschließt den Haushalt.",
    "kollegen": "Die Kolleginnen im Amt arbeiten mit den Kollegen zusammen.",
    "kreis": "Der Kreis Unna und das Ergebnis der Wahl.",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=german_analyzer(), phrase=True),
        body=fields.TEXT(analyzer=german_analyzer(), phrase=True, stored=True),
    )
    ix = index.create_in(tmp_path_factory.mktemp("analysis_ix"), schema)
    with ix.writer() as writer:
        for doc_id, body in DOCS.items():
            writer.add_document(id=doc_id, title=doc_id, body=body)
    with ix.searcher() as s:
        yield s


def word_query(word: str) -> query.Query:
    """What the query compiler does for one word: joined compound OR the phrase of its parts."""
    alternatives: list[query.Query] = []
    for _match, info in _tokens(word):
        if info.joined is not None:
            parts = [part.terms[0] for part in info.parts]
            alternatives.append(query.Or([query.Term("body", info.joined), query.Phrase("body", parts)]))
        else:
            alternatives.append(query.Or([query.Term("body", t) for t in info.parts[0].terms]))
    return query.And(alternatives)


def _tokens(text: str):
    return [(m, info) for m, info in iter_tokens(text) if info.parts]


def phrase_query(text: str) -> query.Query:
    return query.Phrase("body", [info.parts[0].terms[0] for _m, info in _tokens(text)])


def found(searcher, q: query.Query) -> set[str]:
    return {hit["id"] for hit in searcher.search(q, limit=None)}


@pytest.mark.parametrize(
    ("word", "doc"),
    [
        ("Mieten", "miete"),
        ("Kindertagesstätten", "kita"),
        ("Kitas", "kita"),
        ("Bürgerinnen", "buergerin"),
        ("Kollegin", "kollegen"),
        ("Kreise", "kreis"),
        ("Ergebnisse", "kreis"),
    ],
)
def test_stemming_finds_inflected_forms(searcher, word, doc):
    assert doc in found(searcher, word_query(word))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Kita", "Kitas"),
        ("Auto", "Autos"),
        ("Bürgerin", "Bürgerinnen"),
        ("Kollegin", "Kolleginnen"),
        ("Kindertagesstätte", "Kindertagesstätten"),
        ("Ergebnis", "Ergebnisse"),
        ("Kreis", "Kreise"),
        ("Beginn", "beginnen"),
        ("Gewinn", "gewinnen"),
    ],
)
def test_forms_share_a_term(left, right):
    assert term(left) == term(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("etwas", "etwa"),
        ("Kreis", "Krei"),
        ("Preis", "Prei"),
        ("Termin", "Term"),
        ("Kollegin", "Kollege"),
        ("Feuer", "Feur"),
        ("neuen", "neun"),
        ("Steuer", "Stür"),
        ("Quelle", "Qülle"),
        ("Glas", "Gla"),
    ],
)
def test_no_false_merges(left, right):
    assert term(left) != term(right)


@pytest.mark.parametrize("variant", ["strasse", "Strasse", "Straße", "STRASSE", "Straßen"])
def test_sharp_s_folding(searcher, variant):
    assert found(searcher, word_query(variant)) == {"strasse"}


@pytest.mark.parametrize("variant", ["Muenster", "Münster", "MÜNSTER", "muenster"])
def test_umlaut_transcription_finds_umlaut(searcher, variant):
    assert found(searcher, word_query(variant)) == {"muenster"}


def test_umlaut_finds_transcription(tmp_path):
    ix = _tiny_index(tmp_path, ["Fahrt nach Muenster und Koeln", "Oeffentliche Aerzte"])
    with ix.searcher() as s:
        assert found(s, word_query("Münster")) == {"0"}
        assert found(s, word_query("Köln")) == {"0"}
        assert found(s, word_query("öffentliche")) == {"1"}
        assert found(s, word_query("Ärzte")) == {"1"}


@pytest.mark.parametrize(
    ("word", "doc"),
    [("Feuerwehr", "muenster"), ("Feuer", "feuer"), ("Steuer", "feuer"), ("aktuell", "feuer"), ("Quelle", "feuer")],
)
def test_ue_that_is_not_an_umlaut(searcher, word, doc):
    assert found(searcher, word_query(word)) == {doc}


def test_neue_matches_neuen_but_not_nine(searcher):
    assert found(searcher, word_query("neue")) == {"kita", "feuer"}
    assert found(searcher, word_query("neun")) == set()


GENDER_DOCS = {"star", "colon", "underscore", "slash", "slashdash", "binnen"}


def test_gender_forms_found_by_feminine_plural(searcher):
    assert GENDER_DOCS <= found(searcher, word_query("Bürgerinnen"))


def test_gender_forms_found_by_base_form(searcher):
    assert GENDER_DOCS <= found(searcher, word_query("Bürger"))


def test_gender_forms_with_distinct_feminine_stem(tmp_path):
    ix = _tiny_index(tmp_path, ["Alle Kolleg*innen", "Alle Kolleg:innen", "Alle KollegInnen", "Alle Kollegen"])
    with ix.searcher() as s:
        assert found(s, word_query("Kolleginnen")) == {"0", "1", "2"}
        assert found(s, word_query("Kollegen")) == {"0", "1", "2", "3"}


def test_gender_forms_keep_phrases_working(searcher):
    assert GENDER_DOCS <= found(searcher, phrase_query("Beteiligung der Bürgerinnen am Haushalt"))


def test_gender_terms_share_a_position():
    tokens = [(t.text, t.pos) for t in german_analyzer()("Kolleg*innen fordern", positions=True)]
    assert tokens == [("kollegin", 0), ("kolleg", 0), ("ford", 1)]


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("Kitagebühren", {"hyphen", "joined"}),
        ("Kita-Gebühren", {"hyphen", "joined", "spaced"}),
        ("kita-gebuehren", {"hyphen", "joined", "spaced"}),
        ("Kita Gebühren", {"hyphen", "spaced"}),
    ],
)
def test_hyphenated_compounds_meet(searcher, variant, expected):
    assert found(searcher, word_query(variant)) == expected
    if " " in variant:
        assert found(searcher, phrase_query(variant)) == expected


def test_hyphenated_query_finds_joined_and_spaced(searcher):
    assert found(searcher, word_query("Kita-Gebühren")) == {"hyphen", "joined", "spaced"}


def test_joined_word_does_not_match_unrelated_parts(searcher):
    # "Kita" alone must not find documents that only mention Gebühren, and vice versa.
    assert "joined" not in found(searcher, word_query("Kita"))
    assert found(searcher, word_query("Gebühren")) >= {"hyphen", "spaced"}


def test_compound_positions():
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in german_analyzer()("Die Kita-Gebühren sinken", positions=True, chars=True)
    ]
    assert tokens == [("kitagebuhr", 0, 4, 17), ("kita", 0, 4, 8), ("gebuhr", 1, 9, 17), ("sink", 2, 18, 24)]


def test_stopwords_removed_without_breaking_phrases(searcher):
    assert "der" in STOPWORDS
    assert "der" not in analyze("Der Rat der Stadt")
    assert found(searcher, phrase_query("Rat der Stadt")) == {"stop"}
    assert found(searcher, phrase_query("Stadt Rat")) == set()


def test_stopwords_kept_but_flagged_when_asked():
    tokens = [(t.text, t.stopped) for t in german_analyzer()("der Rat", removestops=False)]
    assert tokens == [("der", True), ("rat", False)]


def test_highlighting_uses_character_offsets(searcher):
    text = DOCS["hyphen"]
    terms = {b for b in searcher.reader().lexicon("body") if b.decode() in {"kitagebuhr", "kita", "gebuhr"}}
    assert terms
    marked = highlight(text, {t.decode() for t in terms}, german_analyzer(), WholeFragmenter(), UppercaseFormatter())
    assert "KITA-GEBÜHREN" in marked
    assert "Abschaffung" in marked


def test_helpers():
    assert fold("Straße") == "strasse"
    assert fold("Muenster") == "münster"
    assert fold("Feuer") == "feuer"
    assert fold("Quelle") == "quelle"
    assert prefix_key("Kita-Geb") == "kitageb"
    assert prefix_key("Müns") == "muns"
    assert query_terms("Kita-Gebühren") == ["kitagebuhr", "kita", "gebuhr"]
    assert analyze("Bürger*innen und Kita") == ["burg", "kita"]
    assert token_terms("x" * 500).parts == ()


def test_long_garbage_tokens_are_not_indexed():
    assert analyze("a" * 101 + " Rat") == ["rat"]


def _tiny_index(tmp_path, bodies):
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(analyzer=german_analyzer(), phrase=True))
    ix = index.create_in(tmp_path, schema)
    with ix.writer() as writer:
        for i, body in enumerate(bodies):
            writer.add_document(id=str(i), body=body)
    return ix

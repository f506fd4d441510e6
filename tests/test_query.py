"""Query language: parser units, malformed input, round trip, compilation against a real index."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import fields, index
from whoosh import query as wq

from archive.analysis import german_analyzer
from archive.engine.whoosh import WhooshTerms, to_whoosh
from archive.query import (
    And,
    Field,
    MatchAll,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Prefix,
    Word,
    highlight_terms,
    parse,
    plan,
    to_string,
)
from archive.query.compile import MAX_PREFIX_TERMS, prefix_expansions
from archive.query.parser import MAX_CLAUSES, MAX_TERM_CHARS

# -- parser units ----------------------------------------------------------


def node(text: str):
    return parse(text).node


def test_words_are_anded():
    assert node("Kita Gebühren") == And((Word("Kita"), Word("Gebühren")))


def test_single_word():
    assert parse("Kita") == ParsedQuery(Word("Kita"), ())


def test_empty_query_matches_all():
    assert parse("") == ParsedQuery(MatchAll(), ())
    assert node("   \t\n ") == MatchAll()


def test_phrase():
    assert node('"Sicherer Hafen"') == Phrase(("Sicherer", "Hafen"))


def test_single_quoted_word_is_searched_literally():
    assert node('"Kita"') == Phrase(("Kita",))
    assert node('"OR"') == Word("OR")  # quotes that only make a keyword a word


def test_or_binds_tighter_than_and():
    assert node("a b OR c") == And((Word("a"), Or((Word("b"), Word("c")))))
    assert node("a OR b c") == And((Or((Word("a"), Word("b"))), Word("c")))
    assert node("a OR b OR c") == Or((Word("a"), Word("b"), Word("c")))


def test_lowercase_or_is_a_word():
    assert node("a or b") == And((Word("a"), Word("or"), Word("b")))


def test_explicit_and_is_a_no_op():
    assert parse("a AND b") == ParsedQuery(And((Word("a"), Word("b"))), ())


def test_negations():
    assert node('Kita -Gebühren -"Sicherer Hafen" -typ:antrag') == And(
        (
            Word("Kita"),
            Not(Word("Gebühren")),
            Not(Phrase(("Sicherer", "Hafen"))),
            Not(Field("typ", "antrag")),
        )
    )


def test_hyphen_inside_word_is_not_a_negation():
    assert node("Kita-Gebühren") == Word("Kita-Gebühren")


def test_only_negation_matches_all_but():
    assert node("-kita") == And((MatchAll(), Not(Word("kita"))))
    assert node("-kita -schule") == And((MatchAll(), Not(Word("kita")), Not(Word("schule"))))


def test_prefix():
    assert node("Schul*") == Prefix("Schul")


def test_short_prefix_becomes_word_with_hint():
    parsed = parse("a*")
    assert parsed.node == Word("a")
    assert any("mindestens zwei" in hint for hint in parsed.hints)


@pytest.mark.parametrize("name", ["typ", "kommune", "kreis", "land", "partei", "fraktion", "thema", "jahr"])
def test_fields(name):
    assert node(f"{name}:Wert") == Field(name, "Wert")
    assert node(f'{name.upper()}:"zwei Wörter"') == Field(name, "zwei Wörter")


def test_titel_field_takes_text_nodes():
    assert node("titel:Kita") == Field("titel", Word("Kita"))
    assert node('titel:"Sicherer Hafen"') == Field("titel", Phrase(("Sicherer", "Hafen")))
    assert node("Titel:Kita*") == Field("titel", Prefix("Kita"))


def test_unknown_field_is_plain_text():
    assert node("foo:bar") == Word("foo:bar")
    assert node('foo:"a b"') == And((Word("foo:"), Phrase(("a", "b"))))


def test_parentheses_group():
    assert node("(a b) OR c") == Or((And((Word("a"), Word("b"))), Word("c")))
    assert node("-(a OR b) c") == And((Not(Or((Word("a"), Word("b")))), Word("c")))


def test_german_quotes():
    assert node("„Sicherer Hafen“") == Phrase(("Sicherer", "Hafen"))


# -- malformed input -------------------------------------------------------


def test_unclosed_quote():
    parsed = parse('Kita "Sicherer Hafen')
    assert parsed.node == And((Word("Kita"), Phrase(("Sicherer", "Hafen"))))
    assert parsed.hints == ("Anführungszeichen ergänzt",)


@pytest.mark.parametrize("text", ["AND AND Kita", "Kita AND", "Kita AND AND Schule", "AND"])
def test_dangling_and(text):
    parsed = parse(text)
    assert "Überzähliges „AND“ ignoriert" in parsed.hints
    assert "AND" not in to_string(parsed.node)


@pytest.mark.parametrize("text", ["OR Kita", "Kita OR", "OR", "(OR Kita)", "Kita AND OR b", "(Kita OR) Schule"])
def test_dangling_or(text):
    parsed = parse(text)
    assert "„OR“ ohne Begriff davor oder danach ignoriert" in parsed.hints
    assert "OR" not in to_string(parsed.node)


def test_or_or_keeps_both_sides():
    assert node("Kita OR OR Schule") == Or((Word("Kita"), Word("Schule")))


def test_empty_field_value():
    parsed = parse("titel: Kita")
    assert parsed.node == Word("Kita")
    assert parsed.hints == ("Leeres Feld „titel:“ ignoriert",)
    assert parse('kommune:"" Kita').node == Word("Kita")


def test_huge_input_is_truncated():
    parsed = parse("Kita " * 2000)
    assert "Suchanfrage gekürzt" in parsed.hints
    assert isinstance(parsed.node, And)
    assert len(parsed.node.children) == MAX_CLAUSES


def test_long_word_is_cut():
    parsed = parse("x" * 10_000)
    assert parsed.node == Word("x" * MAX_TERM_CHARS)
    assert "Suchanfrage gekürzt" in parsed.hints


def test_long_phrase_is_cut_to_clause_limit():
    parsed = parse('"' + " ".join(f"w{i}" for i in range(50)) + '"')
    assert isinstance(parsed.node, Phrase)
    assert len(parsed.node.words) == MAX_CLAUSES
    assert "Suchanfrage gekürzt" in parsed.hints


def test_control_characters():
    assert node("Kita\x00\x07Schule\u200b\x1b[31m") == And((Word("Kita"), Word("Schule"), Word("[31m")))


@pytest.mark.parametrize("text", ["^ ~ [ ] { } \\ : * - ! ? +", "()", "-()", '""', "-", "*", ":", "((("])
def test_syntax_noise_gives_match_all(text):
    assert node(text) == MatchAll()


def test_whoosh_syntax_inside_words_is_kept_as_text():
    assert node("Kita^2 Schule~") == And((Word("Kita^2"), Word("Schule~")))


def test_unbalanced_parentheses():
    parsed = parse(")Kita (Schule")
    assert parsed.node == And((Word("Kita"), Word("Schule")))
    assert parsed.hints == ("Überzählige Klammer ignoriert", "Schließende Klammer ergänzt")


def test_deep_nesting_is_flattened():
    parsed = parse("(" * 300 + "Kita" + ")" * 300)
    assert parsed.node == Word("Kita")
    assert "Zu tief verschachtelte Klammern ignoriert" in parsed.hints


# -- canonical form --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Kita  Gebühren", "Kita Gebühren"),
        ("a b OR c", "a b OR c"),
        ("(a b) OR c", "(a b) OR c"),
        ("-(a OR b)", "-(a OR b)"),
        ('"OR" -OR', '"OR" -"OR"'),
        ('"Kita*"', '"Kita*"'),
        ('"typ:x"', '"typ:x"'),
        ('KOMMUNE:"Bad  Homburg" Titel:Kita*', 'kommune:"Bad Homburg" titel:Kita*'),
        ("c OR (-a)", "c OR (-a)"),
        ("-kita", "-kita"),
        ("", ""),
    ],
)
def test_to_string(text, canonical):
    assert to_string(node(text)) == canonical
    assert node(canonical) == node(text)


# -- hypothesis: never raises, round trip ----------------------------------

FIELD_PREFIXES = ["typ:", "kommune:", "Kreis:", "land:", "PARTEI:", "fraktion:", "thema:", "jahr:", "titel:", "foo:"]
ATOMS = st.one_of(
    st.sampled_from(["Kita", "Gebühren", "Kita-Gebühren", "Bürger*innen", "der", "Straße", "a", "x1", "ü"]),
    st.sampled_from(['"', "-", "*", "(", ")", " ", " OR ", " AND ", "OR", "AND", ":", "^", "~", "\\", "„", "“"]),
    st.sampled_from(FIELD_PREFIXES),
    st.text(max_size=4),
)
QUERIES = st.lists(ATOMS, max_size=25).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_never_raises_on_any_text(text):
    parsed = parse(text)
    assert isinstance(parsed, ParsedQuery)
    assert all(isinstance(hint, str) for hint in parsed.hints)


@settings(max_examples=200, deadline=None)
@given(st.one_of(QUERIES, st.text()))
def test_round_trip(text):
    first = parse(text).node
    assert parse(to_string(first)).node == first


# -- compilation against a real index ---------------------------------------

DOCS = [
    (
        "kita1",
        "Kita-Gebühren abschaffen",
        "Wir beantragen, die Kita-Gebühren in Bochum abzuschaffen.",
        "antrag",
        "Bochum",
    ),
    ("kita2", "Gebührenfreiheit", "Die Kitagebühren belasten Familien in Kiel.", "anfrage", "Kiel"),
    ("kita3", "Haushalt", "Senkung der Kita Gebühren und mehr Schulsozialarbeit.", "antrag", "Kiel"),
    ("hafen", "Sicherer Hafen", "Die Stadt erklärt sich zum sicheren Hafen für Geflüchtete.", "resolution", "Lübeck"),
    ("ticket", "Sozialticket", "Ein Sozialticket für alle Bürger*innen in Bochum.", "antrag", "Bochum"),
    ("tempo", "Tempo 30 auf der Straße", "Tempo 30 auf der Hauptstrasse in Münster.", "antrag", "Münster"),
    ("schule", "Schulen", "Sanierung der Schulen und Schulhöfe.", "anfrage", "Kiel"),
]
FIELD_QUERIES = {
    "typ": lambda v: plan.Term("doc_type", v.lower()),
    "kommune": lambda v: plan.Term("kommune", v.lower()),
    "kreis": lambda v: plan.Term("kreis", v.lower()),
    "land": lambda v: plan.Term("land", v.lower()),
    "partei": lambda v: plan.Term("partei", v.lower()),
    "fraktion": lambda v: plan.Term("fraktion", v.lower()),
    "thema": lambda v: plan.Term("thema", v.lower()),
    "jahr": lambda v: plan.Term("jahr", v),
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=german_analyzer(), phrase=True),
        body=fields.TEXT(analyzer=german_analyzer(), phrase=True),
        doc_type=fields.ID(),
        kommune=fields.ID(),
    )
    ix = index.create_in(tmp_path_factory.mktemp("query_ix"), schema)
    with ix.writer() as writer:
        for doc_id, title, body, doc_type, kommune in DOCS:
            writer.add_document(id=doc_id, title=title, body=body, doc_type=doc_type, kommune=kommune.lower())
    with ix.searcher() as s:
        yield s


def search(searcher, text: str) -> set[str]:
    compiled = to_whoosh(parse(text).node, searcher=searcher, fields=FIELD_QUERIES)
    return {hit["id"] for hit in searcher.search(compiled, limit=None)}


ALL = {doc[0] for doc in DOCS}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kita-Gebühren", {"kita1", "kita2", "kita3"}),
        ("Kitagebühren", {"kita1", "kita2", "kita3"}),  # split into "Kita" + "Gebühren" (decompounding)
        ("Kita Gebühren", {"kita1", "kita3"}),
        ('"Kita Gebühren"', {"kita1", "kita3"}),
        ('"Kita-Gebühren abschaffen"', {"kita1"}),
        ('"Gebühren abschaffen"', {"kita1"}),
        ('"abschaffen Kita-Gebühren"', set()),
        ('"Kita-Gebühren in Bochum"', {"kita1"}),
        ('"Kitagebühren belasten"', {"kita2"}),
        ('"Kita-Gebühren belasten"', {"kita2"}),
        ("Kita*", {"kita1", "kita2", "kita3"}),
        ("Schul*", {"kita3", "schule"}),
        ("Gebühren*", {"kita1", "kita3", "kita2"}),
        ("Straße", {"tempo"}),
        ("Muenster", {"tempo"}),
        ("sicheren Hafen", {"hafen"}),
        ('"sicherer Hafen"', {"hafen"}),
        ("Bürgerinnen", {"ticket"}),
        ("Kita", {"kita1", "kita3"}),
        ("Kita -Bochum", {"kita3"}),
        ("Kita* -typ:antrag", {"kita2"}),
        ("Kita typ:antrag kommune:Bochum", {"kita1"}),
        ("kommune:Kiel Schulen OR Familien", {"kita2", "kita3", "schule"}),  # kita3: "Schulsozialarbeit"
        ("-Kita", ALL - {"kita1", "kita3"}),
        ("-Kita -Hafen", ALL - {"kita1", "kita3", "hafen"}),
        ("-xyzzy*", ALL),
        ("xyzzy* Kita", set()),
        ("xyzzy* OR Hafen", {"hafen"}),
        ("titel:Sozialticket", {"ticket"}),
        ("titel:Gebühren", {"kita1"}),
        ("titel:Familien", set()),
        ("titel:Kita*", {"kita1"}),
        ('titel:"sicherer Hafen"', {"hafen"}),
        ("der die das", set()),
        ("der Hafen", {"hafen"}),
        ("", ALL),
        ("(Hafen OR Sozialticket) -Bochum", {"hafen"}),
    ],
)
def test_search(searcher, text, expected):
    assert search(searcher, text) == expected


def test_title_hits_rank_first(searcher):
    compiled = to_whoosh(parse("Sozialticket OR Geflüchtete").node, searcher=searcher, fields=FIELD_QUERIES)
    assert next(hit["id"] for hit in searcher.search(compiled)) == "ticket"


def test_stopwords_only_compile_to_null_query(searcher):
    assert to_whoosh(parse("der und die").node, searcher=searcher, fields=FIELD_QUERIES) is wq.NullQuery


def test_match_all_compiles_to_every(searcher):
    assert isinstance(to_whoosh(MatchAll(), searcher=searcher, fields=FIELD_QUERIES), wq.Every)


def test_word_searches_title_with_boost(searcher):
    compiled = to_whoosh(Word("Hafen"), searcher=searcher, fields=FIELD_QUERIES)
    assert isinstance(compiled, wq.Or)
    assert compiled.subqueries[:2] == [wq.Term("title", "haf", boost=3.0), wq.Term("body", "haf")]
    parts = compiled.subqueries[2]  # the word inside closed compounds, at a lower weight
    assert [(t.fieldname, t.text) for t in parts.subqueries] == [("title_parts", "haf"), ("body_parts", "haf")]
    assert all(t.boost < 1.0 for t in parts.subqueries)


def test_field_mapping_may_be_an_object(searcher):
    class Mapping:
        @staticmethod
        def typ(value):
            return plan.Term("doc_type", value)

    compiled = to_whoosh(parse("typ:resolution").node, searcher=searcher, fields=Mapping())
    assert {hit["id"] for hit in searcher.search(compiled)} == {"hafen"}


def test_prefix_expansion_is_bounded_and_unstemmed(tmp_path):
    schema = fields.Schema(body=fields.TEXT(analyzer=german_analyzer()))
    ix = index.create_in(tmp_path, schema)
    with ix.writer() as writer:
        for i in range(MAX_PREFIX_TERMS + 40):
            writer.add_document(body=f"Schulweg{i:03d}x " + "Schulamt " * (i % 3))
    with ix.searcher() as s:
        expanded = prefix_expansions("Schul", WhooshTerms(s), "body")
        assert len(expanded) == MAX_PREFIX_TERMS
        assert expanded[0] == "schulamt"  # most frequent first
        assert prefix_expansions("Schul", WhooshTerms(s), "title") == []  # field not in schema


def test_highlight_terms(searcher):
    terms = highlight_terms(
        parse('Kita-Gebühren "sicherer Hafen" Schul* -Bochum titel:Straße typ:antrag').node, WhooshTerms(searcher)
    )
    assert {"kitagebuhr", "kita", "gebuhr", "sich", "haf", "schulsozialarbeit", "strass"} <= terms
    assert "bochum" not in terms
    assert "antrag" not in terms


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(QUERIES, st.text(max_size=40)))
def test_to_whoosh_never_raises(searcher, text):
    compiled = to_whoosh(parse(text).node, searcher=searcher, fields=FIELD_QUERIES)
    assert isinstance(compiled, wq.Query)
    searcher.search(compiled, limit=3)
    assert isinstance(highlight_terms(parse(text).node, WhooshTerms(searcher)), set)

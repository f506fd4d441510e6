"""Autocomplete: ``Archive.suggest`` and ``/api/suggest`` on a real store (DOCX and PDF motions through the ingest)."""

import shutil
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import Archive, BadRequest, SearchRequest
from archive.suggest import KINDS, MAX_LIMIT, Suggestion, Vocabulary, title_words, typed_word
from tests.conftest import STORE_DOCS, make_app, write_documents

# STORE_DOCS (Bochum twice, Freiburg im Breisgau, Hannover) and towns with umlauts, ß and spaces
DOCS = {
    **STORE_DOCS,
    "muelheim-strassenbahn.docx": (
        "Mülheim an der Ruhr", "Straßenbahn nach Oberhausen erhalten",
        "Die Straßenbahnlinie 112 bleibt erhalten. Der Nahverkehr in Mülheim an der Ruhr wird ausgebaut.",
        "GRÜNE", "02.05.2024"),
    "bochum-strassen.pdf": (
        "Bochum", "Sanierung der Straßen im Süden",
        "Die Straßen im Bochumer Süden werden saniert. Die Radwege werden verbreitert.", "SPD", "11.11.2019"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    base = tmp_path_factory.mktemp("suggest")
    archive = Archive.open(base / "store")
    try:
        outcomes = list(archive.ingest(write_documents(base / "files", DOCS), workers=2))
    finally:
        archive.close()
    assert {o.status for o in outcomes} == {"added"}, outcomes
    return base / "store"


@pytest.fixture(scope="module")
def archive(store):
    archive = Archive.open(store)
    yield archive
    archive.close()


def by_kind(suggestions: list[Suggestion], kind: str) -> dict[str, Suggestion]:
    return {s.label: s for s in suggestions if s.kind == kind}


def test_kommunen_of_the_archive_with_their_counts(archive):
    found = archive.suggest("boc")
    assert found[0] == Suggestion("kommune", "Bochum", "kommune:Bochum", 3)
    assert archive.suggest("Bochum")[0].value == "kommune:Bochum"  # the full name first, before title words
    assert by_kind(archive.suggest("han"), "kommune")["Hannover"].count == 1
    assert by_kind(archive.suggest("kö"), "kommune") == {}  # only Kommunen that occur in the archive


@pytest.mark.parametrize("typed", ["muel", "Mül", "MUEL", "mul", "mülh", "ruhr"])
def test_folding_finds_muelheim(archive, typed: str):
    kommune = by_kind(archive.suggest(typed), "kommune")["Mülheim an der Ruhr"]
    assert kommune.value == 'kommune:"Mülheim an der Ruhr"' and kommune.count == 1


@pytest.mark.parametrize("typed", ["strasse", "Straße", "STRASS", "strassenb"])
def test_folding_finds_title_words_with_sharp_s(archive, typed: str):
    words = by_kind(archive.suggest(typed), "wort")
    assert "Straßenbahn" in words and words["Straßenbahn"].value == "Straßenbahn"


def test_parties_by_name_and_alias(archive):
    assert by_kind(archive.suggest("grue"), "partei")["GRÜNE"].value == "partei:GRÜNE"
    linke = by_kind(archive.suggest("linke"), "partei")["DIE LINKE"]
    assert linke.value == 'partei:"DIE LINKE"' and linke.count == 1
    assert by_kind(archive.suggest("SP"), "partei")["SPD"].count == 2


def test_topics_from_the_vocabulary(archive):
    verkehr = by_kind(archive.suggest("verk"), "thema")["Verkehr & Mobilität"]
    assert verkehr.value == "thema:verkehr"
    assert by_kind(archive.suggest("mobil"), "thema")["Verkehr & Mobilität"] == verkehr  # any word of the label
    assert verkehr.count == archive.search(SearchRequest(filters={"topic": ("verkehr",)})).total


def test_every_count_is_what_the_search_finds(archive):
    seen = 0
    for typed in ("b", "f", "h", "m", "s", "d", "g", "c", "v", "k", "a", "t", "w", "r"):
        for s in archive.suggest(typed, limit=MAX_LIMIT):
            seen += 1
            if s.kind == "wort":  # counted in titles; titel: finds them there (and their word forms)
                assert archive.search(SearchRequest(q=f"titel:{s.value}")).total >= s.count >= 1, s
            else:
                assert archive.search(SearchRequest(q=s.value)).total == s.count, s
    assert seen > 30


def test_limit_and_the_share_of_structured_suggestions(archive):
    many = archive.suggest("s", limit=MAX_LIMIT)
    assert len(many) > 4
    assert [s.count for s in many] == sorted((s.count for s in many), reverse=True)
    few = archive.suggest("s", limit=4)
    assert len(few) == 4 and sum(s.kind != "wort" for s in few) >= 2
    assert len(archive.suggest("s", limit=1)) == 1
    for bad in (0, -1, MAX_LIMIT + 1):
        with pytest.raises(BadRequest):
            archive.suggest("s", limit=bad)


def test_the_word_being_typed_is_the_last_one(archive):
    assert archive.suggest("Sozialticket boc")[0].value == "kommune:Bochum"
    assert archive.suggest("boc ") == [] and archive.suggest("") == [] and archive.suggest("   ") == []
    assert {s.kind for s in archive.suggest("kommune:b")} == {"kommune"}
    assert archive.suggest('kommune:"Mül')[0].value == 'kommune:"Mülheim an der Ruhr"'
    assert archive.suggest("-boc")[0].value == "-kommune:Bochum"  # an excluded word stays excluded
    assert {s.kind for s in archive.suggest('"Sanierung der Str')} == {"wort"}  # inside a phrase: words
    assert {s.value for s in archive.suggest("titel:stra")} >= {"titel:Straßenbahn"}
    assert archive.suggest("typ:an") == [] and archive.suggest("jahr:20") == []


def test_suggestions_follow_the_archive(store, tmp_path):
    shutil.copytree(store, tmp_path / "store")
    archive = Archive.open(tmp_path / "store")
    try:
        assert by_kind(archive.suggest("leip"), "kommune") == {}
        archive.index.refresh_interval = 0
        paths = write_documents(tmp_path / "files", {"leipzig.docx": (
            "Leipzig", "Leipziger Kitagebühren senken", "Die Kitagebühren in Leipzig werden gesenkt.", "SPD",
            "01.02.2024")})
        assert [o.status for o in archive.ingest(paths, workers=1)] == ["added"]
        assert by_kind(archive.suggest("leip"), "kommune")["Leipzig"].count == 1
        assert "Leipziger" in by_kind(archive.suggest("leip"), "wort")
        assert by_kind(archive.suggest("SP"), "partei")["SPD"].count == 3
    finally:
        archive.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), limit=st.integers(1, MAX_LIMIT))
def test_any_input_gives_a_list_never_an_error(archive, text: str, limit: int):
    found = archive.suggest(text, limit)
    assert len(found) <= limit
    for s in found:
        assert s.kind in KINDS and s.count >= 1 and s.label and s.value


@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ['"', '-', ':', 'kommune:', 'kommune:"', '-"', '""x', "titel:-", "\u00a0x", "x\u3000"]))
def test_typed_word_never_raises(text: str):
    typed = typed_word(text)
    assert typed is None or (typed.key and set(typed.kinds) <= set(KINDS))


def test_a_keystroke_stays_fast_on_a_large_vocabulary():
    # 100,000 documents' titles hold some tens of thousands of distinct words; the vocabulary keeps 50,000
    words = [f"{a}{b}{c}wort{i}" for i, (a, b, c) in enumerate(
        (a, b, c) for a in "bdfhklmnprstw" for b in "aeiou" for c in "lmnrst")]
    vocabulary = Vocabulary((w, Suggestion("wort", w, w, 1 + i % 97)) for i, w in enumerate(words * 130))
    assert len(vocabulary) > 50_000
    started = time.perf_counter()
    for prefix in ["b", "s", "ba", "tal", "x", "kur", "pon"] * 30:
        found = vocabulary.matching(prefix, 8)
        assert len(found) <= 8
    assert (time.perf_counter() - started) / 210 < 0.005  # seconds per keystroke


def test_title_words_count_documents_and_keep_the_common_spelling():
    words = {s.label: s for _key, s in title_words(["Straßenbahn und Kita-Gebühren", "STRASSENBAHN: 2024 Straßenbahn",
                                                    "Straßenbahn", None, "Bürger*innen der Stadt"])}
    assert words["Straßenbahn"].count == 3
    assert "Kita-Gebühren" in words and "Bürger*innen" in words and "Stadt" in words
    assert "und" not in words and "der" not in words and "2024" not in words


# -- the JSON API ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(store):
    with make_app(store).test_client() as client:
        yield client


def test_api_answers_with_the_suggestions(api):
    response = api.get("/api/suggest?q=Sozialticket+muel&limit=5")
    assert response.status_code == 200
    body = response.get_json()
    assert body["q"] == "Sozialticket muel"
    assert {"kind": "kommune", "label": "Mülheim an der Ruhr", "value": 'kommune:"Mülheim an der Ruhr"',
            "count": 1} in body["suggestions"]
    assert len(body["suggestions"]) <= 5
    assert len(api.get("/api/suggest?q=s").get_json()["suggestions"]) == 8  # the default limit


@pytest.mark.parametrize("limit", ["0", "21", "-1", "abc", "1.5", "9" * 5000, "٣", " 5"])
def test_api_rejects_a_bad_limit(api, limit: str):
    response = api.get("/api/suggest", query_string={"q": "boc", "limit": limit})
    assert response.status_code == 400 and "limit" in response.get_json()["error"]


@pytest.mark.parametrize("q", ["", "\x00", "a" * 100_000, "'; DROP TABLE documents; --", "%", "*", "\\", "\ufffd",
                               '"' * 50, "kommune:" * 200, "<script>alert(1)</script>", "ä" * 3000 + " boc"])
def test_api_takes_any_text(api, q: str):
    response = api.get("/api/suggest", query_string={"q": q})
    assert response.status_code == 200
    assert isinstance(response.get_json()["suggestions"], list)


def test_api_takes_bytes_that_are_not_utf8(api):
    response = api.get("/api/suggest?q=%ED%A0%80%FF%C3boc")
    assert response.status_code == 200 and isinstance(response.get_json()["suggestions"], list)


def test_the_search_page_loads_the_autocomplete_and_works_without_it(api):
    html = api.get("/?q=Kita").get_data(as_text=True)
    assert '<script src="/static/suggest.js" defer></script>' in html
    assert 'data-suggest="/api/suggest"' in html
    # without JavaScript: a plain field of the GET form, no combobox roles promising a list that never comes
    box = html[html.index('<input id="q"'):]
    box = box[:box.index(">")]
    assert 'name="q"' in box and "role=" not in box and "aria-" not in box
    with api.get("/static/suggest.js") as script:
        assert script.status_code == 200 and b"role" in script.get_data()

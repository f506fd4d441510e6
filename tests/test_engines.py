"""Conformance of the search engines behind ``archive.engine``: the same store answered by Whoosh and tantivy.

One real store (files through the real ingest plus synthetic motions through SQLite), both engines built in it and
fed by the same syncs in several commits (several segments each). Every query kind must match the same documents
with the same facet counts in both; the rankings must agree (top-10 overlap); writes reach both at once.
"""

import math
import random
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import DRAFT, Archive, SearchRequest
from archive.analysis import analyze
from archive.engine import ENGINES, engine_path
from archive.engine.tantivy import reader as tantivy_reader
from archive.query import plan as plans
from archive.search import MAX_WINDOW, _match
from bench.synth import Generator
from tests.conftest import make_app, write_documents
from tests.docs import make_docx, motion_text

WORDS = ("Kita Gebühren Kita-Gebühren Stadt Rat Miete Wohnungsbau sozialer Verkehr Parken Schule Sanierung "
         "Schulsanierung Haushalt Radverkehr Förderung Radverkehrsförderung Bürger*innen Bürgerinnen Straße "
         "Straßenbahn Straßenbahnlinie Klimaschutz Bebauungsplan Spielplatz Ganztag Sozialticket Feuerwehr "
         "Bücherei Schwimmbad Friedhof Bahnhof Bahnhofstraße Jugendzentrum Seniorenbeirat Wohnungslosigkeit "
         "Digitalisierung Breitband Ausschuss Verwaltung beantragt prüfen Kosten Unterkunft Mietspiegel "
         "Grundschule Ratsfraktion Tempo Lärmschutz Bäume Straßenbäume Wald Hitze Trinkbrunnen Toiletten").split()
SYNTHETIC, BATCHES = 320, 4
QUERIES = [
    "Kita", "Radverkehr", "Kita Gebühren", "Kita-Gebühren", "Radverkehrsförderung", "Bürgerinnen", "Straßenbahn",
    '"sozialer Wohnungsbau"', '"Kosten der Unterkunft"', '"Kita Gebühren"', "Kita OR Schwimmbad",
    "Spielplatz OR Friedhof OR Bücherei", "Verkehr -Parken", "-Kita", "Schul*", "wohn*", "stra*",
    "typ:antrag Miete", "partei:SPD", "titel:Kita", "jahr:2020", "muster:nein Haushalt", "Haushalt -typ:anfrage",
    "Sozialticket Bochum", "Trinkbrunnen Hitze Lärmschutz Friedhof", "Antrag Radverkehr Rat beschließt", "",
]
FILTERED = [
    ("Kita", {"doc_type": ("antrag",)}),
    ("", {"topic": ("verkehr",), "year": ("2020", "2021")}),
    ("Schule", {"party": ("SPD", "CDU")}),
]
TOP10_FLOOR = 0.8  # mean share of the top 10 both engines list (measured 0.9+; ties among equal scores differ)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A store with both engines built at the start and fed by every sync after it (several commits)."""
    base = tmp_path_factory.mktemp("engines")
    root = base / "store"
    archive = Archive.open(root)
    archive.reindex(engine="tantivy")  # empty: from now on both are written alike
    archive = Archive.open(root)
    assert [e.kind for e in archive.engines] == ["whoosh", "tantivy"]
    outcomes = list(archive.ingest(write_documents(base / "files"), workers=1))
    assert {o.status for o in outcomes} == {"added"}
    generator = Generator(list(WORDS), seed=7)
    docs = [generator.document(n, min_words=30, max_words=160) for n in range(1, SYNTHETIC + 1)]
    for start in range(0, SYNTHETIC, SYNTHETIC // BATCHES):
        with archive.store.transaction():
            archive.store.insert_documents(docs[start:start + SYNTHETIC // BATCHES], keep_originals=False)
        archive.sync_index()
    archive.close()
    return root


@pytest.fixture(scope="module")
def archives(store: Path) -> dict[str, Archive]:
    opened = {kind: Archive(store, engine=kind) for kind in ENGINES}
    yield opened
    for archive in opened.values():
        archive.close()


def _all(archive: Archive, q: str, **kwargs) -> list[int]:
    return archive.search_ids(SearchRequest(q=q, **kwargs))


def test_both_engines_hold_every_published_document_in_several_segments(archives):
    published = set(archives["whoosh"].store.published_ids())
    assert len(published) == SYNTHETIC + 4
    for archive in archives.values():
        assert archive.index.ids() == published
    assert len(list(archives["whoosh"].index.reader().searcher.leaf_searchers())) > 1
    assert archives["tantivy"].index.reader().searcher.num_segments > 1


@pytest.mark.parametrize("q", QUERIES)
def test_every_query_kind_matches_the_same_documents(archives, q):
    found = {kind: archive.search(SearchRequest(q=q, per_page=10)) for kind, archive in archives.items()}
    ids = {kind: set(_all(archive, q)) for kind, archive in archives.items()}
    assert ids["whoosh"] == ids["tantivy"]
    assert found["whoosh"].total == found["tantivy"].total == len(ids["whoosh"])
    assert found["whoosh"].partial == found["tantivy"].partial
    assert 0 < len(ids["whoosh"]) or q in ('"Kosten der Unterkunft"',), "a query that finds nothing tests nothing"


@pytest.mark.parametrize(("q", "filters"), FILTERED)
def test_filters_and_facet_counts_agree(archives, q, filters):
    results = {kind: archive.search(SearchRequest(q=q, filters=filters)) for kind, archive in archives.items()}
    whoosh, tantivy = results["whoosh"], results["tantivy"]
    assert whoosh.total == tantivy.total > 0
    assert whoosh.facets == tantivy.facets
    assert whoosh.facet_values == tantivy.facet_values


@pytest.mark.parametrize("q", QUERIES)
def test_facet_counts_agree(archives, q):
    results = {kind: archive.search(SearchRequest(q=q, facet_limit=1000)) for kind, archive in archives.items()}
    assert results["whoosh"].facets == results["tantivy"].facets


def test_counts_follow_sqlite(archives):
    """An oracle that is no engine: the type filter counts what SQLite has, NOT splits the store in two."""
    conn = archives["whoosh"].store.db.conn
    motions = conn.execute("SELECT count(*) FROM documents WHERE doc_type = 'antrag' AND publication = 'published'"
                           ).fetchone()[0]
    for archive in archives.values():
        assert archive.search(SearchRequest(q="typ:antrag")).total == motions
        assert (archive.search(SearchRequest(q="Kita")).total + archive.search(SearchRequest(q="-Kita")).total
                == SYNTHETIC + 4)


def test_rankings_agree_in_the_top_ten(archives, capsys):
    overlaps = []
    for q in [q for q in QUERIES if q and not q.startswith("-")]:
        tops = [set(h.id for h in archive.search(SearchRequest(q=q, per_page=10)).hits) for archive in
                archives.values()]
        overlaps.append((q, len(tops[0] & tops[1]) / max(1, len(tops[0]))))
    mean = sum(share for _q, share in overlaps) / len(overlaps)
    with capsys.disabled():
        print(f"\ntop-10 overlap whoosh/tantivy: mean {mean:.2f}, lowest "
              + ", ".join(f"{q!r} {share:.1f}" for q, share in sorted(overlaps, key=lambda p: p[1])[:3]))
    assert mean >= TOP10_FLOOR


def test_sorted_by_date_the_orders_are_equal(archives):
    for sort in ("newest", "oldest"):
        orders = [_all(archive, "Kita", sort=sort) for archive in archives.values()]
        assert orders[0] == orders[1] and orders[0]


def test_snippets_mark_the_words(archives):
    for archive in archives.values():
        result = archive.search(SearchRequest(q="Sozialticket", per_page=5))
        assert result.hits and all("<mark>" in hit.snippet for hit in result.hits)


def test_the_window_pages_alike(archives):
    pages = [[h.id for h in archive.search(SearchRequest(q="", sort="newest", page=3, per_page=20)).hits]
             for archive in archives.values()]
    assert pages[0] == pages[1] and len(pages[0]) == 20
    assert MAX_WINDOW >= 60


# -- writes ------------------------------------------------------------------

WORD = "Quaxelbrummverordnung"
FORM = {"doc_type": "Antrag", "date": "14.03.2023", "municipality": "Kiel", "district": "", "state": "",
        "parties": "SPD", "faction": "", "topics": ["verkehr"]}


@pytest.fixture
def private(store: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(store, target)
    return target


def _hits(root: Path, q: str = WORD) -> dict[str, int]:
    out = {}
    for kind in ENGINES:
        archive = Archive(root, engine=kind)
        archive.index.refresh_interval = 0
        out[kind] = archive.search(SearchRequest(q=q)).total
        archive.close()
    return out


def _ingest(archive: Archive, folder: Path, publication: str) -> int:
    path = make_docx(folder / "kiel.docx", motion_text("Kiel", f"Die {WORD} für Kiel", f"Wir beantragen die {WORD}."))
    [outcome] = list(archive.ingest([path], workers=1, publication=publication))
    return outcome.id


@pytest.mark.parametrize("kind", ENGINES)
def test_writes_through_either_engine_are_visible_at_once_in_both(private: Path, tmp_path: Path, kind: str):
    archive = Archive(private, engine=kind)
    archive.index.refresh_interval = 0
    doc_id = _ingest(archive, tmp_path, DRAFT)
    assert _hits(private) == {"whoosh": 0, "tantivy": 0}  # drafts reach no engine
    archive.publish(doc_id)
    assert archive.search(SearchRequest(q=WORD)).total == 1  # the writing thread sees its write at once
    assert _hits(private) == {"whoosh": 1, "tantivy": 1}
    archive.correct(doc_id, {**FORM, "title": "Die Zwirbelquastsatzung für Kiel"})
    assert _hits(private, "Zwirbelquastsatzung") == {"whoosh": 1, "tantivy": 1}
    assert _hits(private, f"titel:{WORD}") == {"whoosh": 0, "tantivy": 0}  # the old title is gone
    archive.withdraw(doc_id)
    assert _hits(private) == {"whoosh": 0, "tantivy": 0}
    archive.close()


def test_a_deleted_document_leaves_no_term_in_either_index(private: Path, tmp_path: Path):
    archive = Archive(private, engine="tantivy")
    doc_id = _ingest(archive, tmp_path, "published")
    assert _hits(private) == {"whoosh": 1, "tantivy": 1}
    archive.delete(doc_id)
    assert _hits(private) == {"whoosh": 0, "tantivy": 0}
    for kind in ENGINES:
        folder = engine_path(private, kind)
        on_disk = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
        assert b"quaxelbrumm" not in on_disk, kind
    archive.close()


def test_flask_check_sees_no_drift_in_the_active_engine(archives):
    for archive in archives.values():
        report = archive.check()
        assert not report.drift, report.summary()



def test_the_app_answers_through_the_engine_its_setting_names(store: Path):
    answers = {}
    for kind in ENGINES:
        client = make_app(store, SEARCH_ENGINE=kind).test_client()
        found = client.get("/api/search", query_string={"q": "titel:Sozialticket", "per_page": 100}).get_json()
        assert client.application.extensions["index"].kind == kind
        answers[kind] = (found["total"], sorted(hit["id"] for hit in found["hits"]))
    assert answers["whoosh"] == answers["tantivy"]
    assert 0 < answers["whoosh"][0] == len(answers["whoosh"][1])
    with pytest.raises(ValueError, match="SEARCH_ENGINE"):
        make_app(store, SEARCH_ENGINE="solr")


def test_a_rebuilt_index_answers_as_the_one_fed_write_by_write(private: Path):
    before = Archive(private, engine="tantivy")
    answers = {q: _all(before, q) for q in QUERIES[:12]}
    segments = before.index.reader().searcher.num_segments
    assert before.reindex(engine="tantivy") == SYNTHETIC + 4  # analysed in worker processes
    before.close()
    rebuilt = Archive(private, engine="tantivy")
    assert {q: _all(rebuilt, q) for q in answers} == answers
    assert rebuilt.index.reader().searcher.num_segments <= segments
    rebuilt.close()


@pytest.mark.parametrize("kind", list(ENGINES))
def test_a_query_of_only_filters_lists_the_newest_first(archives, kind: str):
    """Every document of ``partei:SPD`` scores alike: page 1 holds the newest of them, not any ten sorted by date."""
    archive = archives[kind]
    ids = _all(archive, "partei:SPD")
    rows = archive.documents(ids)
    assert len(ids) > 20
    newest = sorted((rows[i]["date"] or "" for i in ids), reverse=True)[:10]
    page = archive.search(SearchRequest(q="partei:SPD", per_page=10))
    shown = archive.documents([hit.id for hit in page.hits])
    assert [shown[hit.id]["date"] or "" for hit in page.hits] == newest


# -- the tantivy reader's shortcuts against tantivy's own full answers ---------
# The tantivy engine reads matches as bitmaps (a histogram aggregation over the ids) and scores a top-k deepened
# until the page is certain; here both are compared with what tantivy gives when asked for every hit.

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _plans(reader, q: str) -> tuple:
    """The compiled plan of ``q`` and its scoring plan (with the optional words), as ``archive.search`` makes them."""
    match = _match(reader, SearchRequest(q=q))
    return match.execution, match.scoring.query, match.scoring.prior


def _every_hit(reader, plan) -> tuple[np.ndarray, np.ndarray]:
    """tantivy's every hit of ``plan``, docnums and scores: the reference."""
    return reader.found(reader.searcher.search(reader.query(plan), limit=reader.table.size, count=False).hits)


def _random_mask(size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random(size) < rng.choice([0.002, 0.05, 0.3, 1.0])


@pytest.mark.parametrize("q", [q for q in QUERIES if q])
def test_tantivy_match_bitmaps_are_its_hits(archives, q):
    reader = archives["tantivy"].index.reader()
    execution, plan, _prior = _plans(reader, q)
    docs, _scores = _every_hit(reader, plan)
    expected = np.zeros(reader.table.size, dtype=bool)
    expected[docs] = True
    assert np.array_equal(execution.match(plan), expected)
    assert np.array_equal(tantivy_reader.live_ids(reader.searcher), reader.table.ids)


SCORE_RTOL = 1e-6


@settings(max_examples=80, deadline=None)
@given(q=st.sampled_from([q for q in QUERIES if q and not q.startswith("-")]), seed=SEEDS,
       limit=st.integers(min_value=1, max_value=80), few=st.sampled_from([0, 10_000]),
       weights=st.sampled_from(["none", "recency", "type"]))
def test_tantivy_top_k_is_the_best_of_every_hit(archives, q, seed, limit, few, weights):
    """Either way of ``top`` (restricted to few candidates, or tantivy's top-k deepened) gives the ``limit`` best
    of every hit by score times weight, among random candidates, with the weights the search uses (recency, and the
    doubled weight of a preferred type, which reaches hits far below tantivy's own top-k)."""
    reader = archives["tantivy"].index.reader()
    execution, plan, _prior = _plans(reader, q)
    table = reader.table
    prior = {"none": None, "recency": table.recency,
             "type": table.recency * np.where(table["doc_type"].having({"antrag"}, table.size), 2.0, 1.0)}[weights]
    candidates = _random_mask(table.size, seed)
    docs, scores = _every_hit(reader, plan)
    keep = candidates[docs]
    docs, weighted = docs[keep], scores[keep].astype(np.float64) * (1.0 if prior is None else prior[docs[keep]])
    reader.few = few
    try:
        found = execution.top(plan, candidates, limit, prior)
    finally:
        del reader.few
    best = np.sort(weighted)[::-1][:limit]
    # equal up to float32 rounding: tantivy sums a restricted query's scores in another order (a relative 1e-8)
    assert np.allclose([score for _docnum, score in found], best, rtol=SCORE_RTOL, atol=0.0)
    by_doc = dict(zip(docs.tolist(), weighted.tolist(), strict=True))
    assert all(candidates[docnum] and math.isclose(by_doc[docnum], score, rel_tol=SCORE_RTOL)
               for docnum, score in found)


@settings(max_examples=40, deadline=None)
@given(q=st.sampled_from(QUERIES), seed=SEEDS, sort=st.sampled_from(["relevance", "newest"]))
def test_random_filter_combinations_count_alike_in_both_engines(archives, q, seed, sort):
    """Facet counts (each facet without its own filter), totals and pages under random filters of several facets."""
    rnd = random.Random(seed)
    table = archives["whoosh"].index.reader().table
    filters = {}
    for name in rnd.sample(["doc_type", "state", "party", "topic", "year", "muster"], rnd.randint(1, 3)):
        values = list(table[name].values)
        filters[name] = tuple(rnd.sample(values, min(len(values), rnd.randint(1, 2))))
    request = SearchRequest(q=q, filters=filters, sort=sort, per_page=10, facet_limit=1000,
                            date_from=rnd.choice([None, "2019-01-01"]))
    results = {kind: archive.search(request) for kind, archive in archives.items()}
    assert results["whoosh"].total == results["tantivy"].total
    assert results["whoosh"].facets == results["tantivy"].facets
    if sort == "newest":
        assert [h.id for h in results["whoosh"].hits] == [h.id for h in results["tantivy"].hits]


def test_an_unchanged_tantivy_index_keeps_its_reader(private: Path):
    """The reader is only made anew when tantivy committed or ``facets.db`` changed (its masks stay cached)."""
    archive = Archive(private, engine="tantivy")
    archive.index.refresh_interval = 0
    first = archive.index.reader()
    archive.search(SearchRequest(q="Kita"))
    assert archive.index.reader() is first
    archive.close()
    writer = Archive(private, engine="whoosh")
    with writer.store.transaction():
        writer.store.insert_documents([Generator(list(WORDS), seed=99).document(SYNTHETIC + 50)],
                                      keep_originals=False)
    writer.sync_index()
    writer.close()
    archive = Archive(private, engine="tantivy")
    archive.index.refresh_interval = 0
    assert archive.index.reader().table.size == first.table.size + 1
    archive.close()


@pytest.mark.parametrize("kind", list(ENGINES))
def test_a_snippet_follows_its_text_once_indexed(private: Path, kind: str):
    """Snippets are kept per index state: a page seen again gives the same snippets, and a text changed and indexed
    again is shown as it is now."""
    archive = Archive(private, engine=kind)
    archive.index.refresh_interval = 0
    first = archive.search(SearchRequest(q="Sozialticket", per_page=3))
    assert [h.snippet for h in archive.search(SearchRequest(q="Sozialticket", per_page=3)).hits] == [
        h.snippet for h in first.hits]
    changed = first.hits[0].id
    with archive.store.transaction():
        archive.store.db.conn.execute("UPDATE documents SET text = ? WHERE id = ?",
                                      ["Das Sozialticket wird verlängert, beschließt der Quaxelrat.", changed])
        archive.store.queue_index([changed])
    archive.sync_index()
    again = archive.search(SearchRequest(q="Sozialticket", per_page=100))
    [hit] = [h for h in again.hits if h.id == changed]
    assert "Quaxelrat" in hit.snippet
    archive.close()


def test_tantivy_top_k_of_a_plan_matching_every_document_ends(archives):
    """Deepened to the whole index, tantivy's top-k has every hit even when the last fetch was exactly full."""
    reader = archives["tantivy"].index.reader()
    table = reader.table
    words = sorted({term for word in WORDS for term in analyze(word)})
    plan = plans.Any(tuple(plans.Term("body", term) for term in words) + tuple(
        plans.Term("title", term) for term in words))
    execution = reader.execution()
    assert execution.match(plan).all()
    _docs, scores = _every_hit(reader, plan)
    assert (scores > 0).all()
    reader.few = 0
    try:
        outcome: list = []
        worker = threading.Thread(target=lambda: outcome.append(execution.top(plan, np.ones(table.size, bool),
                                                                              table.size)), daemon=True)
        worker.start()
        worker.join(timeout=60)
    finally:
        del reader.few
    assert outcome, "top() did not end"
    assert [score for _docnum, score in outcome[0]] == np.sort(scores.astype(np.float64))[::-1].tolist()

"""The sharding simulation (bench/shards.py): one tantivy index per Land, fanned out and merged, against one index
over the same documents. Totals and facet counts are sums, so they are equal where the shards read the query as
the one index does (here: every query without partial matches); the top 10 may differ where per-shard BM25
statistics do."""

from pathlib import Path

import pytest

from archive import Archive, SearchRequest
from archive.search import FacetCount, Hit
from bench import shards
from bench.synth import Generator
from tests.test_engines import WORDS


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shards") / "store"
    archive = Archive.open(root)
    generator = Generator(list(WORDS), seed=3)
    with archive.store.transaction():
        archive.store.insert_documents([generator.document(n, min_words=30, max_words=120) for n in range(1, 301)],
                                       keep_originals=False)
    archive.sync_index()
    archive.close()
    return root


def test_one_shard_per_land_holds_exactly_its_documents(store: Path):
    engines = shards.build(store)
    archive = Archive(store)
    try:
        by_state = {}
        for rows in archive.store.iter_documents(500):
            for row in rows:
                by_state.setdefault(shards.shard_name(row["state"]), set()).add(row["id"])
    finally:
        archive.close()
    assert len(engines) > 3
    assert {name: engine.ids() for name, engine in engines.items()} == by_state
    for engine in engines.values():
        engine.close()


def test_fanned_out_totals_and_facets_equal_one_index(store: Path):
    report = shards.compare(store, repeat=1)
    exact = [row for row in report["rows"] if row["same_total"]]
    assert report["queries"] == len(report["rows"]) > 20
    # a multi-word query or a compound with few full matches also lists partial matches, decided per shard: only
    # there may the totals differ (and then the facets with them)
    for row in report["rows"]:
        if not row["partial"]:
            assert row["same_total"] and row["same_facets"], row
    assert all(row["same_facets"] for row in exact)
    assert report["top10_overlap_mean"] >= 0.7


def test_merge_orders_by_score_and_sums():
    class Result:
        def __init__(self, total, hits, facets, partial=0):
            self.total, self.hits, self.facets, self.partial = total, hits, facets, partial

    a = Result(3, [Hit(0, 1, 2.0), Hit(1, 2, 0.5)], {"state": [FacetCount("Hessen", "Hessen", 3)]}, partial=1)
    b = Result(2, [Hit(0, 7, 1.0)], {"state": [FacetCount("Bayern", "Bayern", 2)]})
    merged = shards.merge([a, b], SearchRequest(q="x", per_page=2))
    assert merged.total == 5 and merged.ids == [1, 7] and merged.partial == 1
    assert merged.facets["state"] == {"Hessen": 3, "Bayern": 2}

"""Sharding by Land, simulated: one tantivy index per Bundesland, a query fanned out to all and merged.

What a distributed engine (OpenSearch, several tantivy nodes) would do, measured on one machine: each shard
answers the request with the archive's own search (facet counts, top hits, snippets) over its own documents,
and the merge sums the totals and facet counts and takes the best hits by score. Compared with one index over
the same documents: totals and facet counts are sums, so they are equal wherever every shard reads the query as
the one index does; they differ where the reading depends on statistics that each shard only knows for its own
documents (a word in 40 % of the documents becomes optional; a multi-word query or a compound with few full matches
also lists partial matches). The top 10 overlap as far as BM25 over per-shard statistics allows (each shard has its own
idf). A distributed engine closes both gaps with a first phase that collects global term statistics
(OpenSearch's ``dfs_query_then_fetch``), which this simulation leaves out. Timings: the single index, the shards
one after the other, the slowest shard (what a parallel fan-out waits for), and the merge itself.

    python -m bench.shards STORE            # builds STORE/shards/<Land>/ once, prints one JSON object
"""

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from archive import PUBLISHED, Archive, SearchRequest
from archive.engine import open_engine
from archive.search import MAX_FACET_LIMIT, search
from bench.searches import QUERIES, _request

NO_STATE = "ohne Land"
FACET_LIMIT = MAX_FACET_LIMIT  # (nearly) every facet value, so that the sums can be compared value by value


@dataclass
class Merged:
    total: int
    ids: list[int]
    facets: dict[str, Counter]
    partial: int = 0  # partial matches among ``total`` (each shard decides on its own whether to list them)


def shard_name(state: str | None) -> str:
    return (state or NO_STATE).replace("/", "-")


def build(store: Path, batch: int = 500) -> dict[str, object]:
    """One tantivy engine per Land under ``store/shards/``, each built from the published rows of its Land."""
    archive = Archive(store)
    try:
        states = [row[0] for row in archive.store.db.execute(
            "SELECT DISTINCT coalesce(state, '') FROM documents WHERE publication = ?", [PUBLISHED])]
        engines = {}
        for state in sorted(states):
            engine = open_engine("tantivy", store / "shards" / shard_name(state))
            if engine.needs_rebuild() or not engine.ids():
                engine.rebuild(_rows_of(archive, state, batch), procs=1)
            engines[shard_name(state)] = engine
        return engines
    finally:
        archive.close()


def _rows_of(archive: Archive, state: str, batch: int):
    for rows in archive.store.iter_documents(batch, PUBLISHED):
        mine = [row for row in rows if (row.get("state") or "") == state]
        if mine:
            yield mine


def fan_out(readers: dict, request: SearchRequest, texts) -> tuple[Merged, list[float], float]:
    """The request on every shard, merged; the time of each shard and of the merge (ms)."""
    window = replace(request, page=1, per_page=request.page * request.per_page)
    results, times = [], []
    for reader in readers.values():
        started = time.perf_counter()
        results.append(search(reader, window, texts))
        times.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    merged = merge(results, request)
    return merged, times, (time.perf_counter() - started) * 1000


def merge(results: list, request: SearchRequest) -> Merged:
    """Totals and facet counts summed, hits by score (ties by id), the request's page."""
    facets: dict[str, Counter] = defaultdict(Counter)
    for result in results:
        for name, counts in result.facets.items():
            for count in counts:
                facets[name][count.value] += count.count
    hits = sorted((hit for result in results for hit in result.hits),
                  key=lambda hit: (-(hit.score or 0.0), hit.id))
    start = (request.page - 1) * request.per_page
    return Merged(sum(r.total for r in results), [h.id for h in hits[start:start + request.per_page]], dict(facets),
                  sum(r.partial for r in results))


def compare(store: Path, repeat: int = 3) -> dict:
    """Every bench query on one index and on the shards: equality and timings."""
    engines = build(store)
    archive = Archive.open(store, engine="tantivy")
    try:
        if not archive.index.ids():
            archive.reindex(engine="tantivy")
        single = archive.index.reader()
        readers = {name: engine.reader() for name, engine in engines.items()}

        def texts(ids: list[int]) -> dict[int, str]:
            return archive.store.texts(ids, 50_000)

        rows = []
        for kind, items in QUERIES.items():
            for item in items:
                rows.append(_one(kind, item, single, readers, texts, repeat))
    finally:
        archive.close()
        for engine in engines.values():
            engine.close()
    return _summary(rows, len(engines))


def _one(kind: str, item, single, readers: dict, texts, repeat: int) -> dict:
    """Timed with the app's facet limit; compared once with every facet value listed."""
    request = _request(item)
    one_ms, shard_ms, slowest_ms, merge_ms = [], [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        search(single, request, texts)
        one_ms.append((time.perf_counter() - started) * 1000)
        _merged, times, merging = fan_out(readers, request, texts)
        shard_ms.append(sum(times))
        slowest_ms.append(max(times))
        merge_ms.append(merging)
    request = replace(request, facet_limit=FACET_LIMIT)
    alone = search(single, request, texts)
    merged = fan_out(readers, request, texts)[0]
    same_facets = all(_same_counts(counts, merged.facets.get(name, Counter())) for name, counts in alone.facets.items())
    top = [hit.id for hit in alone.hits]
    scored = any(hit.score is not None for hit in alone.hits)  # a browse is ordered by date, which hits lack
    overlap = len(set(top) & set(merged.ids)) / len(top) if top and scored else None
    return {"kind": kind, "query": item if isinstance(item, str) else list(item), "total": alone.total,
            "merged_total": merged.total, "same_total": alone.total == merged.total, "same_facets": same_facets,
            "partial": bool(alone.partial or merged.partial),
            "top10_overlap": overlap, "single_ms": min(one_ms), "shards_sum_ms": min(shard_ms),
            "slowest_shard_ms": min(slowest_ms), "merge_ms": min(merge_ms)}


def _same_counts(listed: list, merged: Counter) -> bool:
    """The one index's listed counts are the merged ones; all of them when it listed every value."""
    if any(merged.get(count.value, 0) != count.count for count in listed):
        return False
    return len(listed) >= FACET_LIMIT or {count.value for count in listed} == {v for v, n in merged.items() if n}


def _summary(rows: list[dict], shards: int) -> dict:
    def median(key: str) -> float:
        return round(statistics.median(row[key] for row in rows), 2)

    return {"shards": shards, "queries": len(rows),
            "totals_equal": sum(row["same_total"] for row in rows),
            "facets_equal": sum(row["same_facets"] for row in rows),
            "top10_overlap_mean": round(statistics.mean(row["top10_overlap"] for row in rows
                                                        if row["top10_overlap"] is not None), 3),
            "single_ms_median": median("single_ms"), "shards_sum_ms_median": median("shards_sum_ms"),
            "slowest_shard_ms_median": median("slowest_shard_ms"), "merge_ms_median": median("merge_ms"),
            "rows": rows}


def print_report(report: dict) -> None:
    print(f"shards   one tantivy index per Land ({report['shards']} shards), {report['queries']} queries: totals equal "
          f"in {report['totals_equal']}, facet counts in {report['facets_equal']}, top-10 overlap "
          f"{report['top10_overlap_mean']}; median one index {report['single_ms_median']} ms, shards in turn "
          f"{report['shards_sum_ms_median']} ms, slowest shard {report['slowest_shard_ms_median']} ms, merge "
          f"{report['merge_ms_median']} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path, help="a bench store with a tantivy index (flask reindex --engine tantivy)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each query (the fastest counts)")
    args = ap.parse_args()
    json.dump(compare(args.store, args.repeat), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()

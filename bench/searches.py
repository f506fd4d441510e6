"""Search latency with facet counts and top-10 snippets, for a fixed set of queries.

Each query runs ``repeat`` times. The first run of a query reads its posting lists from the index
("cold"); later runs find the decoded lists in the process's bounded cache ("warm"). Both are
reported, and the overall figures include both. ``fresh`` runs the measurement in a new process, so that
engines compared side by side each start with empty caches:

    python -m bench.searches STORE --engine tantivy --repeat 5   # one JSON object
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from archive import Archive, SearchRequest

QUERIES = {
    "single": ["Kita", "Sozialticket", "Haushalt", "Stadt", "Verwaltung", "Radverkehr"],
    "and": ["Kita Gebühren", "Miete Wohnungsbau", "Stadt Rat Antrag", "Schule Sanierung"],
    "phrase": ['"sozialer Wohnungsbau"', '"der Rat möge beschließen"', '"Kosten der Unterkunft"'],
    "prefix": ["stad*", "kita*", "schul*", "wohn*"],
    "or_not": ["Kita OR Schule", "Verkehr -Parken"],
    "filtered": [("Kita", {"doc_type": ("antrag",)}), ("Haushalt", {"state": ("Nordrhein-Westfalen",)}),
                 ("", {"topic": ("verkehr",), "year": ("2020", "2021")}), ("Stadt", {"party": ("SPD",)})],
    "browse": [("", {})],
}


def _request(item) -> SearchRequest:
    if isinstance(item, tuple):
        q, filters = item
        return SearchRequest(q=q, filters=filters, per_page=10)
    return SearchRequest(q=item, per_page=10)


def measure(store: Path, repeat: int, engine: str = "whoosh") -> dict:
    load_before = [round(value, 2) for value in os.getloadavg()]
    archive = Archive.open(store, engine=engine)
    archive.search(SearchRequest(q="warmup"))  # opens the searcher and decodes the facet table once
    by_kind, everything, cold, warm = {}, [], [], []
    for kind, items in QUERIES.items():
        times = []
        for item in items:
            for run in range(repeat):
                started = time.perf_counter()
                archive.search(_request(item))
                elapsed = (time.perf_counter() - started) * 1000
                times.append(elapsed)
                (warm if run else cold).append(elapsed)
        by_kind[kind] = _stats(times)
        everything.extend(times)
    archive.close()
    return {"by_kind": by_kind, "overall": _stats(everything), "cold": _stats(cold),
            "warm": _stats(warm) if warm else None, "repeat": repeat, "engine": engine,
            "load_before": load_before, "load_after": [round(value, 2) for value in os.getloadavg()]}


def fresh(store: Path, repeat: int, engine: str) -> dict:
    """``measure`` in a new Python process (empty caches)."""
    done = subprocess.run([sys.executable, "-m", "bench.searches", str(store), "--engine", engine,
                           "--repeat", str(repeat)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def varied_queries(words: list[str], count: int, seed: int = 11) -> list[str]:
    """``count`` queries drawn from the corpus vocabulary: single words, pairs, prefixes and phrases,
    so that a load test does not only repeat the fixed set."""
    rnd = random.Random(seed)
    pool = [w for w in words[:5000] if len(w) >= 4]
    shapes = (
        lambda: rnd.choice(pool),
        lambda: f"{rnd.choice(pool)} {rnd.choice(pool)}",
        lambda: rnd.choice(pool)[:rnd.randint(3, 5)] + "*",
        lambda: f'"{rnd.choice(pool)} {rnd.choice(pool)}"',
        lambda: f"{rnd.choice(pool)} OR {rnd.choice(pool)}",
    )
    return [rnd.choice(shapes)() for _ in range(count)]


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 1)

    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1], 1), "n": len(ordered)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="search latency of one engine on a bench store, as JSON")
    ap.add_argument("store", type=Path)
    ap.add_argument("--engine", default="whoosh")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(json.dumps(measure(args.store, args.repeat, args.engine)))

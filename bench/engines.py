"""Both search engines side by side on one bench store: build time, index size, search latency, load.

Both indexes are built here from the same SQLite rows with the outbox empty (``build_store``'s reindex
also computed the text reuse of the queued documents, which is no engine's cost). Searches run in fresh
processes, the engines alternating for ``rounds`` rounds, so neither profits from the other's warm
caches; each round's figures are kept.
"""

import time
from pathlib import Path

from archive import Archive
from archive.engine import ENGINES, engine_path
from bench import load, searches

PARTS = ("overall", "cold", "warm")


def folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def build(store: Path, kind: str) -> dict:
    archive = Archive(store)
    started = time.monotonic()
    archive.reindex(engine=kind)
    took = time.monotonic() - started
    count = archive.count()
    archive.close()
    return {"reindex_s": round(took, 1), "reindex_docs_per_s": round(count / took, 1),
            "index_mb": folder_mb(engine_path(store, kind))}


def compare(store: Path, repeat: int, rounds: int, words: list[str], seconds: float, concurrency: int) -> dict:
    out = {kind: {"rounds": [], "build": build(store, kind)} for kind in ENGINES}
    for _round in range(rounds):
        for kind in ENGINES:
            out[kind]["rounds"].append(searches.fresh(store, repeat, kind))
    for kind in ENGINES:
        out[kind]["http"] = load.measure(store, words, seconds, concurrency, engine=kind)
    return out


def print_report(report: dict) -> None:
    print("engines  side by side (fresh process per round; facets + top-10 snippets included)")
    for kind, row in report.items():
        built = row["build"]
        print(f"  {kind:8} reindex {built['reindex_s']} s, index {built['index_mb']} MB; "
              f"http {row['http']['requests_per_s']} req/s (p95 {row['http']['p95_ms']} ms)")
        for part in PARTS:
            values = [r[part] for r in row["rounds"] if r.get(part)]
            p50 = "/".join(f"{v['p50_ms']:.1f}" for v in values)
            p95 = "/".join(f"{v['p95_ms']:.1f}" for v in values)
            print(f"    {part:8} p50 {p50} ms  p95 {p95} ms")

"""Both search engines side by side on one bench store: build time, index size, search latency, load.

Both indexes are built here from the same SQLite rows with the outbox empty (``build_store``'s reindex
also computed the text reuse of the queued documents, which is no engine's cost). Searches run in fresh
processes, the engines alternating for ``rounds`` rounds, so neither profits from the other's warm
caches; each round's figures are kept.
"""

import argparse
import json
import os
import time
from pathlib import Path

from archive import Archive
from archive.engine import ENGINES, engine_path, open_engine
from bench import load, searches

PARTS = ("overall", "cold", "warm")


def folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (the two cores are shared: figures say how loaded)."""
    return [round(value, 2) for value in os.getloadavg()]


def build_record(store: Path, kind: str) -> Path:
    return store / f"bench-build-{kind}.json"


def build(store: Path, kind: str) -> dict:
    """Reindex ``kind`` from SQLite and time it; the figures are also kept beside the store (``build_record``), so
    that a later run with ``reuse`` can report them without building again."""
    archive = Archive(store)
    before = load_average()
    started = time.monotonic()
    archive.reindex(engine=kind)
    took = time.monotonic() - started
    count = archive.count()
    archive.close()
    built = {"reindex_s": round(took, 1), "reindex_docs_per_s": round(count / took, 1),
             "index_mb": folder_mb(engine_path(store, kind)), "docs": count, "load_before": before,
             "load_after": load_average(), "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    build_record(store, kind).write_text(json.dumps(built))
    return built


def built_before(store: Path, kind: str) -> dict | None:
    """The recorded build of ``kind`` if its index is still the one recorded (same documents, current schema)."""
    record = build_record(store, kind)
    if not record.exists():
        return None
    engine = open_engine(kind, engine_path(store, kind))
    try:
        if engine.needs_rebuild():
            return None
        found = json.loads(record.read_text())
        archive = Archive(store)
        count = archive.count()
        archive.close()
        return {**found, "reused": True} if found.get("docs") == count else None
    finally:
        engine.close()


def compare(store: Path, repeat: int, rounds: int, words: list[str], seconds: float, concurrency: int,
            reuse: bool = False) -> dict:
    """Both engines built (or, with ``reuse``, their recorded builds taken), then searched in alternating fresh
    processes, then each served under load."""
    out = {kind: {"rounds": [], "build": (reuse and built_before(store, kind)) or build(store, kind)}
           for kind in ENGINES}
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
        http = row["http"]
        reused = " (recorded " + built["at"] + ")" if built.get("reused") else ""
        print(f"  {kind:8} reindex {built['reindex_s']} s{reused}, index {built['index_mb']} MB, load "
              f"{built.get('load_before')}->{built.get('load_after')}; http {http['requests_per_s']} req/s "
              f"(p50 {http['p50_ms']}, p95 {http['p95_ms']}, p99 {http.get('p99_ms')} ms; server RSS "
              f"{http.get('server_rss_mb')} MB, peaks {http.get('server_peak_rss_mb')} MB; load "
              f"{http.get('load_before')}->{http.get('load_after')})")
        for part in (*PARTS, "phrase"):
            values = [(r["by_kind"] if part == "phrase" else r)[part] for r in row["rounds"]
                      if (r["by_kind"] if part == "phrase" else r).get(part)]
            p50 = "/".join(f"{v['p50_ms']:.1f}" for v in values)
            p95 = "/".join(f"{v['p95_ms']:.1f}" for v in values)
            print(f"    {part:8} p50 {p50} ms  p95 {p95} ms")
        print("    load    " + " ".join(f"{r.get('load_before')}->{r.get('load_after')}" for r in row["rounds"]))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="build one engine's index of a bench store and record the time")
    ap.add_argument("store", type=Path)
    ap.add_argument("--engine", default="whoosh")
    args = ap.parse_args()
    print(json.dumps(build(args.store, args.engine)))

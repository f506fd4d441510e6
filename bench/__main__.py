"""``make bench``: build a synthetic store and measure ingest, reindex, search, the served app and the exports.

    python -m bench --docs 10000          # what `make bench` runs
    python -m bench --docs 100000 --reuse # keep an already built store of that size
"""

import argparse
import json
import platform
import shutil
import time
from pathlib import Path

from archive import Archive
from bench import engines, exports, formats, load, related, searches, shards, throughput
from bench.synth import Generator, vocabulary

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    args = _args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    words = vocabulary(ROOT / "data" / "sample")
    report = {"docs": args.docs, "machine": f"{platform.machine()}, {platform.python_version()}",
              "vocabulary_words": len(words)}
    if not args.skip_ingest:
        report["ingest"] = throughput.measure_ingest(out / "ingest", words, args.pdfs)
    if not args.skip_formats:
        report["extraction"] = formats.measure(out / "formats-store")
    store = out / f"store-{args.docs}"
    report["build"] = build_store(store, words, args.docs, args.reuse)
    if not args.skip_main:
        report["search"] = searches.measure(store, args.repeat)
        report["http"] = load.measure(store, words, args.seconds, args.concurrency)
    if not args.skip_engines:
        report["engines"] = engines.compare(store, args.repeat, args.rounds, words, args.seconds, args.concurrency,
                                            reuse=args.reuse)
    if not args.skip_shards:
        report["shards"] = shards.compare(store, args.repeat)
    if not args.skip_exports:
        report["export"] = exports.measure(store)
    if not args.skip_related:
        report["related"] = related.measure(store)
    print_report(report)
    path = out / f"results-{args.docs}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nJSON: {path}")


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000, help="documents in the synthetic store")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"), help="work folder (git-ignored)")
    ap.add_argument("--reuse", action="store_true", help="reuse a store of the same size if present")
    ap.add_argument("--pdfs", type=int, default=60, help="3-page PDFs for the ingest measurement")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each benchmark query")
    ap.add_argument("--seconds", type=float, default=15.0, help="duration of the HTTP load test")
    ap.add_argument("--concurrency", type=int, default=8, help="parallel HTTP clients")
    ap.add_argument("--skip-formats", action="store_true", help="skip per-format extraction throughput")
    ap.add_argument("--skip-exports", action="store_true", help="skip the /api/export measurement")
    ap.add_argument("--skip-related", action="store_true", help="skip text reuse and similar documents")
    ap.add_argument("--skip-engines", action="store_true", help="skip the Whoosh/tantivy comparison")
    ap.add_argument("--skip-main", action="store_true",
                    help="skip the default engine's search and HTTP figures (the engine comparison has both engines')")
    ap.add_argument("--skip-ingest", action="store_true", help="skip the ingest of 3-page PDFs")
    ap.add_argument("--skip-shards", action="store_true", help="skip the simulation of one tantivy index per Land")
    ap.add_argument("--rounds", type=int, default=2, help="alternating fresh-process rounds per engine")
    return ap.parse_args()


def build_store(store: Path, words: list[str], count: int, reuse: bool) -> dict:
    if reuse and (store / "archive.db").exists():
        archive = Archive(store)
        if archive.count() == count:
            archive.close()
            return {"reused": True}
        archive.close()
    shutil.rmtree(store, ignore_errors=True)
    archive = Archive(store)
    generator = Generator(words)
    started = time.monotonic()
    batch = []
    for doc in generator.documents(count):
        batch.append(doc)
        if len(batch) == 1000:
            _insert(archive, batch)
            batch = []
    _insert(archive, batch)
    stored = time.monotonic() - started
    started = time.monotonic()
    archive.reindex()
    reindex = time.monotonic() - started
    size = sum(p.stat().st_size for p in (store / "index").rglob("*") if p.is_file())
    archive.close()
    return {"sqlite_load_s": round(stored, 1), "reindex_s": round(reindex, 1),
            "reindex_docs_per_s": round(count / reindex, 1), "index_mb": round(size / 2**20, 1)}


def _insert(archive: Archive, batch: list) -> None:
    with archive.store.transaction():
        archive.store.insert_documents(batch, keep_originals=False)


def print_report(report: dict) -> None:
    print(f"\n== Antragsarchiv benchmark: {report['docs']} documents ({report['machine']}) ==")
    if "ingest" in report:
        ing = report["ingest"]
        print(f"ingest   {ing['files']} PDFs x {ing['pages_per_file']} pages: {ing['docs_per_s']} docs/s, "
              f"{ing['pages_per_s']} pages/s ({ing['workers']} workers)")
    if "extraction" in report:
        ext = report["extraction"]
        print(f"extract  per format, 1 worker ({ext['corpus']}):")
        for kind, row in ext["formats"].items():
            pages = f", {row['pages_per_s']} pages/s" if "pages_per_s" in row else ""
            print(f"  {kind:8} {row['files']:4} files: {row['docs_per_s']} docs/s{pages} ({row['failed']} failed)")
        meta = ext["metadata"]
        print(f"  metadata from parsed text: {meta['mean_ms']} ms/doc (p95 {meta['p95_ms']} ms), against "
              f"{meta['parse_mean_ms']} ms/doc for parsing ({meta['docs']} docs, 1 worker)")
        e2e = ext["end_to_end"]
        print(f"  end-to-end ingest: {e2e['docs_per_s']} docs/s ({e2e['files']} files, {e2e['workers']} workers, "
              f"{e2e['failed']} failed)")
    build = report["build"]
    if not build.get("reused"):
        print(f"reindex  {build['reindex_s']} s ({build['reindex_docs_per_s']} docs/s), index {build['index_mb']} MB")
    if "search" in report:
        _print_main(report)
    if "engines" in report:
        engines.print_report(report["engines"])
    if "shards" in report:
        shards.print_report(report["shards"])
    if "export" in report:
        exports.print_report(report["export"])
    if "related" in report:
        related.print_report(report["related"])


def _print_main(report: dict) -> None:
    print(f"search   (facets + top-10 snippets included; load {report['search'].get('load_before')}->"
          f"{report['search'].get('load_after')})")
    for kind, row in report["search"]["by_kind"].items():
        print(f"  {kind:10} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms")
    for part in ("overall", "cold", "warm"):
        row = report["search"][part]
        if row:
            print(f"  {part:10} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms")
    http = report["http"]
    print(f"http     {http['requests_per_s']} req/s on /api/search ({http['workers']} gunicorn workers, "
          f"{http['concurrency']} clients, {http['distinct_queries']} distinct queries, {http['requests']} requests, "
          f"{http['errors']} errors, p50 {http['p50_ms']} ms, p95 {http['p95_ms']} ms, p99 {http['p99_ms']} ms; "
          f"server RSS {http['server_rss_mb']} MB; load {http['load_before']}->{http['load_after']})")


if __name__ == "__main__":
    main()

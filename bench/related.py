"""Text reuse and similar documents on the synthetic store: ``flask similar rebuild`` (documents/s, rows and MB
of the tables), a document page's first view (similar documents computed, one OR search) and a later view
(cached), and ``/api/search`` with and without ``collapse=same_text``.

The synthetic documents are drawn independently from one vocabulary, so they share no text: the band table and
the candidates it yields are the noise a real archive has too, the pairs are few. Run as part of ``make bench``
(``--skip-related`` leaves it out).
"""

import random
import sqlite3
import statistics
import time
from pathlib import Path

from archive import Archive, reuse

PAGES = 40  # documents whose page is opened (first and second view)
QUERIES = ("Stadt", "Verkehr Schule", "Antrag Haushalt", "Kita*")


def _ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def measure(store: Path) -> dict:
    db = store / "archive.db"
    archive = Archive(store)
    try:
        started = time.monotonic()
        count = archive.rebuild_reuse()
        seconds = time.monotonic() - started
        rows = reuse.counts(archive.store.db.conn)
        tables = _table_mb(archive.store.db.conn)
        ids = archive.store.published_ids()
    finally:
        archive.close()
    out = {"rebuild": {"docs": count, "seconds": round(seconds, 1), "docs_per_s": round(count / seconds, 1),
                       **rows, "tables_mb": tables, "db_mb": round(db.stat().st_size / 2**20, 1)}}
    out.update(_pages(store, random.Random(7).sample(ids, min(PAGES, len(ids)))))
    return out


def _table_mb(conn) -> dict:
    """MB per text-reuse table (SQLite's dbstat; empty where SQLite is built without it)."""
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat WHERE name IN "
                            "('reuse_bands', 'reuse_signatures', 'same_text', 'same_text_other') GROUP BY name")
        return {name: round(size / 2**20, 1) for name, size in rows}
    except sqlite3.OperationalError:
        return {}


def _pages(store: Path, ids: list[int]) -> dict:
    from search_app import create_app

    app = create_app({"ARCHIVE_DIR": str(store), "TESTING": True, "SECRET_KEY": "bench", "WORKER": "inline"})
    client = app.test_client()
    client.get("/api/search?q=Stadt")  # open the index and the facet table once
    first, cached = [], []
    for doc_id in ids:
        for times in (first, cached):
            started = time.monotonic()
            response = client.get(f"/dokument/{doc_id}")
            times.append(time.monotonic() - started)
            assert response.status_code == 200, response.status_code
    search = {"plain": [], "collapse": []}
    for _ in range(3):
        for q in QUERIES:
            for kind, extra in (("plain", ""), ("collapse", "&collapse=same_text")):
                started = time.monotonic()
                assert client.get(f"/api/search?q={q}{extra}").status_code == 200
                search[kind].append(time.monotonic() - started)
    return {"document_first_view": _ms(first), "document_cached_view": _ms(cached),
            "search_plain": _ms(search["plain"]), "search_collapse": _ms(search["collapse"])}


def print_report(report: dict) -> None:
    rebuild = report["rebuild"]
    print(f"reuse    similar rebuild: {rebuild['docs']} docs in {rebuild['seconds']} s "
          f"({rebuild['docs_per_s']} docs/s), "
          f"{rebuild['reuse_bands']} band keys, {rebuild['same_text']} pairs; MB: {rebuild['tables_mb']} "
          f"(archive.db {rebuild['db_mb']} MB)")
    for key, label in (("document_first_view", "page, first view"), ("document_cached_view", "page, cached"),
                       ("search_plain", "/api/search"), ("search_collapse", "  collapse=same_text")):
        row = report[key]
        print(f"  {label:22} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms")

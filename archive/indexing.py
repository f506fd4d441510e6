"""Bring the index in line with SQLite: drain the outbox (``index_queue``) that every write fills.

A write to SQLite queues the ids it touched in the same transaction; ``sync`` then writes the index entries of
the published ones and removes those of the others (drafts, withdrawn, deleted), and only then drops the
requests. So a crash at any point leaves, at worst, requests that the next ``sync`` (the worker's, at start
and after each job, or ``flask check --repair``) carries out: never an index entry without its SQLite row.

Every built engine (``archive.engine.built_engines``) gets the same writes. An engine that cannot purge a
deleted document's terms in place (``purges`` false: tantivy keeps them until it merges the segment) is rebuilt
from SQLite after a deletion.
"""

import logging
import threading
from collections.abc import Sequence

from archive import reuse
from archive.engine import Engines
from archive.store import PUBLISHED, Store

log = logging.getLogger(__name__)

BATCH = 200
REBUILD_BATCH = 500
_LOCK = threading.Lock()  # one drain at a time per process (Whoosh's write lock covers processes)


def sync(store: Store, index: Engines, batch: int = BATCH) -> int:
    """Carry out every queued request; return how many documents were touched."""
    done = 0
    with _LOCK:
        while True:
            upto, ids = store.queued(batch)
            if not ids:
                return done
            apply(store, index, ids)
            store.dequeue(ids, upto)
            done += len(ids)


def apply(store: Store, index: Engines, ids: list[int]) -> None:
    """Write the index entries of ``ids`` as SQLite has them now (rewriting segments that held a deleted
    document, so that nothing of it stays on disk), and their text-reuse signatures and pairs
    (``archive.reuse``: computed again only where the text changed)."""
    rows = store.get_many(ids, with_text=True)
    published = [row for row in rows.values() if row["publication"] == PUBLISHED]
    hidden = [doc_id for doc_id in ids if doc_id not in rows or rows[doc_id]["publication"] != PUBLISHED]
    deleted = any(doc_id not in rows for doc_id in ids)
    for engine in index if isinstance(index, Sequence) else (index,):
        engine.apply(published, hidden, purge=deleted)
        if deleted and not engine.purges:
            engine.rebuild(store.iter_documents(REBUILD_BATCH, PUBLISHED), procs=1)  # no fork from a busy process
    reuse.update(store.db.conn, rows, ids)  # text reuse of every touched document, published or not
    if hidden:
        log.info("index: %d written, %d removed%s", len(published), len(hidden), " (purged)" if deleted else "")
